/**
 * npm run bench:export — the text-export target of docs/benchmarks.md: a
 * project with 1,000 videos and 100k annotations (segments, frame tags,
 * region tracks with keyframes, verdicts) exported to every text format in
 * one run, from opening the project to the last byte of MANIFEST.sha256.
 * Not a test: nothing here fails the build.
 *
 *   --videos N       videos (default 1000)
 *   --annotations N  annotations (default 100000)
 *   --runs N         repetitions (default 3)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Core } from '../electron/core/api';
import { EXPORT_FORMATS, ExportOptionsSchema, FRAME_FORMATS } from '../shared/exportFormats';

const args = process.argv.slice(2);
const arg = (name: string, d: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
const VIDEOS = arg('--videos', 1000);
const ANNOTATIONS = arg('--annotations', 100_000);
const RUNS = arg('--runs', 3);
/** Where the exports are written (default: beside the project in the temp folder); e.g. /dev/shm to leave the disk out. */
const OUT_DIR = args.includes('--out-dir') ? args[args.indexOf('--out-dir') + 1]! : null;
const FRAMES = 300;
const TICK = 3003; // 1/90000 time base, NTSC frame duration: times must come from the pts, not from a rate.

function build(file: string): void {
  const core = Core.create(file, { actor: 'bench' });
  const db = core.store.db;
  db.transaction(() => {
    const media = db.prepare(
      `INSERT INTO media(path, sha256, size, mtime_ms, probe_json, format_name, format_start_us, stream_index, codec, pix_fmt, width, height,
         tb_num, tb_den, frame_count, first_pts, end_pts, vfr, index_method, index_notes, imported_at)
       VALUES (?, ?, 1000, 0, '{}', 'mov,mp4,m4a,3gp,3g2,mj2', 0, 0, 'h264', 'yuv420p', 1280, 720, 1, 90000, ?, 0, ?, 0, 'packets', '[]', ?)`,
    );
    const frame = db.prepare('INSERT INTO frames(media_id, n, pts, key) VALUES (?, ?, ?, ?)');
    const now = new Date().toISOString();
    for (let v = 1; v <= VIDEOS; v++) {
      media.run(`/videos/${String(v).padStart(4, '0')}_${(v * 7) % VIDEOS}.mp4`, v.toString(16).padStart(64, '0'), FRAMES, FRAMES * TICK, now);
      for (let n = 0; n < FRAMES; n++) frame.run(v, n, n * TICK, n % 60 === 0 ? 1 : 0);
    }
    const ann = db.prepare(
      `INSERT INTO annotations(id, media_id, kind, label_id, start_frame, end_frame, start_pts, end_pts, attributes, note, annotator, created_at, updated_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const labels = core.store.labels().filter((l) => l.scope === 'frame').map((l) => l.id);
    for (let i = 0; i < ANNOTATIONS; i++) {
      const v = (i % VIDEOS) + 1;
      const k = Math.floor(i / VIDEOS);
      const who = k % 3 === 0 ? 'alice' : 'bob';
      if (k === 0) {
        ann.run(`v${i}`, v, 'verdict', null, 0, FRAMES - 1, 0, FRAMES * TICK, '{}', '', who, now, now,
          JSON.stringify({ value: v % 3 === 0 ? 'real' : 'fake', method: v % 3 === 0 ? null : 'face_swap', confidence: 0.9 }));
        continue;
      }
      const s = (k * 13) % (FRAMES - 20);
      const label = labels[k % labels.length]!;
      const kind = k % 5 === 0 ? 'frame_tag' : k % 5 === 1 ? 'region_track' : 'segment';
      const e = kind === 'frame_tag' ? s : s + 9;
      const data = kind === 'region_track'
        ? JSON.stringify({ keyframes: [
          { frame: s, shape: 'box', points: [[100, 100], [300, 320]], outside: false },
          { frame: s + 5, shape: 'box', points: [[120, 110], [330, 340]], outside: false },
          { frame: s + 10, shape: 'box', points: [[120, 110], [330, 340]], outside: true },
        ] })
        : null;
      ann.run(`a${i}`, v, kind, label, s, e, s * TICK, (e + 1) * TICK, '{"severity":"noticeable"}', k % 7 === 0 ? 'blend seam, "left" jaw' : '', who, now, now, data);
    }
  })();
  core.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tellframe-bench-export-'));
  const file = path.join(dir, 'export.tellframe');
  const tb = performance.now();
  build(file);
  console.log(`built ${VIDEOS} videos × ${FRAMES} frames and ${ANNOTATIONS} annotations in ${((performance.now() - tb) / 1000).toFixed(1)} s`);
  const formats = EXPORT_FORMATS.filter((f) => !FRAME_FORMATS.includes(f));
  const times: number[] = [];
  // Outputs are deleted only at the end: deleting hundreds of MiB between runs makes the next run wait for the disk's discards.
  const outs: string[] = [];
  const perFormat = new Map<string, number[]>();
  for (let r = 0; r < RUNS; r++) {
    const out = path.join(OUT_DIR ?? dir, `tellframe-bench-out-${process.pid}-${r}`);
    const t = performance.now();
    const core = Core.open(file, { actor: 'bench' });
    const res = await core.exportRun(ExportOptionsSchema.parse({ formats, out, split: { train: 0.8, val: 0.1, test: 0.1, seed: r } }), {
      // Formats are built in parallel (one export worker per core): record when each is done.
      onProgress: (p) => {
        if (p.what.startsWith('Wrote ')) perFormat.set(p.step, [...(perFormat.get(p.step) ?? []), performance.now() - t]);
      },
    });
    core.close();
    times.push((performance.now() - t) / 1000);
    console.log(`run ${r + 1}: ${times.at(-1)!.toFixed(2)} s, ${res.files} files, ${(res.bytes / 2 ** 20).toFixed(1)} MiB`);
    outs.push(out);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`\n| ${VIDEOS} videos, ${ANNOTATIONS} annotations → ${formats.join(', ')} + card + manifest | median ${med(times).toFixed(2)} s (runs: ${times.map((x) => x.toFixed(2)).join(', ')}) | target ≤ 10 s |`);
  console.log('\nformat written at (median ms from the start): ' + [...perFormat].map(([k, xs]) => `${k} ${med(xs).toFixed(0)}`).join(', '));
  for (const o of outs) rmSync(o, { recursive: true, force: true });
  if (args.includes('--keep')) console.log(`project kept: ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}

await main();
