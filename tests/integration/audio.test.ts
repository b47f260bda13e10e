import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { bandHz, pcmPath } from '../../electron/core/media/audioAnalysis';
import { ffmpegBin, referenceDecode } from '../fixtures/videos';
import { GAP, makeGapClip, makeTalkClip, TALK } from './talkClip';
import { importVideo, tempDir } from './helpers';

/** The audio view's data on a clip whose sound is known frame by frame (talkClip.ts). */
const dir = tempDir('tellframe-audio-');
let clip: string;
let core: Core;
let id: number;

beforeAll(async () => {
  clip = await makeTalkClip(dir);
  core = Core.create(path.join(dir, 'audio.tellframe'), { actor: 'ana' });
  id = await importVideo(core, clip);
}, 120_000);
afterAll(() => core?.close());

describe('audio view data', () => {
  it('puts each frame\'s loudness on that frame, through the stored pts: audio leading, audio trailing, audio with a gap', async () => {
    const trailing = await makeTalkClip(dir, 'trailing.mkv', 'video');
    const gap = await makeGapClip(dir);
    const items = (await core.call('media.import', { paths: [trailing, gap] })).items;
    const ids = items.map((i) => (i.ok ? i.id : 0));
    const cases: [string, number, (f: number) => number][] = [
      ['audio first', id, (f) => (TALK.loud.includes(f as 10) ? 0.5 : TALK.quiet.includes(f as 30) ? 0.25 : 0) / Math.SQRT2],
      ['video first', ids[0]!, (f) => (TALK.loud.includes(f as 10) ? 0.5 : TALK.quiet.includes(f as 30) ? 0.25 : 0) / Math.SQRT2],
      ['gap in the audio', ids[1]!, (f) => ((GAP.before as readonly number[]).includes(f) || (GAP.after as readonly number[]).includes(f) ? 0.5 / Math.SQRT2 : 0)],
    ];
    for (const [what, vid, want] of cases) {
      const v = await core.call('media.get', { id: vid });
      const ref = await referenceDecode(v.path);
      const { rms } = await core.call('audio.envelope', { id: vid });
      expect(rms, what).toHaveLength(ref.codes.length);
      rms.forEach((x, f) => expect(x, `${what}: frame ${f}`).toBeCloseTo(want(f), 2));
    }
  });

  it('plays from an audio file whose time 0 is frame 0, gaps and leading audio included', async () => {
    for (const v of (await core.call('media.list', {})).filter((x) => x.audio)) {
      const file = await core.audioFile(v.id);
      const pcm = execFileSync(ffmpegBin(), ['-v', 'error', '-i', file, '-ac', '1', '-ar', '16000', '-f', 's16le', '-'], { maxBuffer: 1 << 26 });
      const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
      // Loudness of each 40 ms frame of the file's time.
      const rms = (f: number) => {
        let sum = 0;
        for (let i = f * 640; i < (f + 1) * 640 && i < samples.length; i++) sum += (samples[i]! / 32768) ** 2;
        return Math.sqrt(sum / 640);
      };
      const sounding = v.path.endsWith('gap.mkv') ? [...GAP.before, ...GAP.after] : [...TALK.loud, ...TALK.quiet];
      for (const f of sounding) expect(rms(f), `${v.path} frame ${f}`).toBeGreaterThan(0.1);
      for (let f = 0; f < 45; f++) {
        if (sounding.some((x) => Math.abs(x - f) <= 1)) continue;
        expect(rms(f), `${v.path} frame ${f}`).toBeLessThan(0.02);
      }
    }
  });

  it('gives the waveform of any intervals and a spectrogram whose loudest band holds the tone', async () => {
    // Three intervals: silence, the loud burst (frames 10–12), silence again; seconds from frame 0.
    const edges = [0 / 25, 5 / 25, 10 / 25, 13 / 25, 20 / 25];
    const view = await core.call('audio.view', { id, edges, spectrogram: true });
    expect(view.max[0]).toBeCloseTo(0, 2);
    expect(view.max[2]).toBeCloseTo(0.5, 1);
    expect(view.min[2]).toBeCloseTo(-0.5, 1);
    expect(view.max[3]).toBeCloseTo(0, 2);
    // Each frame as its own interval: the burst starts exactly at frame 10 (one 4 ms bin of slack at each edge).
    const frames = await core.call('audio.view', { id, edges: Array.from({ length: 16 }, (_, i) => (5 + i) / 25 + 0.005) });
    expect(frames.max.map((m) => Math.round(m * 10) / 10)).toEqual([0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0]);
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
    // A long column is looked at in several places: the 0.12 s burst shows in one column over 2 s.
    const wide = Buffer.from((await core.call('audio.view', { id, edges: [0, 2], spectrogram: true })).spectrogram!, 'base64');
    expect(Math.max(...wide)).toBeGreaterThan(200);
    // Out of the audio: nothing, not an error.
    for (const e of [[-5, -4.5, -4], [100, 100.5, 101]]) {
      const outside = await core.call('audio.view', { id, edges: e, spectrogram: true });
      expect(outside.max).toEqual([0, 0]);
      expect([...Buffer.from(outside.spectrogram!, 'base64')].every((x) => x === 0)).toBe(true);
    }
  });

  it('computes spectrograms on a worker thread, the same bytes as on the host\'s own thread', async () => {
    const edges = Array.from({ length: 41 }, (_, i) => i / 20);
    const viaWorker = (await core.call('audio.view', { id, edges, spectrogram: true })).spectrogram!;
    const counts = (core as unknown as { spectrograms: { count: { worker: number; inline: number } } }).spectrograms.count;
    expect(counts.worker).toBeGreaterThan(0);
    expect(counts.inline).toBe(0);
    const inline = Core.open(core.store.file, { actor: 'ana', audioWorker: null });
    try {
      expect((await inline.call('audio.view', { id, edges, spectrogram: true })).spectrogram).toBe(viaWorker);
      expect((inline as unknown as { spectrograms: { count: { inline: number } } }).spectrograms.count.inline).toBe(1);
    } finally {
      inline.close();
    }
  });

  it('makes the PCM again when the temp copy is gone, in a running project and in a reopened one', async () => {
    const v = await core.call('media.get', { id });
    const edges = [0, 0.5, 1, 1.5, 2];
    const before = await core.call('audio.view', { id, edges, spectrogram: true });
    const env = await core.call('audio.envelope', { id });
    rmSync(pcmPath(v.sha256));
    expect(await core.call('audio.view', { id, edges, spectrogram: true })).toEqual(before);
    expect(await core.call('audio.envelope', { id })).toEqual(env);
    rmSync(pcmPath(v.sha256));
    const fresh = Core.open(core.store.file, { actor: 'ana' });
    try {
      expect(await fresh.call('audio.view', { id, edges, spectrogram: true })).toEqual(before);
      expect(existsSync(pcmPath(v.sha256))).toBe(true);
    } finally {
      fresh.close();
    }
    expect(await core.dispatch('audio.view', { id, edges: [1, 0] })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});
