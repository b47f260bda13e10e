import { z } from 'zod';
import { base64Length } from './base64';
import { BLINK_NORMS, bestLag, blinkRate, correlation, detectBlinks, type Blink } from './signals';

/**
 * From measured per-frame signals to what a person looks at: plot lanes
 * aligned to frames, and candidates — stretches of frames a signal flags
 * as worth a look, each with the label it suggests. Pure and deterministic:
 * the same signals and parameters always give the same candidates with the
 * same ids, so a decision on one (accepted, dismissed) is found again.
 * Times are seconds from frame 0 taken from the stored pts (`times` has
 * each frame's start and the last frame's end), never index × fps.
 */

/** The parameters candidates are derived with; every one has a default. */
export const CandidateParamsSchema = z
  .object({
    /** The eye counts as closed below this eye aspect ratio. */
    blinkThreshold: z.number().min(0.05).max(0.5).default(0.21),
    /** Closures shorter than this are noise, not blinks (seconds). */
    blinkMinSeconds: z.number().min(0).max(1).default(0.05),
    /** A face seen this long without a blink is a candidate (seconds). */
    noBlinkSeconds: z.number().min(2).max(600).default(10),
    /** Mouth–audio lag is estimated over windows this long (seconds), half overlapping. */
    lipWindowSeconds: z.number().min(2).max(120).default(10),
    /** A window's lag counts only when mouth and sound correlate at least this well there. */
    lipMinCorrelation: z.number().min(0).max(1).default(0.3),
    /** Face brightness changing by more than this fraction in one frame (while the surroundings do not). */
    lightingJump: z.number().min(0.02).max(1).default(0.15),
    /** Face colour (Cb/Cr distance, 0–255 scale) changing by more than this in one frame (while the surroundings do not). */
    colourJump: z.number().min(1).max(100).default(8),
    /** Face sharpness against its surroundings falling below this fraction of the video's usual. */
    sharpnessDrop: z.number().min(0.05).max(1).default(0.5),
    /** ... for at least this long (seconds). */
    sharpnessMinSeconds: z.number().min(0).max(10).default(0.2),
    /** Face change between frames above the median by this many robust deviations. */
    flickerFactor: z.number().min(1).max(100).default(6),
    /** ... and at least this large (mean absolute difference, 0–1). */
    flickerFloor: z.number().min(0).max(1).default(0.04),
  })
  .strict();
export type CandidateParams = z.output<typeof CandidateParamsSchema>;
export const DEFAULT_CANDIDATE_PARAMS: CandidateParams = CandidateParamsSchema.parse({});

