import { describe, expect, it } from 'vitest';
import { extractArgs, keyFrameAtOrBefore, type ExtractSource } from '../../electron/core/media/extract';
import { isVfr } from '../../electron/core/media/importer';

const src = (over: Partial<ExtractSource> = {}): ExtractSource => ({
  path: '/v/a b.mp4', streamIndex: 2, width: 4, height: 2, timeBase: { num: 1, den: 90000 }, formatStartUs: 1_400_000,
  pts: [126000, 129600, 133200, 136800, 140400, 144000], key: [true, false, false, true, false, false], ...over,
});

describe('extractArgs', () => {
  it('seeks just past the key frame at or before i, relative to the container start, and selects by pts', () => {
    const args = extractArgs(src(), 4, 'rgba', true);
    // key frame 3: pts 136800 / 90000 = 1.52 s; container starts at 1.4 s → 0.12 s + 1 µs
    expect(args[args.indexOf('-ss') + 1]).toBe('0.120001');
    expect(args).toContain('-noaccurate_seek');
    expect(args[args.indexOf('-vf') + 1]).toBe('select=gte(pts\\,140400),showinfo=checksum=0');
    expect(args[args.indexOf('-map') + 1]).toBe('0:2');
    expect(args[args.indexOf('-i') + 1]).toBe('/v/a b.mp4');
    expect(args.slice(-5)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1']);
  });
  it('decodes from the start when the key frame is frame 0 or seeking is off', () => {
    expect(extractArgs(src(), 2, 'rgba', true)).not.toContain('-ss');
    expect(extractArgs(src(), 5, 'png', false)).not.toContain('-ss');
    expect(extractArgs(src(), 5, 'png', false)).toContain('png');
  });
  it('picks the right one of frames that share a pts', () => {
    const args = extractArgs(src({ pts: [0, 10, 10, 10, 20], key: [true, false, false, false, false] }), 3, 'rgba', true);
    expect(args[args.indexOf('-vf') + 1]).toBe('select=gte(pts\\,10),select=eq(n\\,2),showinfo=checksum=0');
  });
});

describe('keyFrameAtOrBefore', () => {
  it('finds the last key frame at or before i, else frame 0', () => {
    const key = [false, false, true, false, true];
    expect(keyFrameAtOrBefore(key, 1)).toBe(0);
    expect(keyFrameAtOrBefore(key, 2)).toBe(2);
    expect(keyFrameAtOrBefore(key, 3)).toBe(2);
    expect(keyFrameAtOrBefore(key, 4)).toBe(4);
  });
});

describe('isVfr', () => {
  it('tolerates one tick of rounding but flags real variation', () => {
    expect(isVfr([0, 1001, 2002, 3003, 4004])).toBe(false);
    expect(isVfr([0, 33, 67, 100, 133])).toBe(false);
    expect(isVfr([17, 40, 80, 137, 160])).toBe(true);
  });
});
