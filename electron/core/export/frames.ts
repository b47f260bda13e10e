import { mkdirSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { encode as encodeJpegRgba } from 'jpeg-js';
import { PNG } from 'pngjs';
import { normaliseKeyframes, shapeAt, type Annotation, type ShapeAt } from '../../../shared/annotations';
import { TellframeError } from '../../../shared/errors';
import type { FramesOptions } from '../../../shared/exportFormats';
import { decodeThreads, keyFrameAtOrBefore, seekArgs, seekSeconds, type ExtractSource } from '../media/extract';
import { parseShowinfoLine } from '../media/frameIndex';
import type { FfmpegPaths } from '../media/locate';
import { lastErrorLine, runProcess } from '../media/process';
import { seconds, sha12, type ExportContext, type ExportVideo, type FileExporter } from './model';
import { mulberry32 } from './splits';

/**
 * `frames`: still images of exact frames (docs/formats.md), and the
 * decode machinery `coco` reuses. Frame i is ffmpeg's i-th decoded frame
 * (DESIGN.md frame truth): one ffmpeg run per cluster of nearby wanted frames
 * seeks to the key frame before the cluster, selects exactly the wanted
 * frames by pts, writes them with the image2 muxer (PNG, or mjpeg with -q:v),
 * and showinfo's pts of every written picture is checked against the index
 * before the file is renamed to its final name.
 */

export const FRAMES_INDEX_CSV = 'frames.csv';
export const FRAMES_INDEX_JSON = 'frames.json';

export type ImageKind = FramesOptions['image'];
export type FrameReason = 'annotated' | 'every' | 'negative';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A region shape of a track on one frame, and the crop cut around it. */
export interface RegionOnFrame {
  track: Annotation;
  shape: ShapeAt;
  /** The crop (margin added, clamped to the frame), or null for a point or an empty box. */
  crop: Rect | null;
}

export interface FramePlan {
  frame: number;
  reasons: FrameReason[];
  /** Label ids of the annotations covering the frame (segments, tags, tracks), in taxonomy-independent sorted order. */
  labels: string[];
  /** Ids of the annotations covering the frame. */
  annotationIds: string[];
  regions: RegionOnFrame[];
}

/** The first 12 hex digits of a video's SHA-256: the prefix of every file name. */
export const shaPrefix = (sha256: string): string => sha12({ sha256 });
export const imageExt = (image: ImageKind): 'png' | 'jpg' => (image === 'png' ? 'png' : 'jpg');
/** `<sha12>_<frame, 6+ digits>` (e.g. 3f2a…_000123). */
export const frameStem = (sha256: string, frame: number): string => `${shaPrefix(sha256)}_${String(frame).padStart(6, '0')}`;

/** The frame intervals [start, end] an annotation covers (a track: wherever shapeAt is not null). */
export function coveredIntervals(a: Annotation, frameCount: number): [number, number][] {
  const last = frameCount - 1;
  if (a.kind === 'segment' || a.kind === 'frame_tag') {
    const s = Math.max(0, a.startFrame);
    const e = Math.min(last, a.endFrame);
    return s <= e ? [[s, e]] : [];
  }
  if (a.kind !== 'region_track' || !a.keyframes?.length) return [];
  const ks = normaliseKeyframes(a.keyframes);
  const out: [number, number][] = [];
  for (let j = 0; j < ks.length; j++) {
    if (ks[j]!.outside) continue;
    const s = ks[j]!.frame;
    const e = Math.min(last, (ks[j + 1]?.frame ?? frameCount) - 1);
    if (s <= e) out.push([s, e]);
  }
  return out;
}

/** A shape's bounding box [x0, y0, x1, y1] (box corners in any order, polygon extremes); null for a point. */
export function shapeBBox(shape: Pick<ShapeAt, 'shape' | 'points'>): [number, number, number, number] | null {
  if (shape.shape === 'point') return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of shape.points) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}

/**
 * The crop of a box or polygon: its bounding box grown by `margin` × its
 * width (left and right) and × its height (top and bottom), widened to whole
 * pixels (floor / ceil) and clamped to the frame. Null for a point (it has no
 * size to grow) or when nothing of it lies inside the frame.
 */
