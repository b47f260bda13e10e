import os from 'node:os';
import { TellframeError } from '../../../shared/errors';
import type { Rational } from '../../../shared/time';
import { i420Bytes, i420PixFmt } from '../../../shared/yuv';
import { parseShowinfoLine } from './frameIndex';
import type { FfmpegPaths } from './locate';
import { lastErrorLine, runProcess } from './process';

/** What extraction needs to know about a video: its stream and its frame index. */
export interface ExtractSource {
  path: string;
  streamIndex: number;
  width: number;
  height: number;
  timeBase: Rational;
  /** The container's start time in microseconds (ffmpeg's -ss is relative to it). */
  formatStartUs: number;
  pts: ArrayLike<number>;
  key: ArrayLike<boolean>;
  /** The decoder's pixel format (from the probe); decides the `i420` output's exact name. */
  pixFmt?: string | null;
  /** The demuxer seeks by dts and the video has reordering delay (see seeksByDts). */
  dtsSeek?: boolean;
}

/**
 * Whether a seek to a key frame's pts may land after it: a demuxer that
 * seeks by dts (every one but MP4/MOV's, which seeks by pts) on video with
 * B-frames. ffmpeg's -ss then seeks 3/23 s earlier; decode runs do the same.
 */
export function seeksByDts(formatName: string, videoDelay: number): boolean {
  return videoDelay > 0 && !formatName.split(',').includes('mov');
}

/** How much earlier ffmpeg's -ss seeks when seeksByDts (fftools: 3 * AV_TIME_BASE / 23). */
export const DTS_SEEK_MARGIN_US = Math.trunc((3 * 1_000_000) / 23);

/** `i420`: planar 8-bit 4:2:0 as decoded, no conversion (only for sources that sendsI420). */
export type FrameFormat = 'rgba' | 'png' | 'i420';

export interface ExtractedFrame {
  index: number;
  pts: number;
  width: number;
  height: number;
  format: FrameFormat;
  data: Buffer;
}

