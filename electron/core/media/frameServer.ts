import { TellframeError } from '../../../shared/errors';
import type { RawFormat } from '../../../shared/frameUrl';
import { nextReach, travelDirection } from '../../../shared/travel';
import { i420Bytes, i420PixFmt, sendsI420, type YuvColour } from '../../../shared/yuv';
import { decodeThreads, dupRank, extractFrame, keyFrameAtOrBefore, seekSeconds, type ExtractSource } from './extract';
import { FrameCache, type RawFrame } from './frameCache';
import { filterWithOptions } from './filtergraph';
import { parseShowinfoLine } from './frameIndex';
import type { FfmpegPaths } from './locate';
import type { TrackedProcess } from './process';
import { WarmFfmpeg } from './warm';

export type { RawFrame } from './frameCache';

/** A video as the frame server needs it: its id plus what extraction needs. */
export interface VideoSource extends ExtractSource {
  id: number;
  /** Matrix and range of its YUV pixels (sent beside I420 frames). */
  colour: YuvColour;
}

/** How the server keeps and sends a video's frames: I420 for 8-bit 4:2:0 of even size, else RGBA. */
export function rawFormat(v: Pick<VideoSource, 'pixFmt' | 'width' | 'height'>): RawFormat {
  return sendsI420(v.pixFmt ?? null, v.width, v.height) ? 'i420' : 'rgba';
}

export function rawFrameBytes(v: Pick<VideoSource, 'pixFmt' | 'width' | 'height'>): number {
  return rawFormat(v) === 'i420' ? i420Bytes(v.width, v.height) : v.width * v.height * 4;
}

/** The arguments of every decode run; the graph arrives on fd 3 (see WarmFfmpeg). */
export const RUN_ARGS: readonly string[] = [
  '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
  '-filter_complex_script', 'pipe:3',
  '-map', '[out]', '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1',
];

/**
 * The filter graph of a decode run: the movie source opens the file, seeks
 * to key frame `start` (as -ss would) and decodes; pictures before
 * `firstOut` (including leading pictures of an open GOP, whose pts precede
 * the key frame) are dropped before any pixel conversion, so the n-th
 * picture out is frame firstOut + n; showinfo reports each one's pts.
 */
export function runGraph(v: VideoSource, start: number, firstOut: number, threads = decodeThreads()): string {
  const opts: Record<string, string | number> = { filename: v.path, s: String(v.streamIndex) };
  // ffmpeg's -ss allows for demuxers that seek by dts; the movie source does not, so it is done here.
  const sp = seekSeconds(v, start, { dtsMargin: true });
  if (sp !== null) opts.sp = sp;
  opts.dec_threads = threads;
  const pix = rawFormat(v) === 'i420' ? i420PixFmt(v.pixFmt) : 'rgba';
  return `${filterWithOptions('movie', opts)},select=gte(pts\\,${v.pts[firstOut]}),showinfo=checksum=0,format=${pix}[out]`;
}

export interface FrameServerOptions {
  /** Decoded-frame cache bound in bytes (default 512 MiB). */
  cacheBytes?: number;
  /** Frames decoded ahead of the cursor when stepping forward or playing (default 24). */
  ahead?: number;
  /** Frames kept behind the cursor for backward stepping (default 30). */
  behind?: number;
}

interface Waiter {
  resolve: (f: RawFrame) => void;
  reject: (e: Error) => void;
}

/**
 * One sequential decode: ffmpeg from key frame `start` onward, raw pixels on
 * stdout (I420 or RGBA, see rawFormat), each frame's pts from showinfo on
 * stderr (paired by order and checked against the index). It decodes up to
 * `end` and then waits (stdout paused, so ffmpeg blocks): extending `end`
 * resumes it. That makes it both the prefetcher and the playback pipe.
 */
class DecodeRun {
  next: number;
  end: number;
  readonly waiters = new Map<number, Waiter[]>();
  failed: Error | null = null;
  finished = false;
  lastUsed = Date.now();
  /** Called once, when the first picture is out (or the run ends without one). */
  onFirst: (() => void) | null = null;
  private readonly proc: TrackedProcess;
  private readonly format: RawFormat;
  private readonly frameBytes: number;
  private readonly frames: Buffer[] = [];
  private readonly ptsQueue: number[] = [];
  private partial: Buffer | null = null;
  private partialLen = 0;
  private stderrRest = '';

