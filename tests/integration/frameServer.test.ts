import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { processRegistry } from '../../electron/core/media/process';
import type { RawFrame } from '../../electron/core/media/frameServer';
import { JUMP_REACH } from '../../shared/travel';
import { i420Bytes } from '../../shared/yuv';
import { ffmpegBin, readCode, referenceDecode, VIDEO_FIXTURES } from '../fixtures/videos';
import { getFixtures, importVideo, importVideos, tempDir } from './helpers';

let core: Core;
let fx: Awaited<ReturnType<typeof getFixtures>>;
const ids = new Map<string, number>();

beforeAll(async () => {
  fx = await getFixtures();
  core = Core.create(path.join(tempDir(), 'server.tellframe'), { actor: 'tester', frameCacheBytes: 8 * 1024 * 1024 });
  (await importVideos(core, VIDEO_FIXTURES.map((n) => fx[n].path))).forEach((id, i) => ids.set(VIDEO_FIXTURES[i]!, id));
});
afterAll(() => core?.close());

/** The frame number a served frame carries in its pixels (read from luma for I420). */
function codeOf(f: RawFrame): number {
  return readCode(f.data, f.width, f.height, f.format === 'i420' ? 1 : 4);
}

describe('frame server', () => {
  it.each(VIDEO_FIXTURES)('steps forward, backward and jumps exactly on %s', async (name) => {
    const ref = await referenceDecode(fx[name].path);
    const id = ids.get(name)!;
    const n = ref.pts.length;
    const path_: number[] = [0, 1, 2, 3, n - 1, n - 2, n - 3, Math.floor(n / 2), Math.floor(n / 2) - 1, Math.floor(n / 2) + 1, 5, 4];
    const fallbacks = core.frames.stats.fallbacks;
    for (const i of path_) {
      const f = await core.rawFrame(id, i);
      expect(f.index).toBe(i);
      expect(f.pts).toBe(ref.pts[i]);
      expect({ i, code: codeOf(f) }).toEqual({ i, code: ref.codes[i] });
    }
    // Every frame came from a decode run; none needed the single-extraction fallback.
    expect(core.frames.stats.fallbacks - fallbacks).toBe(0);
  });

  it('decodes files whose names need filtergraph quoting', async () => {
    const dir = path.join(tempDir(), 'graph names');
    mkdirSync(dir);
    const ref = await referenceDecode(fx.h264_bframes.path);
    const names = ["it's [a],b;c:d.mp4", 'back\\slash \\\' x.mp4', '$(touch x) `y` "q".mp4', 'ünï 映像 %d.mp4', ' lead.mp4'];
    for (const name of names) {
      const file = path.join(dir, name);
      copyFileSync(fx.h264_bframes.path, file);
      const id = await importVideo(core, file);
      const fallbacks = core.frames.stats.fallbacks;
      for (const i of [0, 37, 36]) {
        const f = await core.rawFrame(id, i);
        expect({ name, i, code: codeOf(f) }).toEqual({ name, i, code: ref.codes[i] });
      }
      expect(core.frames.stats.fallbacks - fallbacks).toBe(0);
    }
  });

  it('sends 8-bit 4:2:0 as I420 with its colour headers, other formats as RGBA, and RGBA on request converted like ffmpeg', async () => {
    const ref = await referenceDecode(fx.h264_bframes.path);
    const id = ids.get('h264_bframes')!;
    const raw = await core.frameBytes(id, 7, 'raw');
    expect(raw.headers).toMatchObject({ 'x-frame-format': 'i420', 'x-frame-matrix': 'smpte170m', 'x-frame-range': 'limited', 'x-frame-index': '7' });
    expect(raw.body.length).toBe(i420Bytes(ref.width, ref.height));
    expect(readCode(raw.body, ref.width, ref.height, 1)).toBe(ref.codes[7]);
    const rgba = await core.frameBytes(id, 7, 'rgba');
    expect(rgba.headers['x-frame-format']).toBe('rgba');
    const ffmpegRgba = (await core.frame(id, 7, 'rgba')).data;
    expect(rgba.body.length).toBe(ffmpegRgba.length);
    let sum = 0;
    for (let i = 0; i < rgba.body.length; i++) if (i % 4 !== 3) sum += Math.abs(rgba.body[i]! - ffmpegRgba[i]!);
    expect(sum / (rgba.body.length * 0.75)).toBeLessThan(1.5);
    const tenBit = await core.frameBytes(ids.get('h264_10bit')!, 3, 'raw');
    expect(tenBit.headers['x-frame-format']).toBe('rgba');
    expect(tenBit.headers['x-frame-matrix']).toBeUndefined();
  });

  it('starts a decode in the ffmpeg left waiting for it', async () => {
    core.frames.prewarm();
    await new Promise((r) => setTimeout(r, 300));
    const before = core.frames.warmStarts;
    const id = ids.get('prores_mov')!;
    core.frames.cache.dropVideo(id);
    const f = await core.rawFrame(id, 11);
    expect(f.index).toBe(11);
    expect(core.frames.warmStarts).toBe(before + 1);
  });

  it('hands a decoded frame on before starting the next waiting ffmpeg (a start holds up the host)', async () => {
    const id = ids.get('h264_vfr')!;
    core.frames.prewarm();
    await new Promise((r) => setTimeout(r, 300));
    const waiting = () => processRegistry.size - processRegistry.busy;
    expect(waiting()).toBe(1);
    core.frames.cache.dropVideo(id);
    const before = core.frames.warmStarts;
    const f = await core.rawFrame(id, 33);
    expect(f.index).toBe(33);
    // The decode took the waiting ffmpeg, and the next one is not started yet when the frame arrives…
    expect(core.frames.warmStarts).toBe(before + 1);
    expect(waiting()).toBe(0);
    // …but right after.
    await new Promise((r) => setTimeout(r, 100));
    expect(waiting()).toBe(1);
  });

  it('serves a forward walk from one sequential decode, not one decode per frame', async () => {
    const id = ids.get('h264_bframes')!;
    await core.rawFrame(id, 10);
    const before = core.frames.stats.runsStarted;
    for (let i = 11; i < 50; i++) await core.rawFrame(id, i);
    expect(core.frames.stats.runsStarted - before).toBeLessThanOrEqual(2);
  });

  it('serves a backward walk mostly from kept frames', async () => {
    const ref = await referenceDecode(fx.hevc_mkv.path);
    const id = ids.get('hevc_mkv')!;
    await core.rawFrame(id, 59);
    const before = { ...core.frames.stats };
    for (let i = 58; i >= 20; i--) {
      const f = await core.rawFrame(id, i);
      expect(codeOf(f)).toBe(ref.codes[i]);
      // A person steps no faster than key repeat; give prefetch a moment as they would.
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(core.frames.stats.misses - before.misses).toBeLessThan(10);
    // Stretches of GOP are decoded once each, not once per step.
    expect(core.frames.stats.runsStarted - before.runsStarted).toBeLessThan(6);
  });

  it('decodes only a little way past a jump, backward jumps included, and more as the user steps on', async () => {
    // 400 frames, key frames every 100. A third of the 8 MiB cache holds 24
    // of its frames (115 KB each): the stretch kept behind.
    const file = path.join(tempDir(), 'long-gop.mp4');
    execFileSync(ffmpegBin(), [
      '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-frames:v', '400',
      '-c:v', 'libx264', '-g', '100', '-keyint_min', '100', '-sc_threshold', '0', '-bf', '2', '-pix_fmt', 'yuv420p', file,
    ]);
    const id = await importVideo(core, file);
    const cache = core.frames.cache;
    const until = async (cond: () => boolean) => {
      for (let t = 0; t < 200 && !cond(); t++) await new Promise((r) => setTimeout(r, 25));
      expect(cond()).toBe(true);
      // Time for anything more to show up that should not.
      await new Promise((r) => setTimeout(r, 300));
    };
    // A paused decode may hand on a few frames past where it was told to
    // stop (pictures whose log line came late); decoding ahead in full would
    // reach 24 frames past.
    const SLACK = 6;
    await core.rawFrame(id, 5);

    // A jump forward: the frame and JUMP_REACH after it.
    await core.rawFrame(id, 250);
    await until(() => cache.has(id, 250 + JUMP_REACH));
    expect(cache.has(id, 250 + JUMP_REACH + SLACK)).toBe(false);
    expect(cache.has(id, 249)).toBe(false);

    // A jump backward reads forward too: one decode, nothing behind it.
    const runs = core.frames.stats.runsStarted;
    await core.rawFrame(id, 130);
    await until(() => cache.has(id, 130 + JUMP_REACH));
    expect(core.frames.stats.runsStarted - runs).toBe(1);
    expect(cache.has(id, 129)).toBe(false);
    expect(cache.has(id, 130 + JUMP_REACH + SLACK)).toBe(false);

    // A step back is a walk back: the stretch behind it is decoded too.
    await core.rawFrame(id, 129);
    await until(() => cache.has(id, 105));
    expect([...Array(24).keys()].every((d) => cache.has(id, 105 + d))).toBe(true);

    // Each step doubles how far ahead is decoded (the step back made it 8): 16, then 24 (the bound).
    for (const [i, reach] of [[130, 16], [131, 24], [132, 24]] as const) {
      const f = await core.rawFrame(id, i);
      expect(f.index).toBe(i);
      await until(() => cache.has(id, i + reach));
      expect({ i, past: cache.has(id, i + reach + SLACK) }).toEqual({ i, past: false });
    }
  });

  it('keeps the cache within its byte bound', async () => {
    const id = ids.get('h264_444')!;
    for (let i = 0; i < 40; i++) await core.rawFrame(id, i);
    expect(core.frames.cache.bytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(core.frames.cache.size).toBeGreaterThan(10);
  });

  it('drops cancelled requests and leaves no decode running for a left video', async () => {
    const id = ids.get('vp9_mkv')!;
    const ac = new AbortController();
    const p = core.rawFrame(id, 45, ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
    // Moving to another video stops runs nobody waits for.
    await core.rawFrame(ids.get('h264_bframes')!, 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(core.frames.activeRuns).toBeLessThanOrEqual(1);
    expect(processRegistry.busy).toBeLessThanOrEqual(1);
    core.frames.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(processRegistry.size).toBe(0);
  });
});
