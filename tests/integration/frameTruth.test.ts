import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { referenceDecode, readCode } from '../fixtures/videos';
import { getFixtures, importVideos, sampleIndices, tempDir } from './helpers';

/**
 * Frame truth on every awkward layout: the stored index must equal ffmpeg's
 * own decode (pts for pts), and extracting frame i must give the picture
 * whose drawn number is the number the reference decode saw at position i.
 */
const LAYOUTS = [
  'h264_bframes', 'h264_vfr', 'start_offset', 'audio_first', 'ts_cut_mid_gop', 'h264_10bit', 'h264_444', 'odd_size',
  'hevc_mkv', 'prores_mov', 'mjpeg_avi', 'vp9_mkv', 'av1_webm', 'mp4_editlist',
] as const;

let core: Core;
const ids = new Map<string, number>();
let fx: Awaited<ReturnType<typeof getFixtures>>;

beforeAll(async () => {
  fx = await getFixtures();
  core = Core.create(path.join(tempDir(), 'truth.tellframe'), { actor: 'tester' });
  (await importVideos(core, LAYOUTS.map((n) => fx[n].path))).forEach((id, i) => ids.set(LAYOUTS[i]!, id));
});
afterAll(() => core?.close());

describe.each(LAYOUTS)('%s', (name) => {
  it('has an index equal to the full decode, pts for pts', async () => {
    const ref = await referenceDecode(fx[name].path);
    const id = ids.get(name)!;
    const frames = core.store.frames(id);
    expect(frames.pts.length).toBe(ref.pts.length);
    expect(frames.pts).toEqual(ref.pts);
    const v = await core.call('media.get', { id });
    expect(v.frameCount).toBe(ref.pts.length);
    expect(`${v.timeBase.num}/${v.timeBase.den}`).toBe(ref.timeBase);
    if (fx[name].expectedFrames !== undefined) expect(v.frameCount).toBe(fx[name].expectedFrames);
  });

  it('extracts exactly frame i at sampled indices', async () => {
    const ref = await referenceDecode(fx[name].path);
    const id = ids.get(name)!;
    const keys = core.store.frames(id).key;
    // Also the frames right before and after the second key frame: seeking lands there.
    const k2 = keys.findIndex((k, i) => k && i > 0);
    for (const i of sampleIndices(ref.pts.length, k2 > 0 ? [k2 - 1, k2, k2 + 1] : [])) {
      const f = await core.frame(id, i, 'rgba');
      expect(f.pts).toBe(ref.pts[i]);
      expect({ i, code: readCode(f.data, f.width, f.height) }).toEqual({ i, code: ref.codes[i] });
    }
  });
});

describe('index paths', () => {
  it('the packet path and a forced full decode agree', async () => {
    const other = Core.create(path.join(tempDir(), 'decode.tellframe'), { actor: 'tester' });
    try {
      for (const name of ['h264_bframes', 'ts_cut_mid_gop', 'hevc_mkv'] as const) {
        const res = await other.call('media.import', { paths: [fx[name].path], forceDecode: true });
        const item = res.items[0]!;
        expect(item.ok).toBe(true);
        if (!item.ok) continue;
        expect((await other.call('media.get', { id: item.id })).indexMethod).toBe('decode');
        expect(other.store.frames(item.id).pts).toEqual(core.store.frames(ids.get(name)!).pts);
      }
    } finally {
      other.close();
    }
  });

  it('reports VFR, start pts and frame times from stored pts', async () => {
    const vfr = await core.call('media.get', { id: ids.get('h264_vfr')! });
    expect(vfr.vfr).toBe(true);
    const cfr = await core.call('media.get', { id: ids.get('h264_bframes')! });
    expect(cfr.vfr).toBe(false);
    const off = await core.call('media.get', { id: ids.get('start_offset')! });
    expect(off.startTime).toBeGreaterThan(10);
    const rows = await core.call('media.frames', { id: ids.get('start_offset')!, from: 0, count: 3 });
    expect(rows[0]!.time).toBe(0);
    expect(rows[1]!.time).toBeCloseTo(((rows[1]!.pts - rows[0]!.pts) * off.timeBase.num) / off.timeBase.den, 12);
  });
});
