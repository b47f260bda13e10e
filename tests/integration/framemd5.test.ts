import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { codeSource, ffmpegBin, referenceDecode, run } from '../fixtures/videos';
import { EXPORT_FIXTURES } from './exportProject';
import { getFixtures, tempDir } from './helpers';
import { untilDone } from './jobs';

/**
 * framemd5: the per-frame hash list. Its pts are the stored index's (the
 * export fails otherwise), and a frame is marked the same as the previous
 * exactly when the decoded pictures carry the same pixel-encoded number.
 */
let core: Core;
let dup: string;
const dir = tempDir();
beforeAll(async () => {
  const fx = await getFixtures();
  // 10 pictures a second shown at 30 frames a second, losslessly: every picture three times.
  dup = path.join(dir, 'duplicated frames.mp4');
  const r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', codeSource({ width: 160, height: 48, rate: 10, pixFmt: 'yuv444p' }),
    '-frames:v', '30', '-vf', 'fps=30', '-c:v', 'libx264', '-qp', '0', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', dup]);
  if (r.code !== 0) throw new Error(r.stderr);
  core = Core.create(path.join(dir, 'hashes.tellframe'), { actor: 'ana' });
  await core.call('media.import', { paths: [dup, ...EXPORT_FIXTURES.map((n) => fx[n].path)] });
}, 300_000);
afterAll(() => core?.close());

function readTsv(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const head = lines[0]!.split('\t');
  return lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((c, i) => [head[i]!, c])));
}

describe('framemd5 export', () => {
  it('lists every frame with its stored pts and marks exactly the repeated pictures', async () => {
    const out = path.join(dir, 'out');
    const r = await core.exportRun(ExportOptionsSchema.parse({ formats: ['framemd5'], out }));
    expect(r.files).toBeGreaterThanOrEqual(8);
    const tsvs = readdirSync(out).filter((f) => f.endsWith('.tsv'));
    expect(tsvs).toHaveLength(6);
    for (const v of await core.call('media.list', {})) {
      const file = tsvs.find((t) => t.startsWith(v.sha256.slice(0, 12)))!;
      const rows = readTsv(path.join(out, file));
      const ref = await referenceDecode(v.path);
      expect(rows.map((x) => Number(x.frame)), v.path).toEqual(ref.codes.map((_, i) => i));
      expect(rows.map((x) => Number(x.pts)), v.path).toEqual(ref.pts);
      expect(rows.every((x) => /^[0-9a-f]{32}$/.test(x.md5!))).toBe(true);
      expect(rows.map((x) => x.same_as_previous), v.path).toEqual(ref.codes.map((c, i) => (i > 0 && ref.codes[i - 1] === c ? '1' : '0')));
    }
    const dupRows = readTsv(path.join(out, tsvs.find((t) => t.includes('duplicated_frames'))!));
    expect(dupRows.filter((x) => x.same_as_previous === '1')).toHaveLength(20);
  }, 300_000);

  it('finds the runs of identical pictures for the forensics panel, keeps them in the project, and flags them', async () => {
    const v = (await core.call('media.list', {})).find((x) => x.path === dup)!;
    expect((await core.call('media.forensics', { id: v.id })).frameHashes).toBeNull();
    const { jobId } = await core.call('framehash.start', { id: v.id });
    // Asked again while it runs: the same job, not a second decode.
    expect((await core.call('framehash.start', { id: v.id })).jobId).toBe(jobId);
    const job = await untilDone(core, 'framehash.status', jobId);
    expect(job.state, job.error?.message).toBe('done');
    // The runs the pixel-encoded numbers show: each picture and the frames after it that carry the same number.
    const ref = await referenceDecode(dup);
    const runs: { from: number; to: number }[] = [];
    ref.codes.forEach((c, i) => {
      if (i === 0 || ref.codes[i - 1] !== c) return;
      const last = runs.at(-1);
      if (last && last.to === i - 1) last.to = i;
      else runs.push({ from: i - 1, to: i });
    });
    expect(runs).toHaveLength(10);
    expect(job.result).toMatchObject({ frames: 30, repeated: 20, runs, runCount: 10, sha256: v.sha256 });
    // Kept: a fresh Core on the same file shows it without decoding, and flags it.
    const fresh = Core.open(core.store.file, { actor: 'ana' });
    try {
      const f = await fresh.call('media.forensics', { id: v.id });
      expect(f.frameHashes).toEqual(job.result);
      expect(f.flags.find((x) => x.id === 'repeated_frames')).toMatchObject({ severity: 'warning', message: expect.stringContaining('20 frames are identical to the frame before, in 10 runs (first: frames 0–2)') });
    } finally {
      fresh.close();
    }
    // A video whose pictures never repeat gets no flag.
    const other = (await core.call('media.list', {})).find((x) => x.path !== dup)!;
    const job2 = await untilDone(core, 'framehash.status', (await core.call('framehash.start', { id: other.id })).jobId);
    const ref2 = await referenceDecode(other.path);
    expect(job2.result!.repeated).toBe(ref2.codes.filter((c, i) => i > 0 && ref2.codes[i - 1] === c).length);
    expect((await core.call('media.forensics', { id: other.id })).flags.some((x) => x.id === 'repeated_frames')).toBe(job2.result!.repeated > 0);
  }, 120_000);

  it('hashes frames only of the file as imported, and a cancel keeps nothing', async () => {
    const v = (await core.call('media.list', {})).find((x) => x.path === dup)!;
    const before = (await core.call('media.forensics', { id: v.id })).frameHashes;
    const { jobId } = await core.call('framehash.start', { id: v.id });
    expect(await core.call('framehash.cancel', { jobId })).toEqual({ cancelled: true });
    expect(await untilDone(core, 'framehash.status', jobId)).toMatchObject({ state: 'cancelled', error: { code: 'ABORTED' } });
    expect((await core.call('media.forensics', { id: v.id })).frameHashes).toEqual(before);
    // A file that changed since import is not hashed (its hashes would describe other pictures).
    const moved = path.join(dir, 'changed copy.mp4');
    copyFileSync(dup, moved);
    const bytes = readFileSync(dup);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    writeFileSync(dup, bytes);
    try {
      const failed = await untilDone(core, 'framehash.status', (await core.call('framehash.start', { id: v.id })).jobId);
      expect(failed).toMatchObject({ state: 'failed', error: { code: 'BAD_INPUT', message: expect.stringContaining('has changed since import') } });
    } finally {
      copyFileSync(moved, dup);
    }
  }, 120_000);

  it('fails at the first frame whose decoded pts differs from the stored index, and leaves nothing', async () => {
    const v = (await core.call('media.list', {}))[0]!;
    // The index is the project's claim; change one frame's pts behind its back.
    core.store.db.prepare('UPDATE frames SET pts = pts + 1 WHERE media_id = ? AND n = 5').run(v.id);
    const fresh = Core.open(core.store.file, { actor: 'ana' });
    const parent = tempDir();
    try {
      await expect(fresh.exportRun(ExportOptionsSchema.parse({ formats: ['framemd5'], out: path.join(parent, 'x'), videoIds: [v.id] })))
        .rejects.toThrow(/Frame 5: ffmpeg decoded pts \d+, the project's index has \d+/);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      fresh.close();
      core.store.db.prepare('UPDATE frames SET pts = pts - 1 WHERE media_id = ? AND n = 5').run(v.id);
    }
  }, 300_000);
});
