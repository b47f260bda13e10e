/**
 * Time arithmetic for frame-exact video work.
 *
 * Model
 * -----
 * - Frame `i` is the i-th frame ffmpeg decodes (presentation order). Each
 *   frame has an integer presentation timestamp (pts) in the stream's rational
 *   time base `tb` (seconds per tick, e.g. 1/12800 or 1001/30000).
 * - Seconds are ALWAYS derived from stored pts (`pts * tb`), never from
 *   `index / fps`.
 * - Seconds shown to users are measured from frame 0's pts, so frame 0 is at
 *   0.0 even when the stream starts at a non-zero (or negative) pts.
 * - pts lists are assumed to be non-decreasing (the order in which ffmpeg
 *   outputs decoded frames). Binary searches rely on this.
 *
 * Everything here is pure TypeScript with no imports so it can run in the
 * main process, the renderer and in tests alike.
 */

// ---------------------------------------------------------------------------
// Rationals
// ---------------------------------------------------------------------------

/** A rational number `num / den`, both safe integers. */
export interface Rational {
  num: number;
  den: number;
}

/** Anything indexable holding pts values: number[], Float64Array, Int32Array, … */
export type PtsList = ArrayLike<number>;

export interface ParseRationalOptions {
  /**
   * ffprobe reports an unknown rate as "0/0". By default that is rejected with
   * a RangeError (it would silently turn into NaN / Infinity downstream).
   * Pass `allowUnknown: true` to get `{ num: 0, den: 0 }` back instead; the
   * caller must then check for it (see {@link isUnknownRational}).
   */
  allowUnknown?: boolean;
}

const RATIONAL_RE = /^\s*(\d+)\s*(?:\/\s*(\d+)\s*)?$/;

/**
 * Parses "1/12800", "30000/1001" or a plain integer "25" (→ 25/1).
 *
 * - Numerator and denominator must be non-negative decimal integers that fit
 *   in a safe integer; signs, decimals ("29.97") and anything else throw a
 *   RangeError.
 * - A zero denominator throws, except "0/0" when `opts.allowUnknown` is true.
 * - The value is NOT reduced: "2/50" stays {2, 50} so it round-trips through
 *   {@link formatRational}. Use {@link reduceRational} if needed.
 */
export function parseRational(s: string, opts: ParseRationalOptions = {}): Rational {
  const m = RATIONAL_RE.exec(s);
  if (!m) {
    throw new RangeError(`Invalid rational ${JSON.stringify(s)}: expected "num/den" or an integer`);
  }
  const num = Number(m[1]);
  const den = m[2] === undefined ? 1 : Number(m[2]);
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
    throw new RangeError(`Invalid rational ${JSON.stringify(s)}: value too large`);
  }
  if (den === 0) {
    if (num === 0 && opts.allowUnknown) return { num: 0, den: 0 };
    throw new RangeError(
      num === 0
        ? `Unknown rational "0/0" (pass { allowUnknown: true } to accept it)`
        : `Invalid rational ${JSON.stringify(s)}: zero denominator`,
    );
  }
  return { num, den };
}

/** True for the "unknown" rational 0/0 that ffprobe uses for missing rates. */
export function isUnknownRational(r: Rational): boolean {
  return r.num === 0 && r.den === 0;
}

/** `num / den` as a float. Throws RangeError for a zero denominator (incl. 0/0). */
export function rationalToNumber(r: Rational): number {
  assertRational(r, 'rational');
  return r.num / r.den;
}

/** "30000/1001". Formats 0/0 as "0/0" (no validation). */
export function formatRational(r: Rational): string {
  return `${r.num}/${r.den}`;
}

/** Reduces to lowest terms with a positive denominator. */
export function reduceRational(r: Rational): Rational {
  assertRational(r, 'rational');
  const g = gcd(Math.abs(r.num), r.den);
  return { num: r.num / g, den: r.den / g };
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a === 0 ? 1 : a;
}

