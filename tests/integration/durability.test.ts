import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { getFixtures, importVideo, tempDir } from './helpers';

/**
 * "A killed process loses nothing that the UI showed as done": the browser
 * host in its own process takes annotation writes over HTTP, is killed with
 * SIGKILL right after the last answer, and the project still holds every
 * write, its audit rows (chain intact) and its undo history.
 */
describe('durability', () => {
  it('keeps every answered change when the host is killed outright', async () => {
    const fx = await getFixtures();
    const dir = tempDir();
    const project = path.join(dir, 'kill.tellframe');
    const setup = Core.create(project, { actor: 'setup' });
    const id = await importVideo(setup, fx.h264_bframes.path);
    setup.close();

    const child = spawn(process.execPath, [path.resolve('bin/tellframe.js'), 'serve', project], {
      env: { ...process.env, TELLFRAME_CONFIG_DIR: path.join(dir, 'config'), TELLFRAME_USER: 'killer' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    const url = new URL(await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)));
    const token = url.searchParams.get('token')!;
    const call = async (method: string, input: unknown) => {
      const res = await fetch(`${url.origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tellframe-token': token },
        body: JSON.stringify(input),
      });
      const body = (await res.json()) as { ok: boolean; value?: { id: string } };
      expect(body.ok).toBe(true);
      return body.value!;
    };
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      ids.push((await call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blink_anomaly', frame: i })).id);
    }
    await call('annotations.update', { id: ids[0], patch: { note: 'last change' } });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const core = Core.open(project);
    const list = await core.call('annotations.list', { videoId: id });
    expect(list.map((a) => a.id).sort()).toEqual([...ids].sort());
    expect(list.find((a) => a.id === ids[0])!.note).toBe('last change');
    expect(list[0]!.annotator).toBe('killer');
    expect(core.store.verifyAudit().brokenAt).toBeNull();
    expect(core.store.auditEntries().filter((e) => e.action.startsWith('annotation.'))).toHaveLength(41);
    expect((await core.call('history.state', {})).undo).toBe('Change frame tag blink_anomaly');
    core.close();
  });
});
