import { describe, it, expect } from 'vitest';
import {
  type Rational,
  dropFramesPerMinute,
  formatRational,
  formatSeconds,
  formatTimecode,
  frameAtPts,
  frameAtSeconds,
  frameDurationPts,
  frameEndSeconds,
  frameSeconds,
  framesToTimecode,
  isUnknownRational,
  nominalFps,
  parseRational,
  parseTimecode,
  ptsToSeconds,
  rationalToNumber,
  reduceRational,
  secondsToPts,
  timecodeToFrames,
} from '../../shared/time';

const R = (num: number, den: number): Rational => ({ num, den });
const NTSC = R(30000, 1001);
const NTSC60 = R(60000, 1001);
const FILM = R(24000, 1001);
const NTSC_TB = R(1001, 30000);

/** Deterministic PRNG (mulberry32) so failures are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('rationals', () => {
  it('parses num/den and plain integers', () => {
    expect(parseRational('1/12800')).toEqual({ num: 1, den: 12800 });
    expect(parseRational('30000/1001')).toEqual({ num: 30000, den: 1001 });
    expect(parseRational('25')).toEqual({ num: 25, den: 1 });
    expect(parseRational(' 1001 / 30000 ')).toEqual({ num: 1001, den: 30000 });
    // not reduced, so it round-trips
    expect(parseRational('2/50')).toEqual({ num: 2, den: 50 });
  });

  it('rejects 0/0 unless allowUnknown', () => {
    expect(() => parseRational('0/0')).toThrow(RangeError);
    expect(() => parseRational('0/0')).toThrow(/allowUnknown/);
    const u = parseRational('0/0', { allowUnknown: true });
    expect(u).toEqual({ num: 0, den: 0 });
    expect(isUnknownRational(u)).toBe(true);
    expect(isUnknownRational(NTSC)).toBe(false);
    // allowUnknown does not make other zero denominators acceptable
    expect(() => parseRational('5/0', { allowUnknown: true })).toThrow(/zero denominator/);
  });

  it.each(['', 'abc', '1/', '/2', '1/2/3', '-1/2', '1/-2', '29.97', '1e3', '1 2', '0x10', '99999999999999999999/1'])(
    'throws RangeError on garbage %j',
    (s) => {
      expect(() => parseRational(s)).toThrow(RangeError);
    },
  );

  it('converts and formats', () => {
    expect(rationalToNumber(NTSC)).toBeCloseTo(29.97002997, 8);
    expect(rationalToNumber(R(1, 4))).toBe(0.25);
    expect(() => rationalToNumber(R(0, 0))).toThrow(RangeError);
    expect(formatRational(NTSC)).toBe('30000/1001');
    expect(formatRational(parseRational('1/90000'))).toBe('1/90000');
    expect(formatRational(R(0, 0))).toBe('0/0');
    expect(reduceRational(R(2, 50))).toEqual({ num: 1, den: 25 });
    expect(reduceRational(R(60000, 2002))).toEqual({ num: 30000, den: 1001 });
  });
});

describe('ptsToSeconds', () => {
  it('is exact for integer inputs', () => {
    expect(ptsToSeconds(900000, R(1, 90000))).toBe(10);
    expect(ptsToSeconds(90000 * 86400, R(1, 90000))).toBe(86400);
    expect(ptsToSeconds(30000, R(1001, 30000))).toBe(1001);
    expect(ptsToSeconds(3, R(1001, 30000))).toBe(0.1001);
    expect(ptsToSeconds(12800 * 7, R(1, 12800))).toBe(7);
    expect(ptsToSeconds(-6400, R(1, 12800))).toBe(-0.5);
    expect(ptsToSeconds(0, R(1, 12800))).toBe(0);
  });

  it('matches the correctly rounded quotient pts*num/den (multiply first)', () => {
    // 1001 * 0.1 style (num/den first) would accumulate error; pts*num is exact here.
    for (let k = 0; k < 5000; k++) {
      const pts = k * 30000;
      expect(ptsToSeconds(pts, R(1001, 30000))).toBe(k * 1001);
    }
  });

  it('stays exact when pts*num exceeds 2^53', () => {
    // The naive pts*1001/30000 gives 85553351064180.98 here.
    const pts = 2564036495430000; // 85553351064181 * 30000
    expect(pts * 1001 > Number.MAX_SAFE_INTEGER).toBe(true);
    expect(ptsToSeconds(pts, R(1001, 30000))).toBe(85553351064181);
    expect(ptsToSeconds(-pts, R(1001, 30000))).toBe(-85553351064181);
    expect(ptsToSeconds(pts + 15000, R(1001, 30000))).toBe(85553351064181 + 500.5);
  });

  it('validates the time base and pts', () => {
    expect(() => ptsToSeconds(1, R(0, 0))).toThrow(RangeError);
    expect(() => ptsToSeconds(1, R(1, 0))).toThrow(RangeError);
    expect(() => ptsToSeconds(1, R(0, 1))).toThrow(RangeError);
    expect(() => ptsToSeconds(1, R(1.5, 2))).toThrow(RangeError);
    expect(() => ptsToSeconds(NaN, R(1, 2))).toThrow(RangeError);
  });

  it('secondsToPts inverts it', () => {
    expect(secondsToPts(10, R(1, 90000))).toBe(900000);
    expect(secondsToPts(0.1001, R(1001, 30000))).toBe(3);
    for (let p = -5000; p < 5000; p += 7) {
      expect(secondsToPts(ptsToSeconds(p, R(1001, 30000)), R(1001, 30000))).toBe(p);
    }
  });
});

describe('frameSeconds / frameEndSeconds', () => {
  const tb = R(1, 1000);

  it('measures from frame 0 pts, including non-zero and negative starts', () => {
    expect(frameSeconds([0, 40, 80], 2, tb)).toBe(0.08);
    expect(frameSeconds([1000, 1040, 1080], 0, tb)).toBe(0);
    expect(frameSeconds([1000, 1040, 1080], 2, tb)).toBe(0.08);
    expect(frameSeconds([-80, -40, 0, 40], 0, tb)).toBe(0);
    expect(frameSeconds([-80, -40, 0, 40], 2, tb)).toBe(0.08);
    expect(frameSeconds([-80, -40, 0, 40], 3, tb)).toBe(0.12);
  });

  it('accepts typed arrays', () => {
    expect(frameSeconds(new Float64Array([500, 1501, 2502]), 2, R(1, 1001))).toBe(2);
    expect(frameSeconds(new Int32Array([-1001, 0, 1001]), 2, R(1, 30000))).toBe(2002 / 30000);
  });

  it('uses 1001/30000 time bases (one tick per frame)', () => {
    const pts = [7, 8, 9, 10, 37];
    expect(frameSeconds(pts, 1, NTSC_TB)).toBe(1001 / 30000);
    expect(frameSeconds(pts, 4, NTSC_TB)).toBe(1.001);
  });

  it('rejects bad indices', () => {
    expect(() => frameSeconds([0, 1], 2, tb)).toThrow(RangeError);
    expect(() => frameSeconds([0, 1], -1, tb)).toThrow(RangeError);
    expect(() => frameSeconds([0, 1], 0.5, tb)).toThrow(RangeError);
    expect(() => frameSeconds([], 0, tb)).toThrow(RangeError);
  });

  it('end of frame i is the start of frame i+1', () => {
    const pts = [100, 140, 190, 200];
    expect(frameEndSeconds(pts, 0, tb)).toBe(0.04);
    expect(frameEndSeconds(pts, 1, tb)).toBe(0.09);
    expect(frameEndSeconds(pts, 2, tb, 9999)).toBe(0.1); // lastDuration ignored
    expect(frameDurationPts(pts, 1)).toBe(50);
  });

  it('last frame uses lastDuration when given', () => {
    const pts = [100, 140, 190, 200];
    expect(frameEndSeconds(pts, 3, tb, 33)).toBe(0.133);
    expect(() => frameEndSeconds(pts, 3, tb, 0)).toThrow(RangeError);
    expect(() => frameEndSeconds(pts, 3, tb, -5)).toThrow(RangeError);
    expect(() => frameEndSeconds(pts, 3, tb, NaN)).toThrow(RangeError);
  });

  it('last frame otherwise uses the median of the last 5 deltas', () => {
    // deltas: 1000 (ignored: older than 5), 40, 40, 10, 90, 40 → median 40
    const pts = [0, 1000, 1040, 1080, 1090, 1180, 1220];
    expect(frameDurationPts(pts, 6)).toBe(40);
    expect(frameEndSeconds(pts, 6, tb)).toBe(1.26);
    // 3 deltas → their median, whatever their order (not the mean, not the last)
    expect(frameDurationPts([0, 10, 60, 80], 3)).toBe(20); // 10, 50, 20
    expect(frameDurationPts([0, 20, 30, 80], 3)).toBe(20); // 20, 10, 50
    // even count (2 deltas: 10, 30) → mean of the middle two
    expect(frameDurationPts([0, 10, 40], 2)).toBe(20);
    // single delta
    expect(frameEndSeconds([5, 45], 1, tb)).toBe(0.08);
  });

  it('single frame needs lastDuration', () => {
    expect(() => frameEndSeconds([42], 0, tb)).toThrow(/lastDuration/);
    expect(frameEndSeconds([42], 0, tb, 40)).toBe(0.04);
  });
});

describe('frameAtSeconds / frameAtPts', () => {
  // VFR with a negative first pts, irregular deltas and a duplicate-free order.
  const tb = R(1, 1000);
  const vfr = [-33, 0, 33, 100, 101, 250, 1000];

  it('finds the frame at exact starts, just before and just after', () => {
    for (let i = 0; i < vfr.length; i++) {
      const start = frameSeconds(vfr, i, tb);
      expect(frameAtSeconds(vfr, tb, start)).toBe(i);
      if (i > 0) {
        // one full tick before the start belongs to the previous frame
        expect(frameAtSeconds(vfr, tb, start - 0.001)).toBe(i - 1);
        // within half a tick before the start is absorbed as float error
        expect(frameAtSeconds(vfr, tb, start - 0.0004)).toBe(i);
        expect(frameAtSeconds(vfr, tb, start - 0.0006)).toBe(i - 1);
      }
      expect(frameAtSeconds(vfr, tb, start + 0.0004)).toBe(i);
    }
  });

  it('uses seconds relative to frame 0 (not absolute pts)', () => {
    // absolute pts 100 is relative 0.133 s → frame 3
    expect(frameAtSeconds(vfr, tb, 0.133)).toBe(3);
    expect(frameAtSeconds(vfr, tb, 0.1)).toBe(2); // relative 0.1 s = abs pts 67
    expect(frameAtSeconds(vfr, tb, 0.134)).toBe(4);
    expect(frameAtSeconds(vfr, tb, 0.5)).toBe(5);
  });

  it('clamps', () => {
    expect(frameAtSeconds(vfr, tb, -1)).toBe(0);
    expect(frameAtSeconds(vfr, tb, -0)).toBe(0);
    expect(frameAtSeconds(vfr, tb, 1.033)).toBe(6); // exactly the last start
    expect(frameAtSeconds(vfr, tb, 1.032)).toBe(5);
    expect(frameAtSeconds(vfr, tb, 5000)).toBe(6); // after the last frame
    expect(frameAtSeconds(vfr, tb, Infinity)).toBe(6);
    expect(frameAtSeconds([7], tb, 3)).toBe(0);
    expect(() => frameAtSeconds([], tb, 0)).toThrow(RangeError);
    expect(() => frameAtSeconds(vfr, tb, NaN)).toThrow(RangeError);
  });

  it('agrees with a linear scan on random VFR lists (integer reference)', () => {
    const rand = rng(1234);
    const tbs = [R(1, 1000), R(1, 12800), R(1001, 30000), R(1, 90000), R(3, 7)];
    for (let trial = 0; trial < 200; trial++) {
      const t = tbs[trial % tbs.length] as Rational;
      const n = 1 + Math.floor(rand() * 60);
      const first = Math.floor(rand() * 20000) - 10000;
      const pts: number[] = [first];
      for (let i = 1; i < n; i++) pts.push((pts[i - 1] as number) + 1 + Math.floor(rand() * 3000));
      for (let q = 0; q < 40; q++) {
        const j = Math.floor(rand() * n);
        // offsets in ticks, avoiding the ambiguous exact ±0.5
        const offset = [-2, -1, -0.7, -0.3, 0, 0.3, 0.7, 1, 2][Math.floor(rand() * 9)] as number;
        const relTicks = (pts[j] as number) - first + offset;
        let expected = 0;
        for (let i = 0; i < n; i++) if ((pts[i] as number) - first <= relTicks + 0.5) expected = i;
        const seconds = (relTicks * t.num) / t.den;
        expect(frameAtSeconds(pts, t, seconds)).toBe(expected);
      }
    }
  });

  it('frameAtPts is exact on absolute pts', () => {
    expect(frameAtPts(vfr, -34)).toBe(0);
    expect(frameAtPts(vfr, -33)).toBe(0);
    expect(frameAtPts(vfr, -1)).toBe(0);
    expect(frameAtPts(vfr, 0)).toBe(1);
    expect(frameAtPts(vfr, 100)).toBe(3);
    expect(frameAtPts(vfr, 101)).toBe(4);
    expect(frameAtPts(vfr, 249)).toBe(4);
    expect(frameAtPts(vfr, 999)).toBe(5);
    expect(frameAtPts(vfr, 1000)).toBe(6);
    expect(frameAtPts(vfr, 10 ** 12)).toBe(6);
    expect(frameAtPts(new Int32Array([5, 10, 15]), 14)).toBe(1);
    expect(() => frameAtPts([], 0)).toThrow(RangeError);
  });

  it('round-trips 1001/30000 time bases with a non-zero start', () => {
    const pts = Array.from({ length: 5000 }, (_, i) => 900 + i); // 1 tick per frame
    for (let i = 0; i < pts.length; i += 37) {
      const s = frameSeconds(pts, i, NTSC_TB);
      expect(s).toBeCloseTo((i * 1001) / 30000, 12);
      expect(frameAtSeconds(pts, NTSC_TB, s)).toBe(i);
      expect(frameAtSeconds(pts, NTSC_TB, s - 0.02)).toBe(Math.max(0, i - 1));
    }
  });

  it('handles 90 kHz pts over 24 hours', () => {
    const tb90 = R(1, 90000);
    const step = 3003; // 29.97 fps
    const start = 2 ** 33 - 5 * 90000; // near the MPEG-TS 33-bit wrap, far from 0
    const n = Math.ceil((86400 * 90000) / step) + 1;
    const pts = new Float64Array(n);
    for (let i = 0; i < n; i++) pts[i] = start + i * step;
    const last = n - 1;
    expect(frameSeconds(pts, last, tb90)).toBe((last * step) / 90000);
    expect(frameSeconds(pts, last, tb90)).toBeGreaterThanOrEqual(86400);
    // exactly 24 h is inside frame floor(86400*90000/3003)
    expect(frameAtSeconds(pts, tb90, 86400)).toBe(Math.floor((86400 * 90000) / step));
    const rand = rng(99);
    for (let k = 0; k < 2000; k++) {
      const i = Math.floor(rand() * n);
      const s = frameSeconds(pts, i, tb90);
      expect(frameAtSeconds(pts, tb90, s)).toBe(i);
      expect(frameAtSeconds(pts, tb90, s - 1 / 90000)).toBe(Math.max(0, i - 1));
      expect(frameAtPts(pts, (pts[i] as number) + step - 1)).toBe(i);
    }
    expect(frameEndSeconds(pts, last, tb90)).toBe(((last + 1) * step) / 90000);
  });
});

/**
 * Independent reference for drop-frame labels: walk a label counter frame by
 * frame and skip the dropped labels at each non-tenth minute boundary.
 */