export const SIGNAL_KINDS = ['blink', 'lip_sync', 'lighting', 'colour', 'sharpness', 'flicker'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** The label of the default taxonomy each signal's candidates suggest. */
export const SIGNAL_LABELS: Record<SignalKind, string> = {
  blink: 'blink_anomaly',
  lip_sync: 'lip_sync_mismatch',
  lighting: 'lighting_inconsistency',
  colour: 'skin_tone_anomaly',
  sharpness: 'blur_anomaly',
  flicker: 'facial_distortion',
};

/** Which parameters each signal's candidates depend on (kept with an accepted candidate). */
const PARAMS_OF: Record<SignalKind, (keyof CandidateParams)[]> = {
  blink: ['blinkThreshold', 'blinkMinSeconds', 'noBlinkSeconds'],
  lip_sync: ['lipWindowSeconds', 'lipMinCorrelation'],
  lighting: ['lightingJump'],
  colour: ['colourJump'],
  sharpness: ['sharpnessDrop', 'sharpnessMinSeconds'],
  flicker: ['flickerFactor', 'flickerFloor'],
};

export const CandidateSchema = z.object({
  /** Stable for the same signal and frames: `signal:start-end`. */
  id: z.string(),
  signal: z.enum(SIGNAL_KINDS),
  /** The label id it suggests. */
  label: z.string(),
  startFrame: z.number().int(),
  endFrame: z.number().int(),
  /** What it says, e.g. "No blink for 23.4 s". */
  text: z.string(),
  /** The measured value behind it (seconds, frames of lag, fraction...). */
  value: z.number(),
  /** The parameters it was derived with. */
  params: z.record(z.string(), z.number()),
});
export type Candidate = z.infer<typeof CandidateSchema>;

export const LaneSchema = z.object({
  id: z.string(),
  name: z.string(),
  unit: z.string(),
  /** One value per frame; null where there is none (no face, no audio). */
  values: z.array(z.number().nullable()),
  /** A second series drawn over the first, on its own scale (e.g. the surroundings, the audio). */
  overlay: z.object({ name: z.string(), values: z.array(z.number().nullable()) }).nullable(),
  min: z.number(),
  max: z.number(),
  thresholds: z.array(z.object({ value: z.number(), name: z.string() })),
  /** One line about the whole video (e.g. "12.3 blinks/min; people: about 17 at rest, 26 talking"). */
  summary: z.string(),
});
export type Lane = z.infer<typeof LaneSchema>;

/** The per-frame series measured on every frame, in the order CSV columns list them. */
export const SIGNAL_SERIES = ['score', 'earRight', 'earLeft', 'mar', 'faceLuma', 'ringLuma', 'faceCb', 'faceCr', 'ringCb', 'ringCr', 'sharpFace', 'sharpRing', 'flicker'] as const;
export type SeriesName = (typeof SIGNAL_SERIES)[number];

const Series = z.array(z.number().finite().nullable());
/**
 * A video's measured signals as the project keeps them (and `tellframe
 * signals --save` writes them, to be merged into another copy of the
 * project by the file's SHA-256): per frame, null where no face was found.
 */
export const KeptSignalsSchema = z
  .object({
    version: z.string().min(1).max(200),
    /** The settings they were measured with (measure width, detector confidence, band, crop size). */
    params: z.record(z.string().max(64), z.number()),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    computedAt: z.string().max(64),
    measureWidth: z.number().int().positive(),
    frames: z.number().int().min(1),
    /** x, y, width, height per frame in the original's pixels. */
    box: Series,
    score: Series, earRight: Series, earLeft: Series, mar: Series,
    faceLuma: Series, ringLuma: Series, faceCb: Series, faceCr: Series, ringCb: Series, ringCr: Series,
    sharpFace: Series, sharpRing: Series, flicker: Series,
    /** The names of the face-mesh points kept per frame (shared/landmarks.ts), and their values, base64. */
    landmarkNames: z.array(z.string().max(64)).max(1000),
    landmarks: z.string(),
  })
  .strict()
  .superRefine((k, ctx) => {
    const bytes = k.frames * k.landmarkNames.length * 4;
    if (k.landmarks.length !== base64Length(bytes)) ctx.addIssue({ code: 'custom', message: `landmarks hold ${k.landmarks.length} base64 characters, not ${base64Length(bytes)} (x and y of ${k.landmarkNames.length} points per frame)`, path: ['landmarks'] });
    else {
      const pad = (3 - (bytes % 3)) % 3;
      const body = k.landmarks.slice(0, k.landmarks.length - pad);
      if (!/^[A-Za-z0-9+/]*$/.test(body) || k.landmarks.slice(body.length) !== '='.repeat(pad)) {
        ctx.addIssue({ code: 'custom', message: 'landmarks are not base64 of that many bytes', path: ['landmarks'] });
      }
    }
    if (k.box.length !== k.frames * 4) ctx.addIssue({ code: 'custom', message: `box has ${k.box.length} values, not 4 per frame (${k.frames * 4})`, path: ['box'] });
    for (const name of SIGNAL_SERIES) {
      if (k[name].length !== k.frames) ctx.addIssue({ code: 'custom', message: `${name} has ${k[name].length} values, not one per frame (${k.frames})`, path: [name] });
    }
  });
export type KeptSignals = z.infer<typeof KeptSignalsSchema>;

/** A face out of view longer than this ends a stretch without blinks (it may have blinked meanwhile). */
export const FACE_GAP_SECONDS = 1;

/** Measured per-frame series the candidates are derived from (null: no face in that frame). */
export type MeasuredSignals = Readonly<Record<Exclude<SeriesName, 'score'>, readonly (number | null)[]>>;

export interface LipSync {
  /** Frames the sound follows the mouth by (negative: sound first). */
  lag: number;
  correlation: number;
  /** The lag in milliseconds (positive: sound late), from the frames' own durations. */
  ms: number;
}

export interface DerivedSignals {
  lanes: Lane[];
  blinks: Blink[];
  blinkRate: number;
  /** Seconds of video with a face, over which the blink rate is measured. */
  faceSeconds: number;
  lipSync: LipSync | null;
  candidates: Candidate[];
}

const num = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);
const finite = (xs: readonly number[]) => xs.filter((x) => Number.isFinite(x));
/** The largest finite value and `init` (a loop: series can be too long to spread into Math.max). */
function maxOf(init: number, xs: readonly number[]): number {
  let m = init;
  for (const x of xs) if (Number.isFinite(x) && x > m) m = x;
  return m;
}
function minOf(init: number, xs: readonly number[]): number {
  let m = init;
  for (const x of xs) if (Number.isFinite(x) && x < m) m = x;
  return m;
}