function assertRational(r: Rational, what: string): void {
  if (!Number.isSafeInteger(r.num) || !Number.isSafeInteger(r.den) || r.den <= 0) {
    throw new RangeError(`Invalid ${what} ${formatRational(r)}: need integers with den > 0`);
  }
}

/** A time base or frame rate: both parts positive safe integers. */
function assertPositiveRational(r: Rational, what: string): void {
  if (!Number.isSafeInteger(r.num) || !Number.isSafeInteger(r.den) || r.num <= 0 || r.den <= 0) {
    throw new RangeError(`Invalid ${what} ${formatRational(r)}: need positive integers num/den`);
  }
}

// ---------------------------------------------------------------------------
// pts ↔ seconds
// ---------------------------------------------------------------------------

/**
 * `pts * tb.num / tb.den` seconds with a single rounding whenever possible.
 *
 * For integer pts with |pts × num| ≤ 2^53 the product is exact and the only
 * rounding is the final division, so the result is the correctly rounded
 * value of the exact rational (e.g. 900000 × 1/90000 is exactly 10, and
 * 30000 × 1001/30000 is exactly 1001). Larger products are split as
 * `pts = q·den + r` so that `q·num + r·num/den` stays (nearly) exact.
 */
export function ptsToSeconds(pts: number, tb: Rational): number {
  assertPositiveRational(tb, 'time base');
  if (!Number.isFinite(pts)) throw new RangeError(`Invalid pts ${pts}`);
  return mulDiv(pts, tb.num, tb.den);
}

/** x·num/den for a validated positive rational, minimising rounding. */
function mulDiv(x: number, num: number, den: number): number {
  const prod = x * num;
  if (Math.abs(prod) <= Number.MAX_SAFE_INTEGER || !Number.isInteger(x)) return prod / den;
  let q = Math.floor(x / den);
  let r = x - q * den;
  // x / den may round across an integer boundary; fix q so that 0 <= r < den.
  if (r < 0) {
    q -= 1;
    r += den;
  } else if (r >= den) {
    q += 1;
    r -= den;
  }
  return q * num + (r * num) / den;
}

/**
 * Seconds → nearest integer pts in time base `tb` (inverse of
 * {@link ptsToSeconds}; ties round up, as Math.round does).
 */
export function secondsToPts(seconds: number, tb: Rational): number {
  assertPositiveRational(tb, 'time base');
  if (!Number.isFinite(seconds)) throw new RangeError(`Invalid seconds ${seconds}`);
  return Math.round(mulDiv(seconds, tb.den, tb.num));
}

function assertIndex(ptsList: PtsList, i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= ptsList.length) {
    throw new RangeError(`Frame index ${i} out of range [0, ${ptsList.length - 1}]`);
  }
}

function at(ptsList: PtsList, i: number): number {
  // Callers validate i; the cast only satisfies noUncheckedIndexedAccess.
  return ptsList[i] as number;
}

/** Seconds of frame `i`, measured from frame 0's pts (frame 0 → 0). */
export function frameSeconds(ptsList: PtsList, i: number, tb: Rational): number {
  assertIndex(ptsList, i);
  return ptsToSeconds(at(ptsList, i) - at(ptsList, 0), tb);
}

/** Number of trailing deltas whose median estimates the last frame's duration. */
export const LAST_DURATION_SAMPLE = 5;

/**
 * Duration of frame `i` in time-base units: `pts[i+1] - pts[i]`, or for the
 * last frame `lastDuration` if given, else the median of the last
 * {@link LAST_DURATION_SAMPLE} (5) deltas (fewer if the list is shorter; with
 * an even count the mean of the two middle values). A single-frame list
 * without `lastDuration` has no deltas and throws a RangeError.
 * `lastDuration` must be finite and > 0 (pass undefined when unknown).
 */
