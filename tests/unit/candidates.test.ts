import { describe, expect, it } from 'vitest';
import { CandidateParamsSchema, DEFAULT_CANDIDATE_PARAMS, deriveSignals, KeptSignalsSchema, SignalViewSchema, median, robustDeviation, type MeasuredSignals } from '../../shared/candidates';
import { decodeLandmarks, encodeLandmarks } from '../../shared/landmarks';
import { base64Length, fromBase64 } from '../../shared/base64';
import { cropChange, CROP, measurePixels } from '../../electron/core/signals/pixelSignals';

/** Candidates from synthetic per-frame signals with known answers. */

/** n frames of a steady, open-eyed face with a closed mouth, evenly lit and sharp; `edit` changes some. */
function steady(n: number, edit: (m: { [K in keyof MeasuredSignals]: (number | null)[] }) => void = () => {}): MeasuredSignals {
  const fill = (v: number | null) => new Array<number | null>(n).fill(v);
  const m = {
    earRight: fill(0.3), earLeft: fill(0.3), mar: fill(0.05), faceLuma: fill(120), ringLuma: fill(100),
    faceCb: fill(110), faceCr: fill(150), ringCb: fill(128), ringCr: fill(128), sharpFace: fill(200), sharpRing: fill(100), flicker: fill(0.01),
  };
  m.flicker[0] = null;
  edit(m);
  return m;
}
/** Frame starts at 25 frames/s, or from given durations (variable frame rate). */
const evenTimes = (n: number, fps = 25) => Array.from({ length: n + 1 }, (_, i) => i / fps);

