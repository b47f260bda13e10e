import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { TellframeError } from '../../../shared/errors';
import { parseRational, type Rational } from '../../../shared/time';
import { decodeThreads, type ExtractSource } from '../media/extract';
import { lastErrorLine, runProcess } from '../media/process';
import { seconds, videoSlug, type ExportContext, type ExportVideo, type FileExporter } from './model';
import { videoError } from './frames';

/**
 * `framemd5`: the per-frame hash list of each video (ffmpeg's framemd5 of
 * every decoded frame, in the stream's own time base), as TSV, with the
 * exact frame index, pts, seconds from frame 0 and whether a frame is
 * identical to the one before (a duplicated frame). The decode's pts must
 * equal the stored index frame for frame, or the export fails: the list is
 * evidence that frame i is what the project calls frame i.
 */

export function framemd5Args(src: Pick<ExtractSource, 'path' | 'streamIndex'>): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-threads', String(decodeThreads()), '-copyts', '-i', src.path,
    '-map', `0:${src.streamIndex}`, '-an', '-sn', '-dn', '-fps_mode', 'passthrough',
    // The stream's own time base, so each line's pts compares with the stored index as it is.
    '-enc_time_base:v', '-1', '-f', 'framemd5', '-hash', 'md5', 'pipe:1',
  ];
}


/**
 * Hash every frame of one video into `file` (TSV), line by line as ffmpeg
 * prints them: each pts is checked against the stored index as it arrives
 * (ffmpeg is stopped at the first mismatch), and memory stays flat however
 * long the video is.
 */
export async function hashFramesToFile(
  ctx: Pick<ExportContext, 'media' | 'signal' | 'model'>,
  v: ExportVideo,
  file: string,
  onFrame: (done: number) => void,
): Promise<{ frames: number; repeated: number }> {
  const src = ctx.media.source(v.id);
  const fd = openSync(file, 'w');
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let failure: TellframeError | null = null;
  let partial = '';
  let frame = 0;
  let repeated = 0;
  let prev = '';
  let timeBase: Rational | null = null;
  const fail = (e: TellframeError) => {
    failure ??= e;
    stop.abort();
  };
  const onLine = (line: string) => {
    if (failure) return;
    if (line.startsWith('#tb 0:')) {
      timeBase = parseRational(line.slice(6).trim());
      // ffmpeg is told to keep the stream's time base; anything else would make the pts incomparable.
      if (timeBase.num * src.timeBase.den !== timeBase.den * src.timeBase.num) {
        fail(new TellframeError('FRAME_MISMATCH', `ffmpeg hashed in time base ${timeBase.num}/${timeBase.den}, not the stream's ${src.timeBase.num}/${src.timeBase.den}.`));
      }
      return;
    }
    if (!line || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length < 6 || cells[0] !== '0') return;
    const pts = Number(cells[2]);
    if (frame >= src.pts.length) return fail(new TellframeError('FRAME_MISMATCH', `ffmpeg decoded more frames than the project's index has (${src.pts.length}).`));
    if (pts !== src.pts[frame]) return fail(new TellframeError('FRAME_MISMATCH', `Frame ${frame}: ffmpeg decoded pts ${pts}, the project's index has ${src.pts[frame]}.`));
    const md5 = cells[5]!;
    const same = frame > 0 && md5 === prev;
    if (same) repeated++;
    writeSync(fd, `${frame}\t${pts}\t${seconds(v, pts)}\t${cells[3]}\t${cells[4]}\t${md5}\t${same ? 1 : 0}\n`);
    prev = md5;
    frame++;
    if (frame % 100 === 0) onFrame(frame);
  };
  try {
    writeSync(fd, framemd5Header(ctx.model.exported.ffmpeg, v));
    const res = await runProcess(ctx.media.bins.ffmpeg, framemd5Args(src), {
      signal: stop.signal,
      timeoutMs: 6 * 3600_000,
      onStdout: (chunk) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) onLine(l);
      },
    }).catch((err: unknown) => {
      if (failure) return null;
      throw err;
    });
    if (failure) throw failure;
    if (ctx.signal.aborted) throw new TellframeError('ABORTED', 'The export was cancelled.');
    if (res && res.code !== 0) throw new TellframeError('FFMPEG_FAILED', `ffmpeg could not hash the frames: ${lastErrorLine(res.stderr)}`);
    if (partial) onLine(partial);
    if (failure) throw failure;
    if (frame !== src.pts.length) throw new TellframeError('FRAME_MISMATCH', `ffmpeg decoded ${frame} frames, the project's index has ${src.pts.length}.`);
    return { frames: frame, repeated };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    closeSync(fd);
  }
}

export const FRAMEMD5_COLUMNS = ['frame', 'pts', 'time', 'duration', 'size', 'md5', 'same_as_previous'] as const;

/** `#` lines naming the file, what the hashes are of and how to reproduce them, then the column header. */
export function framemd5Header(ffmpeg: string, v: ExportVideo): string {
  return [
    `# tellframe framemd5: ${v.file.replace(/[\r\n\t]/g, ' ')}`,
    `# sha256 ${v.sha256}; frames are exact decode indices; pts and duration in time base ${v.timeBase.num}/${v.timeBase.den}; time in seconds from frame 0's pts`,
    `# md5 of each decoded picture (pixel format ${v.pixFmt ?? 'as decoded'}) as ffmpeg's framemd5 computes it; ${ffmpeg || 'ffmpeg'}`,
    FRAMEMD5_COLUMNS.join('\t'),
  ].join('\n') + '\n';
}

export const exportFramemd5: FileExporter = async (ctx) => {
  const written: string[] = [];
  const total = ctx.model.videos.reduce((n, v) => n + v.frameCount, 0);
  let done = 0;
  mkdirSync(ctx.dir, { recursive: true });
  for (const v of ctx.model.videos) {
    if (ctx.signal.aborted) throw new TellframeError('ABORTED', 'The export was cancelled.');
    const rel = `${videoSlug(v)}.tsv`;
    try {
      const r = await hashFramesToFile(ctx, v, path.join(ctx.dir, rel), (n) => ctx.progress(done + n, total, `Hashing the frames of ${v.file}`));
      done += v.frameCount;
      ctx.progress(done, total, `Hashed ${v.file}: ${r.repeated} frames repeat the one before`);
    } catch (err) {
      throw videoError(err, v);
    }
    written.push(rel);
  }
  return written;
};
