import { describe, expect, it } from 'vitest';
import { bestLag, blinkRate, correlation, detectBlinks, eyeAspectRatio, mouthAspectRatio, type Pt } from '../../shared/signals';

/** Six eye points of an eye `w` wide whose lids are `h` apart (p1, p4 corners; p2, p3 upper; p6, p5 lower). */
function eye(w: number, h: number, x = 100, y = 50): [Pt, Pt, Pt, Pt, Pt, Pt] {
  return [[x, y], [x + w / 3, y - h / 2], [x + (2 * w) / 3, y - h / 2], [x + w, y], [x + (2 * w) / 3, y + h / 2], [x + w / 3, y + h / 2]];
}

/** Frame start times of a video at `fps`, plus the end of the last frame. */
const timesAt = (n: number, fps: number) => Array.from({ length: n + 1 }, (_, i) => i / fps);

describe('aspect ratios', () => {
  it('EAR is the lid opening over the eye width: h / w for this geometry, 0 when shut, any rotation or scale alike', () => {
    expect(eyeAspectRatio(eye(30, 9))).toBeCloseTo(0.3, 12);
    expect(eyeAspectRatio(eye(30, 0))).toBe(0);
    expect(eyeAspectRatio(eye(300, 90, 7, 9))).toBeCloseTo(0.3, 12);
    const rot = (p: Pt): Pt => [p[0] * Math.cos(1) - p[1] * Math.sin(1), p[0] * Math.sin(1) + p[1] * Math.cos(1)];
    expect(eyeAspectRatio(eye(30, 9).map(rot) as [Pt, Pt, Pt, Pt, Pt, Pt])).toBeCloseTo(0.3, 12);
    expect(eyeAspectRatio([[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]])).toBe(0);
  });
  it('MAR is the mean inner-lip opening over the mouth width', () => {
    expect(mouthAspectRatio([0, 0], [40, 0], [[10, -2], [20, -3], [30, -2]], [[10, 2], [20, 3], [30, 2]])).toBeCloseTo((4 + 6 + 4) / 3 / 40, 12);
  });
});

describe('blinks', () => {
  it('finds each closure below the threshold with its frames and its duration from the frame times', () => {
    // 30 fps, 10 s: open 0.3, blinks at frames 30–33 (4 frames, 133 ms) and 200–218 (19 frames, 633 ms: long).
    const ear = Array.from({ length: 300 }, (_, i) => ((i >= 30 && i <= 33) || (i >= 200 && i <= 218) ? 0.1 : 0.3));
    const blinks = detectBlinks(ear, timesAt(300, 30));
    expect(blinks.map((b) => [b.startFrame, b.endFrame, b.long])).toEqual([[30, 33, false], [200, 218, true]]);
    expect(blinks[0]!.seconds).toBeCloseTo(4 / 30, 12);
    expect(blinkRate(blinks, 10)).toBeCloseTo(12, 12);
  });
  it('drops closures shorter than the minimum, counts a closure at the end, and lets missing faces end one', () => {
    const ear = [0.3, 0.1, 0.3, 0.1, 0.1, 0.1, NaN, 0.1, 0.1, 0.1, 0.1];
    // 25 fps: one frame (40 ms) is below 50 ms; three frames (120 ms) count; the last four (160 ms) count.
    const b = detectBlinks(ear, timesAt(ear.length, 25));
    expect(b.map((x) => [x.startFrame, x.endFrame])).toEqual([[3, 5], [7, 10]]);
    // Settable threshold and minimum.
    expect(detectBlinks(ear, timesAt(ear.length, 25), { minSeconds: 0.01 })).toHaveLength(3);
    expect(detectBlinks(ear, timesAt(ear.length, 25), { threshold: 0.05 })).toHaveLength(0);
  });
  it('takes durations from the frames\' own times (variable frame rate), not from a nominal rate', () => {
    // Frames 2–4 closed; they last 10, 100 and 10 ms.
    const times = [0, 0.04, 0.08, 0.09, 0.19, 0.2, 0.24];
    const [b] = detectBlinks([0.3, 0.3, 0.1, 0.1, 0.1, 0.3], times);
    expect(b!.seconds).toBeCloseTo(0.12, 12);
    expect(() => detectBlinks([0.3], [0])).toThrow(/times needs 2 values/);
  });
});

describe('correlation and lag', () => {
  /** A mouth-like opening: bursts of 3–6 frames at irregular places, seeded, as speech would open it. */
  function bursts(n: number, seed: number): number[] {
    let s = seed;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const out = new Array<number>(n).fill(0);
    for (let i = 5; i < n - 10; i += 8 + Math.floor(rand() * 12)) {
      const len = 3 + Math.floor(rand() * 4);
      for (let j = 0; j < len; j++) out[i + j] = 0.3 + 0.5 * rand();
    }
    return out;
  }
  const shift = (xs: number[], k: number) => xs.map((_, i) => (i - k >= 0 && i - k < xs.length ? xs[i - k]! : 0));

  it('correlation is 1 for a scaled copy, −1 mirrored, NaN without variation or data', () => {
    const a = bursts(200, 1);
    expect(correlation(a, a.map((x) => 3 * x + 1))).toBeCloseTo(1, 12);
    expect(correlation(a, a.map((x) => -x))).toBeCloseTo(-1, 12);
    expect(correlation(a, a.map(() => 1))).toBeNaN();
    expect(correlation([1, 2], [1, 2])).toBeNaN();
    // Frames without a face (NaN) are left out, not counted as zero.
    expect(correlation([1, NaN, 2, 3, 4], [2, 100, 4, 6, 8])).toBeCloseTo(1, 12);
  });

  it('finds the lag of audio loudness behind a mouth opening, in frames, both ways', () => {
    const mouth = bursts(600, 7);
    for (const k of [0, 3, 6, -4, 11]) {
      // The sound as the mouth, k frames later, at another scale and with a little noise.
      const audio = shift(mouth, k).map((x, i) => 0.2 * x + 0.01 * Math.sin(i * 1.7));
      const r = bestLag(mouth, audio, 12);
      expect(r.lag, `lag ${k}`).toBe(k);
      expect(r.correlation).toBeGreaterThan(0.9);
    }
    // Unrelated series: no strong lag.
    expect(bestLag(bursts(600, 7), bursts(600, 99), 12).correlation).toBeLessThan(0.5);
  });
});