  /** Decoding starts at key frame `start`; pictures come out from `firstOut` on. */
  constructor(
    launch: (graph: string) => TrackedProcess,
    readonly video: VideoSource,
    readonly start: number,
    firstOut: number,
    end: number,
    private readonly cache: FrameCache,
    private readonly onDone: (run: DecodeRun) => void,
    private readonly onIdle: (run: DecodeRun) => void,
  ) {
    this.next = firstOut;
    this.end = Math.max(end, firstOut);
    this.format = rawFormat(video);
    this.frameBytes = rawFrameBytes(video);
    this.proc = launch(runGraph(video, start, firstOut));
    const { child } = this.proc;
    child.stdout!.on('data', (chunk: Buffer) => this.onStdout(chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => this.onStderr(text));
    void this.proc.exited.then(() => {
      this.drain();
      this.finished = true;
      this.first();
      const err = this.failed ?? new TellframeError('FFMPEG_FAILED', `The decode ended at frame ${this.next}.`);
      for (const [, ws] of this.waiters) for (const w of ws) w.reject(err);
      this.waiters.clear();
      this.onDone(this);
    });
  }

  private first(): void {
    const f = this.onFirst;
    this.onFirst = null;
    f?.();
  }

  get alive(): boolean {
    return !this.finished && !this.failed;
  }

  /** Decode at least up to `index`, and resume if paused. */
  extend(index: number): void {
    this.lastUsed = Date.now();
    const last = this.video.pts.length - 1;
    this.end = Math.min(last, Math.max(this.end, index));
    if (this.next <= this.end) this.proc.child.stdout?.resume();
  }

  wait(index: number, signal?: AbortSignal): Promise<RawFrame> {
    this.extend(index);
    return new Promise<RawFrame>((resolve, reject) => {
      const list = this.waiters.get(index) ?? [];
      const w: Waiter = { resolve, reject };
      list.push(w);
      this.waiters.set(index, list);
      signal?.addEventListener(
        'abort',
        () => {
          const ws = this.waiters.get(index);
          if (ws) {
            const i = ws.indexOf(w);
            if (i >= 0) ws.splice(i, 1);
            if (!ws.length) this.waiters.delete(index);
          }
          reject(new TellframeError('ABORTED', 'Cancelled.'));
          if (!this.waiters.size) this.onIdle(this);
        },
        { once: true },
      );
    });
  }

  kill(): void {
    this.proc.kill();
  }

  private onStdout(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (!this.partial) {
        this.partial = Buffer.allocUnsafe(this.frameBytes);
        this.partialLen = 0;
      }
      const n = Math.min(chunk.length - off, this.frameBytes - this.partialLen);
      chunk.copy(this.partial, this.partialLen, off, off + n);
      this.partialLen += n;
      off += n;
      if (this.partialLen === this.frameBytes) {
        this.frames.push(this.partial);
        this.partial = null;
      }
    }
    this.drain();
  }

  private onStderr(text: string): void {
    const lines = (this.stderrRest + text).split('\n');
    this.stderrRest = lines.pop() ?? '';
    for (const line of lines) {
      const f = parseShowinfoLine(line);
      if (f && f.pts !== null) this.ptsQueue.push(f.pts);
    }
    this.drain();
  }

  /** Pair decoded pictures with their pts, check them against the index, hand them out. */
  private drain(): void {
    while (this.frames.length && this.ptsQueue.length && !this.failed) {
      const data = this.frames.shift()!;
      const pts = this.ptsQueue.shift()!;
      const index = this.next;
      if (index >= this.video.pts.length || this.video.pts[index] !== pts) {
        this.failed = new TellframeError('FRAME_MISMATCH', `Decode gave pts ${pts} where frame ${index} has pts ${this.video.pts[index]}.`);
        this.kill();
        return;
      }
      const frame: RawFrame = { index, pts, width: this.video.width, height: this.video.height, format: this.format, data };
      this.cache.set(this.video.id, frame);
      const ws = this.waiters.get(index);
      if (ws) {
        this.waiters.delete(index);
        for (const w of ws) w.resolve(frame);
      }
      this.first();
      this.next++;
      if (this.next >= this.video.pts.length) {
        this.kill();
        return;
      }
      if (this.next > this.end && !this.waiters.size) this.proc.child.stdout?.pause();
    }
  }
}

