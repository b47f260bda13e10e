/**
 * npm run bench:viewer — stepping, jumping and first-frame latency of the
 * player in Debian's Chromium, side by side with seeking an HTML5 <video> on
 * the same file in the same browser, and the ffmpeg CLI's own exact decode
 * (docs/benchmarks.md). Not a test.
 *
 *   --file PATH   another H.264 file (default: the 10-minute 1080p file of bench/run.ts)
 *   --steps N     steps per direction (default 60)
 *   --jumps N     random jumps (default 24)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { Session } from '../electron/core/session';
import { keyFrameAtOrBefore } from '../electron/core/media/extract';
import { startWebHost } from '../electron/host/web';
import { launchChromium } from '../tests/e2e/browser';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const file = path.resolve(opt('--file') ?? '.cache/bench/h264_1080p_10min.mp4');
const STEPS = Number(opt('--steps') ?? 60);
const JUMPS = Number(opt('--jumps') ?? 24);
const FIRSTS = 12;
/** Quiet time before each jump of either player. */
const SETTLE_MS = 500;
if (!existsSync(file)) {
  console.error(`${file} is missing: run npm run bench once (it generates it) or pass --file.`);
  process.exit(1);
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!;
};
const fmt = (xs: number[]) => `${q(xs, 0.5).toFixed(1)} | ${q(xs, 0.95).toFixed(1)}`;
function seeded(n: number, count: number, seed = 7): number[] {
  let a = seed;
  return Array.from({ length: count }, () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  });
}

/** A plain file server with Range support for the <video> baseline. */
function serveFile(f: string): Promise<{ url: string; close: () => void }> {
  const size = statSync(f).size;
  const server = http.createServer((req, res) => {
    const m = /bytes=(\d*)-(\d*)/.exec(req.headers.range ?? '');
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><body style="margin:0;background:#000"><video id="v" preload="auto" muted src="/video.mp4" style="width:100%"></video></body>');
      return;
    }
    if (!m) {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size, 'accept-ranges': 'bytes' });
      createReadStream(f).pipe(res);
      return;
    }
    const start = m[1] ? Number(m[1]) : 0;
    const end = m[2] ? Number(m[2]) : size - 1;
    res.writeHead(206, { 'content-type': 'video/mp4', 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes' });
    createReadStream(f, { start, end }).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() })));
}

/**
 * Press a key (or submit a form) and time until the readout names the
 * target frame and the browser has reached its next rendering step, whose
 * paint includes the pixels (the readout changes only after they are drawn):
 * the moment requestVideoFrameCallback reports for a <video>.
 */
