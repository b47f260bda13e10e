import { mkdirSync, writeFileSync } from 'node:fs';
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
export interface FrameHash {
  frame: number;
  pts: number;
  duration: number;
  size: number;
  md5: string;
}

export function framemd5Args(src: Pick<ExtractSource, 'path' | 'streamIndex'>): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-threads', String(decodeThreads()), '-copyts', '-i', src.path,
    '-map', `0:${src.streamIndex}`, '-an', '-sn', '-dn', '-fps_mode', 'passthrough',
    // The stream's own time base, so each line's pts compares with the stored index as it is.
    '-enc_time_base:v', '-1', '-f', 'framemd5', '-hash', 'md5', 'pipe:1',
  ];
}

/** Parse framemd5 text: the time base header and one row per frame (stream 0 only). Pure. */
export function parseFramemd5(text: string): { timeBase: Rational | null; rows: Omit<FrameHash, 'frame'>[] } {
  let timeBase: Rational | null = null;
  const rows: Omit<FrameHash, 'frame'>[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#tb 0:')) timeBase = parseRational(line.slice(6).trim());
    if (!line || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length < 6 || cells[0] !== '0') continue;
    rows.push({ pts: Number(cells[2]), duration: Number(cells[3]), size: Number(cells[4]), md5: cells[5]! });
  }
  return { timeBase, rows };
}

/** Hash every frame of one video and check each pts against the stored index. */
export async function hashFrames(ctx: Pick<ExportContext, 'media' | 'signal'>, v: ExportVideo, onFrame: (done: number) => void): Promise<FrameHash[]> {
  const src = ctx.media.source(v.id);
  let text = '';
  let lines = 0;
  const res = await runProcess(ctx.media.bins.ffmpeg, framemd5Args(src), {
    signal: ctx.signal,
    timeoutMs: 6 * 3600_000,
    onStdout: (chunk) => {
      const s = chunk.toString('utf8');
      text += s;
      for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) lines++;
      if (lines % 100 === 0) onFrame(Math.max(0, lines - 10));
    },
  });
  if (res.code !== 0) throw new TellframeError('FFMPEG_FAILED', `ffmpeg could not hash the frames: ${lastErrorLine(res.stderr)}`);
  const { timeBase, rows } = parseFramemd5(text);
  if (rows.length !== src.pts.length) {
    throw new TellframeError('FRAME_MISMATCH', `ffmpeg decoded ${rows.length} frames, the project's index has ${src.pts.length}.`);
  }
  const tb = src.timeBase;
  return rows.map((r, i) => {
    // Same time base by construction; a differing one is converted exactly before comparing.
    const pts = timeBase && (timeBase.num !== tb.num || timeBase.den !== tb.den) ? Math.round((r.pts * timeBase.num * tb.den) / (timeBase.den * tb.num)) : r.pts;
    if (pts !== src.pts[i]) throw new TellframeError('FRAME_MISMATCH', `Frame ${i}: ffmpeg decoded pts ${pts}, the project's index has ${src.pts[i]}.`);
    return { frame: i, pts, duration: r.duration, size: r.size, md5: r.md5 };
  });
}

export const FRAMEMD5_COLUMNS = ['frame', 'pts', 'time', 'duration', 'size', 'md5', 'same_as_previous'] as const;

/** The TSV of one video: `#` comment lines naming the file and the time rules, a header, a row per frame. */
export function framemd5Tsv(v: ExportVideo, hashes: readonly FrameHash[]): string {
  const out = [
    `# tellframe framemd5: ${v.file.replace(/[\r\n\t]/g, ' ')}`,
    `# sha256 ${v.sha256}; frames are exact decode indices; pts in time base ${v.timeBase.num}/${v.timeBase.den}; time in seconds from frame 0's pts; md5 of each decoded frame as ffmpeg's framemd5 computes it`,
    FRAMEMD5_COLUMNS.join('\t'),
  ];
  hashes.forEach((h, i) => {
    out.push([h.frame, h.pts, seconds(v, h.pts), h.duration, h.size, h.md5, i > 0 && hashes[i - 1]!.md5 === h.md5 ? 1 : 0].join('\t'));
  });
  return out.join('\n') + '\n';
}

export const exportFramemd5: FileExporter = async (ctx) => {
  const written: string[] = [];
  const total = ctx.model.videos.reduce((n, v) => n + v.frameCount, 0);
  let done = 0;
  for (const v of ctx.model.videos) {
    if (ctx.signal.aborted) throw new TellframeError('ABORTED', 'The export was cancelled.');
    let hashes: FrameHash[];
    try {
      hashes = await hashFrames(ctx, v, (n) => ctx.progress(done + n, total, `Hashing the frames of ${v.file}`));
    } catch (err) {
      throw videoError(err, v);
    }
    done += v.frameCount;
    const rel = `${videoSlug(v)}.tsv`;
    mkdirSync(ctx.dir, { recursive: true });
    writeFileSync(path.join(ctx.dir, rel), framemd5Tsv(v, hashes));
    written.push(rel);
    ctx.progress(done, total, `Hashed ${v.file}`);
  }
  return written;
};