export function frameDurationPts(ptsList: PtsList, i: number, lastDuration?: number): number {
  assertIndex(ptsList, i);
  const n = ptsList.length;
  if (i < n - 1) return at(ptsList, i + 1) - at(ptsList, i);
  if (lastDuration !== undefined) {
    if (!Number.isFinite(lastDuration) || lastDuration <= 0) {
      throw new RangeError(`Invalid lastDuration ${lastDuration}: must be finite and > 0`);
    }
    return lastDuration;
  }
  if (n < 2) {
    throw new RangeError('Cannot infer the duration of a single frame: pass lastDuration');
  }
  const k = Math.min(LAST_DURATION_SAMPLE, n - 1);
  const deltas: number[] = [];
  for (let j = n - k; j < n; j++) deltas.push(at(ptsList, j) - at(ptsList, j - 1));
  deltas.sort((a, b) => a - b);
  const mid = k >> 1;
  return k % 2 === 1 ? (deltas[mid] as number) : ((deltas[mid - 1] as number) + (deltas[mid] as number)) / 2;
}

/**
 * End of frame `i` in seconds from frame 0's pts: the start of frame `i+1`,
 * or for the last frame its start plus {@link frameDurationPts} (lastDuration
 * in time-base units if given, else the median of the last 5 deltas).
 */
export function frameEndSeconds(ptsList: PtsList, i: number, tb: Rational, lastDuration?: number): number {
  const dur = frameDurationPts(ptsList, i, lastDuration);
  return ptsToSeconds(at(ptsList, i) - at(ptsList, 0) + dur, tb);
}

/**
 * Index of the frame displayed at `seconds` (measured from frame 0's pts):
 * the largest i with `frameSeconds(i) <= seconds + ½ tick` (half a time-base
 * unit absorbs float error, e.g. seconds typed or round-tripped through text).
 * Clamped to [0, n-1]: negative times give 0, times past the last frame give
 * n-1. Works for VFR lists; O(log n). Throws RangeError for an empty list or
 * non-finite seconds.
 */
export function frameAtSeconds(ptsList: PtsList, tb: Rational, seconds: number): number {
  assertPositiveRational(tb, 'time base');
  if (Number.isNaN(seconds)) throw new RangeError('seconds is NaN');
  const n = ptsList.length;
  if (n === 0) throw new RangeError('Empty pts list');
  if (seconds === Infinity) return n - 1;
  if (seconds <= 0) return 0;
  const limit = seconds + (0.5 * tb.num) / tb.den;
  const p0 = at(ptsList, 0);
  // Invariant: frame lo starts <= limit; every frame > hi starts after limit.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    if (mulDiv(at(ptsList, mid) - p0, tb.num, tb.den) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Exact integer version of {@link frameAtSeconds} on absolute pts (same time
 * base as the list, NOT relative to frame 0): the largest i with
 * `ptsList[i] <= pts`, clamped to [0, n-1].
 */