describe('candidates from signals', () => {
  it('a steady face gives no candidates, and every lane has one value per frame', () => {
    const d = deriveSignals(steady(100), evenTimes(100), []);
    expect(d.candidates).toEqual([]);
    expect(d.lanes.map((l) => [l.id, l.values.length])).toEqual([['ear', 100], ['mouth', 100], ['lighting', 100], ['colour', 100], ['sharpness', 100], ['flicker', 100]]);
    expect(d.faceSeconds).toBeCloseTo(4, 9);
    expect(d.lipSync).toBeNull();
  });

  it('no blink for longer than the bound, counted only over frames with a face; long blinks', () => {
    // 30 s at 25 frames/s: blinks at frames 100–104 (200 ms) and 500–519 (800 ms, long); face gone for frames 600–699.
    const n = 750;
    const m = steady(n, (s) => {
      for (let i = 100; i <= 104; i++) s.earRight[i] = s.earLeft[i] = 0.1;
      for (let i = 500; i <= 519; i++) s.earRight[i] = s.earLeft[i] = 0.1;
      for (let i = 600; i < 700; i++) for (const k of Object.keys(s) as (keyof MeasuredSignals)[]) s[k][i] = null;
    });
    const d = deriveSignals(m, evenTimes(n), []);
    expect(d.blinks.map((b) => [b.startFrame, b.endFrame, b.long])).toEqual([[100, 104, false], [500, 519, true]]);
    const blink = d.candidates.filter((c) => c.signal === 'blink');
    // 105–499 is 395 frames = 15.8 s > 10 s; 0–99 is 4 s; 520–749 is 230 frames of which 130 with a face = 5.2 s.
    expect(blink.map((c) => [c.id, c.label])).toEqual([['blink:105-499', 'blink_anomaly'], ['blink:500-519', 'blink_anomaly']]);
    expect(blink[0]!.value).toBeCloseTo(15.8, 6);
    expect(blink[0]!.text).toBe('No blink for 15.8 s');
    expect(blink[1]!.text).toContain('800 ms');
    expect(blink[0]!.params).toEqual({ blinkThreshold: 0.21, blinkMinSeconds: 0.05, noBlinkSeconds: 10 });
    // Blink rate over time with a face: 2 blinks in 26 s.
    expect(d.faceSeconds).toBeCloseTo(26, 9);
    expect(d.blinkRate).toBeCloseTo(120 / 26, 9);
    // The face out of view for 4 s (frames 600–699) ends the stretch: it may have blinked meanwhile. A looser bound (3 s) also finds 0–99 (4 s) and 520–599 (3.2 s), not 700–749 (2 s).
    const loose = deriveSignals(m, evenTimes(n), [], { ...DEFAULT_CANDIDATE_PARAMS, noBlinkSeconds: 3 });
    expect(loose.candidates.filter((c) => c.signal === 'blink').map((c) => c.id)).toEqual(['blink:0-99', 'blink:105-499', 'blink:500-519', 'blink:520-599']);
    // Out of view for only 0.4 s (frames 300–309): the stretch goes on, counting the face's time alone (395 − 10 frames = 15.4 s).
    const brief = steady(n, (s) => {
      for (let i = 100; i <= 104; i++) s.earRight[i] = s.earLeft[i] = 0.1;
      for (let i = 300; i < 310; i++) for (const k of Object.keys(s) as (keyof MeasuredSignals)[]) s[k][i] = null;
    });
    const bridged = deriveSignals(brief, evenTimes(n), []).candidates;
    expect(bridged.map((c) => [c.id, Math.round(c.value * 10) / 10])).toEqual([['blink:105-749', 25.4]]);
  });

  it('no face anywhere, or frames without duration: lanes without thresholds they cannot have, no lag, and a view the schema accepts', () => {
    const none = steady(40, (s) => {
      for (const k of Object.keys(s) as (keyof MeasuredSignals)[]) s[k].fill(null);
    });
    const d = deriveSignals(none, evenTimes(40), new Array(40).fill(0.1));
    expect(d.candidates).toEqual([]);
    expect(d.lanes.find((l) => l.id === 'flicker')!.thresholds).toEqual([]);
    const view = { version: 'v', computedAt: 't', frames: 40, params: DEFAULT_CANDIDATE_PARAMS, ...d, candidates: [] };
    expect(SignalViewSchema.safeParse(view).success).toBe(true);
    // Every pts the same (an index with duplicate pts): no lag is estimated, and it returns.
    const flat = deriveSignals(steady(4), [5, 5, 5, 5, 5], [0.1, 0.3, 0.2, 0.1]);
    expect(flat.lipSync).toBeNull();
    // Tiny steps: the shifts stay within the frames there are.
    const tiny = deriveSignals(steady(300), Array.from({ length: 301 }, (_, i) => i / 90000), new Array(300).fill(0.1));
    expect(SignalViewSchema.safeParse({ ...view, frames: 300, ...tiny, candidates: [] }).success).toBe(true);
  });

  it('durations come from the frames\' times, not their count (variable frame rate)', () => {
    // 300 frames; the first 150 last 20 ms each (3 s), the rest 80 ms (12 s): 15 s without a blink, only 12 s of it in the second half.
    const times = [0];
    for (let i = 0; i < 300; i++) times.push(times[i]! + (i < 150 ? 0.02 : 0.08));
    const d = deriveSignals(steady(300), times, []);
    expect(d.candidates.map((c) => [c.id, Math.round(c.value * 1000)])).toEqual([['blink:0-299', 15000]]);
  });

  it('a brightness jump of the face alone is a lighting candidate; one with the surroundings is not', () => {
    const m = steady(50, (s) => {
      for (let i = 20; i < 50; i++) s.faceLuma[i] = 150; // +25% at frame 20
      for (let i = 35; i < 50; i++) {
        s.faceLuma[i] = 200; // +33% at frame 35, but the surroundings change as much: a light switched on
        s.ringLuma[i] = 133;
      }
    });
    const c = deriveSignals(m, evenTimes(50), []).candidates;
    expect(c.map((x) => [x.id, x.label, Math.round(x.value * 100)])).toEqual([['lighting:19-20', 'lighting_inconsistency', 25]]);
    expect(c[0]!.text).toBe('Face brightness rises 25% in 1 frame (surroundings 0%)');
  });

  it('a colour shift of the face alone is a skin-tone candidate', () => {
    const m = steady(30, (s) => {
      for (let i = 10; i < 30; i++) s.faceCr[i] = 160; // 10 units in one frame
    });
    const c = deriveSignals(m, evenTimes(30), []).candidates;
    expect(c.map((x) => [x.id, x.label, x.value])).toEqual([['colour:9-10', 'skin_tone_anomaly', 10]]);
  });

  it('a stretch where the face is blurred against its surroundings, if long enough', () => {
    const m = steady(100, (s) => {
      for (let i = 40; i < 50; i++) s.sharpFace[i] = 50; // a quarter of its usual sharpness for 10 frames (0.4 s)
      for (let i = 70; i < 72; i++) s.sharpFace[i] = 50; // and for 2 frames (0.08 s): too short
    });
    const d = deriveSignals(m, evenTimes(100), []);
    expect(d.candidates.map((x) => [x.id, x.label, x.value])).toEqual([['sharpness:40-49', 'blur_anomaly', 0.25]]);
    const lane = d.lanes.find((l) => l.id === 'sharpness')!;
    expect(lane.values[0]).toBe(1); // log2(200/100)
    expect(lane.thresholds).toEqual([{ value: 1, name: 'usual' }, { value: 0, name: 'blurred below' }]);
  });

  it('flicker far above the usual change between frames, starting at the frame before', () => {
    const m = steady(60, (s) => {
      for (let i = 1; i < 60; i++) s.flicker[i] = 0.01 + (i % 3) * 0.002; // usual 0.010–0.014
      s.flicker[30] = 0.09;
      s.flicker[31] = 0.08;
    });
    const d = deriveSignals(m, evenTimes(60), []);
    expect(d.candidates.map((x) => [x.id, x.label, x.value])).toEqual([['flicker:29-31', 'facial_distortion', 0.09]]);
  });

  it('mouth–audio: the lag over windows; a lag people do not notice is no candidate', () => {
    const n = 500;
    // Open on a pseudo-random (not periodic) pattern, so only the true shift lines mouth and sound up.
    let x = 1;
    const open = Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648), x % 100 < 35));
    const loudAt = (lag: number) => Array.from({ length: n }, (_, i) => (open[i - lag] ? 0.5 : 0.001));
    const m = steady(n, (s) => {
      for (let i = 0; i < n; i++) s.mar[i] = open[i] ? 0.4 : 0.05;
    });
    const lip = (d: ReturnType<typeof deriveSignals>) => d.candidates.filter((c) => c.signal === 'lip_sync');
    const late = deriveSignals(m, evenTimes(n), loudAt(4));
    expect(late.lipSync).toMatchObject({ lag: 4 });
    expect(late.lipSync!.ms).toBeCloseTo(160, 9);
    // 20 s in 10 s windows half overlapping: one candidate over all frames.
    expect(lip(late).map((c) => [c.id, c.value])).toEqual([['lip_sync:0-499', 4]]);
    // 3 frames late = 120 ms: within what people accept (125 ms).
    expect(lip(deriveSignals(m, evenTimes(n), loudAt(3)))).toEqual([]);
    // 2 frames early = 80 ms: beyond the 45 ms people notice.
    expect(lip(deriveSignals(m, evenTimes(n), loudAt(-2))).map((c) => [c.id, c.value])).toEqual([['lip_sync:0-499', -2]]);
    // Only the second half out of step: the candidate covers the windows that are.
    const half = loudAt(0).map((v, i) => (i < 250 ? v : loudAt(5)[i]!));
    const c = lip(deriveSignals(m, evenTimes(n), half));
    expect(c).toHaveLength(1);
    expect(c[0]!.startFrame).toBeGreaterThanOrEqual(125);
    expect(c[0]!.endFrame).toBe(499);
    expect(c[0]!.value).toBe(5);
  });

  it('a lag in frames is as many milliseconds as those frames last (variable frame rate)', () => {
    // 250 frames: the first 125 last 20 ms, the rest 40 ms. The sound follows the mouth by 4 frames throughout:
    // 80 ms where frames are short (not noticeable), 160 ms where they are long (noticeable).
    const n = 250;
    const times = [0];
    for (let i = 0; i < n; i++) times.push(times[i]! + (i < 125 ? 0.02 : 0.04));
    let x = 3;
    const open = Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648), x % 100 < 35));
    const m = steady(n, (s) => {
      for (let i = 0; i < n; i++) s.mar[i] = open[i] ? 0.4 : 0.05;
    });
    const loud = Array.from({ length: n }, (_, i) => (open[i - 4] ? 0.5 : 0.001));
    const lip = deriveSignals(m, times, loud, { ...DEFAULT_CANDIDATE_PARAMS, lipWindowSeconds: 2 }).candidates.filter((c) => c.signal === 'lip_sync');
    expect(lip.length).toBeGreaterThan(0);
    for (const c of lip) {
      expect(c.value).toBe(4);
      // Only windows reaching into the long frames (from frame 125 on; a 2 s window there starts after frame 75).
      expect(c.startFrame).toBeGreaterThanOrEqual(75);
    }
    expect(lip[lip.length - 1]!.endFrame).toBe(n - 1);
    // A window of long frames alone says 160 ms; the first flagged window, reaching back into short ones, less but over 125.
    const ms = Number(/sound (\d+) ms late/.exec(lip[0]!.text)![1]);
    expect(ms).toBeGreaterThan(125);
    expect(ms).toBeLessThanOrEqual(160);
    // With every frame 20 ms long the same 4 frames are 80 ms: nothing to flag.
    const short = Array.from({ length: n + 1 }, (_, i) => i * 0.02);
    expect(deriveSignals(m, short, loud, { ...DEFAULT_CANDIDATE_PARAMS, lipWindowSeconds: 2 }).candidates.filter((c) => c.signal === 'lip_sync')).toEqual([]);
  });

  it('parameters are checked at the boundary, with defaults for any left out', () => {
    expect(CandidateParamsSchema.parse({ blinkThreshold: 0.3 })).toEqual({ ...DEFAULT_CANDIDATE_PARAMS, blinkThreshold: 0.3 });
    expect(CandidateParamsSchema.safeParse({ blinkThreshold: 2 }).success).toBe(false);
    expect(CandidateParamsSchema.safeParse({ other: 1 }).success).toBe(false);
    expect(median([3, NaN, 1, 2])).toBe(2);
    expect(robustDeviation([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 9);
  });
});

