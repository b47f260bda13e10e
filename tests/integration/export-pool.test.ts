import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTextFormats, defaultWorkerSpec, type WorkerSpec } from '../../electron/core/export/pool';
import { TEXT_BUILDERS } from '../../electron/core/export/textFormats';
import { ExportOptionsSchema, type ExportFormat } from '../../shared/exportFormats';
import { makeExportProject, type ExportProject } from './exportProject';
import { tempDir } from './helpers';

/** Text formats built on export workers give the same bytes as on the calling thread, and fall back to it when no worker starts. */
let p: ExportProject;
beforeAll(async () => {
  p = await makeExportProject();
}, 300_000);
afterAll(() => p?.core.close());

const formats = Object.keys(TEXT_BUILDERS) as ExportFormat[];

async function build(worker: WorkerSpec | null, signal?: AbortSignal, model = p.model()) {
  const dir = tempDir();
  const done: ExportFormat[] = [];
  const written = await buildTextFormats({
    jobs: formats.map((format) => ({ format, dir: path.join(dir, format) })),
    model, options: ExportOptionsSchema.parse({ formats, out: dir }), projectFile: p.file, worker, signal,
    framePts: (id) => p.core.mediaAccess().source(id).pts,
    onDone: (f) => done.push(f),
  });
  // Paths relative to the folder, with their hashes and the bytes on disk.
  const files = [...written].map(([abs, h]) => [path.relative(dir, abs), h.sha256, readFileSync(abs).length === h.bytes] as const).sort();
  return { files, done };
}

describe('export workers', () => {
  it('build every text format on workers, byte for byte what the calling thread builds', async () => {
    const spec = defaultWorkerSpec();
    expect(spec).not.toBeNull();
    let started = 0;
    const counting: WorkerSpec = { start: () => (started++, spec!.start()) };
    const model = p.model();
    const onWorkers = await build(counting, undefined, model);
    expect(started).toBeGreaterThanOrEqual(1);
    const inline = await build(null, undefined, model);
    expect(onWorkers.done.sort()).toEqual([...formats].sort());
    expect(onWorkers.files.length).toBeGreaterThan(40);
    expect(onWorkers.files).toEqual(inline.files);
    expect(onWorkers.files.every(([, , sizeOk]) => sizeOk)).toBe(true);
  }, 120_000);

  it('falls back to the calling thread when a worker cannot start, and stops on abort', async () => {
    const broken: WorkerSpec = { start: () => { throw new Error('no workers here'); } };
    const r = await build(broken);
    expect(r.done.sort()).toEqual([...formats].sort());
    const ac = new AbortController();
    ac.abort();
    await expect(build(defaultWorkerSpec(), ac.signal)).rejects.toMatchObject({ code: 'ABORTED' });
  }, 120_000);
});