export function frameAtPts(ptsList: PtsList, pts: number): number {
  if (Number.isNaN(pts)) throw new RangeError('pts is NaN');
  const n = ptsList.length;
  if (n === 0) throw new RangeError('Empty pts list');
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    if (at(ptsList, mid) <= pts) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------
// SMPTE timecode
// ---------------------------------------------------------------------------

export interface TimecodeOptions {
  /**
   * Drop-frame counting. Defaults to true for ≈29.97 and ≈59.94 fps and false
   * otherwise; requesting it for any other rate throws a RangeError.
   */
  dropFrame?: boolean;
}

interface TimecodeMode {
  /** Integer frames per timecode second (rounded nominal rate). */
  fps: number;
  /** Frame numbers dropped at the start of each non-tenth minute (0 = NDF). */
  drop: number;
}

/** Frame numbers dropped per minute for a drop-frame capable rate, else 0. */
export function dropFramesPerMinute(rate: Rational): number {
  assertPositiveRational(rate, 'frame rate');
  const fps = rate.num / rate.den;
  // Tolerance accepts 30000/1001 as well as ffprobe-style 2997/100.
  if (Math.abs(fps - 30000 / 1001) < 0.01) return 2;
  if (Math.abs(fps - 60000 / 1001) < 0.02) return 4;
  return 0;
}

/** Integer frames per timecode second: the rate rounded (23.976 → 24), at least 1. */
export function nominalFps(rate: Rational): number {
  assertPositiveRational(rate, 'frame rate');
  return Math.max(1, Math.round(rate.num / rate.den));
}

function timecodeMode(rate: Rational, opts: TimecodeOptions): TimecodeMode {
  const drop = dropFramesPerMinute(rate);
  const fps = nominalFps(rate);
  const dropFrame = opts.dropFrame ?? drop > 0;
  if (dropFrame && drop === 0) {
    throw new RangeError(
      `Drop-frame timecode needs 30000/1001 or 60000/1001 fps, not ${formatRational(rate)}`,
    );
  }
  return { fps, drop: dropFrame ? drop : 0 };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Nominal frame count → "HH:MM:SS:FF" (non-drop) or "HH:MM:SS;FF"
 * (drop-frame). Hours do not wrap at 24 and may exceed two digits.
 */
export function framesToTimecode(frames: number, rate: Rational, opts: TimecodeOptions = {}): string {
  const { fps, drop } = timecodeMode(rate, opts);
  if (!Number.isSafeInteger(frames) || frames < 0) {
    throw new RangeError(`Invalid frame number ${frames}: need a non-negative integer`);
  }
  let label = frames;
  if (drop > 0) {
    const perMinute = fps * 60 - drop; // 1798 at 29.97
    const perTenMinutes = perMinute * 10 + drop; // 17982 at 29.97
    const tens = Math.floor(frames / perTenMinutes);
    const rem = frames % perTenMinutes;
    label += drop * 9 * tens;
    if (rem > drop) label += drop * Math.floor((rem - drop) / perMinute);
  }
  const ff = label % fps;
  const totalSeconds = (label - ff) / fps;
  const ss = totalSeconds % 60;
  const totalMinutes = (totalSeconds - ss) / 60;
  const mm = totalMinutes % 60;
  const hh = (totalMinutes - mm) / 60;
  return `${pad2(hh)}:${pad2(mm)}:${pad2(ss)}${drop > 0 ? ';' : ':'}${pad2(ff)}`;
}

/**
 * Seconds (pts-derived, from frame 0) → SMPTE timecode. The nominal frame
 * number is `floor(seconds × rate + 1e-6)`; this is a label, not a frame
 * index. Non-integer non-drop rates count with the rounded rate (23.976 →
 * 24 frames per timecode second), as SMPTE does.
 */
export function formatTimecode(seconds: number, rate: Rational, opts: TimecodeOptions = {}): string {
  assertPositiveRational(rate, 'frame rate');
  if (!Number.isFinite(seconds)) throw new RangeError(`Invalid seconds ${seconds}`);
  const frames = Math.floor(mulDiv(seconds, rate.num, rate.den) + 1e-6);
  if (frames < 0) throw new RangeError(`Cannot format negative time ${seconds}s as timecode`);
  return framesToTimecode(frames, rate, opts);
}

const TIMECODE_RE = /^(\d+):(\d{1,2}):(\d{1,2})[:;](\d{1,3})$/;
const CLOCK_RE = /^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d*)?|\.\d+)$/;

/**
 * "HH:MM:SS:FF" / "HH:MM:SS;FF" → nominal frame count. The separator before
 * the frames is accepted either way and does not select the mode: counting
 * follows `opts.dropFrame` with the same default as {@link formatTimecode}.
 * Throws RangeError for malformed input, out-of-range fields and frame labels
 * that drop-frame counting skips (e.g. 00:01:00;00 at 29.97).
 */
