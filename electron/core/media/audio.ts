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
 * Its time 0 is frame 0 (`videoStart`, seconds on the file's clock): ffmpeg
 * keeps the file's timestamps and pads or trims to them, so sound that
 * starts apart from the video or has gaps plays with its frames, as the
 * audio view draws it.
 */
export async function makeAudioFile(bins: FfmpegPaths, src: string, sha256: string, videoStart: number, signal?: AbortSignal): Promise<string> {
  const dir = path.join(os.tmpdir(), 'tellframe-audio');
  await mkdir(dir, { recursive: true });
  const out = path.join(dir, `${sha256}.frame0-v2.webm`);
  if (existsSync(out)) return out;
  const part = `${out}.${process.pid}.part.webm`;
  const res = await runProcess(
    bins.ffmpeg,
    ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-copyts', '-i', src, '-map', '0:a:0', '-vn', '-sn', '-dn',
      // Padded or trimmed to frame 0 on the file's clock, then counted from there: the file's time 0 is frame 0.
      '-af', `aresample=48000,aresample=async=1:first_pts=${Math.round(videoStart * 48000)},asetpts=PTS-STARTPTS`, '-c:a', 'libopus', '-b:a', '96k', '-f', 'webm', part],
    { signal, timeoutMs: 30 * 60_000 },
  );
  if (res.code !== 0) {
    await rm(part, { force: true });
    throw new TellframeError('FFMPEG_FAILED', `The audio could not be prepared: ${lastErrorLine(res.stderr)}`);
  }
  await rename(part, out);
  return out;
}
