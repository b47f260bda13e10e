import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { codeSource, ffmpegBin, referenceDecode, run } from '../fixtures/videos';
import { EXPORT_FIXTURES } from './exportProject';
import { getFixtures, tempDir } from './helpers';

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
