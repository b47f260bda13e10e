import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { FACE_PHOTO } from '../fixtures/mouthClip';
import { ffmpegBin, run } from '../fixtures/videos';
import { importVideo, tempDir } from './helpers';
import { untilDone } from './jobs';

/**
 * A video with a rotation tag (as phones write): every path to frame i —
 * the frame server, the single-frame extraction (thumbnails, `tellframe
 * frame`, the server's fallback) and the face signals — works on the
 * stored picture, never on a rotated one, so boxes and pixels agree with
 * what the viewer shows.
 */
const dir = tempDir('tellframe-rot-');
let core: Core;
const ids: Record<'upright' | 'tagged', number> = { upright: 0, tagged: 0 };

beforeAll(async () => {
  const upright = path.join(dir, 'upright.mp4');
  const tagged = path.join(dir, 'tagged.mp4');
  let r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-loop', '1', '-i', FACE_PHOTO, '-vf', 'crop=200:200:0:140,scale=480:320,format=yuv420p', '-t', '0.4', '-r', '25', '-c:v', 'libx264', upright]);
  if (r.code !== 0) throw new Error(r.stderr);
  // The same coded pictures, tagged to be shown turned 90°.
  r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-i', upright, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', tagged]);
  if (r.code !== 0) throw new Error(r.stderr);
  core = Core.create(path.join(dir, 'rot.tellframe'), { actor: 'ana' });
  for (const [name, file] of [['upright', upright], ['tagged', tagged]] as const) {
    ids[name] = await importVideo(core, file);
  }
}, 120_000);
afterAll(() => core?.close());

describe('a rotation tag', () => {
  it('is not applied by any path to a frame: the stored 480×320 picture, the same bytes as the untagged copy', async () => {
    const v = await core.call('media.get', { id: ids.tagged });
    expect([v.width, v.height]).toEqual([480, 320]);
    for (const i of [0, 5, 9]) {
      const served = await core.rawFrame(ids.tagged, i);
      expect([served.width, served.height]).toEqual([480, 320]);
      const format = served.format === 'i420' ? 'i420' : 'rgba';
      const single = await core.frame(ids.tagged, i, format);
      const upright = await core.frame(ids.upright, i, format);
      expect(single.data.equals(upright.data)).toBe(true);
      expect(served.data.equals(single.data)).toBe(true);
    }
    // A PNG of the frame (`tellframe frame`) is the stored 480×320 picture too.
    const png = (await core.frame(ids.tagged, 0, 'png')).data;
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([480, 320]);
  });

  it('face signals are measured on the stored pictures: the same boxes as the untagged copy', async () => {
    for (const id of [ids.upright, ids.tagged]) {
      const job = await untilDone(core, 'signals.status', (await core.call('signals.start', { id })).jobId);
      expect(job.state, job.error?.message).toBe('done');
    }
    const a = (await core.call('signals.face', { id: ids.upright }))!;
    const b = (await core.call('signals.face', { id: ids.tagged }))!;
    expect(b.box.every((x) => x !== null)).toBe(true);
    expect(b.box).toEqual(a.box);
    expect(b.mar).toEqual(a.mar);
  }, 120_000);
});
