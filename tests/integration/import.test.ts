import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { processRegistry } from '../../electron/core/media/process';
import type { ImportItem } from '../../shared/model';
import { getFixtures, tempDir } from './helpers';

let fx: Awaited<ReturnType<typeof getFixtures>>;
let core: Core;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const errorCode = (item: ImportItem | undefined) => (item && !item.ok ? item.error.code : item ? 'ok' : 'missing');

beforeAll(async () => {
  fx = await getFixtures();
  core = Core.create(path.join(tempDir(), 'import.tellframe'), { actor: 'tester' });
});
afterAll(() => core?.close());

describe('import', () => {
  it('gives each bad file a clear error, imports the good ones, and leaves originals untouched', async () => {
    const dir = tempDir();
    const names = ['zero', 'truncated_moov_end', 'truncated_faststart', 'not_video', 'audio_only'] as const;
    // Neutral names, so no message can pass by quoting the file name.
    const copyName = (n: (typeof names)[number]) => `f${names.indexOf(n)}${path.extname(fx[n].path)}`;
    for (const n of names) copyFileSync(fx[n].path, path.join(dir, copyName(n)));
    copyFileSync(fx.h264_bframes.path, path.join(dir, 'good.mp4'));
    const before = new Map(names.map((n) => [n, { sha: sha(fx[n].path), mtime: statSync(fx[n].path).mtimeMs }]));
    const goodSha = sha(path.join(dir, 'good.mp4'));
    const vanished = path.join(dir, 'vanished.mp4');

    const auditBefore = core.store.auditEntries().length;
    const res = await core.call('media.import', { paths: [...names.map((n) => path.join(dir, copyName(n))), vanished, path.join(dir, 'good.mp4')] });
    const byName = new Map(res.items.map((i) => [path.basename(i.path), i]));
    expect(errorCode(byName.get(copyName('zero')))).toBe('EMPTY_FILE');
    expect(errorCode(byName.get(copyName('truncated_moov_end')))).toBe('TRUNCATED');
    expect(errorCode(byName.get(copyName('truncated_faststart')))).toBe('TRUNCATED');
    expect(errorCode(byName.get(copyName('not_video')))).toBe('NOT_A_VIDEO');
    expect(errorCode(byName.get(copyName('audio_only')))).toBe('NO_VIDEO_STREAM');
    expect(errorCode(byName.get('vanished.mp4'))).toBe('VANISHED');
    for (const item of res.items) if (!item.ok) expect(item.error.message.length).toBeGreaterThan(10);
    const good = byName.get('good.mp4')!;
    expect(good.ok).toBe(true);
    // Exactly one new audit row: the good file. Failures write nothing.
    expect(core.store.auditEntries().length).toBe(auditBefore + 1);
    expect(core.store.listMedia().filter((m) => m.sha256 === goodSha)).toHaveLength(1);
    for (const n of names) {
      expect(sha(fx[n].path)).toBe(before.get(n)!.sha);
      expect(statSync(fx[n].path).mtimeMs).toBe(before.get(n)!.mtime);
    }
    expect(sha(path.join(dir, 'good.mp4'))).toBe(goodSha);
    expect(core.store.verifyAudit().brokenAt).toBeNull();
    expect(processRegistry.size).toBe(0);
  });

  it('recognises the same content by hash, under any name, without a second copy', async () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.mp4');
    const b = path.join(dir, 'renamed copy.mp4');
    copyFileSync(fx.h264_444.path, a);
    copyFileSync(fx.h264_444.path, b);
    const first = (await core.call('media.import', { paths: [a] })).items[0]!;
    const audit = core.store.auditEntries().length;
    const second = (await core.call('media.import', { paths: [b, a] })).items;
    expect(first.ok && !first.duplicate).toBe(true);
    for (const it of second) {
      expect(it.ok).toBe(true);
      if (it.ok && first.ok) {
        expect(it.duplicate).toBe(true);
        expect(it.id).toBe(first.id);
      }
    }
    expect(core.store.auditEntries().length).toBe(audit);
  });

  it('finds videos in folders by content, recursively, and skips other files', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'nested', 'deeper'), { recursive: true });
    copyFileSync(fx.fake_ext.path, path.join(dir, 'nested', 'deeper', 'clip.dat'));
    writeFileSync(path.join(dir, 'nested', 'README.txt'), 'not a video');
    copyFileSync(fx.mjpeg_avi.path, path.join(dir, 'x.avi'));
    const other = Core.create(path.join(tempDir(), 'folder.tellframe'), { actor: 'tester' });
    try {
      const res = await other.call('media.import', { paths: [dir] });
      expect(res.items.map((i) => [path.relative(dir, i.path), i.ok])).toEqual([
        ['nested/deeper/clip.dat', true],
        ['x.avi', true],
      ]);
      expect(res.skipped).toBe(1);
    } finally {
      other.close();
    }
  });

  it('imports awkward file names (quotes, $(), spaces, non-ASCII) and extracts their frames', async () => {
    const names = fx.names_dir.path;
    const res = await core.call('media.import', { paths: [names] });
    expect(res.items.length).toBeGreaterThanOrEqual(4);
    for (const it of res.items) expect(it.ok).toBe(true);
    const paths = res.items.map((i) => path.basename(i.path));
    expect(paths).toEqual(expect.arrayContaining([`it's "quoted".mp4`, '$(touch pwned) x.mp4', 'sp a ce s.mp4', 'ünïcødé 映像.mp4']));
    const ok = res.items.find((i) => path.basename(i.path) === '$(touch pwned) x.mp4')!;
    // Same content → one media row; extraction works through the stored path.
    if (ok.ok) expect((await core.frame(ok.id, 1, 'png')).data.subarray(1, 4).toString()).toBe('PNG');
    expect(() => statSync(path.join(process.cwd(), 'pwned'))).toThrow();
  });

  it('cancels an import and leaves no child process behind', async () => {
    const ac = new AbortController();
    // Every fixture, each by a full decode: far longer than the 30 ms before the cancel.
    const paths = [fx.vp9_mkv, fx.hevc_mkv, fx.av1_webm, fx.prores_mov, fx.ts_cut_mid_gop, fx.h264_vfr].map((f) => f.path);
    const pending = core.call('media.import', { paths, forceDecode: true }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    await new Promise((r) => setTimeout(r, 50));
    expect(processRegistry.size).toBe(0);
  });

  it('reports a vanished file after import as missing when verifying', async () => {
    const dir = tempDir();
    const f = path.join(dir, 'temp.mp4');
    copyFileSync(fx.odd_size.path, f);
    const other = Core.create(path.join(tempDir(), 'verify.tellframe'), { actor: 'tester' });
    try {
      await other.call('media.import', { paths: [f] });
      expect((await other.call('project.verify', {})).ok).toBe(true);
      unlinkSync(f);
      const report = await other.call('project.verify', {});
      expect(report.ok).toBe(false);
      expect(report.media[0]!.status).toBe('missing');
    } finally {
      other.close();
    }
  });
});