export function cropRect(shape: Pick<ShapeAt, 'shape' | 'points'>, margin: number, width: number, height: number): Rect | null {
  const b = shapeBBox(shape);
  if (!b) return null;
  const mw = (b[2] - b[0]) * margin;
  const mh = (b[3] - b[1]) * margin;
  const x0 = Math.max(0, Math.floor(b[0] - mw));
  const y0 = Math.max(0, Math.floor(b[1] - mh));
  const x1 = Math.min(width, Math.ceil(b[2] + mw));
  const y1 = Math.min(height, Math.ceil(b[3] + mh));
  if (x1 - x0 < 1 || y1 - y0 < 1) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** A seed per video: the export's seed mixed with the video's hash, so adding a video changes no other's sample. */
export function videoSeed(sha256: string, seed: number): number {
  return (parseInt(sha256.slice(0, 8) || '0', 16) ^ seed) >>> 0;
}

/**
 * The frames a video contributes, in frame order: every frame an annotation
 * covers, every Nth frame (0, N, 2N, …) when `every` > 0, and `negatives`
 * frames drawn (seeded, without replacement) from frames no annotation covers.
 */
export function planFrames(v: ExportVideo, opts: Pick<FramesOptions, 'every' | 'negatives' | 'margin' | 'crops'>, seed = 0): FramePlan[] {
  const n = v.frameCount;
  const plans = new Map<number, FramePlan & { labelSet: Set<string> }>();
  const get = (f: number) => {
    let p = plans.get(f);
    if (!p) {
      p = { frame: f, reasons: [], labels: [], annotationIds: [], regions: [], labelSet: new Set() };
      plans.set(f, p);
    }
    return p;
  };
  const covered = new Uint8Array(n);
  for (const a of v.annotations) {
    if (a.kind === 'verdict') continue;
    const ks = a.kind === 'region_track' && a.keyframes ? normaliseKeyframes(a.keyframes) : null;
    for (const [s, e] of coveredIntervals(a, n)) {
      for (let f = s; f <= e; f++) {
        covered[f] = 1;
        const p = get(f);
        if (!p.reasons.includes('annotated')) p.reasons.push('annotated');
        if (a.label) p.labelSet.add(a.label);
        p.annotationIds.push(a.id);
        if (ks) {
          const shape = shapeAt(ks, f);
          if (shape) p.regions.push({ track: a, shape, crop: opts.crops ? cropRect(shape, opts.margin, v.width, v.height) : null });
        }
      }
    }
  }
  if (opts.every > 0) for (let f = 0; f < n; f += opts.every) get(f).reasons.push('every');
  if (opts.negatives > 0) {
    const free: number[] = [];
    for (let f = 0; f < n; f++) if (!covered[f]) free.push(f);
    const rand = mulberry32(videoSeed(v.sha256, seed));
    const take = Math.min(opts.negatives, free.length);
    // Partial Fisher–Yates: the first `take` slots end up a uniform sample.
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(rand() * (free.length - i));
      const t = free[i]!;
      free[i] = free[j]!;
      free[j] = t;
      get(free[i]!).reasons.push('negative');
    }
  }
  return [...plans.values()]
    .sort((a, b) => a.frame - b.frame)
    .map(({ labelSet, ...p }) => ({ ...p, labels: [...labelSet].sort() }));
}

// ---------------------------------------------------------------------------
// Decoding exact frames to image files

/** One still to write: frame `frame` to `file` (absolute), and crops of it. */
export interface StillRequest {
  frame: number;
  file: string;
  crops?: { rect: Rect; file: string }[];
}

export interface StillOptions {
  image: ImageKind;
  /** 1–100; JPEG only. */
  quality: number;
  signal?: AbortSignal;
  /** Called after each picture ffmpeg hands over (wanted or not): `done` counts wanted stills. */
  onProgress?: (done: number) => void;
  /** Folder for numbered outputs and graph scripts (same file system as the targets, so renames are cheap). */
  scratch: string;
  /** Frames a new ffmpeg run would have to decode in vain before it beats seeking: see clusterGap. */
  gap?: number;
  timeoutMs?: number;
  /** Counts ffmpeg runs and runs repeated from the start after a seek landed wrong. */
  stats?: { runs: number; fallbacks: number };
}

/** ffmpeg's mjpeg -q:v (2 best … 31 worst) for a 1–100 quality. */
export function jpegQscale(quality: number): number {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  return Math.round(2 + ((100 - q) * 29) / 99);
}

/** Encoder arguments of one image2 output (shared with the benchmark's baseline). */
export function imageEncoderArgs(image: ImageKind, quality: number): string[] {
  return image === 'png'
    ? ['-c:v', 'png', '-pix_fmt', 'rgb24']
    : ['-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p', '-q:v', String(jpegQscale(quality))];
}

