import { mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete, Session } from '../../electron/core/session';
import { processRegistry } from '../../electron/core/media/process';
import { getFixtures, tempDir } from './helpers';

let fx: Awaited<ReturnType<typeof getFixtures>>;
let session: Session;
const call = async <T>(method: string, input: unknown): Promise<T> => {
  const r = await session.dispatch(method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
};

beforeAll(async () => {
  fx = await getFixtures();
  session = new Session({ configDir: tempDir(), actor: 'tester' });
});
afterAll(() => session?.close());

describe('session', () => {
  it('answers without a project, and says plainly that one is needed', async () => {
    const info = await call<{ project: string | null; recent: string[] }>('session.info', {});
    expect(info).toMatchObject({ project: null, recent: [] });
    await expect(call('media.list', {})).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/No project is open/) });
    await expect(call('session.open', { path: path.join(tempDir(), 'missing.tellframe') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('session.open', { path: '' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('creates and reopens projects and remembers them, newest first', async () => {
    const a = path.join(tempDir(), 'a.tellframe');
    const b = path.join(tempDir(), 'b.tellframe');
    await call('session.create', { path: a });
    await call('session.create', { path: b });
    await call('session.open', { path: a });
    const info = await call<{ project: string; recent: string[] }>('session.info', {});
    expect(info.project).toBe(a);
    expect(info.recent.slice(0, 2)).toEqual([a, b]);
    await expect(call('session.create', { path: a })).rejects.toMatchObject({ code: 'PROJECT_EXISTS' });
  });

  it('imports in the background with progress, per-file results, and cancellation', async () => {
    await call('session.create', { path: path.join(tempDir(), 'jobs.tellframe') });
    const dir = tempDir();
    copyFileSync(fx.h264_bframes.path, path.join(dir, 'one.mp4'));
    writeFileSync(path.join(dir, 'bad.mp4'), 'not a video');
    const { jobId } = await call<{ jobId: string }>('import.start', { paths: [dir] });
    const states: string[] = [];
    let job: { state: string; items: { ok: boolean; path: string }[]; progress: unknown };
    for (;;) {
      job = await call('import.status', { jobId });
      states.push(job.state);
      if (job.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(states[0]).toBe('running');
    expect(job.state).toBe('done');
    expect(job.items.map((i) => [path.basename(i.path), i.ok]).sort()).toEqual([['bad.mp4', false], ['one.mp4', true]]);
    expect((await call<unknown[]>('media.list', {})).length).toBe(1);

    const slow = VIDEO_PATHS(fx);
    const second = await call<{ jobId: string }>('import.start', { paths: slow, forceDecode: true });
    await call('import.cancel', { jobId: second.jobId });
    for (;;) {
      job = await call('import.status', { jobId: second.jobId });
      if (job.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(job.state).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 100));
    // Nothing left working (an ffmpeg started ahead for the next frame request only waits).
    expect(processRegistry.busy).toBe(0);
    await expect(call('import.status', { jobId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('decodes a frame into the cache on request without sending it', async () => {
    const list = await call<{ id: number }[]>('media.list', {});
    const id = list[0]!.id;
    expect(session.current!.frames.cache.has(id, 0)).toBe(false);
    expect(await call('media.prefetch', { id, index: 0 })).toEqual({ cached: true });
    expect(session.current!.frames.cache.has(id, 0)).toBe(true);
  });

  it('completes paths: folders with a separator, partial names, hidden only on request', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'Clips'));
    writeFileSync(path.join(dir, 'clip.mp4'), '');
    writeFileSync(path.join(dir, '.hidden'), '');
    const all = await complete(dir + path.sep);
    expect(all.map((e) => e.name)).toEqual(['clip.mp4', 'Clips']);
    expect(all.find((e) => e.name === 'Clips')).toMatchObject({ dir: true, path: path.join(dir, 'Clips') + path.sep });
    expect((await complete(path.join(dir, 'cli'))).map((e) => e.name)).toEqual(['clip.mp4', 'Clips']);
    expect((await complete(dir + path.sep + '.')).map((e) => e.name)).toEqual(['.hidden']);
    expect(await complete(path.join(dir, 'nowhere', 'x'))).toEqual([]);
  });
});

function VIDEO_PATHS(f: typeof fx): string[] {
  return [f.vp9_mkv, f.hevc_mkv, f.av1_webm, f.prores_mov, f.ts_cut_mid_gop, f.h264_vfr, f.odd_size].map((x) => x.path);
}
