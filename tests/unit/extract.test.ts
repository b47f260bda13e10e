import { describe, expect, it } from 'vitest';
import { extractArgs, keyFrameAtOrBefore, seekSeconds, seeksByDts, type ExtractSource } from '../../electron/core/media/extract';
import { rawFormat, runGraph, type VideoSource } from '../../electron/core/media/frameServer';
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

describe('seeking', () => {
  it('allows for demuxers that seek by dts only where ffmpeg does (not MP4/MOV, only with B-frames)', () => {
    expect(seeksByDts('mov,mp4,m4a,3gp,3g2,mj2', 2)).toBe(false);
    expect(seeksByDts('mpegts', 2)).toBe(true);
    expect(seeksByDts('matroska,webm', 1)).toBe(true);
    expect(seeksByDts('mpegts', 0)).toBe(false);
  });
  it('moves a dts seek 3/23 s earlier on request, and decodes from the start when that passes the container start', () => {
    expect(seekSeconds(src({ dtsSeek: true }), 3)).toBe('0.120001');
    expect(seekSeconds(src({ dtsSeek: true }), 3, { dtsMargin: true })).toBeNull();
    const late = src({ dtsSeek: true, pts: [126000, 129600, 133200, 936000], key: [true, false, false, true] });
    // 936000 / 90000 = 10.4 s, 9.0 s after the container start; minus 130434 µs
    expect(seekSeconds(late, 3, { dtsMargin: true })).toBe('8.869567');
    expect(seekSeconds(late, 3)).toBe('9.000001');
    expect(seekSeconds(late, 0)).toBeNull();
  });
});

describe('decode run graph', () => {
  const v = (over: Partial<VideoSource> = {}): VideoSource => ({
    ...src({ width: 1920, height: 1080 }), id: 1, pixFmt: 'yuv420p', colour: { matrix: 'bt709', fullRange: false }, ...over,
  });
  it('opens the file through the movie source with every value quoted, seeks, selects by pts and keeps 4:2:0 as I420', () => {
    const g = runGraph(v({ path: "/v/it's [a],b;c.mp4" }), 3, 4, 2);
    expect(g).toBe("movie=filename=\\'/v/it\\'\\\\\\'\\'s \\[a\\]\\,b\\;c.mp4\\':s=\\'2\\':sp=\\'0.120001\\':dec_threads=2,select=gte(pts\\,140400),showinfo=checksum=0,format=yuv420p[out]");
    expect(rawFormat(v())).toBe('i420');
  });
  it('sends full-range 4:2:0 as it is, and other formats or odd sizes as RGBA', () => {
    expect(runGraph(v({ pixFmt: 'yuvj420p' }), 0, 1, 1)).toMatch(/^movie=filename=\\'\/v\/a b\.mp4\\':s=\\'2\\':dec_threads=1,.*format=yuvj420p\[out\]$/);
    expect(rawFormat(v({ pixFmt: 'yuv420p10le' }))).toBe('rgba');
    expect(rawFormat(v({ pixFmt: 'yuv444p' }))).toBe('rgba');
    expect(rawFormat(v({ width: 323, height: 241 }))).toBe('rgba');
    expect(runGraph(v({ pixFmt: 'yuv422p' }), 0, 0, 1)).toMatch(/format=rgba\[out\]$/);
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