/**
 * How many frames may lie between two wanted frames (counted to the key frame
 * before the later one) before a new ffmpeg run that seeks there is cheaper
 * than decoding through: a process start costs about as much as decoding
 * 50 Mpixel of H.264 (≈ 24 frames of 1080p), measured on 2 cores.
 */
export function clusterGap(width: number, height: number): number {
  return Math.max(24, Math.min(5000, Math.round(50e6 / Math.max(1, width * height))));
}

/** At most this many select terms per run: ffmpeg evaluates every term on every decoded frame. */
const MAX_TERMS = 400;

/** Group wanted frames (sorted) into runs, each starting at the key frame before its first frame. */
export function clusterFrames(key: ArrayLike<boolean>, frames: readonly number[], gap: number): { start: number; frames: number[] }[] {
  const out: { start: number; frames: number[] }[] = [];
  let cur: { start: number; frames: number[] } | null = null;
  let terms = 0;
  for (const f of frames) {
    const k = keyFrameAtOrBefore(key, f);
    const prev = cur?.frames[cur.frames.length - 1];
    const contiguous = prev !== undefined && f === prev + 1;
    if (!cur || prev === undefined || (k > prev && k - prev > gap) || (!contiguous && terms >= MAX_TERMS)) {
      cur = { start: k, frames: [] };
      out.push(cur);
      terms = 0;
    }
    if (!contiguous) terms++;
    cur.frames.push(f);
  }
  return out;
}

/** Runs of consecutive indices with increasing pts, as pts ranges [lo, hi]. */
export function ptsRanges(pts: ArrayLike<number>, frames: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let prev = -2;
  for (const f of frames) {
    const last = out[out.length - 1];
    const p = pts[f]!;
    if (last && f === prev + 1 && pts[prev] === last[1] && p > last[1]) last[1] = p;
    else out.push([p, p]);
    prev = f;
  }
  return out;
}

/** A select expression true exactly for the given ranges of `variable` (`pts` or `n`). */
export function rangeExpr(variable: 'pts' | 'n', ranges: readonly [number, number][]): string {
  return ranges.map(([a, b]) => (a === b ? `eq(${variable},${a})` : `between(${variable},${a},${b})`)).join('+') || '0';
}

function toRanges(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last && x === last[1] + 1) last[1] = x;
    else out.push([x, x]);
  }
  return out;
}

export interface RunPlan {
  /** Key frame the run starts decoding at (0: from the start, no seek). */
  start: number;
  /** Every index the selection lets through, in decode order: the n-th picture written is frame outputs[n]. */
  outputs: number[];
  /** The filter graph (-filter_complex_script) and the full ffmpeg arguments. */
  graph: string;
  args: string[];
  /** Positions in `outputs` whose raw RGB picture is also sent on stdout for crops. */
  rawPositions: number[];
}

/**
 * Plan one ffmpeg run: select the wanted frames' pts (in ranges); every frame
 * from `start` to the last wanted one whose pts falls in a range is written,
 * in order — which tells duplicates of a pts apart by position (dupRank) and
 * makes the expected showinfo sequence exact. Pure, for tests.
 */
export function planRun(
  src: ExtractSource,
  start: number,
  frames: readonly number[],
  cropFrames: ReadonlySet<number>,
  image: ImageKind,
  quality: number,
  pattern: string,
  script: string,
): RunPlan {
  const ranges = ptsRanges(src.pts, frames);
  const inRange = (p: number) => ranges.some(([a, b]) => p >= a && p <= b);
  const last = frames[frames.length - 1]!;
  const outputs: number[] = [];
  for (let j = start; j <= last; j++) if (inRange(src.pts[j]!)) outputs.push(j);
  const rawPositions: number[] = [];
  outputs.forEach((f, m) => {
    if (cropFrames.has(f)) rawPositions.push(m);
  });
  const sel = `select='${rangeExpr('pts', ranges)}',showinfo=checksum=0`;
  const graph = rawPositions.length
    ? `[0:${src.streamIndex}]${sel},split=2[img][raw];[raw]select='${rangeExpr('n', toRanges(rawPositions))}',format=rgb24[crop]`
    : `[0:${src.streamIndex}]${sel}[img]`;
  const args = [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
    '-threads', String(decodeThreads()),
    ...seekArgs(src, start),
    // Stored pictures as the frame server shows them (the movie source does not rotate): crops and shapes use its pixels.
    '-noautorotate', '-copyts', '-i', src.path,
    '-filter_complex_script', script,
    '-map', '[img]', '-fps_mode', 'passthrough', '-frames:v', String(outputs.length),
    ...imageEncoderArgs(image, quality), '-f', 'image2', '-start_number', '0', pattern,
  ];
  if (rawPositions.length) args.push('-map', '[crop]', '-fps_mode', 'passthrough', '-frames:v', String(rawPositions.length), '-f', 'rawvideo', 'pipe:1');
  return { start, outputs, graph, args, rawPositions };
}

