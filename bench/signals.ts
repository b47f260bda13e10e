/**
 * npm run bench:signals — face signals on 1080p: frames per second of the
 * whole pipeline (ffmpeg decoding and scaling, the face model on TensorFlow.js
 * WASM with SIMD, measures), pinned to one core with `taskset -c 0` so the
 * figure is per core, beside ffmpeg decoding and scaling alone on the same
 * core (the floor). Method and figures: docs/benchmarks.md. Not a test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Core } from '../electron/core/api';
import { computeFaceSignals } from '../electron/core/signals/faceSignals';
import { FACE_MODEL_VERSION } from '../electron/core/signals/faceModel';

const require = createRequire(import.meta.url);

/** 10 s at 30 frames/s of 1920×1080 with one face filling about a third of the height, made once. */
function clip(): string {
  const dir = path.resolve('.cache/bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'face_1080p_10s.mp4');
  if (existsSync(file)) return file;
  const photo = path.join(path.dirname(path.dirname(require.resolve('@vladmandic/human'))), 'assets/screenshot-faceid.jpg');
  // A slow zoom over the photograph's face, so frames differ.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', photo, '-vf',
    "crop=360:200:0:130,scale=1920:1080,zoompan=z='1+0.002*on':d=1:s=1920x1080:fps=30,format=yuv420p", '-t', '10', '-r', '30', '-c:v', 'libx264', '-preset', 'veryfast', file + '.part.mp4']);
  renameSync(file + '.part.mp4', file);
  return file;
}

async function pinned(file: string): Promise<void> {
  // The exact index, as a project holds it.
  const core = Core.create(path.join(mkdtempSync(path.join(tmpdir(), 'tellframe-bench-signals-')), 'p.tellframe'), { actor: 'bench' });
  const item = (await core.call('media.import', { paths: [file] })).items[0]!;
  if (!item.ok) throw new Error(item.error.message);
  const pts = core.store.frames(item.id).pts;
  core.close();
  const t0 = performance.now();
  execFileSync('ffmpeg', ['-v', 'error', '-threads', '1', '-i', file, '-vf', 'scale=640:360:flags=area', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', '/dev/null']);
  const decodeMs = performance.now() - t0;
  const t1 = performance.now();
  const s = await computeFaceSignals({ ffmpeg: 'ffmpeg', path: file, streamIndex: 0, width: 1920, height: 1080, pts });
  const ms = performance.now() - t1;
  const found = s.earRight.filter((v) => Number.isFinite(v)).length;
  console.log(JSON.stringify({ frames: pts.length, decodeMs, ms, found }));
}

async function main(): Promise<void> {
  if (process.argv.includes('--pinned')) return pinned(process.argv[process.argv.indexOf('--pinned') + 1]!);
  const file = clip();
  const r = spawnSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, process.argv[1]!, '--pinned', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr || 'the pinned run failed (is taskset installed?)');
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { frames: number; decodeMs: number; ms: number; found: number };
  const fps = (n: number, ms: number) => (n / (ms / 1000)).toFixed(1);
  console.log(`\n# Face signals benchmark — ${new Date().toISOString()}`);
  console.log(`clip: ${path.basename(file)}, 1920×1080, ${res.frames} frames; model ${FACE_MODEL_VERSION}, TensorFlow.js WASM (SIMD), measured at 640 wide; one core (taskset -c 0)\n`);
  console.log('| what | s | frames/s on one core |');
  console.log('|---|---:|---:|');
  console.log(`| ffmpeg decoding and scaling to 640×360 alone (floor) | ${(res.decodeMs / 1000).toFixed(2)} | ${fps(res.frames, res.decodeMs)} |`);
  console.log(`| **face signals, whole pipeline** (target ≥ 15) | **${(res.ms / 1000).toFixed(2)}** | **${fps(res.frames, res.ms)}** |`);
  console.log(`\nA face was found in ${res.found} of ${res.frames} frames.`);
}

void main();
