import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core as CoreClass, type Core } from '../../electron/core/api';
import { ExportOptionsSchema, type ExportJob } from '../../shared/exportFormats';
import { NativeExportSchema } from '../../shared/nativeJson';
import { EXPORT_FIXTURES, makeExportProject, type ExportProject } from './exportProject';
import { getFixtures, tempDir } from './helpers';

/** The export runner end to end: destination rules, temp folder, manifest, audit, jobs, links, import by file. */
let p: ExportProject;
let core: Core;
beforeAll(async () => {
  p = await makeExportProject();
  core = p.core;
}, 300_000);
afterAll(() => core?.close());

const opts = (o: Record<string, unknown>) => ExportOptionsSchema.parse(o);

/** A second project with the same videos and no annotations, to import into. */
async function bareProject(): Promise<Core> {
  const fx = await getFixtures();
  const bare = CoreClass.create(path.join(tempDir(), 'bare.tellframe'), { actor: 'importer' });
  await bare.call('media.import', { paths: EXPORT_FIXTURES.map((n) => fx[n].path) });
  return bare;
}

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

  it('refuses a non-empty folder; overwriting replaces only an earlier export, never other files or the project', async () => {
    const out = tempDir();
    writeFileSync(path.join(out, 'keep.txt'), 'x');
    await expect(core.exportRun(opts({ formats: ['json'], out }))).rejects.toThrow(/not empty/);
    await expect(core.exportRun(opts({ formats: ['json'], out, overwrite: true }))).rejects.toThrow(/not an earlier export/);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    await expect(core.exportRun(opts({ formats: ['json'], out: path.dirname(p.file), overwrite: true }))).rejects.toThrow(/holds the project file/);
    const again = path.join(tempDir(), 'again');
    await core.exportRun(opts({ formats: ['csv'], out: again }));
    await core.exportRun(opts({ formats: ['json'], out: again, overwrite: true }));
    expect(readdirSync(again).sort()).toEqual(['MANIFEST.sha256', 'README.md', 'annotations.json']);
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
    // Cancel a frame export (every frame of every video) while it runs: cancelled, nothing left behind.
    const parent = tempDir();
    const big = path.join(parent, 'frames');
    const job = await core.call('export.start', { formats: ['frames', 'json'], out: big, frames: { every: 1, image: 'png' } });
    await expect.poll(async () => (await core.call('export.status', { jobId: job.jobId })).progress?.step, { timeout: 30_000 }).toBe('frames');
    expect((await core.call('export.cancel', { jobId: job.jobId })).cancelled).toBe(true);
    const c = await waitJob(job.jobId);
    expect(c.state).toBe('cancelled');
    expect(c.result).toBeNull();
    expect(readdirSync(parent)).toEqual([]);
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

describe('round trips through a second project with the same videos', () => {
  let bare: Core;
  beforeAll(async () => {
    bare = await bareProject();
  }, 300_000);
  afterAll(() => bare?.close());

  /** Frame ranges of a label's segments on the bare project's copy of a fixture, sorted. */
  async function ranges(fixture: string, label: string): Promise<[number, number][]> {
    const name = path.basename((await p.core.call('media.get', { id: p.ids[fixture]! })).path);
    const v = (await bare.call('media.list', {})).find((x) => path.basename(x.path) === name)!;
    return (await bare.call('annotations.list', { videoId: v.id }))
      .filter((a) => a.label === label)
      .map((a) => [a.startFrame, a.endFrame] as [number, number])
      .sort((a, b) => a[0] - b[0]);
  }

  it('lavdf: the merged visual and audio periods come back as the exact same frames, through seconds, on VFR and offset files', async () => {
    const out = path.join(tempDir(), 'lavdf');
    await core.exportRun(opts({ formats: ['lavdf'], out }));
    const r = await bare.call('annotations.importFile', { path: path.join(out, 'metadata.json'), format: 'lavdf' });
    expect(r.videos).toBe(5);
    // The same file again is refused (ids follow from the file and the place in it), not doubled.
    await expect(bare.call('annotations.importFile', { path: path.join(out, 'metadata.json'), format: 'lavdf' })).rejects.toThrow(/already imported from metadata\.json/);
    for (const name of ['h264_vfr', 'start_offset', 'ts_cut_mid_gop', 'h264_bframes']) {
      const n = (await p.core.call('media.get', { id: p.ids[name]! })).frameCount;
      // Visual: lip sync 1–7, point track 0, box track 2–8, polygon 4, blink tags 3 and n-1 → [0, 8] and [n-1, n-1].
      expect(await ranges(name, 'visual_fake'), name).toEqual([[0, 8], [n - 1, n - 1]]);
      expect(await ranges(name, 'audio_anomaly'), name).toEqual([[Math.floor(n / 2), n - 1]]);
    }
    const imported = await bare.call('annotations.list', { videoId: 1 });
    expect(imported.every((a) => a.source === 'lavdf:metadata.json')).toBe(true);
  });

  it('a foreign file is all or nothing, refuses a sha256 the project lacks, and a native id that is not a plain token', async () => {
    const dir = tempDir();
    const names = (await bare.call('media.list', {})).map((v) => path.basename(v.path));
    const before = (await bare.call('media.list', {})).length;
    const count = async () => (await Promise.all((await bare.call('media.list', {})).map((v) => bare.call('annotations.list', { videoId: v.id })))).flat().length;
    const n0 = await count();
    const dfdc = path.join(dir, 'metadata.json');
    writeFileSync(dfdc, JSON.stringify({ [names[0]!]: { label: 'FAKE', split: 'train', original: null }, 'not-here.mp4': { label: 'REAL', split: 'train', original: null } }));
    await expect(bare.call('annotations.importFile', { path: dfdc, format: 'dfdc' })).rejects.toThrow(/not-here\.mp4/);
    expect(await count()).toBe(n0);
    writeFileSync(dfdc, JSON.stringify({ [names[0]!]: { label: 'FAKE', split: 'train', original: null, sha256: 'a'.repeat(64) } }));
    await expect(bare.call('annotations.importFile', { path: dfdc, format: 'dfdc' })).rejects.toThrow(/no video in this project has sha256 a{64}/);
    expect(await count()).toBe(n0);
    expect((await bare.call('media.list', {})).length).toBe(before);
    // A native document whose annotation id would be a path is refused at the boundary (ids name crop files).
    const out = path.join(dir, 'native');
    await core.exportRun(opts({ formats: ['json'], out, videoIds: [p.ids.h264_bframes!] }));
    const doc = JSON.parse(readFileSync(path.join(out, 'annotations.json'), 'utf8')) as { videos: { annotations: { id: string }[] }[] };
    doc.videos[0]!.annotations[0]!.id = 'x/../../../../tmp/pwned';
    writeFileSync(path.join(dir, 'evil.json'), JSON.stringify(doc));
    await expect(bare.call('annotations.importFile', { path: path.join(dir, 'evil.json'), format: 'json' })).rejects.toThrow(/videos\[0\]\.annotations\[0\]\.id: an id is letters/);
  });

  it('dfdc: verdicts and the link to the original come back', async () => {
    const out = path.join(tempDir(), 'dfdc');
    await core.exportRun(opts({ formats: ['dfdc'], out }));
    const r = await bare.call('annotations.importFile', { path: path.join(out, 'metadata.json'), format: 'dfdc' });
    expect(r.links).toBe(1);
    const vids = await bare.call('media.list', {});
    const byName = (f: string) => vids.find((v) => path.basename(v.path) === f)!;
    const vfr = byName('h264_vfr.mp4');
    expect(vfr.originalId).toBe(byName('h264_bframes.mp4').id);
    const fromDfdc = (a: { kind: string; annotator: string }) => a.kind === 'verdict' && a.annotator === 'dfdc:metadata.json';
    const verdict = (await bare.call('annotations.list', { videoId: vfr.id })).find(fromDfdc)!;
    expect(verdict.verdict?.value).toBe('fake');
    expect((await bare.call('annotations.list', { videoId: byName('h264_bframes.mp4').id })).find(fromDfdc)?.verdict?.value).toBe('real');
    // Uncertain verdicts are not DFDC labels: start_offset gets none from this file.
    expect((await bare.call('annotations.list', { videoId: byName('start_offset.mp4').id })).some(fromDfdc)).toBe(false);
    // Importing the same verdicts again is refused as a whole.
    await expect(bare.call('annotations.importFile', { path: path.join(out, 'metadata.json'), format: 'dfdc' })).rejects.toThrow(/already imported from metadata\.json/);
  });
});

describe('cvat-video and elan round trips', () => {
  let bare: Core;
  beforeAll(async () => {
    bare = await bareProject();
  }, 300_000);
  afterAll(() => bare?.close());

  type Mark = { kind: string; label: string | null; startFrame: number; endFrame: number };
  const key = (a: Mark) => `${a.kind} ${a.label} ${a.startFrame}-${a.endFrame}`;
  async function marks(c: Core, fileName: string, source?: string): Promise<string[]> {
    const v = (await c.call('media.list', {})).find((x) => path.basename(x.path) === fileName)!;
    return (await c.call('annotations.list', { videoId: v.id }))
      .filter((a) => a.kind !== 'verdict' && (source === undefined || a.source === source))
      .map(key)
      .sort();
  }

  it('cvat-video: every segment, frame tag and region track comes back with its frames and keyframes', async () => {
    const out = path.join(tempDir(), 'cvat');
    await core.exportRun(opts({ formats: ['cvat-video'], out }));
    const files = readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('annotations.xml'));
    expect(files).toHaveLength(5);
    for (const f of files) await bare.call('annotations.importFile', { path: path.join(out, f), format: 'cvat-video' });
    for (const v of await core.call('media.list', {})) {
      const name = path.basename(v.path);
      expect(await marks(bare, name), name).toEqual(await marks(core, name));
      const orig = (await core.call('annotations.list', { videoId: v.id })).find((a) => a.label === 'edge_artifact')!;
      const bv = (await bare.call('media.list', {})).find((x) => path.basename(x.path) === name)!;
      const back = (await bare.call('annotations.list', { videoId: bv.id })).find((a) => a.label === 'edge_artifact')!;
      expect(back.keyframes, name).toEqual(orig.keyframes);
    }
  });

  it('elan: every annotation comes back on the exact same frames through whole milliseconds', async () => {
    const out = path.join(tempDir(), 'elan');
    await core.exportRun(opts({ formats: ['elan'], out }));
    const files = readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('.eaf'));
    expect(files).toHaveLength(5);
    for (const f of files) await bare.call('annotations.importFile', { path: path.join(out, f), format: 'elan' });
    for (const v of await core.call('media.list', {})) {
      const name = path.basename(v.path);
      const want = (await core.call('annotations.list', { videoId: v.id })).filter((a) => a.kind !== 'verdict').map((a) => `segment ${a.label} ${a.startFrame}-${a.endFrame}`).sort();
      const eafSource = `elan:${files.find((f) => f.includes(v.sha256.slice(0, 12)))!.split('/').pop()}`;
      expect(await marks(bare, name, eafSource), name).toEqual(want);
    }
  });

  it('elan from another tool counts on the media clock (with TIME_ORIGIN): frame 0 of the cut MPEG-TS is 1 s in', async () => {
    const other = await bareProject();
    try {
      const id = p.ids.ts_cut_mid_gop!;
      const v = await core.call('media.get', { id });
      const offsetMs = Math.round((v.startTime - (core.store.media(id)!.format_start_us / 1e6)) * 1000);
      expect(offsetMs).toBe(1000);
      const out = path.join(tempDir(), 'elan-ts');
      await core.exportRun(opts({ formats: ['elan'], out, videoIds: [id] }));
      const eaf = readFileSync(path.join(out, readdirSync(out).find((f) => f.endsWith('.eaf'))!), 'utf8');
      expect(eaf).toContain('TIME_ORIGIN="1000"');
      // As ELAN itself would keep it without Tellframe's properties: times from frame 0 plus TIME_ORIGIN, or on the media clock.
      const foreign = eaf.replace(/<PROPERTY NAME="tellframe[^"]*">[^<]*<\/PROPERTY>\s*/g, '');
      expect(foreign).not.toContain("tellframe:sha256");
      const onMediaClock = foreign.replace(/ TIME_ORIGIN="1000"/, '').replace(/TIME_VALUE="(\d+)"/g, (_m, t: string) => `TIME_VALUE="${Number(t) + offsetMs}"`);
      const want = (await core.call('annotations.list', { videoId: id })).filter((a) => a.kind !== 'verdict').map((a) => `segment ${a.label} ${a.startFrame}-${a.endFrame}`).sort();
      for (const [name, text] of [['with-origin.eaf', foreign], ['media-clock.eaf', onMediaClock]] as const) {
        const file = path.join(out, name);
        writeFileSync(file, text);
        await other.call('annotations.importFile', { path: file, format: 'elan' });
        expect(await marks(other, path.basename(v.path), `elan:${name}`), name).toEqual(want);
      }
    } finally {
      other.close();
    }
  }, 300_000);
});