function* dropFrameLabels(fps: number, drop: number): Generator<string> {
  let h = 0;
  let m = 0;
  let s = 0;
  let f = 0;
  for (;;) {
    yield `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')};${String(f).padStart(2, '0')}`;
    f++;
    if (f === fps) {
      f = 0;
      s++;
      if (s === 60) {
        s = 0;
        m++;
        if (m === 60) {
          m = 0;
          h++;
        }
        if (m % 10 !== 0) f = drop;
      }
    }
  }
}

describe('timecode', () => {
  it('knows which rates drop frames', () => {
    expect(dropFramesPerMinute(NTSC)).toBe(2);
    expect(dropFramesPerMinute(R(2997, 100))).toBe(2);
    expect(dropFramesPerMinute(NTSC60)).toBe(4);
    expect(dropFramesPerMinute(R(30, 1))).toBe(0);
    expect(dropFramesPerMinute(FILM)).toBe(0);
    expect(nominalFps(FILM)).toBe(24);
    expect(nominalFps(NTSC)).toBe(30);
    expect(nominalFps(R(25, 1))).toBe(25);
  });

  it('formats known 29.97 drop-frame values', () => {
    const cases: [number, string][] = [
      [0, '00:00:00;00'],
      [1, '00:00:00;01'],
      [29, '00:00:00;29'],
      [30, '00:00:01;00'],
      [1799, '00:00:59;29'],
      [1800, '00:01:00;02'],
      [1801, '00:01:00;03'],
      [3597, '00:01:59;29'],
      [3598, '00:02:00;02'],
      [17981, '00:09:59;29'],
      [17982, '00:10:00;00'],
      [17983, '00:10:00;01'],
      [19781, '00:10:59;29'],
      [19782, '00:11:00;02'],
      [107892, '01:00:00;00'],
      [2589408, '24:00:00;00'],
    ];
    for (const [n, tc] of cases) {
      expect(framesToTimecode(n, NTSC)).toBe(tc);
      expect(timecodeToFrames(tc, NTSC)).toBe(n);
    }
  });

  it('formats known 59.94 drop-frame values', () => {
    expect(framesToTimecode(3599, NTSC60)).toBe('00:00:59;59');
    expect(framesToTimecode(3600, NTSC60)).toBe('00:01:00;04');
    expect(framesToTimecode(35963, NTSC60)).toBe('00:09:59;59');
    expect(framesToTimecode(35964, NTSC60)).toBe('00:10:00;00');
    expect(framesToTimecode(215784, NTSC60)).toBe('01:00:00;00');
  });

  it('matches a frame-by-frame label counter (29.97 and 59.94)', () => {
    for (const [rate, fps, drop] of [
      [NTSC, 30, 2],
      [NTSC60, 60, 4],
    ] as const) {
      const gen = dropFrameLabels(fps, drop);
      for (let n = 0; n < 40000; n++) {
        const expected = gen.next().value as string;
        const got = framesToTimecode(n, rate);
        if (got !== expected) expect(`${n}: ${got}`).toBe(`${n}: ${expected}`);
        if (timecodeToFrames(expected, rate) !== n) expect(`${expected} → ${timecodeToFrames(expected, rate)}`).toBe(`${expected} → ${n}`);
      }
    }
  });

  it('formats non-drop rates, 23.976 counting at 24', () => {
    expect(framesToTimecode(0, R(25, 1))).toBe('00:00:00:00');
    expect(framesToTimecode(91526, R(25, 1))).toBe('01:01:01:01');
    expect(framesToTimecode(24, FILM)).toBe('00:00:01:00');
    expect(framesToTimecode(86400, FILM)).toBe('01:00:00:00');
    // 1 real second at 23.976 is only frame 23 (the label drifts from clock time)
    expect(formatTimecode(1, FILM)).toBe('00:00:00:23');
    expect(formatTimecode(1.001, FILM)).toBe('00:00:01:00');
    // 29.97 with dropFrame:false counts 30 labels per second
    expect(framesToTimecode(1800, NTSC, { dropFrame: false })).toBe('00:01:00:00');
    expect(formatTimecode(1800 * 1.001 / 30, NTSC, { dropFrame: false })).toBe('00:01:00:00');
    // hours do not wrap at 24
    expect(framesToTimecode(25 * 3600 * 100, R(25, 1))).toBe('100:00:00:00');
  });

  it('uses floor(seconds*rate + 1e-6) on pts-derived seconds', () => {
    expect(formatTimecode(3661.04, R(25, 1))).toBe('01:01:01:01');
    expect(formatTimecode(0.0399, R(25, 1))).toBe('00:00:00:00');
    expect(formatTimecode(0.04, R(25, 1))).toBe('00:00:00:01');
    expect(formatTimecode(60.06, NTSC)).toBe('00:01:00;02'); // frame 1800
    expect(formatTimecode(599.9994, NTSC)).toBe('00:10:00;00'); // frame 17982
    // seconds derived from 1/30000 pts of frame k must label frame k exactly
    for (let k = 0; k < 20000; k++) {
      const s = ptsToSeconds(k * 1001, R(1, 30000));
      const tc = formatTimecode(s, NTSC);
      if (tc !== framesToTimecode(k, NTSC)) expect(`${k}: ${tc}`).toBe(`${k}: ${framesToTimecode(k, NTSC)}`);
    }
    // also 90 kHz pts of 59.94 (1501.5 is not integral, so use 2 frames = 3003 ticks)
    for (let k = 0; k < 10000; k += 2) {
      const s = ptsToSeconds((k / 2) * 3003, R(1, 90000));
      expect(formatTimecode(s, NTSC60)).toBe(framesToTimecode(k, NTSC60));
    }
  });

  it('rejects drop-frame for other rates and bad input', () => {
    expect(() => formatTimecode(1, R(25, 1), { dropFrame: true })).toThrow(RangeError);
    expect(() => framesToTimecode(1, R(30, 1), { dropFrame: true })).toThrow(RangeError);
    expect(() => framesToTimecode(1, FILM, { dropFrame: true })).toThrow(RangeError);
    expect(() => formatTimecode(-1, NTSC)).toThrow(RangeError);
    expect(() => formatTimecode(NaN, NTSC)).toThrow(RangeError);
    expect(() => framesToTimecode(1.5, NTSC)).toThrow(RangeError);
    expect(() => formatTimecode(1, R(0, 0))).toThrow(RangeError);
    // tiny negative float noise still formats as frame 0
    expect(formatTimecode(-1e-12, NTSC)).toBe('00:00:00;00');
  });

  it('parses timecodes back to seconds (either separator)', () => {
    expect(parseTimecode('00:01:00;02', NTSC)).toBeCloseTo(60.06, 12);
    expect(parseTimecode('00:01:00:02', NTSC)).toBeCloseTo(60.06, 12); // separator does not pick the mode
    expect(parseTimecode('00:01:00:02', NTSC, { dropFrame: false })).toBeCloseTo((1802 * 1001) / 30000, 12);
    expect(parseTimecode('00:10:00;00', NTSC)).toBeCloseTo(599.9994, 12);
    expect(parseTimecode('01:01:01:01', R(25, 1))).toBe(3661.04);
    expect(parseTimecode('00:00:01:00', FILM)).toBe(1.001);
    expect(parseTimecode(' 00:00:00;00 ', NTSC)).toBe(0);
  });

  it('parses plain seconds and clock times', () => {
    expect(parseTimecode('12.5', NTSC)).toBe(12.5);
    expect(parseTimecode('12', NTSC)).toBe(12);
    expect(parseTimecode('.25', NTSC)).toBe(0.25);
    expect(parseTimecode('1:02.5', NTSC)).toBe(62.5);
    expect(parseTimecode('01:01:01.040', R(25, 1))).toBe(3661.04);
    expect(parseTimecode(formatSeconds(4000.123), NTSC)).toBeCloseTo(4000.123, 9);
  });

  it.each([
    ['00:01:00;00', NTSC], // dropped label
    ['00:01:00;01', NTSC], // dropped label
    ['00:02:00;03', NTSC60], // dropped label at 59.94
    ['00:00:00:30', R(30, 1)], // frame out of range
    ['00:00:00:24', FILM],
    ['00:60:00:00', R(25, 1)],
    ['00:00:60:00', R(25, 1)],
    ['1:60.0', R(25, 1)],
    ['-1', R(25, 1)],
    ['-00:00:01:00', R(25, 1)],
    ['', R(25, 1)],
    ['abc', R(25, 1)],
    ['00:00;01:00', R(25, 1)], // separator in the wrong place
    ['1:2:3:4:5', R(25, 1)],
  ] as [string, Rational][])('parseTimecode rejects %j', (tc, rate) => {
    expect(() => parseTimecode(tc, rate)).toThrow(RangeError);
  });

  it('accepts labels at tenth minutes and frame 2 of other minutes', () => {
    expect(timecodeToFrames('00:20:00;00', NTSC)).toBe(35964);
    expect(timecodeToFrames('00:01:00;02', NTSC)).toBe(1800);
    expect(timecodeToFrames('00:01:01;00', NTSC)).toBe(1828);
  });

  it('round-trips format(parse(tc)) and parse(format(s))', () => {
    const rates: Rational[] = [NTSC, NTSC60, FILM, R(25, 1), R(24, 1), R(50, 1), R(30, 1)];
    const rand = rng(7);
    for (const rate of rates) {
      for (let k = 0; k < 3000; k++) {
        const n = Math.floor(rand() * 24 * 3600 * 60);
        const tc = framesToTimecode(n, rate);
        const s = parseTimecode(tc, rate);
        expect(formatTimecode(s, rate)).toBe(tc);
        // a time inside frame n (not at its start) formats the same
        const inside = s + (0.5 * rate.den) / rate.num;
        expect(formatTimecode(inside, rate)).toBe(tc);
      }
    }
  });
});

