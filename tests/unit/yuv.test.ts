import { describe, expect, it } from 'vitest';
import { escapeFilterArgs, filterWithOptions, quoteOptionValue } from '../../electron/core/media/filtergraph';
import { i420Bytes, i420ToRgba, sendsI420, yuvColour } from '../../shared/yuv';

/** A 4x2 I420 frame: left half luma a, right half b, one chroma pair for each 2x2 block. */
function frame(a: number, b: number, u: number[], v: number[]): Uint8Array {
  return Uint8Array.from([a, a, b, b, a, a, b, b, ...u, ...v]);
}

describe('yuv', () => {
  it('names the matrix and range ffmpeg would use', () => {
    expect(yuvColour('yuv420p', 'bt709', 'tv')).toEqual({ matrix: 'bt709', fullRange: false });
    expect(yuvColour('yuvj420p', null, null)).toEqual({ matrix: 'smpte170m', fullRange: true });
    expect(yuvColour('yuv420p', 'bt2020nc', 'pc')).toEqual({ matrix: 'bt2020-ncl', fullRange: true });
    expect(yuvColour('yuv420p', 'unknown', null)).toEqual({ matrix: 'smpte170m', fullRange: false });
    expect(yuvColour(null, 'bt470bg', null).matrix).toBe('bt470bg');
  });
  it('sends only 8-bit 4:2:0 of even size as I420', () => {
    expect(sendsI420('yuv420p', 1920, 1080)).toBe(true);
    expect(sendsI420('yuvj420p', 2, 2)).toBe(true);
    expect(sendsI420('yuv420p', 323, 240)).toBe(false);
    expect(sendsI420('yuv420p10le', 1920, 1080)).toBe(false);
    expect(sendsI420(null, 1920, 1080)).toBe(false);
    expect(i420Bytes(1920, 1080)).toBe(1920 * 1080 * 1.5);
    expect(i420Bytes(3, 3)).toBe(9 + 2 * 4);
  });
  it('converts video-range black, white and grey exactly, and full range without stretching', () => {
    const limited = i420ToRgba(frame(16, 235, [128, 128], [128, 128]), 4, 2, { matrix: 'bt709', fullRange: false });
    expect(Array.from(limited.subarray(0, 16))).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
    const full = i420ToRgba(frame(16, 128, [128, 128], [128, 128]), 4, 2, { matrix: 'smpte170m', fullRange: true });
    expect(Array.from(full.subarray(0, 12))).toEqual([16, 16, 16, 255, 16, 16, 16, 255, 128, 128, 128, 255]);
  });
  it('applies the named matrix to colour (BT.601 and BT.709 red differ)', () => {
    // Pure red in BT.601 video range: Y 81, Cb 90, Cr 240.
    const red601 = i420ToRgba(frame(81, 81, [90, 90], [240, 240]), 4, 2, { matrix: 'smpte170m', fullRange: false });
    expect(red601[0]).toBeGreaterThanOrEqual(253);
    expect(Math.max(red601[1]!, red601[2]!)).toBeLessThanOrEqual(2);
    const as709 = i420ToRgba(frame(81, 81, [90, 90], [240, 240]), 4, 2, { matrix: 'bt709', fullRange: false });
    expect(Math.abs(as709[1]! - red601[1]!)).toBeGreaterThan(10);
  });
  it('refuses a buffer too short for the frame', () => {
    expect(() => i420ToRgba(new Uint8Array(5), 4, 2, { matrix: 'bt709', fullRange: false })).toThrow(RangeError);
  });
});

describe('filtergraph quoting', () => {
  it('quotes an option value so a quote survives', () => {
    expect(quoteOptionValue("it's")).toBe("'it'\\''s'");
    expect(quoteOptionValue('a:b')).toBe("'a:b'");
  });
  it('escapes what the graph parser splits on', () => {
    expect(escapeFilterArgs("a'b[c]d,e;f\\g")).toBe("a\\'b\\[c\\]d\\,e\\;f\\\\g");
  });
  it('builds name=key=value pairs, quoting strings only', () => {
    expect(filterWithOptions('movie', { filename: '/x/y.mp4', sp: 1.5 })).toBe("movie=filename=\\'/x/y.mp4\\':sp=1.5");
  });
});