export function median(xs: readonly number[]): number {
  const s = finite(xs).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median absolute deviation, scaled (×1.4826) to a standard deviation for normal data. */
export function robustDeviation(xs: readonly number[], med = median(xs)): number {
  return median(finite(xs).map((x) => Math.abs(x - med))) * 1.4826;
}

const round = (x: number, k = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** k) / 10 ** k : null);
const fmt = (x: number, k = 1) => x.toFixed(k);

/** Runs of consecutive indices where `on(i)` holds, as [start, end] inclusive. */
function runs(n: number, on: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let s = -1;
  for (let i = 0; i <= n; i++) {
    const v = i < n && on(i);
    if (v && s < 0) s = i;
    else if (!v && s >= 0) {
      out.push([s, i - 1]);
      s = -1;
    }
  }
  return out;
}

/**
 * Lanes and candidates of one video. `times` holds n + 1 values (each
 * frame's start in seconds from frame 0, and the last frame's end);
 * `loudness` is each frame's audio RMS (empty without audio).
 */
export function deriveSignals(m: MeasuredSignals, times: readonly number[], loudness: readonly number[], p: CandidateParams = DEFAULT_CANDIDATE_PARAMS): DerivedSignals {
  const n = m.mar.length;
  if (times.length !== n + 1) throw new RangeError(`times needs ${n + 1} values, got ${times.length}`);
  const paramsOf = (s: SignalKind) => Object.fromEntries(PARAMS_OF[s].map((k) => [k, p[k]]));
  const candidates: Candidate[] = [];
  const add = (signal: SignalKind, startFrame: number, endFrame: number, text: string, value: number) =>
    candidates.push({ id: `${signal}:${startFrame}-${endFrame}`, signal, label: SIGNAL_LABELS[signal], startFrame, endFrame, text, value: round(value, 6) ?? 0, params: paramsOf(signal) });
  const dur = (a: number, b: number) => times[b + 1]! - times[a]!;
  const hasFace = (i: number) => Number.isFinite(num(m.mar[i]));
  const lanes: Lane[] = [];

  // ---- blinks --------------------------------------------------------------
  const ear = Array.from({ length: n }, (_, i) => (num(m.earRight[i]) + num(m.earLeft[i])) / 2);
  const blinks = detectBlinks(ear, times, { threshold: p.blinkThreshold, minSeconds: p.blinkMinSeconds });
  let faceSeconds = 0;
  for (let i = 0; i < n; i++) if (hasFace(i)) faceSeconds += dur(i, i);
  const rate = blinkRate(blinks, faceSeconds);
  lanes.push({
    id: 'ear', name: 'Eyes (EAR)', unit: 'eye aspect ratio', values: ear.map((v) => round(v)), overlay: null, min: 0, max: 0.5,
    thresholds: [{ value: p.blinkThreshold, name: 'closed below' }],
    summary: faceSeconds > 0
      ? `${blinks.length} blinks in ${fmt(faceSeconds)} s with a face: ${fmt(rate)}/min (people: about ${BLINK_NORMS.restPerMinute} at rest, ${BLINK_NORMS.conversationPerMinute} talking)`
      : 'No face found',
  });
  // Stretches of face without a blink: between blinks, and from where the face comes into view to where it leaves.
  // A face out of view for longer than FACE_GAP_SECONDS may have blinked meanwhile: the stretch ends there.
  const inView: [number, number][] = [];
  for (const r of runs(n, hasFace)) {
    const last = inView[inView.length - 1];
    if (last && times[r[0]]! - times[last[1] + 1]! <= FACE_GAP_SECONDS) last[1] = r[1];
    else inView.push([r[0], r[1]]);
  }
  const edges: [number, number][] = [];
  let k = 0;
  for (const [first, last] of inView) {
    let from = first;
    for (; k < blinks.length && blinks[k]!.startFrame <= last; k++) {
      const b = blinks[k]!;
      if (b.startFrame - 1 >= from) edges.push([from, b.startFrame - 1]);
      from = b.endFrame + 1;
    }
    if (last >= from) edges.push([from, last]);
  }
  for (const [a, b] of edges) {
    let seen = 0;
    for (let i = a; i <= b; i++) if (hasFace(i)) seen += dur(i, i);
    // Counted only over time the face was seen (a face out of view cannot be said not to blink).
    if (seen >= p.noBlinkSeconds) add('blink', a, b, `No blink for ${fmt(seen)} s`, seen);
  }
  for (const b of blinks) if (b.long) add('blink', b.startFrame, b.endFrame, `Blink of ${Math.round(b.seconds * 1000)} ms (over ${BLINK_NORMS.unusualOverSeconds * 1000} ms is unusual)`, b.seconds);

  // ---- mouth and sound -----------------------------------------------------
  const mar = m.mar.map(num);
  const loud = loudness.length === n ? loudness : [];
  let lipSync: LipSync | null = null;
  /**
   * A shift of k frames within frames a…b in milliseconds: the mean of the
   * stored times k frames apart (times[i + k] − times[i]), so frames of a
   * variable rate count for what they last, never k × a nominal frame.
   */
  const lagMs = (a: number, b: number, k: number) => {
    if (k === 0) return 0;
    const s = Math.abs(k);
    let sum = 0;
    let count = 0;
    for (let i = a; i + s <= b; i++, count++) sum += times[i + s]! - times[i]!;
    return count ? (Math.sign(k) * sum * 1000) / count : NaN;
  };
  const total = dur(0, n - 1);
  // Frames of no duration (duplicate pts) leave the lag in time undefined: no lag is estimated then.
  if (loud.length && n > 5 && Number.isFinite(total) && total > 0) {
    // Shifts of up to 0.5 s, leaving at least 3 frames compared at each.
    const maxLag = Math.max(1, Math.min(n - 3, Math.round(0.5 / (total / n))));
    const whole = bestLag(mar, loud, maxLag);
    const wholeMs = lagMs(0, n - 1, whole.lag);
    if (Number.isFinite(whole.correlation) && Number.isFinite(wholeMs)) lipSync = { lag: whole.lag, correlation: whole.correlation, ms: wholeMs };
    // Windows of lipWindowSeconds, half overlapping; flagged where the lag is beyond what people notice (ITU-R BT.1359).
    const flagged: { a: number; b: number; lag: number; r: number; ms: number }[] = [];
    for (let a = 0; a < n; ) {
      let b = a;
      while (b + 1 < n && times[b + 1]! - times[a]! < p.lipWindowSeconds) b++;
      const w = bestLag(mar.slice(a, b + 1), loud.slice(a, b + 1), Math.min(maxLag, Math.max(0, b - a - 2)));
      const ms = lagMs(a, b, w.lag);
      if (Number.isFinite(w.correlation) && Number.isFinite(ms) && w.correlation >= p.lipMinCorrelation && (ms > 125 || ms < -45)) flagged.push({ a, b, lag: w.lag, r: w.correlation, ms });
      if (b >= n - 1) break;
      let next = a;
      while (next < b && times[next]! - times[a]! < p.lipWindowSeconds / 2) next++;
      a = Math.max(a + 1, next);
    }
    for (let k = 0; k < flagged.length; ) {
      let j = k;
      while (j + 1 < flagged.length && flagged[j + 1]!.lag === flagged[k]!.lag && flagged[j + 1]!.a <= flagged[j]!.b + 1) j++;
      const f = flagged[k]!;
      const r = Math.min(...flagged.slice(k, j + 1).map((x) => x.r));
      add('lip_sync', f.a, flagged[j]!.b, `Mouth–audio lag ${f.lag > 0 ? '+' : ''}${f.lag} frames (sound ${Math.abs(Math.round(f.ms))} ms ${f.ms > 0 ? 'late' : 'early'}; r = ${fmt(r, 2)})`, f.lag);
      k = j + 1;
    }
  }
  const loudMax = maxOf(1e-9, loud);
  lanes.push({
    id: 'mouth', name: 'Mouth & sound', unit: 'mouth aspect ratio', values: mar.map((v) => round(v)),
    overlay: loud.length ? { name: 'loudness', values: loud.map((v) => round(v / loudMax)) } : null, min: 0, max: maxOf(0.5, mar),
    thresholds: [],
    summary: !loud.length
      ? 'No audio to compare the mouth with'
      : lipSync
        ? `Best lag ${lipSync.lag > 0 ? '+' : ''}${lipSync.lag} frames (${Math.round(lipSync.ms)} ms; people notice beyond +125 ms late / 45 ms early), r = ${fmt(lipSync.correlation, 2)}; r at 0 = ${fmt(correlation(mar, loud), 2)}`
        : 'Mouth and sound do not correlate',
  });

  // ---- lighting and colour: the face against its surroundings ---------------
  const faceLuma = m.faceLuma.map(num);
  const ringLuma = m.ringLuma.map(num);
  for (let i = 1; i < n; i++) {
    const f0 = faceLuma[i - 1]!;
    const f1 = faceLuma[i]!;
    const r0 = ringLuma[i - 1]!;
    const r1 = ringLuma[i]!;
    if (![f0, f1, r0, r1].every(Number.isFinite) || f0 <= 1 || r0 <= 1) continue;
    const df = (f1 - f0) / f0;
    const dr = (r1 - r0) / r0;
    if (Math.abs(df) > p.lightingJump && Math.abs(dr) < p.lightingJump / 3) {
      add('lighting', i - 1, i, `Face brightness ${df > 0 ? 'rises' : 'drops'} ${Math.round(Math.abs(df) * 100)}% in 1 frame (surroundings ${Math.round(Math.abs(dr) * 100)}%)`, df);
    }
  }
  lanes.push({
    id: 'lighting', name: 'Lighting', unit: 'mean luma 0–255', values: faceLuma.map((v) => round(v, 2)), overlay: { name: 'surroundings', values: ringLuma.map((v) => round(v, 2)) },
    min: 0, max: 255, thresholds: [], summary: `Face ${fmt(median(faceLuma))}, surroundings ${fmt(median(ringLuma))} (medians)`,
  });
  const chromaStep = (cb: readonly (number | null)[], cr: readonly (number | null)[]) =>
    Array.from({ length: n }, (_, i) => (i === 0 ? NaN : Math.hypot(num(cb[i]) - num(cb[i - 1]), num(cr[i]) - num(cr[i - 1]))));
  const faceStep = chromaStep(m.faceCb, m.faceCr);
  const ringStep = chromaStep(m.ringCb, m.ringCr);
  for (let i = 1; i < n; i++) {
    if (faceStep[i]! > p.colourJump && Number.isFinite(ringStep[i]!) && ringStep[i]! < p.colourJump / 3) {
      add('colour', i - 1, i, `Face colour shifts ${fmt(faceStep[i]!)} in 1 frame (surroundings ${fmt(ringStep[i]!)})`, faceStep[i]!);
    }
  }
  lanes.push({
    id: 'colour', name: 'Face colour change', unit: 'Cb/Cr distance per frame', values: faceStep.map((v) => round(v, 2)), overlay: { name: 'surroundings', values: ringStep.map((v) => round(v, 2)) },
    min: 0, max: maxOf(p.colourJump * 2, faceStep), thresholds: [{ value: p.colourJump, name: 'jump' }], summary: `Median change ${fmt(median(faceStep), 2)} per frame`,
  });

  // ---- sharpness: the face against a band around it -------------------------
  const sharp = Array.from({ length: n }, (_, i) => {
    const f = num(m.sharpFace[i]);
    const r = num(m.sharpRing[i]);
    return f > 0 && r > 0 ? Math.log2(f / r) : NaN;
  });
  const usual = median(sharp);
  const floor = usual + Math.log2(p.sharpnessDrop);
  if (Number.isFinite(usual)) {
    for (const [a, b] of runs(n, (i) => sharp[i]! < floor)) {
      if (dur(a, b) < p.sharpnessMinSeconds) continue;
      const worst = minOf(Infinity, sharp.slice(a, b + 1));
      add('sharpness', a, b, `Face ${Math.round((1 - 2 ** (worst - usual)) * 100)}% less sharp than usual against its surroundings for ${fmt(dur(a, b), 2)} s`, 2 ** (worst - usual));
    }
  }
  lanes.push({
    id: 'sharpness', name: 'Sharpness (face vs band)', unit: 'log2 ratio of Laplacian variances', values: sharp.map((v) => round(v, 3)), overlay: null,
    min: minOf(-4, sharp), max: maxOf(4, sharp),
    thresholds: Number.isFinite(usual) ? [{ value: usual, name: 'usual' }, { value: floor, name: 'blurred below' }] : [],
    summary: Number.isFinite(usual) ? `Face usually ${fmt(2 ** usual, 2)}× as sharp as the band around it` : 'No face found',
  });

  // ---- flicker: change of the face between frames ---------------------------
  const flicker = m.flicker.map(num);
  const fm = median(flicker);
  // Without two consecutive frames with a face there is no usual change: the floor alone, no threshold drawn.
  const limit = Number.isFinite(fm) ? Math.max(p.flickerFloor, fm + p.flickerFactor * robustDeviation(flicker, fm)) : p.flickerFloor;
  if (Number.isFinite(fm)) {
    for (const [a, b] of runs(n, (i) => flicker[i]! > limit)) {
      const peak = maxOf(-Infinity, flicker.slice(a, b + 1));
      // Flicker at frame i is the change from i − 1 to i: the candidate starts at the frame before.
      add('flicker', Math.max(0, a - 1), b, `Face changes ${fmt(peak * 100)}% between frames (usually ${fmt(fm * 100, 2)}%)`, peak);
    }
  }
  lanes.push({
    id: 'flicker', name: 'Face flicker', unit: 'mean absolute change 0–1', values: flicker.map((v) => round(v)), overlay: null,
    min: 0, max: maxOf(limit * 1.5, flicker), thresholds: Number.isFinite(fm) ? [{ value: limit, name: 'flicker above' }] : [],
    summary: Number.isFinite(fm) ? `Median change ${fmt(fm * 100, 2)}% between frames` : 'No face found',
  });

  candidates.sort((a, b) => a.startFrame - b.startFrame || a.endFrame - b.endFrame || a.signal.localeCompare(b.signal));
  return { lanes, blinks, blinkRate: rate, faceSeconds, lipSync, candidates };
}

export const DecisionSchema = z.object({
  decision: z.enum(['accepted', 'dismissed']),
  /** The annotation an accepted candidate became. */
  annotationId: z.string().nullable(),
  /** Whether that annotation is still there (it can be deleted or undone later). */
  annotationExists: z.boolean(),
  actor: z.string(),
  at: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** What the page shows of a video's signals: lanes, blinks, the lip-sync estimate, candidates with their decisions. */
export const SignalViewSchema = z.object({
  version: z.string(),
  computedAt: z.string(),
  frames: z.number().int(),
  params: CandidateParamsSchema,
  lanes: z.array(LaneSchema),
  blinks: z.array(z.object({ startFrame: z.number().int(), endFrame: z.number().int(), seconds: z.number(), long: z.boolean() })),
  blinkRate: z.number(),
  faceSeconds: z.number(),
  lipSync: z.object({ lag: z.number().int(), correlation: z.number(), ms: z.number() }).nullable(),
  candidates: z.array(CandidateSchema.extend({ decision: DecisionSchema.nullable() })),
});
export type SignalView = z.infer<typeof SignalViewSchema>;
