/**
 * npx tsx bench/export-frames.ts — frame export throughput (issue 5 target:
 * ≥ 0.8× the ffmpeg CLI alone extracting the same frames), side by side in
 * one run: Tellframe's exportFrames against one ffmpeg command with the same
 * pts select expression and the same encoder settings. Not a test.
 *
 *   --file PATH   another video (default: .cache/bench/h264_1080p_10min.mp4, generated if missing as 60 s)
 *   --reps N      repetitions per contender (default 3; medians reported)
 *   --only png|jpeg
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Core } from '../electron/core/api';
import { exportFrames, imageEncoderArgs, ptsRanges, rangeExpr } from '../electron/core/export/frames';
import { ExportOptionsSchema } from '../shared/exportFormats';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const REPS = Number(opt('--reps') ?? 3);
const formats = (opt('--only') ? [opt('--only')] : ['png', 'jpeg']) as ('png' | 'jpeg')[];
const ffmpeg = process.env.TELLFRAME_FFMPEG || 'ffmpeg';
const cacheDir = path.resolve('.cache/bench');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function ensureFile(): string {
  const given = opt('--file');
  if (given) return path.resolve(given);
  const tenMin = path.join(cacheDir, 'h264_1080p_10min.mp4');
  if (existsSync(tenMin)) return tenMin;
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, 'h264_1080p_60s.mp4');
  if (!existsSync(file)) {
    process.stderr.write('Generating 60 s of 1080p25 H.264 (GOP 250, B-frames)…\n');
    const r = spawnSync(ffmpeg, [
      '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=25:duration=60',
      '-c:v', 'libx264', '-preset', 'veryfast', '-g', '250', '-bf', '3', '-pix_fmt', 'yuv420p', file + '.part.mp4',
    ], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not generate the benchmark file');
    renameSync(file + '.part.mp4', file);
  }
  return file;
}

interface Scenario {
  name: string;
  /** Segments [start, end] of the 600 annotated frames. */
  segments: [number, number][];
}

async function main(): Promise<void> {
  const file = ensureFile();
  const work = mkdtempSync(path.join(tmpdir(), 'tellframe-bench-frames-'));
  const core = Core.create(path.join(work, 'bench.tellframe'), { actor: 'bench' });
  const imp = await core.call('media.import', { paths: [file] });
  const item = imp.items[0]!;
  if (!item.ok) throw new Error(item.error.message);
  const videoId = item.id;
  const n = item.frames;
  const media = core.mediaAccess();
  const src = media.source(videoId);

  // 600 frames two ways: 20 segments of 30 frames spread over the whole file
  // (seeking pays), and 60 segments of 10 frames inside the first 60 s (dense:
  // both decode nearly the same stretch, the machinery's own cost shows).
  const spread: [number, number][] = Array.from({ length: 20 }, (_, k) => {
    const s = Math.floor(((k + 0.5) * n) / 20) - 15;
    return [s, s + 29];
  });
  const window = Math.min(n, 1500);
  const dense: [number, number][] = Array.from({ length: 60 }, (_, k) => {
    const s = Math.floor((k * window) / 60);
    return [s, Math.min(n - 1, s + 9)];
  });
  const scenarios: Scenario[] = n > 3000 ? [{ name: `spread over ${Math.round(n / 25)} s`, segments: spread }, { name: 'dense, first 60 s', segments: dense }] : [{ name: 'dense', segments: dense }];

  const rows: string[] = [];
  for (const sc of scenarios) {
    // A fresh label set per scenario: delete the previous scenario's segments.
    for (const a of core.exportModel({ videoIds: [videoId] }).videos[0]!.annotations) await core.call('annotations.delete', { id: a.id });
    for (const [s, e] of sc.segments) await core.call('annotations.create', { kind: 'segment', videoId, label: 'lip_sync_mismatch', startFrame: s, endFrame: e });
    const wanted = sc.segments.flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, k) => s + k));
    const expr = rangeExpr('pts', ptsRanges(src.pts, wanted));

    for (const image of formats) {
      const quality = 92;
      const t: number[] = [];
      const b: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const runTellframe = async () => {
          // Tellframe
          const dir = path.join(work, `tf-${image}-${rep}`);
          mkdirSync(dir);
          const model = core.exportModel({ videoIds: [videoId] });
          const options = ExportOptionsSchema.parse({ formats: ['frames'], out: dir, frames: { image, quality } });
          const t0 = performance.now();
          const files = await exportFrames({ model, options, dir, media, signal: new AbortController().signal, progress: () => {} });
          t.push((performance.now() - t0) / 1000);
          const stills = files.filter((f) => f.startsWith('frames/')).length;
          if (stills !== wanted.length) throw new Error(`Tellframe wrote ${stills} stills, expected ${wanted.length}`);
          rmSync(dir, { recursive: true, force: true });
        };
        const runCli = async () => {
          // ffmpeg CLI alone: one command, the same select expression and encoder settings.
          const out = path.join(work, `cli-${image}-${rep}`);
          mkdirSync(out);
          const t0 = performance.now();
          const r = spawnSync(ffmpeg, [
            '-nostdin', '-loglevel', 'error', '-copyts', '-i', file,
            '-map', '0:v:0', '-vf', `select='${expr}'`, '-fps_mode', 'passthrough', '-frames:v', String(wanted.length),
            ...imageEncoderArgs(image, quality), '-f', 'image2', '-start_number', '0', path.join(out, `%06d.${image === 'png' ? 'png' : 'jpg'}`),
          ], { stdio: ['ignore', 'ignore', 'pipe'] });
          b.push((performance.now() - t0) / 1000);
          if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString().slice(-400)}`);
          const got = readdirSync(out).length;
          if (got !== wanted.length) throw new Error(`ffmpeg CLI wrote ${got} files, expected ${wanted.length}`);
          rmSync(out, { recursive: true, force: true });
        };
        // Alternate which contender goes first, so neither always runs on a warmer machine.
        const contenders = [runTellframe, runCli];
        if (rep % 2) contenders.reverse();
        for (const c of contenders) await c();
        process.stderr.write(`${sc.name} ${image} rep ${rep + 1}: Tellframe ${t[rep]!.toFixed(2)} s, ffmpeg CLI ${b[rep]!.toFixed(2)} s\n`);
      }
      const tf = wanted.length / median(t);
      const cli = wanted.length / median(b);
      rows.push(`| ${sc.name} | ${image.toUpperCase()} | ${wanted.length} | ${median(b).toFixed(2)} | ${cli.toFixed(1)} | ${median(t).toFixed(2)} | ${tf.toFixed(1)} | **${(tf / cli).toFixed(2)}×** |`);
    }
  }
  core.close();
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(`\n### Frame export — target ≥ 0.8× the ffmpeg CLI (${path.basename(file)}, ${n} frames, median of ${REPS})\n`);
  process.stdout.write('| frames | format | count | ffmpeg CLI s | CLI frames/s | Tellframe s | Tellframe frames/s | ratio |\n|---|---|---:|---:|---:|---:|---:|---:|\n');
  process.stdout.write(rows.join('\n') + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
