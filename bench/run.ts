/**
 * npm run bench — speed targets measured side by side with their baselines in
 * one run, on one generated file (docs/benchmarks.md has the method and the
 * figures). Not a test: nothing here fails the build.
 *
 *   --quick        skip the full-decode baseline (about a minute)
 *   --file PATH    use another 1080p file instead of the generated one
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { extractFrame, keyFrameAtOrBefore } from '../electron/core/media/extract';
import { hashFile } from '../electron/core/media/hash';
import { decodeFrames, indexFrames } from '../electron/core/media/indexer';
import { locateFfmpeg } from '../electron/core/media/locate';
import { probeFile } from '../electron/core/media/probe';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const fileArg = args.includes('--file') ? args[args.indexOf('--file') + 1] : undefined;
const cacheDir = path.resolve('.cache/bench');
const bins = locateFfmpeg();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
function timeSync(fn: () => void): number {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [(performance.now() - t) / 1000, v];
}
function run(cmd: string, argv: string[]): void {
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr?.toString().slice(-500)}`);
}
/** Deterministic pseudo-random indices (mulberry32), so runs are comparable. */
function indices(n: number, count: number, seed = 42): number[] {
  let a = seed;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out.push(Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n));
  }
  return out;
}

function ensureFile(): string {
  if (fileArg) return path.resolve(fileArg);
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, 'h264_1080p_10min.mp4');
  if (!existsSync(file)) {
    process.stderr.write('Generating 10 min of 1080p25 H.264 (GOP 250, B-frames) for the benchmark; a few minutes once…\n');
    run(bins.ffmpeg, [
      '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=25:duration=600',
      '-c:v', 'libx264', '-preset', 'veryfast', '-g', '250', '-bf', '3', '-pix_fmt', 'yuv420p', file + '.part.mp4',
    ]);
    execFileSync('mv', [file + '.part.mp4', file]);
  }
  return file;
}

