/**
 * npx tsx bench/signals-browser.ts — the face-landmark model in the browser
 * renderer: @vladmandic/human's browser ESM build (TensorFlow.js bundled),
 * with the same settings as electron/core/signals/faceModel.ts, in Debian's
 * Chromium driven by playwright-core, on (a) the WebGL backend — headless
 * here has no GPU, so WebGL is ANGLE on SwiftShader, software GL; the
 * renderer string printed says which — and (b) the WASM backend (SIMD, and
 * multi-threaded when the page is cross-origin isolated: the server sends
 * COOP/COEP). Per backend: a fresh browser and profile, one real face
 * picture at 640×360 (ffmpeg crops and scales screenshot-faceid.jpg as
 * bench/signals.ts frames it), every detect must find one face with a 468+
 * point mesh, 5 warm-up detects, then 60 timed detects: frames/s at the
 * median and p95 ms per frame. Each frame is a fresh float32 tensor, as the
 * Node path makes it; no decoding is timed.
 *
 * Everything is served by a loopback node:http server (human's ESM build,
 * its models, tfjs-backend-wasm's .wasm files, the page bench/signals-browser.html);
 * the page may fetch nothing else (other requests are refused and counted).
 *
 * The whole run (this script, Chromium and all its processes) is pinned to
 * one core with `taskset -c 1`: the script re-runs itself under taskset.
 * Options:
 *   --core N          pin to core N instead of 1; --all-cores pins nothing
 *   --frames N        timed detects per backend (60); --warmup N (5)
 *   --backends LIST   webgl,wasm (the default), or one of them
 *   --gl-args "…"     Chromium switches for the WebGL run instead of the
 *                     SwiftShader ones ("" on a machine with a real GPU)
 *   --wasm-threads N  tf.setThreadsCount before the WASM backend starts;
 *                     TensorFlow.js caps it at hardwareConcurrency/2, so on
 *                     two cores or fewer it is 1 whatever is asked
 *   --console         show the page's console; --json adds one JSON line
 * Exits non-zero when a backend fails to load or a detect misses the face.
 * Not a test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const humanDir = path.dirname(path.dirname(require.resolve('@vladmandic/human')));
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
const PHOTO = path.join(humanDir, 'assets/screenshot-faceid.jpg');
const WIDTH = 640;
const HEIGHT = 360;
/** The Node figure it is compared with (docs/benchmarks.md, npm run bench:signals): whole pipeline, 1080p scaled to 640, one core. */
const NODE_FPS = 'about 24';

type Backend = 'webgl' | 'wasm';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const FRAMES = Number(opt('--frames') ?? 60);
const WARMUP = Number(opt('--warmup') ?? 5);
const BACKENDS = (opt('--backends') ?? 'webgl,wasm').split(',') as Backend[];
const CORE = opt('--core') ?? '1';
const ALL_CORES = argv.includes('--all-cores');
const JSON_OUT = argv.includes('--json');
const SHOW_CONSOLE = argv.includes('--console');
/** Threads for the WASM backend (tf.setThreadsCount); by default TensorFlow.js chooses. */
const WASM_THREADS = opt('--wasm-threads') ? Number(opt('--wasm-threads')) : undefined;

const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Software WebGL: ANGLE on SwiftShader (no --disable-gpu: the GPU process runs SwiftShader). */
const GL_ARGS = opt('--gl-args')?.split(' ').filter(Boolean) ?? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

interface Result {
  backend: string; human: string; tfjs: string; loadMs: number; loaded: string[];
  crossOriginIsolated: boolean; hardwareConcurrency: number; userAgent: string;
  webglVersion?: number; gl?: { version: string; vendor: string; renderer: string } | null; glCanvas?: { version: string; vendor: string; renderer: string } | null;
  simd?: boolean; multithreadSupport?: boolean; threads?: number;
  frames: number; warmup: number; width: number; height: number; totalMs: number;
  medianMs: number; p95Ms: number; minMs: number; maxMs: number; fpsMedian: number; fpsOverall: number;
  face: { score: number; meshPoints: number; meshBox: number[] };
  tensorsLeaked: number; programs: number; programsCompiledWhileTiming: number;
}
type Outcome = { backend: Backend; ok: true; result: Result; refused: string[]; wasmFiles: string[] }
  | { backend: Backend; ok: false; why: string; refused: string[]; wasmFiles: string[] };