describe('formatSeconds', () => {
  it('formats HH:MM:SS.mmm', () => {
    expect(formatSeconds(0)).toBe('00:00:00.000');
    expect(formatSeconds(1.5)).toBe('00:00:01.500');
    expect(formatSeconds(61.001)).toBe('00:01:01.001');
    expect(formatSeconds(3661.04)).toBe('01:01:01.040');
    expect(formatSeconds(86400)).toBe('24:00:00.000');
    expect(formatSeconds(360000)).toBe('100:00:00.000');
    expect(formatSeconds(1001 / 30000)).toBe('00:00:00.033');
  });

  it('rounds before splitting into fields', () => {
    expect(formatSeconds(59.9996)).toBe('00:01:00.000');
    expect(formatSeconds(3599.9999)).toBe('01:00:00.000');
    expect(formatSeconds(0.0004)).toBe('00:00:00.000');
    expect(formatSeconds(0.0006)).toBe('00:00:00.001');
  });

  it('supports other decimal counts', () => {
    expect(formatSeconds(12.345678, 0)).toBe('00:00:12');
    expect(formatSeconds(12.5, 0)).toBe('00:00:13');
    expect(formatSeconds(12.345678, 1)).toBe('00:00:12.3');
    expect(formatSeconds(12.345678, 6)).toBe('00:00:12.345678');
    expect(formatSeconds(1 / 90000, 9)).toBe('00:00:00.000011111');
    expect(() => formatSeconds(1, -1)).toThrow(RangeError);
    expect(() => formatSeconds(1, 10)).toThrow(RangeError);
    expect(() => formatSeconds(1, 1.5)).toThrow(RangeError);
  });

  it('handles negatives and bad input', () => {
    expect(formatSeconds(-1.25)).toBe('-00:00:01.250');
    expect(formatSeconds(-0.0001)).toBe('00:00:00.000');
    expect(formatSeconds(-0)).toBe('00:00:00.000');
    expect(() => formatSeconds(NaN)).toThrow(RangeError);
    expect(() => formatSeconds(Infinity)).toThrow(RangeError);
  });
});
