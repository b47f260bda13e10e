import { createRequire } from 'node:module';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { decode } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { createFaceModel } from '../../electron/core/signals/faceModel';
import { ffmpegBin, run } from '../fixtures/videos';
import { importVideo, tempDir } from './helpers';
import { untilDone } from './jobs';

/**
 * Face signals with the offline face model: on a real photograph shipped in
 * the model's npm package, and on a clip made from it, through the worker,
 * the stored index and the project.
 */
const require = createRequire(import.meta.url);
const PHOTO = path.join(path.dirname(path.dirname(require.resolve('@vladmandic/human'))), 'assets/screenshot-faceid.jpg');
// Where the face is in the photograph (800×564): found by eye, generous.
const FACE = { x: 30, y: 150, w: 110, h: 120 };

const dir = tempDir('tellframe-face-');
let core: Core;
let id: number;

beforeAll(async () => {
  // One second at 25 frames/s of the face, cropped and enlarged ×2.4 (the model measures at 640 wide at most).
  const clip = path.join(dir, 'face.mp4');
  const r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-loop', '1', '-i', PHOTO, '-vf', 'crop=200:200:0:140,scale=480:480,format=yuv420p', '-t', '1', '-r', '25', '-c:v', 'libx264', '-g', '10', '-bf', '2', clip]);
  if (r.code !== 0) throw new Error(r.stderr);
  core = Core.create(path.join(dir, 'face.tellframe'), { actor: 'ana' });
  id = await importVideo(core, clip);
}, 120_000);
afterAll(() => core?.close());

describe('face signals', () => {
  it('the model finds the face in a real photograph and measures open eyes and a closed mouth', async () => {
    const img = decode(readFileSync(PHOTO), { useTArray: true });
    const rgb = new Uint8Array(img.width * img.height * 3);
    for (let i = 0, j = 0; i < img.data.length; i += 4, j += 3) rgb.set([img.data[i]!, img.data[i + 1]!, img.data[i + 2]!], j);
    const m = (await (await createFaceModel()).measure(rgb, img.width, img.height))!;
    expect(m).not.toBeNull();
    const [x, y, w, h] = m.box;
    expect(x + w / 2).toBeGreaterThan(FACE.x);
    expect(x + w / 2).toBeLessThan(FACE.x + FACE.w);
    expect(y + h / 2).toBeGreaterThan(FACE.y);
    expect(y + h / 2).toBeLessThan(FACE.y + FACE.h);
    // Open eyes read about 0.25–0.45; a closed mouth below 0.1.
    for (const ear of [m.earRight, m.earLeft]) {
      expect(ear).toBeGreaterThan(0.2);
      expect(ear).toBeLessThan(0.5);
    }
    expect(m.mar).toBeLessThan(0.1);
    // A picture without a face gives none.
    expect(await (await createFaceModel()).measure(new Uint8Array(64 * 64 * 3).fill(128), 64, 64)).toBeNull();
  }, 120_000);

  it('measures every frame of a clip on the worker, checked against the stored index, and keeps the result', async () => {
    expect(await core.call('signals.face', { id })).toBeNull();
    const { jobId } = await core.call('signals.start', { id });
    // Asked again while it runs: the same job.
    expect((await core.call('signals.start', { id })).jobId).toBe(jobId);
    const job = await untilDone(core, 'signals.status', jobId);
    expect(job.state, job.error?.message).toBe('done');
    const f = (await core.call('signals.face', { id }))!;
    expect(f.frames).toBe(25);
    // The same picture in every frame: a face everywhere, the same measures within encoding noise.
    for (const series of [f.earRight, f.earLeft, f.mar]) {
      expect(series.every((v) => v !== null)).toBe(true);
      const xs = series as number[];
      expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(0.05);
    }
    // Boxes in the clip's own pixels (480 wide): the face, enlarged ×2.4 from the photograph, around x 100–300.
    const cx = f.box[0]! + f.box[2]! / 2;
    expect(cx).toBeGreaterThan(60);
    expect(cx).toBeLessThan(320);
    expect(f.box[2]!).toBeGreaterThan(100);
    // Kept: a fresh Core reads it without measuring.
    const fresh = Core.open(core.store.file, { actor: 'ana' });
    try {
      expect(await fresh.call('signals.face', { id })).toEqual(f);
    } finally {
      fresh.close();
    }
    // Signals kept by another model version are not these: computed again when asked for.
    const kept = core.store.analysis(id, 'face')!;
    core.store.putAnalysis(id, 'face', kept.data.replace(f.version, 'older-model/0'));
    expect(await core.call('signals.face', { id })).toBeNull();
    core.store.putAnalysis(id, 'face', kept.data);
    expect(await core.call('signals.face', { id })).toEqual(f);
  }, 120_000);

  it('stops at the first frame whose pts is not the stored one, and a cancel keeps nothing', async () => {
    const before = await core.call('signals.face', { id });
    const { jobId } = await core.call('signals.start', { id });
    await core.call('signals.cancel', { jobId });
    expect(await untilDone(core, 'signals.status', jobId)).toMatchObject({ state: 'cancelled' });
    expect(await core.call('signals.face', { id })).toEqual(before);
    // The index is the project's claim; change one frame's pts behind its back.
    core.store.db.prepare('UPDATE frames SET pts = pts + 1 WHERE media_id = ? AND n = 7').run(id);
    const fresh = Core.open(core.store.file, { actor: 'ana' });
    try {
      const failed = await untilDone(fresh, 'signals.status', (await fresh.call('signals.start', { id })).jobId);
      expect(failed).toMatchObject({ state: 'failed', error: { code: 'FRAME_MISMATCH', message: expect.stringContaining('Frame 7') } });
    } finally {
      fresh.close();
      core.store.db.prepare('UPDATE frames SET pts = pts - 1 WHERE media_id = ? AND n = 7').run(id);
    }
  }, 120_000);
});
