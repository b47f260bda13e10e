import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { bandHz, pcmPath } from '../../electron/core/media/audioAnalysis';
import { referenceDecode } from '../fixtures/videos';
import { makeTalkClip } from './talkClip';
import { tempDir } from './helpers';

/** The audio view's data on a clip whose sound is known frame by frame (talkClip.ts). */
const dir = tempDir('tellframe-audio-');
let clip: string;
let core: Core;
let id: number;

beforeAll(async () => {
  clip = await makeTalkClip(dir);
  core = Core.create(path.join(dir, 'audio.tellframe'), { actor: 'ana' });
  const item = (await core.call('media.import', { paths: [clip] })).items[0]!;
  if (!item.ok) throw new Error(item.error.message);
  id = item.id;
}, 120_000);
afterAll(() => core?.close());

describe('audio view data', () => {
  it('puts each frame\'s loudness on that frame, through the stored pts and the audio stream\'s own start', async () => {
    const { audio } = await core.call('audio.analyse', { id });
    expect(audio).not.toBeNull();
    const v = await core.call('media.get', { id });
    // The video starts 0.2 s after the audio: a time from frame 0 plus the offset is on the audio clock.
    expect(audio!.offset).toBeCloseTo(v.startTime - v.audio!.startTime, 9);
    expect(audio!.offset).toBeCloseTo(0.2, 2);
    const ref = await referenceDecode(clip);
    const { rms } = await core.call('audio.envelope', { id });
    expect(rms).toHaveLength(ref.codes.length);
    rms.forEach((x, f) => {
      const want = f >= 10 && f <= 12 ? 0.5 / Math.SQRT2 : f === 30 ? 0.25 / Math.SQRT2 : 0;
      expect(x, `frame ${f}`).toBeCloseTo(want, 2);
    });
  });

  it('gives the waveform of any intervals and a spectrogram whose loudest band holds the tone', async () => {
    const off = (await core.call('audio.analyse', { id })).audio!.offset;
    // Three intervals: silence, the loud burst (frames 10–12), silence again.
    const edges = [off + 0 / 25, off + 5 / 25, off + 10 / 25, off + 13 / 25, off + 20 / 25];
    const view = await core.call('audio.view', { id, edges, spectrogram: true });
    expect(view.max[0]).toBeCloseTo(0, 2);
    expect(view.max[2]).toBeCloseTo(0.5, 1);
    expect(view.min[2]).toBeCloseTo(-0.5, 1);
    expect(view.max[3]).toBeCloseTo(0, 2);
    const bytes = Buffer.from(view.spectrogram!, 'base64');
    const { bands } = (await core.call('audio.analyse', { id })).audio!;
    expect(bytes.length).toBe(4 * bands);
    const col = [...bytes.subarray(2 * bands, 3 * bands)];
    const loudest = col.indexOf(Math.max(...col));
    // The band centred nearest 1 kHz, and far above the silent columns.
    const centres = Array.from({ length: bands }, (_, b) => Math.abs(Math.log(bandHz(b) / 1000)));
    expect(Math.abs(loudest - centres.indexOf(Math.min(...centres)))).toBeLessThanOrEqual(1);
    expect(col[loudest]).toBeGreaterThan(200);
    expect(Math.max(...bytes.subarray(0, bands))).toBeLessThan(60);
    // Out of the audio: nothing, not an error.
    for (const edges of [[-5, -4.5, -4], [100, 100.5, 101]]) {
      const outside = await core.call('audio.view', { id, edges, spectrogram: true });
      expect(outside.max).toEqual([0, 0]);
      expect([...Buffer.from(outside.spectrogram!, 'base64')].every((x) => x === 0)).toBe(true);
    }
  });

  it('keeps the peaks in the project and makes the PCM again when the temp copy is gone', async () => {
    const v = await core.call('media.get', { id });
    const before = await core.call('audio.view', { id, edges: [0, 0.5, 1, 1.5, 2], spectrogram: true });
    rmSync(pcmPath(v.sha256));
    const fresh = Core.open(core.store.file, { actor: 'ana' });
    try {
      expect(await fresh.call('audio.view', { id, edges: [0, 0.5, 1, 1.5, 2], spectrogram: true })).toEqual(before);
      expect(existsSync(pcmPath(v.sha256))).toBe(true);
    } finally {
      fresh.close();
    }
    expect(await core.dispatch('audio.view', { id, edges: [1, 0] })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});
