import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { getFixtures, importVideos, tempDir } from './helpers';

/** Intake custody: what is recorded when a file comes in, re-checking it, and each video's custody log. */
let core: Core;
let dir: string;
let a: string;
let b: string;
let ida: number;
let idb: number;
beforeAll(async () => {
  const fx = await getFixtures();
  dir = tempDir();
  a = path.join(dir, 'a.mp4');
  b = path.join(dir, 'b.mp4');
  copyFileSync(fx.h264_bframes.path, a);
  copyFileSync(fx.odd_size.path, b);
  core = Core.create(path.join(dir, 'custody.tellframe'), { actor: 'ana' });
  [ida, idb] = (await importVideos(core, [a, b])) as [number, number];
}, 300_000);
afterAll(() => core?.close());

describe('intake custody', () => {
  it('records SHA-256, MD5, size, mtime, who, which machine, tool and ffmpeg on import, in the row and its audit entry', async () => {
    const v = await core.call('media.get', { id: ida });
    const md5 = execFileSync('md5sum', [a], { encoding: 'utf8' }).split(' ')[0];
    const sha = execFileSync('sha256sum', [a], { encoding: 'utf8' }).split(' ')[0];
    expect(v.sha256).toBe(sha);
    expect(v.custody).toMatchObject({ md5, importedBy: 'ana', machine: os.hostname(), mtimeMs: statSync(a).mtimeMs });
    expect(v.custody.tool).toMatch(/^tellframe \d+\.\d+\.\d+/);
    expect(v.custody.ffmpeg).toMatch(/^ffmpeg version /);
    const entry = core.store.auditEntries().find((e) => e.action === 'media.import' && JSON.parse(e.payload).id === ida)!;
    expect(JSON.parse(entry.payload)).toMatchObject({ sha256: sha, md5, size: statSync(a).size, mtimeMs: statSync(a).mtimeMs, machine: os.hostname() });
    expect(entry.actor).toBe('ana');
  });

  it('re-hashes a video on request, records each check, and says changed or missing plainly', async () => {
    expect(await core.call('media.verify', { id: ida })).toMatchObject({ status: 'ok', expected: (await core.call('media.get', { id: ida })).sha256 });
    const bytes = readFileSync(a);
    bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1);
    writeFileSync(a, bytes);
    const changed = await core.call('media.verify', { id: ida });
    expect(changed.status).toBe('changed');
    expect(changed.actual).toBe(execFileSync('sha256sum', [a], { encoding: 'utf8' }).split(' ')[0]);
    rmSync(a);
    expect(await core.call('media.verify', { id: ida })).toMatchObject({ status: 'missing', actual: null });
    const checks = core.store.auditEntries().filter((e) => e.action === 'media.verify').map((e) => JSON.parse(e.payload).status);
    expect(checks).toEqual(['ok', 'changed', 'missing']);
  });

  it("lists one video's custody: imported, linked, verified and the exports that included it, nothing of other videos", async () => {
    await core.call('media.link', { id: idb, identity: 'person 1' });
    await core.call('media.verify', { id: idb });
    await core.exportRun(ExportOptionsSchema.parse({ formats: ['json'], out: path.join(dir, 'all') }));
    await core.exportRun(ExportOptionsSchema.parse({ formats: ['json'], out: path.join(dir, 'only-a'), videoIds: [ida] }));
    await core.exportRun(ExportOptionsSchema.parse({ formats: ['json'], out: path.join(dir, 'only-b'), videoIds: [idb] }));
    const log = await core.call('audit.query', { videoId: idb });
    expect(log.entries.map((e) => e.action).reverse()).toEqual(['media.import', 'media.link', 'media.verify', 'export', 'export']);
    expect(log.entries.filter((e) => e.action === 'export').map((e) => JSON.parse(e.payload).out)).toEqual([path.join(dir, 'only-b'), path.join(dir, 'all')]);
    const cli = spawnSync(process.execPath, [path.resolve('bin/tellframe.js'), 'info', core.store.file], { encoding: 'utf8' });
    expect(cli.stdout).toContain(`md5 ${(await core.call('media.get', { id: idb })).custody.md5}`);
    expect(cli.stdout).toMatch(/imported .* by ana on /);
  });

  it('relinks a moved original only to a file with its recorded SHA-256, and records it in the custody log', async () => {
    const v = await core.call('media.get', { id: idb });
    const moved = path.join(dir, 'moved', 'b copy.mp4');
    execFileSync('mkdir', ['-p', path.dirname(moved)]);
    copyFileSync(b, moved);
    rmSync(b);
    expect(await core.call('media.verify', { id: idb })).toMatchObject({ status: 'missing' });
    // Another file, of the same size but other bytes, or of another size: refused, nothing changed.
    const other = path.join(dir, 'moved', 'other.mp4');
    const bytes = readFileSync(moved);
    bytes.writeUInt8(bytes.readUInt8(100) ^ 0xff, 100);
    writeFileSync(other, bytes);
    expect(await core.dispatch('media.relink', { id: idb, path: other })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/its SHA-256 is [0-9a-f]{64}, the original's/) } });
    expect(await core.dispatch('media.relink', { id: idb, path: a.replace('a.mp4', 'nope.mp4') })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.dispatch('media.relink', { id: idb, path: path.join(dir, 'moved') })).toMatchObject({ ok: false, error: { message: expect.stringContaining('not a file') } });
    writeFileSync(other, bytes.subarray(0, 100));
    expect(await core.dispatch('media.relink', { id: idb, path: other })).toMatchObject({ ok: false, error: { message: expect.stringContaining('it has 100 bytes') } });
    expect((await core.call('media.get', { id: idb })).path).toBe(v.path);

    const cli = spawnSync(process.execPath, [path.resolve('bin/tellframe.js'), 'relink', core.store.file, String(idb), moved], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`now reads ${moved}`);
    // The CLI wrote through its own connection: this one sees the row.
    expect((await core.call('media.get', { id: idb })).path).toBe(moved);
    expect(await core.call('media.verify', { id: idb })).toMatchObject({ status: 'ok', path: moved });
    const log = await core.call('audit.query', { videoId: idb });
    const relink = log.entries.find((e) => e.action === 'media.relink')!;
    expect(JSON.parse(relink.payload)).toEqual({ id: idb, from: v.path, to: moved, sha256: v.sha256 });
    expect(core.store.verifyAudit().brokenAt).toBeNull();
  });
});
