import { describe, expect, it } from 'vitest';
import { boundaries, spanToFrames } from '../../electron/core/import/apply';
import { badInput } from './fixtures/badInput';

/** Seconds from a foreign file become exact frames through the stored pts: snapped to the nearest frame boundary. */
describe('spanToFrames', () => {
  // 1/90000, frame 0 at pts 12345, frames of 3000, 3003 and 6006 ticks (VFR), end at 48378.
  const pts = [12345, 15345, 18348, 21351, 27357, 30360, 33363, 36366, 42372, 45375];
  const b = boundaries({ pts, key: pts.map(() => false) }, { end_pts: 48378, tb_num: 1, tb_den: 90000 });
  const t = (f: number) => ((f < pts.length ? pts[f]! : 48378) - 12345) / 90000;

  it('starts at frame 0 and ends at the end of the last frame', () => {
    expect(b[0]).toBe(0);
    expect(b[10]).toBeCloseTo((48378 - 12345) / 90000, 12);
  });

  it('gives back the frames a span was made from, also through whole milliseconds', () => {
    for (const [s, e] of [[0, 0], [2, 5], [4, 4], [3, 9], [9, 9]] as const) {
      expect(spanToFrames({ unit: 'seconds', start: t(s), end: t(e + 1) }, b, 'x')).toEqual({ start: s, end: e });
      const ms = { unit: 'seconds' as const, start: Math.round(t(s) * 1000) / 1000, end: Math.round(t(e + 1) * 1000) / 1000 };
      expect(spanToFrames(ms, b, 'x')).toEqual({ start: s, end: e });
    }
  });

  it('snaps times between boundaries to the nearest one, and never returns an empty span', () => {
    // Frame 4 runs 0.16680–0.20017 s (6006 ticks): 0.19 is nearer its end.
    expect(spanToFrames({ unit: 'seconds', start: 0.19, end: 0.2 }, b, 'x')).toEqual({ start: 5, end: 5 });
    expect(spanToFrames({ unit: 'seconds', start: 0.17, end: 0.171 }, b, 'x')).toEqual({ start: 4, end: 4 });
  });

  it('names the place and the problem for spans outside the video, reversed or not numbers', () => {
    expect(badInput(() => spanToFrames({ unit: 'seconds', start: 0, end: 9 }, b, 'metadata.json: [3].fake_periods[0]'))).toMatch(/^metadata\.json: \[3\]\.fake_periods\[0\]: end 9 s is past the end/);
    expect(badInput(() => spanToFrames({ unit: 'seconds', start: 0.2, end: 0.1 }, b, 'w'))).toMatch(/before the start/);
    expect(badInput(() => spanToFrames({ unit: 'seconds', start: Number.NaN, end: 0.1 }, b, 'w'))).toMatch(/must be numbers/);
    expect(badInput(() => spanToFrames({ unit: 'frame', start: 3, end: 10 }, b, 'w'))).toMatch(/frames 3–10 are not within the video \(frames 0–9\)/);
    expect(spanToFrames({ unit: 'frame', start: 3, end: 9 }, b, 'w')).toEqual({ start: 3, end: 9 });
  });
});