export interface ExtractOptions {
  format?: FrameFormat;
  /** Scale down (never up) to at most this width, keeping the aspect ratio: thumbnails. */
  maxWidth?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The key frame at or before frame i, from the index (frame 0 is always a valid start). */
export function keyFrameAtOrBefore(key: ArrayLike<boolean>, i: number): number {
  for (let k = i; k > 0; k--) if (key[k]) return k;
  return 0;
}

/** How many frames before i share i's pts (only after a full decode of an odd file). */
export function dupRank(pts: ArrayLike<number>, i: number): number {
  let d = 0;
  while (i - d - 1 >= 0 && pts[i - d - 1] === pts[i]) d++;
  return d;
}

/**
 * Where to seek to start decoding at key frame k, in seconds relative to the
 * container start (what ffmpeg's -ss and the movie filter's seek point
 * mean), or null to decode from the start (frame 0, or a key frame that lies
 * before the container start). One microsecond past the key frame's time
 * makes the demuxer pick that key frame rather than the one before it.
 * `dtsMargin` moves a seek on a seeksByDts source 3/23 s earlier, as -ss does
 * by itself (for seekers that do not, such as the movie source).
 */
export function seekSeconds(src: Pick<ExtractSource, 'pts' | 'timeBase' | 'formatStartUs' | 'dtsSeek'>, k: number, opts: { dtsMargin?: boolean } = {}): string | null {
  if (k <= 0) return null;
  const keyUs = Math.round((src.pts[k]! * src.timeBase.num * 1e6) / src.timeBase.den);
  const us = keyUs - src.formatStartUs + 1 - (opts.dtsMargin && src.dtsSeek ? DTS_SEEK_MARGIN_US : 0);
  return us > 0 ? (us / 1e6).toFixed(6) : null;
}

/**
 * Input options that start decoding at key frame k (none for frame 0).
 * -noaccurate_seek hands every frame from there to the filters, which pick
 * by pts. Shared by single extraction and the frame server's decode runs.
 */
export function seekArgs(src: Pick<ExtractSource, 'pts' | 'timeBase' | 'formatStartUs' | 'dtsSeek'>, k: number): string[] {
  const s = seekSeconds(src, k);
  return s === null ? [] : ['-ss', s, '-noaccurate_seek'];
}

/**
 * Decoder threads: one per core. ffmpeg's own default (cores + 1 frame
 * threads) decodes H.264 about 15 % slower on two cores.
 */
export function decodeThreads(): number {
  return Math.max(1, Math.min(16, os.availableParallelism()));
}

/** ffmpeg arguments that decode exactly one frame, chosen by its pts. Pure, for tests. */
export function extractArgs(src: ExtractSource, i: number, format: FrameFormat, seek: boolean, maxWidth?: number): string[] {
  const target = src.pts[i]!;
  const k = keyFrameAtOrBefore(src.key, i);
  const args = ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info'];
  if (seek) args.push(...seekArgs(src, k));
  const rank = dupRank(src.pts, i);
  const filters = [`select=gte(pts\\,${target})`];
  if (rank > 0) filters.push(`select=eq(n\\,${rank})`);
  filters.push('showinfo=checksum=0');
  if (maxWidth && src.width > maxWidth) filters.push(`scale=${maxWidth}:-2:flags=bilinear`);
  args.push(
    // The stored picture, as the frame server's movie source gives it: a rotation tag is not applied (nor the
    // width and height swapped), so every path to frame i gives the same pixels.
    '-threads', String(decodeThreads()), '-noautorotate', '-copyts', '-i', src.path,
    '-map', `0:${src.streamIndex}`, '-an', '-sn', '-dn',
    '-vf', filters.join(','),
    '-frames:v', '1', '-fps_mode', 'passthrough',
  );
  if (format === 'rgba') args.push('-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1');
  else if (format === 'i420') args.push('-f', 'rawvideo', '-pix_fmt', i420PixFmt(src.pixFmt), 'pipe:1');
  else args.push('-c:v', 'png', '-compression_level', '3', '-pix_fmt', 'rgba', '-f', 'image2pipe', 'pipe:1');
  return args;
}

/**
 * Decode exactly frame i (DESIGN.md frame truth): seek to the key frame at or
 * before it by pts, decode forward, pick the frame by its pts (never by
 * time × fps), and check the pts of what came out. If a seek lands wrong (a
 * demuxer with imprecise seeking), decode from the start instead.
 */
export async function extractFrame(
  bins: FfmpegPaths,
  src: ExtractSource,
  i: number,
  opts: ExtractOptions = {},
): Promise<ExtractedFrame> {
  const n = src.pts.length;
  if (!Number.isInteger(i) || i < 0 || i >= n) {
    throw new TellframeError('FRAME_OUT_OF_RANGE', `Frame ${i} is out of range (the video has ${n} frames: 0–${n - 1}).`);
  }
  const format = opts.format ?? 'rgba';
  const want = src.pts[i]!;
  const scaled = opts.maxWidth !== undefined && src.width > opts.maxWidth;
  const rawBytes = scaled ? undefined : format === 'rgba' ? src.width * src.height * 4 : format === 'i420' ? i420Bytes(src.width, src.height) : undefined;
  const attempt = async (seek: boolean): Promise<ExtractedFrame | null> => {
    let got: number | null = null;
    const res = await runProcess(bins.ffmpeg, extractArgs(src, i, format, seek, opts.maxWidth), {
      signal: opts.signal,
      timeoutMs: opts.timeoutMs ?? 120_000,
      maxStderr: 16 * 1024,
      expectedStdoutBytes: rawBytes,
      onStderrLine: (line) => {
        const f = parseShowinfoLine(line);
        if (f && got === null) got = f.pts;
      },
    });
    if (res.code !== 0) {
      throw new TellframeError('FFMPEG_FAILED', `ffmpeg could not decode frame ${i}: ${lastErrorLine(res.stderr) || `exit ${res.code}`}`);
    }
    if (got !== want || res.stdout.length === 0) return null;
    if (rawBytes !== undefined && res.stdout.length !== rawBytes) {
      throw new TellframeError('FFMPEG_FAILED', `Frame ${i} decoded to ${res.stdout.length} bytes, expected ${rawBytes} (${src.width}×${src.height} ${format}).`);
    }
    return { index: i, pts: want, width: src.width, height: src.height, format, data: res.stdout };
  };
  const frame = (await attempt(true)) ?? (keyFrameAtOrBefore(src.key, i) > 0 ? await attempt(false) : null);
  if (!frame) {
    throw new TellframeError('FRAME_MISMATCH', `Frame ${i} (pts ${want}) was not found in the decode; the file may have changed since import.`);
  }
  return frame;
}