/**
 * Serves decoded frames by exact index: a byte-bounded cache, sequential
 * decode runs that prefetch ahead of the cursor (and serve playback),
 * backward stepping that decodes a stretch of GOP once and keeps it, and
 * cancellation: a request whose signal aborts is dropped, and runs nobody
 * needs any more are stopped. Falls back to single verified extraction if a
 * run cannot deliver.
 */
export class FrameServer {
  readonly cache: FrameCache;
  readonly ahead: number;
  readonly behind: number;
  private readonly runs = new Set<DecodeRun>();
  private readonly cursor = new Map<number, number>();
  /** How far ahead to decode for each video now (see shared/travel.ts). */
  private readonly reach = new Map<number, number>();
  private readonly warm = new WarmFfmpeg(RUN_ARGS);
  stats = { hits: 0, misses: 0, runsStarted: 0, fallbacks: 0 };

  constructor(
    private readonly bins: () => FfmpegPaths,
    opts: FrameServerOptions = {},
  ) {
    this.cache = new FrameCache(opts.cacheBytes ?? 512 * 1024 * 1024);
    this.ahead = opts.ahead ?? 24;
    this.behind = opts.behind ?? 30;
  }

  /**
   * Exactly frame i of video v as RGBA. A `prefetch` request (a client
   * warming its own cache) neither moves the cursor nor triggers prefetch.
   */
  async frame(v: VideoSource, i: number, signal?: AbortSignal, opts: { prefetch?: boolean; cursor?: number } = {}): Promise<RawFrame> {
    const n = v.pts.length;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new TellframeError('FRAME_OUT_OF_RANGE', `Frame ${i} is out of range (the video has ${n} frames: 0–${n - 1}).`);
    }
    if (opts.prefetch) {
      // The client says where the user is; runs far from there are stopped.
      const cursor = opts.cursor !== undefined && opts.cursor >= 0 && opts.cursor < n ? opts.cursor : this.cursor.get(v.id);
      if (cursor !== undefined) {
        this.cursor.set(v.id, cursor);
        this.reap(v, cursor);
      }
      const hit = this.cache.get(v.id, i);
      if (hit) return hit;
      let run = this.runFor(v, i);
      if (!run) {
        const k = keyFrameAtOrBefore(v.key, i);
        // Behind the cursor: decode the stretch up to i once, keeping every frame of it.
        const backward = cursor !== undefined && i < cursor;
        run = this.startRun(v, k, backward ? Math.max(k, i - this.window(v).behind) : i, i);
      }
      return run.wait(i, signal);
    }
    // The same rules as the page's: steps keep their direction, a jump reads
    // forward, and only a little way until the user steps on from there.
    const prev = this.cursor.get(v.id);
    const dir = travelDirection(prev, i);
    const reach = nextReach(this.reach.get(v.id) ?? 0, prev, i, this.window(v).ahead);
    this.reach.set(v.id, reach);
    this.cursor.set(v.id, i);
    this.reap(v, i);

