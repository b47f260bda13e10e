import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { referenceDecode } from '../fixtures/videos';
import { getFixtures, tempDir } from './helpers';

/** The forensics summary of real files: what ffprobe and the exact index say, checked against the reference decode. */
let core: Core;
const ids: Record<string, number> = {};
let fx: Awaited<ReturnType<typeof getFixtures>>;
beforeAll(async () => {
  fx = await getFixtures();
  core = Core.create(path.join(tempDir(), 'forensics.tellframe'), { actor: 'ana' });
  const names = ['h264_vfr', 'audio_first', 'h264_bframes'] as const;
  const items = (await core.call('media.import', { paths: names.map((n) => fx[n].path) })).items;
  names.forEach((n, i) => (ids[n] = items[i]!.ok ? items[i]!.id : 0));
}, 300_000);
afterAll(() => core?.close());

describe('media.forensics', () => {
  it('finds the variable frame rate and the key frames the reference decode shows', async () => {
    const r = await core.call('media.forensics', { id: ids.h264_vfr! });
    const ref = await referenceDecode(fx.h264_vfr.path);
    expect(r.frames).toBe(ref.codes.length);
    expect(r.vfr).toBe(true);
    expect(r.flags.map((f) => f.id)).toContain('vfr');
    const steady = await core.call('media.forensics', { id: ids.h264_bframes! });
    expect(steady.vfr).toBe(false);
    expect(steady.keyframes[0]).toBe(0);
    expect(steady.histogram).toHaveLength(1);
  });

  it('flags audio that starts before the video, and the ffmpeg (Lavf) encoder tag these fixtures carry', async () => {
    const r = await core.call('media.forensics', { id: ids.audio_first! });
    const offset = r.flags.find((f) => f.id === 'stream_offset')!;
    expect(offset.message).toMatch(/^Audio starts 0\.5\d\d s before the video\.$/);
    expect(r.flags.some((f) => f.id.startsWith('encoder:') && /Lavf/.test(f.message))).toBe(true);
    expect(r.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
    // Matroska keeps stream durations in DURATION tags: read, and the audio outlasts the video by the offset.
    const [video, audio] = [r.streams.find((s) => s.type === 'video')!, r.streams.find((s) => s.type === 'audio')!];
    expect(audio.duration! - video.duration!).toBeCloseTo(0.5, 1);
  });
});