export function timecodeToFrames(tc: string, rate: Rational, opts: TimecodeOptions = {}): number {
  const { fps, drop } = timecodeMode(rate, opts);
  const m = TIMECODE_RE.exec(tc.trim());
  if (!m) throw new RangeError(`Invalid timecode ${JSON.stringify(tc)}: expected HH:MM:SS:FF`);
  const hh = Number(m[1]);
  const mm = Number(m[2]);
  const ss = Number(m[3]);
  const ff = Number(m[4]);
  if (mm >= 60 || ss >= 60 || ff >= fps) {
    throw new RangeError(`Invalid timecode ${JSON.stringify(tc)}: field out of range at ${fps} fps`);
  }
  const totalMinutes = hh * 60 + mm;
  if (drop > 0 && ss === 0 && ff < drop && mm % 10 !== 0) {
    throw new RangeError(`Invalid timecode ${JSON.stringify(tc)}: frame label skipped by drop-frame`);
  }
  const label = (totalMinutes * 60 + ss) * fps + ff;
  const frames = label - drop * (totalMinutes - Math.floor(totalMinutes / 10));
  if (!Number.isSafeInteger(frames)) throw new RangeError(`Timecode ${JSON.stringify(tc)} too large`);
  return frames;
}

/**
 * Inverse of {@link formatTimecode}: returns seconds from frame 0.
 *
 * Accepts
 * - a timecode "HH:MM:SS:FF" or "HH:MM:SS;FF" (see {@link timecodeToFrames})
 *   → `frames / rate`, the start of that nominal frame;
 * - plain seconds "12.5", or clock time "M:SS(.sss)" / "H:MM:SS(.sss)" as
 *   written by {@link formatSeconds} → exactly those seconds (not snapped to
 *   a frame).
 * Negative values and anything else throw a RangeError.
 */
export function parseTimecode(tc: string, rate: Rational, opts: TimecodeOptions = {}): number {
  assertPositiveRational(rate, 'frame rate');
  const s = tc.trim();
  if (TIMECODE_RE.test(s)) {
    const frames = timecodeToFrames(s, rate, opts);
    return mulDiv(frames, rate.den, rate.num);
  }
  const m = CLOCK_RE.exec(s);
  if (!m) throw new RangeError(`Invalid timecode or seconds ${JSON.stringify(tc)}`);
  const hh = m[1] === undefined ? 0 : Number(m[1]);
  const mm = m[2] === undefined ? 0 : Number(m[2]);
  const sec = Number(m[3]);
  if (m[2] !== undefined && (mm >= 60 || sec >= 60)) {
    throw new RangeError(`Invalid clock time ${JSON.stringify(tc)}: field out of range`);
  }
  return (hh * 60 + mm) * 60 + sec;
}

// ---------------------------------------------------------------------------
// Clock display
// ---------------------------------------------------------------------------

/**
 * Seconds → "HH:MM:SS.mmm" with `decimals` (0–9) fractional digits, rounded
 * to nearest before splitting (so 59.9996 → "00:01:00.000"). Hours do not
 * wrap. Negative values get a leading "-" (but never "-00:00:00.000").
 */
export function formatSeconds(seconds: number, decimals = 3): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 9) {
    throw new RangeError(`Invalid decimals ${decimals}: need an integer 0–9`);
  }
  if (!Number.isFinite(seconds)) throw new RangeError(`Invalid seconds ${seconds}`);
  const scale = 10 ** decimals;
  const units = Math.round(Math.abs(seconds) * scale);
  if (!Number.isSafeInteger(units)) {
    throw new RangeError(`Cannot format ${seconds}s with ${decimals} decimals exactly`);
  }
  const frac = units % scale;
  const totalSeconds = (units - frac) / scale;
  const ss = totalSeconds % 60;
  const totalMinutes = (totalSeconds - ss) / 60;
  const mm = totalMinutes % 60;
  const hh = (totalMinutes - mm) / 60;
  const sign = seconds < 0 && units > 0 ? '-' : '';
  const fracText = decimals > 0 ? `.${String(frac).padStart(decimals, '0')}` : '';
  return `${sign}${pad2(hh)}:${pad2(mm)}:${pad2(ss)}${fracText}`;
}