describe('landmark encoding', () => {
  it('keeps eighths of a pixel up to 8191, and no value as no value', () => {
    const values = [0, 1.125, 1.13, 8191.75, NaN, -1, 9000];
    const back = Array.from(decodeLandmarks(fromBase64(Buffer.from(encodeLandmarks(values)).toString('base64'))));
    expect(back).toEqual([0, 1.125, 1.125, 8191.75, NaN, NaN, NaN]);
    expect(base64Length(encodeLandmarks(values).length)).toBe(Buffer.from(encodeLandmarks(values)).toString('base64').length);
  });

  it('kept signals must carry exactly the landmark bytes their frames need, padding included', () => {
    const frames = 2;
    const names = ['a', 'b', 'c'];
    const nulls = (k: number) => new Array<null>(k).fill(null);
    const base = {
      version: 'v', params: {}, sha256: 'a'.repeat(64), computedAt: 't', measureWidth: 640, frames, box: nulls(8),
      score: nulls(2), earRight: nulls(2), earLeft: nulls(2), mar: nulls(2), faceLuma: nulls(2), ringLuma: nulls(2), faceCb: nulls(2), faceCr: nulls(2),
      ringCb: nulls(2), ringCr: nulls(2), sharpFace: nulls(2), sharpRing: nulls(2), flicker: nulls(2), landmarkNames: names,
    };
    // 2 frames × 3 points × x, y × 2 bytes = 24 bytes: 32 characters, no padding; with 2 points, 16 bytes: 24 characters, "==".
    const good = Buffer.from(encodeLandmarks(new Array(12).fill(1))).toString('base64');
    expect(KeptSignalsSchema.safeParse({ ...base, landmarks: good }).success).toBe(true);
    const two = Buffer.from(encodeLandmarks(new Array(8).fill(1))).toString('base64');
    expect(two.endsWith('==')).toBe(true);
    expect(KeptSignalsSchema.safeParse({ ...base, landmarkNames: ['a', 'b'], landmarks: two }).success).toBe(true);
    expect(KeptSignalsSchema.safeParse({ ...base, landmarkNames: ['a', 'b'], landmarks: two.slice(0, -2) + 'AA' }).success).toBe(false);
    expect(KeptSignalsSchema.safeParse({ ...base, landmarkNames: ['a', 'b'], landmarks: two.slice(0, -3) + 'A==' }).success).toBe(true);
    expect(KeptSignalsSchema.safeParse({ ...base, landmarkNames: ['a', 'b'], landmarks: two.slice(0, -3) + '===' }).success).toBe(false);
    expect(KeptSignalsSchema.safeParse({ ...base, landmarks: good.slice(4) }).success).toBe(false);
  });
});

