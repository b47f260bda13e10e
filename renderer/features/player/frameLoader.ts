import type { TellframeClient } from '../../../shared/api';
import { FRAME_HEADERS } from '../../../shared/frameUrl';
import { i420ToRgba, type YuvColour, type YuvMatrix } from '../../../shared/yuv';

/** A frame ready to draw: its pixels already wrapped as ImageData. */
export interface LoadedFrame {
  index: number;
  pts: number;
  image: ImageData;
}

const MATRICES: readonly YuvMatrix[] = ['bt709', 'bt470bg', 'smpte170m', 'bt2020-ncl'];

/**
 * I420 bytes → RGBA for the canvas. WebCodecs converts natively (about 5 ms
 * a 1080p frame); without it, plain code does (about 9 ms).
 */
export async function i420ToImageData(data: Uint8Array<ArrayBuffer>, width: number, height: number, colour: YuvColour): Promise<ImageData> {
  const rgba = new Uint8ClampedArray(width * height * 4);
  if (typeof VideoFrame !== 'undefined') {
    try {
      const vf = new VideoFrame(data, {
        format: 'I420', codedWidth: width, codedHeight: height, timestamp: 0,
        // 'bt2020-ncl' is in WebCodecs but not in TypeScript's DOM types.
        colorSpace: { matrix: colour.matrix as VideoMatrixCoefficients, fullRange: colour.fullRange },
      });
      try {
        await vf.copyTo(rgba, { format: 'RGBA', colorSpace: 'srgb' });
        return new ImageData(rgba, width, height);
      } finally {
        vf.close();
      }
    } catch {
      /* no conversion in this browser: below */
    }
  }
  i420ToRgba(data, width, height, colour, rgba);
  return new ImageData(rgba, width, height);
}

/**
 * Fetches exact frames (the host frame server's raw pixels: I420 for 8-bit
 * 4:2:0 video, turned into RGBA here, or RGBA) and keeps the
 * ones near the cursor in a byte-bounded cache, so a step is a draw, not a
 * round trip. Requests the user has moved past are aborted; prefetch runs at
 * most two fetches at a time, so holding a key never builds a queue.
 */
export class FrameLoader {
  private cache = new Map<number, LoadedFrame>();
  private bytes = 0;
  private inflight = new Map<number, { promise: Promise<LoadedFrame>; ac: AbortController; prefetch: boolean }>();
  private videoId: number | null = null;
  private frameCount = 0;
  private wanted: number[] = [];
  /** The frame the user is on, told to the host with prefetch requests. */
  private cursor = 0;

  private prefetchDepth: number;

  constructor(
    private readonly client: TellframeClient,
    private readonly maxBytes = 384 * 1024 * 1024,
    private readonly maxDepth = 12,
  ) {
    this.prefetchDepth = maxDepth;
  }

  /**
   * Switch to a video. The prefetch depth shrinks with the frame size so the
   * window fits a third of the cache (a 4K frame is 33 MB).
   */
  setVideo(id: number, frameCount: number, width = 0, height = 0): void {
    if (id === this.videoId) return;
    const fit = width && height ? Math.floor(this.maxBytes / (width * height * 4) / 3) : this.maxDepth;
    this.prefetchDepth = Math.max(2, Math.min(this.maxDepth, fit));
    for (const f of this.inflight.values()) f.ac.abort();
    this.inflight.clear();
    this.cache.clear();
    this.bytes = 0;
    this.videoId = id;
    this.frameCount = frameCount;
  }

  /** Stop every fetch and let go of every frame (the view using this loader is closing). */
  dispose(): void {
    for (const f of this.inflight.values()) f.ac.abort();
    this.inflight.clear();
    this.wanted = [];
    this.cache.clear();
    this.bytes = 0;
    this.videoId = null;
  }

  peek(index: number): LoadedFrame | undefined {
    const f = this.cache.get(index);
    if (f) {
      this.cache.delete(index);
      this.cache.set(index, f);
    }
    return f;
  }

