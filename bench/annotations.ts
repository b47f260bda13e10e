/**
 * npm run bench:annotations — the tagging targets of docs/benchmarks.md, each
 * beside its baseline in one run: a durable annotation write (with its audit
 * row and undo step) against a bare SQLite insert+commit with the same
 * settings, in a project holding 1M annotations; and opening a project with
 * 10k videos and 1M annotations. Not a test: nothing here fails the build.
 *
 *   --videos N       videos in the big project (default 10000)
 *   --annotations N  annotations in it (default 1000000)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Core } from '../electron/core/api';

const args = process.argv.slice(2);
const arg = (name: string, d: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
const VIDEOS = arg('--videos', 10_000);
const ANNOTATIONS = arg('--annotations', 1_000_000);
const FRAMES = 250;
const WRITES = arg('--writes', 5000);

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
  })();
  console.log(`built ${VIDEOS} videos × ${FRAMES} frames and ${ANNOTATIONS} annotations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  core.close();
}

async function main(): Promise<void> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'tellframe-bench-ann-')), 'big.tellframe');
  build(file);

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
  // Steady state, as in a session: the videos written to are open (their
  // frame index loaded) and the statements have run once. The first 50
  // writes are not counted.
  for (let v = 1; v <= 4; v++) await core.call('annotations.list', { videoId: v });
  // Baseline: a bare insert+commit in the same file with the same settings (WAL, synchronous=FULL).
  // Interleaved with the annotation writes, one each in turn, so both meet the same disk: the same
  // checkpoints, the same journal flushes and any stall of the device during the run.
  db.exec('CREATE TABLE IF NOT EXISTS bench_bare(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)');
  const bare = db.prepare('INSERT INTO bench_bare(a, b) VALUES (?, ?)');
  const writes: number[] = [];
  const bares: number[] = [];
  for (let i = -50; i < WRITES; i++) {
    let t = performance.now();
    await core.call('annotations.create', { kind: 'segment', videoId: 1 + ((i + 50) % 4), label: 'blur_anomaly', startFrame: (i + 50) % 200, endFrame: ((i + 50) % 200) + 5 });
    if (i >= 0) writes.push(performance.now() - t);
    t = performance.now();
    bare.run(i, 'x');
    if (i >= 0) bares.push(performance.now() - t);
  }
  const count = (db.prepare('SELECT count(*) AS n FROM annotations').get() as { n: number }).n;
  core.close();

  console.log(`\n# Annotation benchmark — ${new Date().toISOString()}`);
  console.log(`project: ${VIDEOS} videos, ${count} annotations; synchronous=${'FULL'}, WAL\n`);
  console.log('| ms | p50 | p99 | target |');
  console.log('|---|---:|---:|---|');
  console.log(`| annotation write (annotations.create: row + undo step + audit row, one transaction) | ${q(writes, 0.5).toFixed(3)} | ${q(writes, 0.99).toFixed(3)} | p50 ≤ 0.5; p99 ≤ 1.2× bare |`);
  console.log(`| bare insert+commit, same file and settings (baseline) | ${q(bares, 0.5).toFixed(3)} | ${q(bares, 0.99).toFixed(3)} | — |`);
  console.log(`| open: Core.open + project.info + media.list + labels.list (median of 3) | ${q(opens, 0.5).toFixed(1)} | — | ≤ 1000 |`);
  console.log(`\np99 ratio: ${(q(writes, 0.99) / q(bares, 0.99)).toFixed(2)}×`);
}

void main();
