/**
 * The arithmetic of detection signals, pure and shared: eye and mouth aspect
 * ratios from landmarks, blink events from an eye-aspect-ratio series,
 * blink rate against human norms, and the lag between two per-frame series
 * (mouth opening against audio loudness) by cross-correlation. Times come
 * from the stored pts (seconds from frame 0), never from index × fps.
 */

export type Pt = readonly [number, number] | readonly [number, number, number];

function dist(a: Pt, b: Pt): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/**
 * Eye aspect ratio (Soukupová & Čech 2016) of six eye points p1…p6 (p1 and
 * p4 the corners, p2/p3 upper lid, p6/p5 lower lid):
 * (|p2−p6| + |p3−p5|) / (2|p1−p4|). About 0.25–0.35 open, near 0 closed.
 */
export function eyeAspectRatio(p: readonly [Pt, Pt, Pt, Pt, Pt, Pt]): number {
  const width = dist(p[0], p[3]);
  return width > 0 ? (dist(p[1], p[5]) + dist(p[2], p[4])) / (2 * width) : 0;
}

/**
 * Mouth aspect ratio of the inner lips: corners l and r, and three upper
 * and three lower points facing each other: the mean opening over the width.
 */
export function mouthAspectRatio(l: Pt, r: Pt, upper: readonly [Pt, Pt, Pt], lower: readonly [Pt, Pt, Pt]): number {
  const width = dist(l, r);
  return width > 0 ? (dist(upper[0], lower[0]) + dist(upper[1], lower[1]) + dist(upper[2], lower[2])) / (3 * width) : 0;
}

export interface BlinkOptions {
  /** The eye counts as closed below this EAR (default 0.21). */
  threshold?: number;
  /** A closure shorter than this is noise, not a blink (default 0.05 s). */
  minSeconds?: number;
}

export interface Blink {
  /** First and last frame with the eye closed. */
  startFrame: number;
  endFrame: number;
  /** From the first closed frame's start to the end of the last closed frame, from the stored times. */
  seconds: number;
  /** Over 0.5 s: longer than people usually blink. */
  long: boolean;
}

/**
 * Blink events in a per-frame EAR series. `times` holds each frame's start
 * in seconds and one more value, the end of the last frame (frames of a
 * variable-frame-rate video last what their pts say). Frames without a face
 * (NaN) end a closure without counting as one.
 */
export function detectBlinks(ear: readonly number[], times: readonly number[], opts: BlinkOptions = {}): Blink[] {
  if (times.length !== ear.length + 1) throw new RangeError(`times needs ${ear.length + 1} values (each frame's start and the last one's end), got ${times.length}`);
  const threshold = opts.threshold ?? 0.21;
  const minSeconds = opts.minSeconds ?? 0.05;
  const out: Blink[] = [];
  let start = -1;
  const close = (end: number) => {
    const seconds = times[end + 1]! - times[start]!;
    if (seconds >= minSeconds) out.push({ startFrame: start, endFrame: end, seconds, long: seconds > 0.5 });
    start = -1;
  };
  for (let i = 0; i < ear.length; i++) {
    const closed = Number.isFinite(ear[i]!) && ear[i]! < threshold;
    if (closed && start < 0) start = i;
    else if (!closed && start >= 0) close(i - 1);
  }
  if (start >= 0) close(ear.length - 1);
  return out;
}

/** Human blink norms (per minute, and usual duration) the rate is shown against. */
export const BLINK_NORMS = { restPerMinute: 17, conversationPerMinute: 26, usualSeconds: [0.1, 0.4] as const, unusualOverSeconds: 0.5 };

/** Blinks per minute over `seconds` of video. */
export function blinkRate(blinks: readonly Blink[], seconds: number): number {
  return seconds > 0 ? (blinks.length * 60) / seconds : 0;
}

/** Pearson correlation of two equally long series over the indices where both are finite (NaN when undefined). */
export function correlation(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (!Number.isFinite(a[i]!) || !Number.isFinite(b[i]!)) continue;
    n++;
    sa += a[i]!;
    sb += b[i]!;
  }
  if (n < 3) return NaN;
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (!Number.isFinite(a[i]!) || !Number.isFinite(b[i]!)) continue;
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : NaN;
}

/**
 * The lag (in frames) at which `b` best follows `a`: the shift k in
 * [−maxLag, maxLag] that maximises the correlation of a[i] with b[i + k].
 * A positive lag means b happens k frames after a (sound after the mouth
 * moves); with a the mouth opening and b the audio loudness, people notice
 * sound more than 45 ms early (lag below −45 ms) or more than 125 ms late
 * (lag above +125 ms), ITU-R BT.1359 (which writes these with the opposite
 * sign: + for sound early).
 */
export function bestLag(a: readonly number[], b: readonly number[], maxLag: number): { lag: number; correlation: number } {
  let best = { lag: 0, correlation: -Infinity };
  for (let k = -maxLag; k <= maxLag; k++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = Math.max(0, -k); i < a.length && i + k < b.length; i++) {
      xs.push(a[i]!);
      ys.push(b[i + k]!);
    }
    const r = correlation(xs, ys);
    // Ties go to the smaller shift.
    if (Number.isFinite(r) && (r > best.correlation + 1e-12 || (Math.abs(r - best.correlation) <= 1e-12 && Math.abs(k) < Math.abs(best.lag)))) best = { lag: k, correlation: r };
  }
  return best.correlation === -Infinity ? { lag: 0, correlation: NaN } : best;
}
