import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AWKWARD_NAMES,
  defaultFixturesDir,
  makeFixtures,
  probePackets,
  probeStreams,
  referenceDecode,
  VIDEO_FIXTURES,
  type Fixtures,
} from '../fixtures/videos';
import { drawCode, readCode, readCodeDetailed } from '../fixtures/pixels';

/**
 * Guards the fixtures themselves: each generated video must really have the
 * layout it claims, and every frame must carry the number the next one
 * follows. If one of these fails, the tests built on the fixtures mean nothing.
 */

const dir = defaultFixturesDir();
let fx: Fixtures;
let generationMs = 0;

beforeAll(async () => {
  const t0 = performance.now();
  fx = await makeFixtures(dir);
  generationMs = performance.now() - t0;
  console.log(`fixtures in ${dir}: ready in ${Math.round(generationMs)} ms`);
});

const tbSeconds = (tb: string): number => {
  const [num, den] = tb.split('/').map(Number) as [number, number];
  return num / den;
};

function expectConsecutive(codes: number[]): void {
  const breaks = codes.flatMap((c, i) => (i > 0 && c !== codes[i - 1]! + 1 ? [{ i, prev: codes[i - 1], code: c }] : []));
  expect(breaks).toEqual([]);
}

describe('pixel code', () => {
  it.each([
    [160, 120],
    [323, 241],
    [17, 5],
    [1920, 1080],
  ])('round-trips at %ix%i in RGBA and gray', (w, h) => {
    for (const n of [0, 1, 2, 5, 0x5555, 0xaaaa, 12345, 65535]) {
      expect(readCode(drawCode(n, w, h, 4), w, h)).toBe(n);
      expect(readCode(drawCode(n, w, h, 1), w, h, 1)).toBe(n);
      expect(readCodeDetailed(drawCode(n, w, h, 3), w, h, 3).margin).toBeGreaterThan(100);
    }
  });

  it('rejects buffers that are too short', () => {
    expect(() => readCode(new Uint8Array(10), 160, 120)).toThrow(/bytes/);
  });
});

describe.each(VIDEO_FIXTURES)('%s', (name) => {
  it('decodes to consecutive codes, with the expected count and start', async () => {
    const f = fx[name];
    const ref = await referenceDecode(f.path);
    expect(ref.codes.length).toBeGreaterThan(0);
    expect(ref.pts.length).toBe(ref.codes.length);
    expect(ref.keys.length).toBe(ref.codes.length);
    expectConsecutive(ref.codes);
    if (f.expectedFrames !== undefined) expect(ref.codes.length).toBe(f.expectedFrames);
    if (f.firstCode !== undefined) expect(ref.codes[0]).toBe(f.firstCode);
    // pts strictly increase in presentation order.
    for (let i = 1; i < ref.pts.length; i++) expect(ref.pts[i]!).toBeGreaterThan(ref.pts[i - 1]!);
    // The time base of the frames is the stream's.
    const streams = await probeStreams(f.path);
    const v = streams.find((s) => s.codecType === 'video')!;
    expect(ref.timeBase).toBe(v.timeBase);
    expect([ref.width, ref.height]).toEqual([v.width, v.height]);
  });
});

