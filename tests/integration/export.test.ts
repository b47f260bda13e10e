import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import { ExportOptionsSchema, type ExportJob } from '../../shared/exportFormats';
import { NativeExportSchema } from '../../shared/nativeJson';
import { makeExportProject, type ExportProject } from './exportProject';
import { tempDir } from './helpers';

/** The export runner end to end: destination rules, temp folder, manifest, audit, jobs, links, import by file. */
let p: ExportProject;
let core: Core;
beforeAll(async () => {
  p = await makeExportProject();
  core = p.core;
}, 300_000);
afterAll(() => core?.close());

const opts = (o: Record<string, unknown>) => ExportOptionsSchema.parse(o);

async function waitJob(jobId: string): Promise<ExportJob> {
  for (;;) {
    const s = await core.call('export.status', { jobId });
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('export runner', () => {
  it('writes the format, a dataset card and a MANIFEST.sha256 that sha256sum -c accepts, then records the export in the audit chain', async () => {
    const out = path.join(tempDir(), 'ds');
    const before = core.store.auditHead();
    const r = await core.exportRun(opts({ formats: ['json'], out }));
    expect(r.out).toBe(out);
    expect(readdirSync(out).sort()).toEqual(['MANIFEST.sha256', 'README.md', 'annotations.json']);
    const doc = NativeExportSchema.parse(JSON.parse(readFileSync(path.join(out, 'annotations.json'), 'utf8')));
    expect(doc.videos).toHaveLength(5);
    expect(doc.exported.auditHead).toBe(before);
    const check = spawnSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: out, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout.trim().split('\n')).toEqual(['README.md: OK', 'annotations.json: OK']);
    const last = core.store.auditEntries().at(-1)!;
    expect(last.action).toBe('export');
    expect(JSON.stringify(last.payload)).toContain(r.manifestSha256);
    // Nothing is left beside the destination.
    expect(readdirSync(path.dirname(out)).filter((n) => n.includes('partial'))).toEqual([]);
  });

  it('refuses a non-empty folder unless overwriting, and then replaces its contents', async () => {
    const out = tempDir();
    writeFileSync(path.join(out, 'keep.txt'), 'x');
    await expect(core.exportRun(opts({ formats: ['json'], out }))).rejects.toThrow(/not empty/);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    await core.exportRun(opts({ formats: ['json'], out, overwrite: true }));
    expect(readdirSync(out).sort()).toEqual(['MANIFEST.sha256', 'README.md', 'annotations.json']);
    const file = path.join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    await expect(core.exportRun(opts({ formats: ['json'], out: file }))).rejects.toThrow(/not a folder/);
  });

  it('only the videos asked for; an unknown id is a clear error and writes nothing', async () => {
    const out = path.join(tempDir(), 'one');
    const r = await core.exportRun(opts({ formats: ['json'], out, videoIds: [p.ids.h264_vfr] }));
    expect(r.videos).toBe(1);
    await expect(core.exportRun(opts({ formats: ['json'], out: path.join(tempDir(), 'x'), videoIds: [9999] }))).rejects.toThrow(/No video 9999/);
  });

  it('a cancelled export leaves no folder and no temporary folder', async () => {
    const parent = tempDir();
    const out = path.join(parent, 'cancelled');
    const ac = new AbortController();
    ac.abort();
    await expect(core.exportRun(opts({ formats: ['json'], out }), { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('runs as a job with progress (export.start / export.status), and export.cancel stops it', async () => {
    const out = path.join(tempDir(), 'job');
    const { jobId } = await core.call('export.start', { formats: ['json'], out });
    const s = await waitJob(jobId);
    expect(s.state).toBe('done');
    expect(s.result?.out).toBe(out);
    expect(s.progress?.fraction).toBe(1);
    await expect(core.call('export.status', { jobId: 'nope' })).rejects.toThrow(/No export job/);
    await expect(core.call('export.start', { formats: ['nope'], out })).rejects.toThrow(/Invalid input for export.start at formats\[0\]/);
  });
});

describe('links and imports by file', () => {
  it('media.link sets and clears the original and identity, audited; a video cannot be its own original', async () => {
    const id = p.ids.start_offset!;
    const v = await core.call('media.link', { id, originalId: p.ids.odd_size!, identity: 'person 7' });
    expect(v).toMatchObject({ originalId: p.ids.odd_size, identity: 'person 7' });
    expect(core.store.auditEntries().at(-1)!.action).toBe('media.link');
    await expect(core.call('media.link', { id, originalId: id })).rejects.toThrow(/own original/);
    const cleared = await core.call('media.link', { id, originalId: null, identity: null });
    expect(cleared).toMatchObject({ originalId: null, identity: null });
  });

  it('annotations.importFile reads a native JSON file all or nothing, and refuses a missing file', async () => {
    const other = await makeExportProject('tellframe-export-b-');
    try {
      const dir = tempDir();
      const out = path.join(dir, 'src');
      await core.exportRun(opts({ formats: ['json'], out }));
      const file = path.join(out, 'annotations.json');
      const before = (await other.core.call('annotations.list', { videoId: other.ids.h264_bframes! })).length;
      // The other project already has annotations with the same content but other ids: all are added.
      const r = await other.core.call('annotations.importFile', { path: file, format: 'json' });
      expect(r.videos).toBe(5);
      const after = (await other.core.call('annotations.list', { videoId: other.ids.h264_bframes! })).length;
      expect(after).toBe(before * 2);
      // A second import of the same ids is refused as a whole.
      await expect(other.core.call('annotations.importFile', { path: file, format: 'json' })).rejects.toThrow(/already exists/);
      expect((await other.core.call('annotations.list', { videoId: other.ids.h264_bframes! })).length).toBe(after);
      await expect(other.core.call('annotations.importFile', { path: path.join(dir, 'missing.json'), format: 'json' })).rejects.toThrow(/Cannot read/);
      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, '{"format": ');
      await expect(other.core.call('annotations.importFile', { path: broken, format: 'json' })).rejects.toThrow(/not valid JSON/);
    } finally {
      other.core.close();
    }
  }, 300_000);
});