describe('pixel measures', () => {
  /** A w×h RGB picture filled by f(x, y) → [r, g, b]. */
  function picture(w: number, h: number, f: (x: number, y: number) => [number, number, number]): Uint8Array {
    const p = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.set(f(x, y), (y * w + x) * 3);
    return p;
  }
  const BOX = [40, 40, 40, 40] as const;
  const inBox = (x: number, y: number) => x >= 40 && x < 80 && y >= 40 && y < 80;

  it('brightness and colour of the face against the band around it', () => {
    const p = picture(120, 120, (x, y) => (inBox(x, y) ? [200, 200, 200] : [50, 100, 150]));
    const m = measurePixels(p, 120, 120, BOX)!;
    expect(m.faceLuma).toBeCloseTo(200, 4);
    expect(m.ringLuma).toBeCloseTo(0.299 * 50 + 0.587 * 100 + 0.114 * 150, 4);
    expect(m.faceCb).toBeCloseTo(128, 4);
    expect(m.faceCr).toBeCloseTo(128, 4);
    expect(m.ringCb).toBeGreaterThan(128); // bluish
    // Flat regions: the Laplacian is zero except along the face's edge.
    const flat = measurePixels(picture(120, 120, () => [90, 90, 90]), 120, 120, BOX)!;
    expect([flat.sharpFace, flat.sharpRing]).toEqual([0, 0]);
    expect(m.sharpFace).toBeGreaterThan(0);
  });

  it('sharpness: a fine checkerboard inside the face, flat outside; and the blurred one is less sharp', () => {
    const sharp = picture(120, 120, (x, y) => (inBox(x, y) && (x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const blurred = picture(120, 120, (x, y) => (inBox(x, y) ? [128, 128, 128] : [0, 0, 0]));
    const a = measurePixels(sharp, 120, 120, BOX)!;
    const b = measurePixels(blurred, 120, 120, BOX)!;
    expect(a.sharpFace).toBeGreaterThan(100 * a.sharpRing);
    expect(b.sharpFace).toBeLessThan(a.sharpFace / 100);
  });

  it('flicker: the change of the face copy between frames, 0–1', () => {
    const a = measurePixels(picture(120, 120, () => [100, 100, 100]), 120, 120, BOX)!;
    const b = measurePixels(picture(120, 120, (x, y) => (inBox(x, y) && x < 60 ? [151, 151, 151] : [100, 100, 100])), 120, 120, BOX)!;
    expect(a.crop).toHaveLength(CROP * CROP);
    expect(cropChange(a.crop, a.crop)).toBe(0);
    // Half the face 51 levels brighter: 25.5 / 255 = 0.1.
    expect(cropChange(a.crop, b.crop)).toBeCloseTo(0.1, 4);
  });

  it('a box outside the picture has nothing to measure', () => {
    expect(measurePixels(new Uint8Array(30 * 30 * 3), 30, 30, [40, 40, 10, 10])).toBeNull();
  });
});
