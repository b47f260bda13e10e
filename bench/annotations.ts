/**
 * npm run bench:annotations — the tagging targets of docs/benchmarks.md, each
 * beside its baseline in one run: a durable annotation write (with its audit
 * row and undo step) against a bare SQLite insert+commit with the same
 * settings, in a project holding 1M annotations, with the write's SQL alone
 * (its values computed beforehand) between them; and opening a project with
 * 10k videos and 1M annotations. Not a test: nothing here fails the build.
 *
 *   --videos N       videos in the big project (default 10000)
 *   --annotations N  annotations in it (default 1000000)
 *   --writes N       writes measured in steady state (default 5000)
 *   --warmup N       writes right after opening, reported on their own (default 1000)
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Core } from '../electron/core/api';
import { auditHash, GENESIS_HASH } from '../electron/core/project/audit';

const args = process.argv.slice(2);
const arg = (name: string, d: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
const VIDEOS = arg('--videos', 10_000);
const ANNOTATIONS = arg('--annotations', 1_000_000);
const FRAMES = 250;
const WRITES = arg('--writes', 5000);
const WARMUP = arg('--warmup', 1000);

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

function build(file: string): void {
  const core = Core.create(file, { actor: 'bench' });
  const db = core.store.db;
  const t0 = performance.now();
  db.transaction(() => {
    const media = db.prepare(
      `INSERT INTO media(path, sha256, size, mtime_ms, probe_json, format_name, format_start_us, stream_index, codec, pix_fmt, width, height,
         tb_num, tb_den, frame_count, first_pts, end_pts, vfr, index_method, index_notes, imported_at)
       VALUES (?, ?, 1000, 0, '{}', 'mov,mp4,m4a,3gp,3g2,mj2', 0, 0, 'h264', 'yuv420p', 1920, 1080, 1, 12800, ?, 0, ?, 0, 'packets', '[]', ?)`,
    );
    const frame = db.prepare('INSERT INTO frames(media_id, n, pts, key) VALUES (?, ?, ?, ?)');
    const now = new Date().toISOString();
    for (let v = 1; v <= VIDEOS; v++) {
      media.run(`/videos/clip_${v}.mp4`, v.toString(16).padStart(64, '0'), FRAMES, FRAMES * 512, now);
      for (let n = 0; n < FRAMES; n++) frame.run(v, n, n * 512, n % 250 === 0 ? 1 : 0);
    }
    const ann = db.prepare(
      `INSERT INTO annotations(id, media_id, kind, label_id, start_frame, end_frame, start_pts, end_pts, attributes, note, annotator, created_at, updated_at, data)
       VALUES (?, ?, 'segment', ?, ?, ?, ?, ?, '{}', '', 'bench', ?, ?, NULL)`,
    );
    const labels = core.store.labels().map((l) => l.id);
    for (let i = 0; i < ANNOTATIONS; i++) {
      const v = (i % VIDEOS) + 1;
      const s = (i * 7) % (FRAMES - 10);
      ann.run(`a${i}`, v, labels[i % labels.length], s, s + 9, s * 512, (s + 10) * 512, now, now);
    }
    // A project this size has a full undo history (10,000 steps kept), as the app leaves it.
    const step = db.prepare('INSERT INTO history(at, actor, title, undo, redo) VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < 10_000; i++) {
      const id = `a${i}`;
      const row = { id, media_id: 1, kind: 'segment', label_id: labels[0], start_frame: 0, end_frame: 9, start_pts: 0, end_pts: 5120, attributes: '{}', note: '', annotator: 'bench', created_at: now, updated_at: now, data: null, source: null, finding: null, provenance: null };
      step.run(now, 'bench', `Add segment ${labels[0]}`, JSON.stringify([{ t: 'annotation', id, videoId: 1, row: null }]), JSON.stringify([{ t: 'annotation', id, videoId: 1, row }]));
    }
  })();
  console.log(`built ${VIDEOS} videos × ${FRAMES} frames, ${ANNOTATIONS} annotations and 10,000 undo steps in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  core.close();
}

/**
 * The least any implementation of the write can cost on this disk: the rows
 * annotations.create stores (the annotation, its undo step, its audit row),
 * of the same sizes, inserted in one durable transaction with every value
 * (ids, JSON, the chain hash) computed before the clock starts. The
 * annotation goes into the project's own table (1M rows, its index); the
 * audit row into a table with audit_log's columns, appended by rowid as
 * audit_log is (the real chain's next seq is the write's to take). Returns
 * the transaction, run with the index of a prepared row.
 */
