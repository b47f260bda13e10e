import type { RawFormat } from '../../../shared/frameUrl';

/** A decoded frame as raw bytes: planar I420 or RGBA. */
export interface RawFrame {
  index: number;
  pts: number;
  width: number;
  height: number;
  format: RawFormat;
  data: Buffer;
}

/**
 * Least-recently-used cache of decoded frames, bounded in bytes (not in
 * frames: a 4K frame weighs four 1080p frames). The newest entry always
 * stays, even if it alone exceeds the bound.
 */
export class FrameCache {
  private readonly map = new Map<string, RawFrame>();
  private used = 0;
  constructor(public maxBytes: number) {}

  static key(videoId: number, index: number): string {
    return `${videoId}:${index}`;
  }

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.map.size;
  }

  has(videoId: number, index: number): boolean {
    return this.map.has(FrameCache.key(videoId, index));
  }

  get(videoId: number, index: number): RawFrame | undefined {
    const k = FrameCache.key(videoId, index);
    const v = this.map.get(k);
    if (v) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }

  set(videoId: number, frame: RawFrame): void {
    const k = FrameCache.key(videoId, frame.index);
    const old = this.map.get(k);
    if (old) {
      this.used -= old.data.length;
      this.map.delete(k);
    }
    this.map.set(k, frame);
    this.used += frame.data.length;
    for (const [key, v] of this.map) {
      if (this.used <= this.maxBytes || this.map.size <= 1) break;
      this.map.delete(key);
      this.used -= v.data.length;
    }
  }

  /** Drop every frame of one video (e.g. when it is removed or relinked). */
  dropVideo(videoId: number): void {
    const prefix = `${videoId}:`;
    for (const [key, v] of this.map) {
      if (key.startsWith(prefix)) {
        this.map.delete(key);
        this.used -= v.data.length;
      }
    }
  }
}