async function main(): Promise<void> {
  const file = ensureFile();
  const { info } = await probeFile(bins.ffprobe, file);
  const video = info.video!;
  const seconds = video.duration ?? info.duration ?? 0;
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    process.stdout.write(s + '\n');
  };
  const ffv = execFileSync(bins.ffmpeg, ['-version']).toString().split('\n')[0];
  say(`# Tellframe benchmark — ${new Date().toISOString()}`);
  say(`file: ${path.basename(file)} — ${video.codec} ${video.width}x${video.height}, ${seconds.toFixed(1)} s, ${(info.size! / 1e6).toFixed(0)} MB`);
  say(`ffmpeg: ${ffv} (${bins.source}); node ${process.version}; ${(await import('node:os')).cpus().length} cores`);
  say('');

  // Warm the page cache so every contender reads from memory alike.
  run('cat', [file]);

  // 1. Exact frame index vs ffprobe reading packets vs a full decode.
  const REPS = 5;
  const probeTimes: number[] = [];
  const indexTimes: number[] = [];
  let index = await indexFrames(bins, file, video);
  for (let r = 0; r < REPS; r++) {
    probeTimes.push(timeSync(() => run(bins.ffprobe, ['-v', 'error', '-select_streams', String(video.index), '-show_entries', 'packet=pts,dts,flags', '-of', 'csv=p=0', file])));
    const [t, idx] = await timeAsync(() => indexFrames(bins, file, video));
    indexTimes.push(t);
    index = idx;
  }
  say('## Exact frame index');
  say('| what | median s | × real time |');
  say('|---|---:|---:|');
  say(`| ffprobe reading packets (baseline) | ${median(probeTimes).toFixed(3)} | ${(seconds / median(probeTimes)).toFixed(0)} |`);
  say(`| Tellframe exact index (${index.method}, ${index.pts.length} frames) | ${median(indexTimes).toFixed(3)} | ${(seconds / median(indexTimes)).toFixed(0)} |`);
  if (!quick) {
    const [tFull, full] = await timeAsync(() => decodeFrames(bins, file, video));
    const [tPlain] = await timeAsync(async () =>
      run(bins.ffmpeg, ['-nostdin', '-v', 'error', '-i', file, '-map', `0:${video.index}`, '-fps_mode', 'passthrough', '-f', 'null', '-']),
    );
    say(`| full decode, ffmpeg -f null (baseline) | ${tPlain.toFixed(2)} | ${(seconds / tPlain).toFixed(1)} |`);
    const same = full.pts.length === index.pts.length && full.pts.every((p, i) => p === index.pts[i]);
    say(`| full decode with showinfo (the exact reference, ${full.pts.length} frames) | ${tFull.toFixed(2)} | ${(seconds / tFull).toFixed(1)} |`);
    say('');
    say(`Index equals the full decode frame for frame: **${same ? 'yes' : 'NO'}**`);
  }
  say('');

  // 2. Hashing vs sha256sum, and hashing alongside indexing.
  const sumTimes: number[] = [];
  const hashTimes: number[] = [];
  const bothTimes: number[] = [];
  for (let r = 0; r < 3; r++) {
    sumTimes.push(timeSync(() => run('sha256sum', [file])));
    hashTimes.push((await timeAsync(() => hashFile(file)))[0]);
    bothTimes.push((await timeAsync(() => Promise.all([hashFile(file), indexFrames(bins, file, video)])))[0]);
  }
  const mb = info.size! / 1e6;
  say('## Hashing (SHA-256)');
  say('| what | median s | MB/s |');
  say('|---|---:|---:|');
  say(`| sha256sum (baseline) | ${median(sumTimes).toFixed(3)} | ${(mb / median(sumTimes)).toFixed(0)} |`);
  say(`| Tellframe hashFile | ${median(hashTimes).toFixed(3)} | ${(mb / median(hashTimes)).toFixed(0)} |`);
  say(`| hash + exact index together (import) | ${median(bothTimes).toFixed(3)} | — |`);
  say(`Speed vs sha256sum: **${(median(sumTimes) / median(hashTimes)).toFixed(2)}×** (target ≥ 0.9×)`);
  say('');

  // 3. Exact frame extraction at random indices vs the ffmpeg CLI from the preceding key frame.
  const src = {
    path: file, streamIndex: video.index, width: video.width, height: video.height, timeBase: index.timeBase,
    formatStartUs: Math.round((info.startTime ?? 0) * 1e6), pts: index.pts, key: index.key,
  };
  const picks = indices(index.pts.length, 15);
  const cli: number[] = [];
  const core: number[] = [];
  for (const i of picks) {
    const k = keyFrameAtOrBefore(index.key, i);
    const keyTime = (index.pts[k]! * index.timeBase.num) / index.timeBase.den - (info.startTime ?? 0);
    cli.push(timeSync(() => run(bins.ffmpeg, [
      '-nostdin', '-v', 'error', '-ss', keyTime.toFixed(6), '-i', file, '-map', `0:${video.index}`,
      '-vf', `select=gte(n\\,${i - k})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-y', '/dev/null',
    ])));
    core.push((await timeAsync(() => extractFrame(bins, src, i, { format: 'rgba' })))[0]);
  }
  say('## Exact frame extraction (random indices, RGBA)');
  say('| what | median s | p95 s |');
  say('|---|---:|---:|');
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;
  say(`| ffmpeg CLI from the preceding key frame (baseline) | ${median(cli).toFixed(3)} | ${p95(cli).toFixed(3)} |`);
  say(`| Tellframe extractFrame (in process) | ${median(core).toFixed(3)} | ${p95(core).toFixed(3)} |`);
  say(`Ratio of medians: **${(median(core) / median(cli)).toFixed(2)}×** (target ≤ 1.3×); indices: ${picks.join(', ')}`);
  writeFileSync(path.join(cacheDir, 'results.md'), lines.join('\n') + '\n');
}

await main();