function cutRgb(frame: Buffer, width: number, r: Rect): Buffer {
  const out = Buffer.allocUnsafe(r.w * r.h * 3);
  for (let y = 0; y < r.h; y++) frame.copy(out, y * r.w * 3, ((r.y + y) * width + r.x) * 3, ((r.y + y) * width + r.x + r.w) * 3);
  return out;
}

/** Encode tightly packed RGB as PNG (pngjs) or baseline JPEG (encodeJpeg). */
export function encodeRgb(rgb: Buffer, w: number, h: number, image: ImageKind, quality: number): Buffer {
  if (image === 'jpeg') return encodeJpeg(rgb, w, h, quality);
  const png = new PNG({ width: w, height: h, colorType: 2, inputColorType: 2, inputHasAlpha: false, deflateLevel: 3 });
  png.data = rgb;
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, deflateLevel: 3 });
}

let runCounter = 0;

/**
 * Write every requested still (and crop) of one video with as few ffmpeg runs
 * as the cluster gap allows. Each run's showinfo pts sequence must equal the
 * index's; if a seek lands wrong the run is repeated from the start of the
 * file, and a second mismatch is FRAME_MISMATCH. Memory is one raw frame.
 */
export async function writeStills(bins: FfmpegPaths, src: ExtractSource, requests: readonly StillRequest[], opts: StillOptions): Promise<void> {
  const byFrame = new Map<number, StillRequest>();
  for (const r of requests) {
    if (!Number.isInteger(r.frame) || r.frame < 0 || r.frame >= src.pts.length) {
      throw new TellframeError('FRAME_OUT_OF_RANGE', `Frame ${r.frame} is out of range (the video has ${src.pts.length} frames).`);
    }
    byFrame.set(r.frame, r);
  }
  const frames = [...byFrame.keys()].sort((a, b) => a - b);
  const cropFrames = new Set(frames.filter((f) => byFrame.get(f)!.crops?.length));
  mkdirSync(opts.scratch, { recursive: true });
  let done = 0;
  let reported = 0;
  const report = (n: number) => {
    // A run repeated after a bad seek counts again from where it began: never report going back.
    if (n > reported) opts.onProgress?.((reported = n));
  };
  const frameBytes = src.width * src.height * 3;

  const attempt = async (start: number, runFrames: number[]): Promise<boolean> => {
    const dir = path.join(opts.scratch, `run${++runCounter}`);
    if (opts.stats) opts.stats.runs++;
    mkdirSync(dir);
    try {
      const ext = imageExt(opts.image);
      const script = path.join(dir, 'graph.txt');
      const plan = planRun(src, start, runFrames, cropFrames, opts.image, opts.quality, path.join(dir, `%06d.${ext}`), script);
      writeFileSync(script, plan.graph);
      const seen: number[] = [];
      let partial = Buffer.allocUnsafe(plan.rawPositions.length ? frameBytes : 0);
      let partialLen = 0;
      let rawCount = 0;
      let wantedSeen = 0;
      const onRaw = (frame: Buffer) => {
        const pos = plan.rawPositions[rawCount++];
        const req = pos === undefined ? undefined : byFrame.get(plan.outputs[pos]!);
        for (const c of req?.crops ?? []) writeFileSync(c.file, encodeRgb(cutRgb(frame, src.width, c.rect), c.rect.w, c.rect.h, opts.image, opts.quality));
      };
      const res = await runProcess(bins.ffmpeg, plan.args, {
        signal: opts.signal,
        timeoutMs: opts.timeoutMs ?? 3_600_000,
        maxStderr: 64 * 1024,
        onStderrLine: (line) => {
          const f = parseShowinfoLine(line);
          if (!f || f.pts === null) return;
          const i = plan.outputs[seen.length];
          seen.push(f.pts);
          if (i !== undefined && byFrame.has(i)) {
            wantedSeen++;
            report(done + wantedSeen);
          }
        },
        // Synchronous handling holds the pipe: ffmpeg waits while crops are encoded (bounded memory).
        onStdout: (chunk) => {
          let off = 0;
          while (off < chunk.length) {
            const n = Math.min(chunk.length - off, frameBytes - partialLen);
            chunk.copy(partial, partialLen, off, off + n);
            partialLen += n;
            off += n;
            if (partialLen === frameBytes) {
              onRaw(partial);
              partial = Buffer.allocUnsafe(frameBytes);
              partialLen = 0;
            }
          }
        },
      });
      if (res.code !== 0) {
        throw new TellframeError('FFMPEG_FAILED', `ffmpeg could not extract frames: ${lastErrorLine(res.stderr) || `exit ${res.code}`}`);
      }
      const expected = plan.outputs.map((i) => src.pts[i]!);
      const files = readdirSync(dir).filter((n) => n.endsWith(`.${ext}`)).sort();
      const ok = seen.length === expected.length && seen.every((p, m) => p === expected[m]) && files.length === expected.length && rawCount === plan.rawPositions.length;
      if (!ok) return false;
      plan.outputs.forEach((i, m) => {
        const req = byFrame.get(i);
        const from = path.join(dir, `${String(m).padStart(6, '0')}.${ext}`);
        // A picture the selection let through but nobody asked for (a duplicate pts) is dropped with the scratch folder.
        if (req && req.frame === i) renameSync(from, req.file);
      });
      done += runFrames.length;
      report(done);
      return true;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  for (const c of clusterFrames(src.key, frames, opts.gap ?? clusterGap(src.width, src.height))) {
    // A key frame the demuxer cannot seek to is decoded from the start.
    const start = seekSeconds(src, c.start) === null ? 0 : c.start;
    if (await attempt(start, c.frames)) continue;
    if (opts.stats) opts.stats.fallbacks++;
    if (start > 0 && (await attempt(0, c.frames))) continue;
    throw new TellframeError('FRAME_MISMATCH', `The decode did not give frames ${c.frames[0]}–${c.frames[c.frames.length - 1]} with the indexed pts; the file may have changed since import.`);
  }
}

// ---------------------------------------------------------------------------
// The `frames` format

export interface FrameRow {
  file: string;
  kind: 'frame' | 'crop';
  video: string;
  video_id: number;
  sha256: string;
  frame: number;
  pts: number;
  time_base: string;
  /** Seconds from frame 0's pts (from the stored pts, never index × fps). */
  time: number;
  width: number;
  height: number;
  labels: string[];
  reasons: FrameReason[];
  split: string | null;
  /** Crops only: the region track, its label, and the crop box in the frame. */
  track_id: string | null;
  label: string | null;
  crop: Rect | null;
}

export const FRAME_CSV_COLUMNS = [
  'file', 'kind', 'video', 'video_id', 'sha256', 'frame', 'pts', 'time_base', 'time', 'width', 'height',
  'labels', 'reasons', 'split', 'track_id', 'label', 'crop_x', 'crop_y', 'crop_w', 'crop_h',
] as const;

/** The index as RFC 4180 CSV (csv-stringify, CRLF), one row per still or crop. */
export function framesCsv(rows: readonly FrameRow[]): string {
  return stringify(
    rows.map((r) => [
      r.file, r.kind, r.video, r.video_id, r.sha256, r.frame, r.pts, r.time_base, r.time, r.width, r.height,
      r.labels.join(';'), r.reasons.join(';'), r.split, r.track_id, r.label,
      r.crop?.x ?? null, r.crop?.y ?? null, r.crop?.w ?? null, r.crop?.h ?? null,
    ]),
    { header: true, columns: [...FRAME_CSV_COLUMNS], record_delimiter: 'windows' },
  );
}

/** Wrap a failure so it names the video (ABORTED passes through unchanged). */
export function videoError(err: unknown, v: Pick<ExportVideo, 'file' | 'id'>): Error {
  if (err instanceof TellframeError) {
    if (err.code === 'ABORTED') return err;
    return new TellframeError(err.code, `${v.file} (video ${v.id}): ${err.message}`, { cause: err });
  }
  return new TellframeError('INTERNAL', `${v.file} (video ${v.id}): ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** Remove what an export wrote before it failed or was cancelled, so nothing partial is left claimed. */
export function removeWritten(dir: string, files: readonly string[]): void {
  for (const f of files) {
    try {
      unlinkSync(path.join(dir, f));
    } catch {
      /* never written */
    }
  }
}

export const exportFrames: FileExporter = async (ctx: ExportContext): Promise<string[]> => {
  const fo = ctx.options.frames;
  const ext = imageExt(fo.image);
  const seed = ctx.options.frames.seed;
  const plans = ctx.model.videos.map((v) => ({ v, plan: planFrames(v, fo, seed) }));
  const total = plans.reduce((s, p) => s + p.plan.length, 0);
  const rows: FrameRow[] = [];
  const written: string[] = [];
  const scratch = path.join(ctx.dir, '.frames-tmp');
  let before = 0;
  ctx.progress(0, total, 'frames');
  try {
    for (const { v, plan } of plans) {
      if (!plan.length) continue;
      if (ctx.signal.aborted) throw new TellframeError('ABORTED', 'Cancelled.');
      const sha = shaPrefix(v.sha256);
      let src: ExtractSource;
      try {
        src = ctx.media.source(v.id);
      } catch (err) {
        throw videoError(err, v);
      }
      mkdirSync(path.join(ctx.dir, 'frames', sha), { recursive: true });
      if (plan.some((p) => p.regions.some((r) => r.crop))) mkdirSync(path.join(ctx.dir, 'crops', sha), { recursive: true });
      const tb = `${v.timeBase.num}/${v.timeBase.den}`;
      const requests: StillRequest[] = [];
      const videoRows: FrameRow[] = [];
      for (const p of plan) {
        const pts = src.pts[p.frame]!;
        const base = {
          video: v.file, video_id: v.id, sha256: v.sha256, frame: p.frame, pts, time_base: tb, time: seconds(v, pts),
          reasons: p.reasons, split: v.split,
        };
        const file = `frames/${sha}/${frameStem(v.sha256, p.frame)}.${ext}`;
        videoRows.push({ ...base, file, kind: 'frame', width: v.width, height: v.height, labels: p.labels, track_id: null, label: null, crop: null });
        const crops: { rect: Rect; file: string }[] = [];
        for (const r of p.regions) {
          if (!r.crop) continue;
          // The annotation id is checked at every way in (shared/nativeJson.ts); the name keeps only safe characters regardless.
          const cf = `crops/${sha}/${frameStem(v.sha256, p.frame)}_${r.track.id.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_')}.${ext}`;
          crops.push({ rect: r.crop, file: path.join(ctx.dir, cf) });
          videoRows.push({ ...base, file: cf, kind: 'crop', width: r.crop.w, height: r.crop.h, labels: r.track.label ? [r.track.label] : [], track_id: r.track.id, label: r.track.label, crop: r.crop });
        }
        requests.push({ frame: p.frame, file: path.join(ctx.dir, file), crops });
      }
      // Claimed before writing, so a failure part-way removes whatever of them exists.
      written.push(...videoRows.map((r) => r.file));
      try {
        await writeStills(ctx.media.bins, src, requests, {
          image: fo.image, quality: fo.quality, signal: ctx.signal, scratch,
          onProgress: (done) => ctx.progress(before + done, total, `frames of ${v.file}`),
        });
      } catch (err) {
        throw videoError(err, v);
      }
      before += plan.length;
      rows.push(...videoRows);
    }
    if (ctx.signal.aborted) throw new TellframeError('ABORTED', 'Cancelled.');
    writeFileSync(path.join(ctx.dir, FRAMES_INDEX_CSV), framesCsv(rows));
    writeFileSync(
      path.join(ctx.dir, FRAMES_INDEX_JSON),
      JSON.stringify({ format: 'tellframe-frames', version: 1, image: fo.image, exported: ctx.model.exported, options: fo, images: rows }, null, 1) + '\n',
    );
    ctx.progress(total, total, 'frames');
    return [...written, FRAMES_INDEX_CSV, FRAMES_INDEX_JSON];
  } catch (err) {
    removeWritten(ctx.dir, written);
    throw err;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};

/**
 * Baseline JPEG of tightly packed RGB (jpeg-js), for crops: ffmpeg's mjpeg
 * encoder needs one picture size per run, and crops differ in size.
 */
export function encodeJpeg(rgb: Uint8Array, width: number, height: number, quality: number): Buffer {
  const rgba = Buffer.allocUnsafe(width * height * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgba[j] = rgb[i]!;
    rgba[j + 1] = rgb[i + 1]!;
    rgba[j + 2] = rgb[i + 2]!;
    rgba[j + 3] = 255;
  }
  return Buffer.from(encodeJpegRgba({ data: rgba, width, height }, quality).data);
}