/** The .wasm files the server has sent (which build tfjs chose: plain, SIMD or threaded SIMD). */
const wasmServed: string[] = [];

/** The test picture as RGB (3 bytes a pixel): the photo's face, cropped as bench/signals.ts frames its clip, at 640×360. */
function inputRgb(): Buffer {
  const rgb = execFileSync('ffmpeg', ['-v', 'error', '-i', PHOTO, '-vf', `crop=360:200:0:130,scale=${WIDTH}:${HEIGHT}:flags=area`,
    '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
  if (rgb.length !== WIDTH * HEIGHT * 3) throw new Error(`ffmpeg gave ${rgb.length} bytes, not ${WIDTH}×${HEIGHT}×3`);
  return rgb;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json',
  '.json': 'application/json', '.bin': 'application/octet-stream', '.wasm': 'application/wasm',
};

/** Loopback server: the page, human's ESM build and models, tfjs-backend-wasm's .wasm files, the picture; cross-origin isolated. */
function serve(rgb: Buffer): Promise<{ server: Server; origin: string }> {
  const roots: [string, string][] = [['/human/dist/', path.join(humanDir, 'dist')], ['/human/models/', path.join(humanDir, 'models')], ['/wasm/', wasmDir]];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-store',
    };
    let file: string | null = null;
    if (url.pathname === '/') file = path.join(here, 'signals-browser.html');
    for (const [prefix, dir] of roots) {
      if (!url.pathname.startsWith(prefix)) continue;
      const f = path.resolve(dir, decodeURIComponent(url.pathname.slice(prefix.length)));
      if (f.startsWith(dir + path.sep)) file = f;
    }
    if (url.pathname.startsWith('/wasm/')) wasmServed.push(path.basename(url.pathname));
    if (url.pathname === '/input.rgb') {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': rgb.length });
      res.end(rgb);
      return;
    }
    try {
      if (!file || !statSync(file).isFile()) throw new Error('not found');
      const body = readFileSync(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404, headers);
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** One backend in a fresh Chromium with a fresh profile. */
async function run(backend: Backend, origin: string, executablePath: string): Promise<Outcome> {
  const profile = mkdtempSync(path.join(tmpdir(), 'tellframe-bench-browser-'));
  const refused: string[] = [];
  wasmServed.length = 0;
  const consoleLines: string[] = [];
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath, headless: true, args: [...BASE_ARGS, ...(backend === 'webgl' ? GL_ARGS : [])],
    });
    // Nothing but the loopback server.
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(origin + '/') || u.startsWith('blob:') || u.startsWith('data:')) return route.continue();
      refused.push(u);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      consoleLines.push(`[${m.type()}] ${m.text()}`);
      if (SHOW_CONSOLE) console.error(`  ${backend} console [${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    await page.goto(origin + '/', { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true, undefined, { timeout: 60_000 });
    const result = await page.evaluate(
      (a) => (window as unknown as { bench(a: unknown): Promise<unknown> }).bench(a),
      { backend, width: WIDTH, height: HEIGHT, warmup: WARMUP, frames: FRAMES, wasmThreads: WASM_THREADS },
    ) as Result;
    return { backend, ok: true, result, refused, wasmFiles: [...wasmServed] };
  } catch (err) {
    const why = (err as Error).message.split('\n').filter((l) => l.trim()).slice(0, 4).join(' / ');
    const log = consoleLines.slice(-12).map((l) => `    ${l}`).join('\n');
    return { backend, ok: false, why: why + (log ? `\n  page console (last lines):\n${log}` : ''), refused, wasmFiles: [...wasmServed] };
  } finally {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!ALL_CORES && !process.env.TELLFRAME_BENCH_PINNED) {
    // Re-run pinned: Chromium and its GPU, renderer and utility processes inherit the affinity.
    const r = spawnSync('taskset', ['-c', CORE, process.execPath, ...process.execArgv, process.argv[1]!, ...argv],
      { stdio: 'inherit', env: { ...process.env, TELLFRAME_BENCH_PINNED: CORE } });
    if (r.error) throw new Error(`taskset failed (${r.error.message}); run with --all-cores to measure unpinned`);
    process.exit(r.status ?? 1);
  }
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const chromiumVersion = execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const cpus = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';
  const wasmPkg = JSON.parse(readFileSync(path.join(wasmDir, '..', 'package.json'), 'utf8')) as { version: string };

  const loadBefore = loadavg()[0]!;
  const { server, origin } = await serve(inputRgb());
  const outcomes: Outcome[] = [];
  try {
    for (const b of BACKENDS) outcomes.push(await run(b, origin, executablePath));
  } finally {
    server.close();
  }

  const loadAfter = loadavg()[0]!;
  const ok = outcomes.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
  const first = ok[0]?.result;
  console.log(`\n# Face model in the browser renderer — ${new Date().toISOString()}`);
  console.log(`${chromiumVersion}${first ? ` (${/(?:Headless)?Chrome\/[\d.]+/.exec(first.userAgent)?.[0] ?? first.userAgent})` : ''}, playwright-core ${require('playwright-core/package.json').version}`);
  console.log(`human ${first?.human ?? '?'}, TensorFlow.js ${first?.tfjs ?? '?'} (bundled; .wasm files from @tensorflow/tfjs-backend-wasm ${wasmPkg.version})`);
  if (BACKENDS.includes('webgl')) console.log(`WebGL run's extra switches: ${GL_ARGS.join(' ') || 'none'}`);
  console.log(`input ${WIDTH}×${HEIGHT} RGB (${path.basename(PHOTO)} cropped), ${WARMUP} warm-up + ${FRAMES} timed detects per backend; CPUs allowed: ${cpus}${ALL_CORES ? ' (not pinned)' : ` (taskset -c ${CORE})`}; 1-min load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (other work on the machine skews the figures)`);
  console.log(`Node figure for comparison: ${NODE_FPS} frames/s on one core (npm run bench:signals, WASM, whole pipeline)\n`);
  console.log('| backend | renderer / threads | frames/s (median) | median ms | p95 ms | load ms | face score, mesh points, mesh box |');
  console.log('|---|---|---:|---:|---:|---:|---|');
  for (const o of outcomes) {
    if (!o.ok) {
      console.log(`| ${o.backend} | FAILED | – | – | – | – | – |`);
      continue;
    }
    const r = o.result;
    const what = r.backend === 'webgl'
      ? `WebGL ${r.webglVersion}: ${r.gl?.renderer ?? '?'}`
      : `WASM ${r.simd ? 'SIMD' : 'no SIMD'}, ${r.threads} thread(s) (${o.wasmFiles.join(', ') || '?'}; multithread support ${r.multithreadSupport}, crossOriginIsolated ${r.crossOriginIsolated}, hardwareConcurrency ${r.hardwareConcurrency})`;
    console.log(`| ${r.backend} | ${what} | ${r.fpsMedian.toFixed(r.fpsMedian < 10 ? 2 : 1)} | ${r.medianMs.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.loadMs.toFixed(0)} | ${r.face.score.toFixed(2)}, ${r.face.meshPoints}, [${r.face.meshBox.join(', ')}] |`);
  }
  for (const o of outcomes) {
    if (o.ok && o.result.gl) console.log(`\n${o.backend}: GL vendor "${o.result.gl.vendor}", version "${o.result.gl.version}"; a fresh canvas's WebGL2 renderer: ${o.result.glCanvas?.renderer ?? 'none'}`);
    if (o.wasmFiles.length) console.log(`${o.backend}: WASM build served: ${o.wasmFiles.join(', ')}`);
    if (o.ok) console.log(`${o.backend}: min ${o.result.minMs.toFixed(1)} ms, max ${o.result.maxMs.toFixed(1)} ms, overall ${o.result.fpsOverall.toFixed(o.result.fpsOverall < 10 ? 2 : 1)} frames/s, tensors leaked ${o.result.tensorsLeaked}${o.backend === 'webgl' ? `, shader programs ${o.result.programs} (${o.result.programsCompiledWhileTiming} compiled while timing)` : ''}`);
    if (o.refused.length) console.log(`${o.backend}: refused ${o.refused.length} request(s) off the loopback server, e.g. ${o.refused[0]}`);
    if (!o.ok) console.error(`\n${o.backend} FAILED: ${o.why}`);
  }
  if (JSON_OUT) console.log(JSON.stringify({ chromiumVersion, cpus, loadBefore, loadAfter, outcomes }));
  if (ok.length !== outcomes.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error((err as Error).stack ?? err);
  process.exit(1);
});