describe('a dataset build of every format from the command line', () => {
  it('tellframe export --format all --split writes every format, the split in each that has a place for it, the card and a valid manifest', async () => {
    const BIN = path.resolve('bin/tellframe.js');
    const out = path.join(tempDir(), 'all');
    core.close();
    try {
      const r = spawnSync(process.execPath, [BIN, 'export', p.file, '--format', 'all', '--out', out, '--split', '0.6,0.2,0.2', '--seed', '3', '--image', 'jpeg', '--crops', '--negatives', '2'], { encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Wrote .*: json, csv, cvat-video, cvat-images, coco, elan, mot, webvtt, lavdf, dfdc, frames, framemd5; 5 videos/);
      expect(readdirSync(out).sort()).toEqual(['MANIFEST.sha256', 'README.md', 'coco', 'csv', 'cvat-images', 'cvat-video', 'dfdc', 'elan', 'framemd5', 'frames', 'json', 'lavdf', 'mot', 'webvtt']);
      const check = spawnSync('sha256sum', ['-c', '--strict', '--quiet', 'MANIFEST.sha256'], { cwd: out, encoding: 'utf8' });
      expect(check.status, check.stdout + check.stderr).toBe(0);
      // The split: the original (h264_bframes) and its fake (h264_vfr) share one.
      const lav = JSON.parse(readFileSync(path.join(out, 'lavdf', 'metadata.json'), 'utf8')) as { file: string; split: string }[];
      const split = new Map(lav.map((e) => [e.file, e.split]));
      expect(split.get('h264_vfr.mp4')).toBe(split.get('h264_bframes.mp4'));
      const dfdc = JSON.parse(readFileSync(path.join(out, 'dfdc', 'metadata.json'), 'utf8')) as Record<string, { split: string; original: string | null }>;
      expect(dfdc['h264_vfr.mp4']).toMatchObject({ original: 'h264_bframes.mp4', split: split.get('h264_vfr.mp4') === 'dev' ? 'val' : split.get('h264_vfr.mp4') });
      const card = readFileSync(path.join(out, 'README.md'), 'utf8');
      expect(card).toMatch(/seed/i);
      expect(card).toContain('lip_sync_mismatch');
      const csv = readFileSync(path.join(out, 'csv', 'annotations.csv'), 'utf8');
      expect(csv.split('\n')[0]).toMatch(/split/);
      expect(readdirSync(path.join(out, 'frames'), { recursive: true }).map(String).some((f) => f.endsWith('.jpg'))).toBe(true);
    } finally {
      core = CoreClass.open(p.file, { actor: 'tester' });
      p.core = core;
    }
  }, 300_000);
});
