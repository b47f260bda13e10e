import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { SIGNAL_CSV_HEADER } from '../../electron/core/signals/csv';
import { makeMouthClip } from '../fixtures/mouthClip';
import { tempDir } from './helpers';

/**
 * `tellframe signals` headless: shards that split the videos between
 * machines, per-frame CSV, and results merged back into another copy of the
 * project by the files' SHA-256.
 */
const BIN = path.resolve('bin/tellframe.js');
function tf(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = tempDir('tellframe-sigcli-');
const project = path.join(dir, 'p.tellframe');
let shas: string[] = [];

beforeAll(async () => {
  const clips = [];
  for (const lag of [1, 2, 3]) clips.push((await makeMouthClip(dir, { lag, frames: 20, name: `clip${lag}.mkv` })).path);
  expect(tf('init', project).code).toBe(0);
  const imp = tf('import', project, ...clips);
  expect(imp.code, imp.err).toBe(0);
  const core = Core.open(project);
  shas = core.store.listMedia().map((m) => m.sha256).sort();
  core.close();
}, 120_000);

describe('tellframe signals', () => {
  it('shards split the videos by hash; each shard saves its signals and CSV; merged back they equal a local run', () => {
    // Two "machines", each with its own copy of the project.
    const copies = [1, 2].map((i) => {
      const p = path.join(dir, `machine${i}.tellframe`);
      copyFileSync(project, p);
      return p;
    });
    const saved: string[][] = [];
    copies.forEach((p, k) => {
      const save = path.join(dir, `out${k + 1}`);
      const r = tf('signals', p, '--shard', `${k + 1}/2`, '--save', save, '--out', path.join(dir, `shard${k + 1}.csv`), '--jobs', '1');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(new RegExp(`\\(shard ${k + 1}/2\\): \\d measured, 0 kept already`));
      saved.push(readdirSync(save).map((f) => f.replace('.signals.json', '')).sort());
    });
    // Round robin over the hash-sorted videos: shard 1 has the 1st and 3rd, shard 2 the 2nd.
    expect(saved).toEqual([[shas[0], shas[2]], [shas[1]]]);

    // The CSV: a header, one row per frame with the stored pts, and the kept values.
    const rows = parse(readFileSync(path.join(dir, 'shard1.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...SIGNAL_CSV_HEADER]);
    expect(rows).toHaveLength(40);
    const core = Core.open(copies[0]!);
    try {
      for (const sha of [shas[0]!, shas[2]!]) {
        const row = core.store.mediaBySha(sha)!;
        const k = core.keptSignals(row)!;
        const mine = rows.filter((r) => r.sha256 === sha);
        expect(mine.map((r) => Number(r.frame))).toEqual([...Array(20).keys()]);
        const pts = core.store.db.prepare('SELECT pts FROM frames WHERE media_id = ? ORDER BY n').all(row.id) as { pts: number }[];
        expect(mine.map((r) => Number(r.pts))).toEqual(pts.map((p) => p.pts));
        expect(mine.map((r) => Number(r.mar))).toEqual(k.mar);
        // The kept mesh points, in the original's pixels: the inner lips' middle points (13 above 14).
        expect(mine.every((r) => Number(r.mouth_upper2_y) < Number(r.mouth_lower2_y) && Number(r.iris_right_x) > 0)).toBe(true);
        expect(mine.every((r) => Number(r.loudness) >= 0 && r.version === k.version)).toBe(true);
        // Times from the stored pts: 25 frames/s from frame 0.
        expect(Number(mine[10]!.time)).toBeCloseTo(0.4, 9);
      }
    } finally {
      core.close();
    }

    // Merged into the original project: every video's signals, as measured on the machines.
    const m = tf('signals', project, '--merge', path.join(dir, 'out1'), path.join(dir, 'out2'));
    expect(m.code, m.err).toBe(0);
    expect(m.out).toContain('Merged the signals of 3 videos.');
    const again = tf('signals', project);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('3 videos: 0 measured, 3 kept already.');
  }, 300_000);

  it('refuses bad shards, unknown or mismatched files, and merges nothing unless all are good', () => {
    expect(tf('signals', project, '--shard', '3/2').code).toBe(2);
    expect(tf('signals', project, '--shard', '0/2').err).toContain('1 ≤ I ≤ N');
    const good = path.join(dir, 'out2', `${shas[1]}.signals.json`);
    const doc = JSON.parse(readFileSync(good, 'utf8')) as Record<string, unknown>;
    const bad = path.join(dir, 'bad');
    const files = {
      other: { ...doc, sha256: 'f'.repeat(64) },
      version: { ...doc, version: 'older-model/0' },
      frames: { ...doc, frames: 19 },
    };
    for (const [name, data] of Object.entries(files)) writeFileSync(`${bad}-${name}.signals.json`, JSON.stringify(data));
    writeFileSync(`${bad}-json.signals.json`, '{ nope');
    const fresh = path.join(dir, 'fresh.tellframe');
    copyFileSync(project, fresh);
    const core = Core.open(fresh);
    for (const r of core.store.listMedia()) core.store.db.prepare("DELETE FROM media_analysis WHERE media_id = ? AND kind = 'face'").run(r.id);
    core.close();
    const cases: [string, RegExp][] = [
      ['other', /no video with SHA-256 f{64}/],
      ['version', /measured with older-model\/0/],
      ['frames', /landmarks hold \d+ base64 characters, not \d+ \(x and y of 22 points per frame\)/],
      ['json', /not JSON/],
    ];
    for (const [name, msg] of cases) {
      const r = tf('signals', fresh, '--merge', good, `${bad}-${name}.signals.json`);
      expect(r.code, name).not.toBe(0);
      expect(r.err, name).toMatch(msg);
    }
    // The same video twice: refused, naming both files.
    const twin = path.join(dir, 'twin.signals.json');
    writeFileSync(twin, readFileSync(good));
    const t = tf('signals', fresh, '--merge', good, twin);
    expect(t.code).toBe(2);
    expect(t.err).toContain('are both signals of SHA-256');
    // Nothing was merged, not even the good file listed first.
    const after = Core.open(fresh);
    try {
      expect(after.keptSignals(after.store.mediaBySha(shas[1]!)!)).toBeNull();
      // One video's file gone: the others are still measured and kept, the failure is named, and the exit code says so.
      after.store.db.prepare('UPDATE media SET path = ? WHERE sha256 = ?').run(path.join(dir, 'moved-away.mkv'), shas[0]);
    } finally {
      after.close();
    }
    const partly = tf('signals', fresh, '--jobs', '1', '--save', path.join(dir, 'partly'));
    expect(partly.code).toBe(1);
    expect(partly.out).toMatch(/^error #\d+ {2}.*moved-away\.mkv: /m);
    expect(partly.out).toContain('3 videos: 2 measured, 0 kept already, 1 failed.');
    expect(partly.err).toMatch(/Signals of 1 of 3 videos could not be measured/);
    expect(readdirSync(path.join(dir, 'partly')).sort()).toEqual([`${shas[1]}.signals.json`, `${shas[2]}.signals.json`]);
  }, 120_000);
});