function sqlFloor(db: Database.Database, n: number): (i: number) => void {
  db.exec('CREATE TABLE IF NOT EXISTS bench_audit AS SELECT * FROM audit_log WHERE 0');
  const put = db.prepare(
    `INSERT INTO annotations(id, media_id, kind, label_id, start_frame, end_frame, start_pts, end_pts, attributes, note, annotator, created_at, updated_at, data, source, finding, provenance)
     VALUES (@id, @media_id, @kind, @label_id, @start_frame, @end_frame, @start_pts, @end_pts, @attributes, @note, @annotator, @created_at, @updated_at, @data, @source, @finding, @provenance)`,
  );
  const hist = db.prepare('INSERT INTO history(at, actor, title, undo, redo) VALUES (?, ?, ?, ?, ?)');
  const audit = db.prepare('INSERT INTO bench_audit(seq, at, actor, action, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let prev = GENESIS_HASH;
  const rows = Array.from({ length: n }, (_, i) => {
    const at = new Date().toISOString();
    const start = i % 200;
    const row = {
      id: randomUUID(), media_id: 1 + (i % 4), kind: 'segment', label_id: 'blur_anomaly', start_frame: start, end_frame: start + 5,
      start_pts: start * 512, end_pts: (start + 6) * 512, attributes: '{}', note: '', annotator: 'bench', created_at: at, updated_at: at,
      data: null, source: null, finding: null, provenance: null,
    };
    const payload = JSON.stringify({ id: row.id, before: null, after: row });
    const hash = auditHash(prev, { seq: i + 1, at, actor: 'bench', action: 'annotation.create', payload });
    const r = {
      row, at, payload, prev, hash, seq: i + 1,
      undo: JSON.stringify([{ t: 'annotation', id: row.id, videoId: row.media_id, row: null }]),
      redo: JSON.stringify([{ t: 'annotation', id: row.id, videoId: row.media_id, row }]),
    };
    prev = hash;
    return r;
  });
  const tx = db.transaction((r: (typeof rows)[number]) => {
    put.run(r.row);
    hist.run(r.at, 'bench', 'Add segment blur_anomaly', r.undo, r.redo);
    audit.run(r.seq, r.at, 'bench', 'annotation.create', r.payload, r.prev, r.hash);
  });
  return (i) => tx(rows[i]!);
}

async function main(): Promise<void> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'tellframe-bench-ann-')), 'big.tellframe');
  build(file);
  // The built file goes to disk now, so that its write-back does not fall into the first measurements.
  execFileSync('sync');

  // Opening: what the app does to show a project (open + migrate check, info, the video list, the taxonomy).
  const opens: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    const core = Core.open(file, { actor: 'bench' });
    await core.call('project.info', {});
    const list = await core.call('media.list', {});
    await core.call('labels.list', {});
    opens.push(performance.now() - t);
    if (list.length !== VIDEOS) throw new Error('video list incomplete');
    core.close();
  }

  const core = Core.open(file, { actor: 'bench' });
  const db = core.store.db;
  // The videos written to are open (their frame index loaded), as in a session.
  for (let v = 1; v <= 4; v++) await core.call('annotations.list', { videoId: v });
  // Baseline: a bare insert+commit in the same file with the same settings (WAL, synchronous=FULL).
  db.exec('CREATE TABLE IF NOT EXISTS bench_bare(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)');
  const bare = db.prepare('INSERT INTO bench_bare(a, b) VALUES (?, ?)');
  const floor = sqlFloor(db, WRITES + 50);
  const write = (i: number) =>
    core.call('annotations.create', { kind: 'segment', videoId: 1 + (i % 4), label: 'blur_anomaly', startFrame: i % 200, endFrame: (i % 200) + 5 });
  // Each op is followed by a bare commit, so that both meet the disk alike (the same checkpoints,
  // journal flushes and stalls of the device): the write against the bare commit, and the write's
  // SQL alone against the bare commit.
  let n = 0;
  const pairs = async (op: (i: number) => unknown, count: number, a: number[] | null, b: number[] | null): Promise<void> => {
    for (let i = 0; i < count; i++) {
      let t = performance.now();
      await op(i);
      a?.push(performance.now() - t);
      t = performance.now();
      bare.run(n++, 'x');
      b?.push(performance.now() - t);
    }
  };
  // The first writes after opening run code V8 has not optimised yet (about 0.1-0.3 ms more for
  // the first few hundred): measured on their own, then the steady state.
  const warm: number[] = [];
  const warmBares: number[] = [];
  await pairs((i) => write(WRITES + i), WARMUP, warm, warmBares);
  await pairs((i) => floor(WRITES + i), 50, null, null);
  // The two series run in ten alternating blocks, so neither has a quieter stretch of the disk to itself.
  const writes: number[] = [];
  const bares: number[] = [];
  const floors: number[] = [];
  const floorBares: number[] = [];
  const BLOCKS = 10;
  for (let k = 0; k < BLOCKS; k++) {
    const from = Math.floor((k * WRITES) / BLOCKS);
    const count = Math.floor(((k + 1) * WRITES) / BLOCKS) - from;
    await pairs((i) => write(from + i), count, writes, bares);
    await pairs((i) => floor(from + i), count, floors, floorBares);
  }
  const count = (db.prepare('SELECT count(*) AS n FROM annotations').get() as { n: number }).n;
  core.close();

  console.log(`\n# Annotation benchmark — ${new Date().toISOString()}`);
  console.log(`project: ${VIDEOS} videos, ${count} annotations; synchronous=${'FULL'}, WAL\n`);
  console.log('| ms | p50 | p99 | target |');
  console.log('|---|---:|---:|---|');
  console.log(`| annotation write (annotations.create: row + undo step + audit row, one transaction) | ${q(writes, 0.5).toFixed(3)} | ${q(writes, 0.99).toFixed(3)} | p50 ≤ 0.5; p99 ≤ 1.2× bare |`);
  console.log(`| bare insert+commit, same file and settings (baseline) | ${q(bares, 0.5).toFixed(3)} | ${q(bares, 0.99).toFixed(3)} | — |`);
  console.log(`| the write's SQL alone: its three inserts, every value computed beforehand | ${q(floors, 0.5).toFixed(3)} | ${q(floors, 0.99).toFixed(3)} | — |`);
  console.log(`| bare insert+commit, interleaved with the line above | ${q(floorBares, 0.5).toFixed(3)} | ${q(floorBares, 0.99).toFixed(3)} | — |`);
  if (warm.length) {
    console.log(`| first ${warm.length} writes after opening, not in the lines above | ${q(warm, 0.5).toFixed(3)} | ${q(warm, 0.99).toFixed(3)} | — |`);
    console.log(`| bare insert+commit, interleaved with the line above | ${q(warmBares, 0.5).toFixed(3)} | ${q(warmBares, 0.99).toFixed(3)} | — |`);
  }
  console.log(`| open: Core.open + project.info + media.list + labels.list (median of 3) | ${q(opens, 0.5).toFixed(1)} | — | ≤ 1000 |`);
  console.log(`\np99 ratio to bare: write ${(q(writes, 0.99) / q(bares, 0.99)).toFixed(2)}×, the write's SQL alone ${(q(floors, 0.99) / q(floorBares, 0.99)).toFixed(2)}×`);
}

void main();
