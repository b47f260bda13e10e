import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { makeMouthClip } from '../fixtures/mouthClip';
import { importVideo, tempDir } from './helpers';
import { untilDone } from './jobs';

/**
 * Opening many videos in a row starts their signals one after another, not
 * side by side: beyond `signalConcurrency` a job waits (and says so), and a
 * waiting job can be cancelled without ever starting a face worker.
 */
const dir = tempDir('tellframe-queue-');
let core: Core;
const ids: number[] = [];

beforeAll(async () => {
  core = Core.create(path.join(dir, 'q.tellframe'), { actor: 'ana', signalConcurrency: 1 });
  for (const lag of [1, 2, 3]) {
    const clip = await makeMouthClip(dir, { lag, frames: 30, name: `q${lag}.mkv` });
    ids.push(await importVideo(core, clip.path));
  }
}, 120_000);
afterAll(() => core?.close());

describe('signal jobs', () => {
  it('wait for a free slot, in order; a waiting one can be cancelled and keeps nothing', async () => {
    const [a, b, c] = await Promise.all(ids.map(async (id) => (await core.call('signals.start', { id })).jobId));
    // The second and third wait while the first measures.
    const second = await core.call('signals.status', { jobId: b! });
    expect(second).toMatchObject({ state: 'running', progress: { what: "Waiting for another video's signals to finish", done: 0 } });
    await core.call('signals.cancel', { jobId: c! });
    expect(await untilDone(core, 'signals.status', c!)).toMatchObject({ state: 'cancelled' });
    expect(await untilDone(core, 'signals.status', a!)).toMatchObject({ state: 'done' });
    expect(await untilDone(core, 'signals.status', b!)).toMatchObject({ state: 'done' });
    expect(await core.call('signals.face', { id: ids[0]! })).not.toBeNull();
    expect(await core.call('signals.face', { id: ids[1]! })).not.toBeNull();
    expect(await core.call('signals.face', { id: ids[2]! })).toBeNull();
    expect(core.signalSlots.free).toBe(true);
  }, 120_000);
});