  /**
   * Frame `index`, from the cache or the host. Only the newest wish counts:
   * other requests are aborted, and so are prefetches that are no longer near.
   */
  get(index: number): Promise<LoadedFrame> {
    this.cursor = index;
    this.wanted = this.wanted.filter((i) => Math.abs(i - index) <= this.prefetchDepth);
    const hit = this.peek(index);
    if (hit) return Promise.resolve(hit);
    for (const [i, f] of this.inflight) {
      if (i !== index && (!f.prefetch || Math.abs(i - index) > this.prefetchDepth)) {
        f.ac.abort();
        this.inflight.delete(i);
      }
    }
    const existing = this.inflight.get(index);
    if (existing) {
      existing.prefetch = false;
      return existing.promise;
    }
    return this.fetch(index, false);
  }

  /** Warm the cache up to `reach` frames from `index` in the direction of travel (at most the loader's depth). */
  prefetch(index: number, dir: 1 | -1, reach = Infinity): void {
    this.cursor = index;
    const want: number[] = [];
    const depth = Math.min(this.prefetchDepth, reach);
    for (let d = 1; d <= depth; d++) {
      const i = index + d * dir;
      if (i < 0 || i >= this.frameCount) break;
      if (!this.cache.has(i)) want.push(i);
    }
    this.wanted = want;
    for (const [i, f] of this.inflight) {
      if (f.prefetch && !want.includes(i)) {
        f.ac.abort();
        this.inflight.delete(i);
      }
    }
    this.pump();
  }

  private pump(): void {
    let running = [...this.inflight.values()].filter((f) => f.prefetch).length;
    for (const i of this.wanted) {
      if (running >= 2) break;
      if (this.cache.has(i) || this.inflight.has(i)) continue;
      running++;
      this.fetch(i, true).catch(() => undefined);
    }
  }

  private fetch(index: number, prefetch: boolean): Promise<LoadedFrame> {
    const id = this.videoId;
    if (id === null) return Promise.reject(new Error('No video.'));
    const ac = new AbortController();
    const promise = (async () => {
      const url = this.client.frameUrl(id, index, 'raw');
      const res = await fetch(prefetch ? `${url}${url.includes('?') ? '&' : '?'}prefetch=1&cursor=${this.cursor}` : url, { signal: ac.signal });
      if (!res.ok) {
        let message = `Frame ${index} could not be decoded (${res.status}).`;
        try {
          const body = (await res.json()) as { error?: { message?: string } };
          if (body.error?.message) message = body.error.message;
        } catch {
          /* not JSON */
        }
        throw new Error(message);
      }
      const width = Number(res.headers.get(FRAME_HEADERS.width));
      const height = Number(res.headers.get(FRAME_HEADERS.height));
      const pts = Number(res.headers.get(FRAME_HEADERS.pts));
      const buf = await res.arrayBuffer();
      let image: ImageData;
      if (res.headers.get(FRAME_HEADERS.format) === 'i420') {
        const m = res.headers.get(FRAME_HEADERS.matrix) as YuvMatrix | null;
        const colour = { matrix: m && MATRICES.includes(m) ? m : 'smpte170m', fullRange: res.headers.get(FRAME_HEADERS.range) === 'full' } as const;
        image = await i420ToImageData(new Uint8Array(buf), width, height, colour);
      } else {
        image = new ImageData(new Uint8ClampedArray(buf), width, height);
      }
      const frame: LoadedFrame = { index, pts, image };
      if (this.videoId === id) this.store(frame);
      return frame;
    })();
    this.inflight.set(index, { promise, ac, prefetch });
    void promise
      .finally(() => {
        if (this.inflight.get(index)?.ac === ac) this.inflight.delete(index);
        if (prefetch) this.pump();
      })
      .catch(() => undefined);
    return promise;
  }

  private store(frame: LoadedFrame): void {
    const size = frame.image.data.byteLength;
    const old = this.cache.get(frame.index);
    if (old) this.bytes -= old.image.data.byteLength;
    this.cache.delete(frame.index);
    this.cache.set(frame.index, frame);
    this.bytes += size;
    for (const [i, f] of this.cache) {
      if (this.bytes <= this.maxBytes || this.cache.size <= 1) break;
      this.cache.delete(i);
      this.bytes -= f.image.data.byteLength;
    }
  }
}