async function timedShow(page: Page, expected: number, act: { key?: string; submit?: string }): Promise<number> {
  return page.evaluate(
    ({ act, expected }) =>
      new Promise<number>((resolve, reject) => {
        const el = document.querySelector('[data-testid="frame-index"]')!;
        const t0 = performance.now();
        const timer = setTimeout(() => reject(new Error(`frame ${expected} never shown`)), 30_000);
        const done = () => requestAnimationFrame(() => {
          clearTimeout(timer);
          resolve(performance.now() - t0);
        });
        if (el.textContent === String(expected)) return done();
        const obs = new MutationObserver(() => {
          if (el.textContent === String(expected)) {
            obs.disconnect();
            done();
          }
        });
        obs.observe(el, { childList: true, characterData: true, subtree: true });
        if (act.key) window.dispatchEvent(new KeyboardEvent('keydown', { key: act.key, bubbles: true }));
        else (document.querySelector(act.submit!) as HTMLFormElement).requestSubmit();
      }),
    { act, expected },
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tellframe-bench-'));
  const session = new Session({ configDir: dir, actor: 'bench' });
  const core = session.create(path.join(dir, 'bench.tellframe'));
  const imp = await core.call('media.import', { paths: [file] });
  const item = imp.items[0]!;
  if (!item.ok) throw new Error(item.error.message);
  const v = await core.call('media.get', { id: item.id });
  const frames = core.store.frames(item.id);
  const host = await startWebHost(session);
  const media = await serveFile(file);
  const browser = await launchChromium();
  const out: string[] = [];
  const say = (s: string) => {
    out.push(s);
    console.log(s);
  };
  try {
    say(`# Viewer benchmark — ${new Date().toISOString()}`);
    say(`file: ${path.basename(file)} — ${v.codec} ${v.width}x${v.height}, ${v.frameCount} frames, ${v.duration.toFixed(1)} s; Chromium headless (software rendering), 2 cores`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Measured without the face model computing signals beside it (the page starts it on opening a video otherwise).
    await page.addInitScript(() => localStorage.setItem('tellframe.signals.auto', 'off'));
    // tsx compiles the functions handed to page.evaluate with esbuild's __name helper.
    const shim = 'window.__name = (f) => f;';
    await page.addInitScript(shim);

    // First frame of a newly opened video: clicked cold (no pointer over the
    // row first), and as a pointer does it (over the row, then a click ~150 ms later).
    const firstOpen = async (hover: boolean): Promise<number> => {
      core.frames.cache.dropVideo(v.id);
      await page.goto(host.url);
      await page.waitForSelector(`tr[data-video-id="${v.id}"]`);
      if (hover) {
        await page.hover(`tr[data-video-id="${v.id}"]`);
        await page.waitForTimeout(150);
      }
      return page.evaluate(
        (id) =>
          new Promise<number>((resolve) => {
            const t0 = performance.now();
            const check = () => {
              const el = document.querySelector('[data-testid="frame-index"]');
              if (el?.textContent === '0') requestAnimationFrame(() => resolve(performance.now() - t0));
              else requestAnimationFrame(check);
            };
            (document.querySelector(`tr[data-video-id="${id}"]`) as HTMLElement).click();
            check();
          }),
        v.id,
      );
    };
    const firsts: number[] = [];
    const firstsHover: number[] = [];
    for (let r = 0; r < FIRSTS; r++) {
      firsts.push(await firstOpen(false));
      firstsHover.push(await firstOpen(true));
    }

    // ±1 steps at a human pace (a key press every 100 ms), forward then backward, from the middle of a GOP.
    const start = Math.min(3120, Math.floor(v.frameCount / 2) - 30);
    await page.keyboard.press('g');
    await page.fill('input[aria-label="Frame or time"]', String(start));
    await page.keyboard.press('Enter');
    await page.waitForFunction((i) => document.querySelector('[data-testid="frame-index"]')?.textContent === String(i), start, { timeout: 30_000 });
    const fwd: number[] = [];
    const back: number[] = [];
    let cur = start;
    for (let s = 0; s < STEPS; s++) {
      fwd.push(await timedShow(page, ++cur, { key: 'ArrowRight' }));
      await page.waitForTimeout(100);
    }
    for (let s = 0; s < STEPS * 2; s++) {
      back.push(await timedShow(page, --cur, { key: 'ArrowLeft' }));
      await page.waitForTimeout(100);
    }
    // Held key: auto-repeat at ~30 steps/s, measured as the time to show each frame in turn.
    const held: number[] = [];
    for (let s = 0; s < STEPS; s++) {
      held.push(await timedShow(page, ++cur, { key: 'ArrowRight' }));
      await page.waitForTimeout(33);
    }

    // The HTML5 baseline: the same file in a <video> in the same browser.
    const vpage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await vpage.addInitScript(shim);
    await vpage.goto(media.url);
    await vpage.waitForFunction(() => (document.getElementById('v') as HTMLVideoElement).readyState >= 2, null, { timeout: 60_000 });
    const fps = v.frameRate ? v.frameRate.num / v.frameRate.den : v.avgFps;
    /** Seek the <video> and time until that frame is presented (requestVideoFrameCallback). */
    const seekVideo = (t: number) =>
      vpage.evaluate(
        (t) =>
          new Promise<number>((resolve) => {
            const video = document.getElementById('v') as HTMLVideoElement;
            const t0 = performance.now();
            video.requestVideoFrameCallback(() => resolve(performance.now() - t0));
            video.currentTime = t;
          }),
        t,
      );

    // <video> steps, ±1 frame by currentTime.
    const html5 = { fwd: [] as number[], back: [] as number[] };
    let vi = start;
    await seekVideo((vi + 0.5) / fps);
    for (let s = 0; s < Math.min(STEPS, 40); s++) html5.fwd.push(await seekVideo((++vi + 0.5) / fps));
    for (let s = 0; s < Math.min(STEPS, 40); s++) html5.back.push(await seekVideo((--vi + 0.5) / fps));

    // Random jumps, cold, once both players have settled: each Tellframe
    // jump (its frame cache dropped first) is followed by the <video> seek to
    // the same frame, so the two series alternate and meet the same state of
    // the machine. Each starts from a quiet machine (what the other player
    // does after its frame is shown, like Tellframe's decoding a few frames
    // ahead, is over), as a person looks at a frame before jumping again.
    const jumps = seeded(v.frameCount, JUMPS);
    const jumpT: number[] = [];
    const html5Jump: number[] = [];
    for (const i of jumps) {
      await page.bringToFront();
      core.frames.cache.dropVideo(v.id);
      await page.keyboard.press('g');
      await page.fill('input[aria-label="Frame or time"]', String(i));
      await page.waitForTimeout(SETTLE_MS);
      jumpT.push(await timedShow(page, i, { submit: 'form.goto' }));
      await vpage.bringToFront();
      await vpage.waitForTimeout(SETTLE_MS);
      html5Jump.push(await seekVideo((i + 0.5) / fps));
    }
    // The ffmpeg CLI's own exact decode of the jump targets from their preceding key frame.
    const cli = jumps.map((i) => {
      const k = keyFrameAtOrBefore(frames.key, i);
      const t = (frames.pts[k]! * v.timeBase.num) / v.timeBase.den;
      const t0 = performance.now();
      spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-ss', t.toFixed(6), '-i', file, '-map', '0:v:0', '-vf', `select=gte(n\\,${i - k})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-y', '/dev/null']);
      return performance.now() - t0;
    });

    say('');
    say('| ms (median / p95) | Tellframe | HTML5 `<video>` seek | target |');
    say('|---|---|---|---|');
    say(`| +1 frame step | ${fmt(fwd.slice(1))} | ${fmt(html5.fwd)} | p95 ≤ 16; ≥ 20× faster than HTML5 at the median |`);
    say(`| −1 frame step | ${fmt(back.slice(1))} | ${fmt(html5.back)} | p95 ≤ 16 |`);
    say(`| +1 step, key held (~30/s) | ${fmt(held)} | — | no growing queue |`);
    say(`| random jump, cold | ${fmt(jumpT)} | ${fmt(html5Jump)} | median ≤ HTML5; p95 ≤ 1.3× ffmpeg CLI |`);
    say(`| ffmpeg CLI exact decode of the jump targets | ${fmt(cli)} | — | baseline |`);
    say(`| first frame of a newly opened video, clicked cold | ${fmt(firsts)} | — | ≤ 150 |`);
    say(`| first frame of a newly opened video, pointer over the row first | ${fmt(firstsHover)} | — | ≤ 150 |`);
    say('');
    say(`Median speed-up over HTML5 stepping: forward ${(q(html5.fwd, 0.5) / q(fwd.slice(1), 0.5)).toFixed(0)}×, backward ${(q(html5.back, 0.5) / q(back.slice(1), 0.5)).toFixed(0)}×.`);
    say(`Jumps where Tellframe showed the frame first: ${jumpT.filter((t, k) => t < html5Jump[k]!).length} of ${jumps.length}; median / HTML5 median: ${(q(jumpT, 0.5) / q(html5Jump, 0.5)).toFixed(2)}×.`);
    say(`Jump p95 / ffmpeg CLI p95: ${(q(jumpT, 0.95) / q(cli, 0.95)).toFixed(2)}×. Frame cache after the run: ${(core.frames.cache.bytes / 2 ** 20).toFixed(0)} MiB of ${(core.frames.cache.maxBytes / 2 ** 20).toFixed(0)} MiB.`);
    writeFileSync(path.resolve(`.cache/bench/viewer-results-${path.basename(file)}.md`), out.join('\n') + '\n');
  } finally {
    await browser.close();
    media.close();
    await host.close();
    session.close();
  }
}

const t = performance.now();
await main();
console.error(`(bench took ${((performance.now() - t) / 1000).toFixed(0)} s)`);