    const hit = this.cache.get(v.id, i);
    if (hit) {
      this.stats.hits++;
      this.prefetch(v, i, dir, reach);
      return hit;
    }
    this.stats.misses++;
    // A cold request starts output at i itself: the stretch behind it is
    // fetched by the backward prefetch only if the user goes back.
    const run = this.runFor(v, i) ?? this.startRun(v, keyFrameAtOrBefore(v.key, i), i, i + (dir > 0 ? reach : 0));
    let frame: RawFrame;
    try {
      frame = await run.wait(i, signal);
    } catch (err) {
      if ((err as TellframeError).code === 'ABORTED') throw err;
      // The run could not deliver (e.g. a seek that lands wrong): extract alone, verified.
      this.stats.fallbacks++;
      const format = rawFormat(v);
      const single = await extractFrame(this.bins(), v, i, { format, signal });
      frame = { index: i, pts: single.pts, width: single.width, height: single.height, format, data: single.data };
      this.cache.set(v.id, frame);
    }
    this.prefetch(v, i, dir, reach);
    return frame;
  }

  /**
   * Frames to decode ahead / keep behind for a video: the configured counts,
   * but never more than a third of the cache can hold (at 4K a frame is 33 MB),
   * or prefetched frames would evict each other before use.
   */
  private window(v: VideoSource): { ahead: number; behind: number } {
    const frameBytes = rawFrameBytes(v);
    const fit = Math.floor(this.cache.maxBytes / frameBytes / 3);
    // Decoding ahead competes for the CPU with what the user asks for next;
    // keep it to about 256 MB of pictures (24 at 1080p, 21 at 4K in I420).
    const aheadBudget = Math.floor((256 * 1024 * 1024) / frameBytes);
    return { ahead: Math.max(2, Math.min(this.ahead, fit, aheadBudget)), behind: Math.max(2, Math.min(this.behind, fit)) };
  }

  /** A live run that will reach i soon enough to be worth waiting for. */
  private runFor(v: VideoSource, i: number): DecodeRun | null {
    const k = keyFrameAtOrBefore(v.key, i);
    for (const r of this.runs) {
      if (r.video.id !== v.id || !r.alive || i < r.next) continue;
      if (i - r.next <= this.window(v).ahead * 2 || k <= r.next) return r;
    }
    return null;
  }

  private startRun(v: VideoSource, start: number, firstOut: number, end: number): DecodeRun {
    this.stats.runsStarted++;
    // Frames that share a pts (only in an odd file's full decode) are told
    // apart by order, so output starts at the first of them.
    const from = firstOut - dupRank(v.pts, firstOut);
    // A key frame the demuxer cannot seek to (before the container start) is decoded from the start.
    const k = seekSeconds(v, start, { dtsMargin: true }) === null ? 0 : start;
    const bin = this.bins().ffmpeg;
    const run = new DecodeRun(
      (graph) => this.warm.take(bin, graph), v, k, from, Math.min(end, v.pts.length - 1), this.cache,
      (r) => this.runs.delete(r),
      // A run left without waiters by cancelled requests stops if the cursor is elsewhere.
      (r) => {
        const c = this.cursor.get(r.video.id);
        if (c === undefined || this.outside(r, c)) r.kill();
      },
    );
    // The next ffmpeg starts once this one has its first picture, not while
    // it decodes toward it, and only after that picture has been handed on:
    // starting a process stops this one for 15-20 ms (the fork of a process
    // of this size), which would otherwise come before the reply.
    run.onFirst = () => setImmediate(() => this.warm.refill(bin));
    this.runs.add(run);
    return run;
  }

  /** Start an ffmpeg that waits for work, so the next decode skips ffmpeg's start (e.g. when a library is shown). */
  prewarm(): void {
    try {
      this.warm.refill(this.bins().ffmpeg);
    } catch {
      /* ffmpeg missing: the request that needs it will say so */
    }
  }

  /** Decode runs that began in an ffmpeg already started and waiting. */
  get warmStarts(): number {
    return this.warm.reused;
  }

  /** Decode runs alive now (not counting the waiting ffmpeg). */
  get activeRuns(): number {
    let n = 0;
    for (const r of this.runs) if (r.alive) n++;
    return n;
  }

  /** Keep decoding up to `reach` frames ahead of a forward cursor; decode the stretch behind a backward one. */
  private prefetch(v: VideoSource, i: number, dir: number, reach: number): void {
    const last = v.pts.length - 1;
    const { behind } = this.window(v);
    if (dir > 0) {
      const target = Math.min(last, i + reach);
      if (this.cache.has(v.id, target)) return;
      const r = this.runFor(v, i + 1) ?? [...this.runs].find((x) => x.video.id === v.id && x.alive && x.next <= target && x.next > i);
      if (r) r.extend(target);
      else if (i < last) {
        let from = i + 1;
        while (from <= target && this.cache.has(v.id, from)) from++;
        if (from <= target) this.startRun(v, keyFrameAtOrBefore(v.key, from), from, target);
      }
    } else {
      const want = Math.max(0, i - Math.ceil(behind / 2));
      if (this.cache.has(v.id, want) || i === 0) return;
      const busy = [...this.runs].some((x) => x.video.id === v.id && x.alive && x.next <= want && x.end >= want);
      if (busy) return;
      const from = Math.max(0, i - behind);
      this.startRun(v, keyFrameAtOrBefore(v.key, from), from, i - 1);
    }
  }

  private outside(r: DecodeRun, i: number): boolean {
    return i < r.start || i > r.end + this.window(r.video).ahead * 2;
  }

  /** Stop runs nobody waits for whose range the cursor has left. */
  private reap(v: VideoSource, i: number): void {
    for (const r of this.runs) {
      if (r.waiters.size) continue;
      if (r.video.id !== v.id || this.outside(r, i)) r.kill();
    }
  }

  close(): void {
    for (const r of this.runs) r.kill();
    this.runs.clear();
    this.warm.close();
  }
}
