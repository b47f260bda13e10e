import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TellframeError } from '../../../shared/errors';
import type { FfmpegPaths } from './locate';
import { lastErrorLine, runProcess } from './process';

/**
 * The first audio stream of a video as a seekable WebM/Opus file in the temp
 * folder, named by the video's content hash so it is made once per content.
 * Its time 0 is the audio stream's own start.
 */
export async function makeAudioFile(bins: FfmpegPaths, src: string, sha256: string, signal?: AbortSignal): Promise<string> {
  const dir = path.join(os.tmpdir(), 'tellframe-audio');
  await mkdir(dir, { recursive: true });
  const out = path.join(dir, `${sha256}.webm`);
  if (existsSync(out)) return out;
  const part = `${out}.${process.pid}.part.webm`;
  const res = await runProcess(
    bins.ffmpeg,
    ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', src, '-map', '0:a:0', '-vn', '-sn', '-dn', '-c:a', 'libopus', '-b:a', '96k', '-f', 'webm', part],
    { signal, timeoutMs: 30 * 60_000 },
  );
  if (res.code !== 0) {
    await rm(part, { force: true });
    throw new TellframeError('FFMPEG_FAILED', `The audio could not be prepared: ${lastErrorLine(res.stderr)}`);
  }
  await rename(part, out);
  return out;
}
