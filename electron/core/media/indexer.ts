import { TellframeError } from '../../../shared/errors';
import type { IndexMethod, VideoStreamInfo } from '../../../shared/model';
import type { Rational } from '../../../shared/time';
import {
  parsePacketsCsv,
  parseShowinfoLine,
  predictFromPackets,
  spliceHead,
  type FrameList,
} from './frameIndex';
import type { FfmpegPaths } from './locate';
import { lastErrorLine, runProcess } from './process';

export interface FrameIndexResult {
  timeBase: Rational;
  pts: number[];
  key: boolean[];
  method: IndexMethod;
  /** Why a full decode was needed, or what the head check found. */
  notes: string[];
}

export interface IndexOptions {
  signal?: AbortSignal;
  /** 0..1 while a full decode runs (packet indexing is too quick to report). */
  onProgress?: (fraction: number) => void;
  /** Frames decoded at the head to check the packet prediction (default 48). */
  headFrames?: number;
  /** Skip the packet path (tests and `--exact-decode`). */
  forceDecode?: boolean;
}

/** The decoded frames as the definition of frame truth states it (see DESIGN.md). */
export async function decodeFrames(
  bins: FfmpegPaths,
  file: string,
  video: VideoStreamInfo,
  opts: { signal?: AbortSignal; maxFrames?: number; onFrame?: (pts: number) => void } = {},
): Promise<FrameList & { reachedEnd: boolean }> {
  const pts: number[] = [];
  const key: boolean[] = [];
  const args = [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
    // Pixels are not looked at here; skipping the deblocking filter makes the
    // decode cheaper and changes no frame's existence or timestamp.
    '-skip_loop_filter', 'all',
    '-copyts', '-i', file,
    '-map', `0:${video.index}`, '-an', '-sn', '-dn',
    '-fps_mode', 'passthrough',
    '-vf', 'showinfo=checksum=0',
  ];
  if (opts.maxFrames !== undefined) args.push('-frames:v', String(opts.maxFrames));
  args.push('-f', 'null', '-');
  let missing = 0;
  const res = await runProcess(bins.ffmpeg, args, {
    signal: opts.signal,
    timeoutMs: 6 * 3600_000,
    maxStderr: 64 * 1024,
    onStderrLine: (line) => {
      const f = parseShowinfoLine(line);
      if (!f) return;
      if (f.pts === null) {
        missing++;
        return;
      }
      pts.push(f.pts);
      key.push(f.key);
      opts.onFrame?.(f.pts);
    },
  });
  if (res.code !== 0 && pts.length === 0) {
    throw new TellframeError('NOT_A_VIDEO', `No frame could be decoded (${lastErrorLine(res.stderr) || `ffmpeg exited with ${res.code}`}).`);
  }
  if (missing) throw new TellframeError('FFMPEG_FAILED', `${missing} decoded frames carry no timestamp; the file cannot be indexed exactly.`);
  const reachedEnd = opts.maxFrames === undefined || pts.length < opts.maxFrames;
  return { pts, key, reachedEnd };
}

/**
 * Messages from the demuxer, not from the decoders ffprobe runs while it
 * gathers stream info (a stream cut mid-GOP makes the H.264 decoder complain
 * about missing parameter sets; the head check covers that).
 */
export function demuxerMessages(stderr: string): string[] {
  return stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^Last message repeated/.test(l))
    .filter((l) => {
      const tag = /^\[([\w,-]+) @ [0-9a-fx]+\]/.exec(l)?.[1];
      return !tag || !DECODER_TAGS.has(tag);
    });
}

const DECODER_TAGS = new Set([
  'h264', 'hevc', 'vp8', 'vp9', 'av1', 'libdav1d', 'libaom-av1', 'mpeg2video', 'mpeg1video', 'mpeg4', 'mjpeg', 'prores', 'dnxhd',
  'aac', 'mp3', 'mp3float', 'ac3', 'eac3', 'opus', 'libopus', 'vorbis', 'flac', 'pcm_s16le', 'dca', 'truehd', 'mp2', 'mp2float',
]);

async function readPackets(bins: FfmpegPaths, file: string, video: VideoStreamInfo, signal?: AbortSignal) {
  const res = await runProcess(
    bins.ffprobe,
    ['-v', 'error', '-hide_banner', '-select_streams', String(video.index), '-show_entries', 'packet=pts,dts,flags', '-of', 'csv=p=0', '-i', file],
    { signal, timeoutMs: 600_000 },
  );
  if (res.code !== 0) throw new TellframeError('NOT_A_VIDEO', `Packets could not be read (${lastErrorLine(res.stderr)}).`);
  return { packets: parsePacketsCsv(res.stdout.toString('latin1')), stderr: res.stderr };
}

/**
 * The exact frame index. Fast path: the packet list (ffprobe, no decode) and,
 * in parallel, a decode of the first `headFrames` frames; the decoded head is
 * the truth for its frames and must line up with the packet prediction, after
 * which packets are trusted. Where packets are not provably one frame each
 * (codec, interlacing, missing or duplicate timestamps, corrupt packets,
 * errors while demuxing) or the head does not line up, every frame is decoded.
 */
export async function indexFrames(
  bins: FfmpegPaths,
  file: string,
  video: VideoStreamInfo,
  opts: IndexOptions = {},
): Promise<FrameIndexResult> {
  const timeBase = video.timeBase;
  const headFrames = opts.headFrames ?? 48;
  const full = async (notes: string[]): Promise<FrameIndexResult> => {
    const expectedEnd = video.duration && video.duration > 0 ? video.duration : null;
    const startTime = video.startTime ?? 0;
    const d = await decodeFrames(bins, file, video, {
      signal: opts.signal,
      onFrame: expectedEnd && opts.onProgress
        ? (p) => opts.onProgress!(Math.min(1, Math.max(0, ((p * timeBase.num) / timeBase.den - startTime) / expectedEnd)))
        : undefined,
    });
    return { timeBase, pts: d.pts, key: d.key, method: 'decode', notes };
  };
  if (opts.forceDecode) return full(['full decode requested']);

  const [packetsRes, head] = await Promise.all([
    readPackets(bins, file, video, opts.signal),
    decodeFrames(bins, file, video, { signal: opts.signal, maxFrames: headFrames }),
  ]);
  if (/partial file/i.test(packetsRes.stderr)) {
    throw new TellframeError('TRUNCATED', `The file is truncated: ${lastErrorLine(packetsRes.stderr).replace(/^\[.*?\]\s*/, '')}.`);
  }
  if (head.pts.length === 0) throw new TellframeError('NOT_A_VIDEO', 'The video stream has no decodable frame.');
  if (head.reachedEnd) {
    return { timeBase, pts: head.pts, key: head.key, method: 'decode', notes: ['short stream: decoded in full'] };
  }
  const pred = predictFromPackets(packetsRes.packets, video.codec, video.fieldOrder);
  const untrusted = [...pred.untrusted];
  const demuxerSaid = demuxerMessages(packetsRes.stderr);
  if (demuxerSaid.length) untrusted.push(`demuxer reported: ${demuxerSaid[demuxerSaid.length - 1]}`);
  if (untrusted.length) return full(untrusted);
  const spliced = spliceHead(pred.frames, head);
  if (!spliced) return full(['decoded head does not line up with the packets']);
  const dropped = pred.frames.pts.length - spliced.pts.length;
  const notes = dropped !== 0 ? [`${Math.abs(dropped)} leading packets ${dropped > 0 ? 'never decode' : 'decode to extra frames'}`] : [];
  return { timeBase, pts: spliced.pts, key: spliced.key, method: 'packets', notes };
}