describe('layouts', () => {
  it('h264_bframes has B-frames and a key frame every 12', async () => {
    const ref = await referenceDecode(fx.h264_bframes.path);
    expect(ref.pictTypes).toContain('B');
    expect(ref.keys.flatMap((k, i) => (k ? [i] : []))).toEqual([0, 12, 24, 36, 48]);
    const packets = await probePackets(fx.h264_bframes.path);
    // Decode order differs from presentation order.
    const pts = packets.map((p) => p.pts!);
    expect(pts).not.toEqual([...pts].sort((a, b) => a - b));
  });

  it('hevc_mkv has B-frames', async () => {
    expect((await referenceDecode(fx.hevc_mkv.path)).pictTypes).toContain('B');
  });

  it('h264_vfr has irregular frame durations in a 1/1000 time base', async () => {
    const ref = await referenceDecode(fx.h264_vfr.path);
    expect(ref.timeBase).toBe('1/1000');
    const deltas = ref.pts.slice(1).map((p, i) => p - ref.pts[i]!);
    expect(new Set(deltas).size).toBeGreaterThanOrEqual(3);
    const packets = await probePackets(fx.h264_vfr.path);
    const sorted = packets.map((p) => p.pts!).sort((a, b) => a - b);
    expect(new Set(sorted.slice(1).map((p, i) => p - sorted[i]!)).size).toBeGreaterThanOrEqual(3);
  });

  it('start_offset starts at 10.5 s', async () => {
    const ref = await referenceDecode(fx.start_offset.path);
    const t0 = ref.pts[0]! * tbSeconds(ref.timeBase);
    expect(t0).toBeGreaterThan(10);
    expect(t0).toBeCloseTo(10.5, 3);
    const [v] = await probeStreams(fx.start_offset.path);
    expect(v!.startTime).toBeGreaterThan(10);
  });

  it('audio_first has its audio start before its video', async () => {
    const streams = await probeStreams(fx.audio_first.path);
    const a = streams.find((s) => s.codecType === 'audio')!;
    const v = streams.find((s) => s.codecType === 'video')!;
    expect(a.startTime).not.toBeNull();
    expect(v.startTime).not.toBeNull();
    expect(a.startTime!).toBeLessThan(v.startTime!);
    expect(v.startTime! - a.startTime!).toBeGreaterThan(0.4);
    const ref = await referenceDecode(fx.audio_first.path);
    expect(ref.pts[0]! * tbSeconds(ref.timeBase)).toBeCloseTo(v.startTime!, 3);
  });

  it('ts_cut_mid_gop has leading packets that never decode', async () => {
    const f = fx.ts_cut_mid_gop;
    expect(statSync(f.path).size % 188).toBe(0);
    const packets = await probePackets(f.path);
    const ref = await referenceDecode(f.path);
    expect(packets[0]!.key).toBe(false);
    const firstKey = packets.findIndex((p) => p.key);
    expect(firstKey).toBeGreaterThan(0);
    expect(packets.length).toBeGreaterThan(ref.codes.length);
    expect(ref.keys[0]).toBe(true);
    // The stream claims to start before the first picture that can be shown.
    const [v] = await probeStreams(f.path);
    expect(v!.startTime!).toBeLessThan(ref.pts[0]! * tbSeconds(ref.timeBase));
  });

  it('mp4_editlist starts mid-GOP behind an edit list', async () => {
    const packets = await probePackets(fx.mp4_editlist.path);
    const ref = await referenceDecode(fx.mp4_editlist.path);
    const discarded = packets.filter((p) => p.discard);
    expect(discarded.length).toBeGreaterThan(0);
    expect(packets[0]!.flags).toBe('KD');
    expect(packets.length).toBe(ref.codes.length + discarded.length);
    expect(ref.keys[0]).toBe(false);
    expect(ref.pts[0]).toBe(0);
  });

  it('odd_size really is odd', async () => {
    const ref = await referenceDecode(fx.odd_size.path);
    expect(ref.width % 2).toBe(1);
    expect(ref.height % 2).toBe(1);
  });

  it('h264_10bit and h264_444 have their pixel formats', async () => {
    expect((await probeStreams(fx.h264_10bit.path))[0]!.pixFmt).toBe('yuv420p10le');
    expect((await probeStreams(fx.h264_444.path))[0]!.pixFmt).toBe('yuv444p');
  });
});

describe('names and bad files', () => {
  it('names_dir holds valid copies under awkward names', async () => {
    const f = fx.names_dir;
    expect(readdirSync(f.path).sort()).toEqual([...AWKWARD_NAMES].sort());
    for (const n of AWKWARD_NAMES) {
      const ref = await referenceDecode(path.join(f.path, n));
      expect(ref.codes.length).toBe(f.expectedFrames);
      expectConsecutive(ref.codes);
    }
  });

  it('fake_ext is a valid video despite its extension', async () => {
    expect(path.extname(fx.fake_ext.path)).toBe('.dat');
    const ref = await referenceDecode(fx.fake_ext.path);
    expect(ref.codes.length).toBe(fx.fake_ext.expectedFrames);
    expectConsecutive(ref.codes);
  });

  it.each(['zero', 'not_video', 'truncated_moov_end', 'audio_only'] as const)('%s has no decodable video', async (name) => {
    await expect(referenceDecode(fx[name].path)).rejects.toThrow();
  });

  it('zero is empty and the truncated files are shorter than their sources', () => {
    expect(statSync(fx.zero.path).size).toBe(0);
    expect(statSync(fx.truncated_moov_end.path).size).toBeGreaterThan(0);
    expect(statSync(fx.truncated_faststart.path).size).toBeGreaterThan(0);
  });

  it('truncated_faststart decodes only a prefix', async () => {
    const ref = await referenceDecode(fx.truncated_faststart.path);
    expect(ref.codes.length).toBeGreaterThan(0);
    expect(ref.codes.length).toBeLessThan(50);
    expect(ref.codes[0]).toBe(0);
    for (let i = 1; i < ref.codes.length; i++) expect(ref.codes[i]!).toBeGreaterThan(ref.codes[i - 1]!);
    const [v] = await probeStreams(fx.truncated_faststart.path);
    expect(v!.codecType).toBe('video');
  });
});

describe('cache', () => {
  it('a second call reuses the files', async () => {
    const before = statSync(fx.h264_bframes.path).mtimeMs;
    const t0 = performance.now();
    const again = await makeFixtures(dir);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(again.h264_bframes.path).toBe(fx.h264_bframes.path);
    expect(statSync(fx.h264_bframes.path).mtimeMs).toBe(before);
    // No temporaries of this process left behind (other workers may be generating concurrently).
    const mine = (n: string) => n.startsWith(`.part-${process.pid}-`) || n.startsWith(`.work-${process.pid}-`);
    expect(readdirSync(dir).filter(mine)).toEqual([]);
  });
});
