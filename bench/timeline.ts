/**
 * npm run bench:timeline — the timeline with 100k segments on one video,
 * panned and zoomed in Chromium (headless, software rendering): the interval
 * between animation frames while a wheel event arrives every frame, against
 * the same page idle (the baseline: what 60 fps looks like here). Method and
 * figures: docs/benchmarks.md. Not a test.
 *
 *   --segments N   segments on the video (default 100000)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Session } from '../electron/core/session';
import { startWebHost } from '../electron/host/web';
import { launchChromium } from '../tests/e2e/browser';
import { frameIntervals, quantile } from './frameTimes';

const args = process.argv.slice(2);
const SEGMENTS = args.includes('--segments') ? Number(args[args.indexOf('--segments') + 1]) : 100_000;

const q = quantile;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tellframe-bench-timeline-'));
  // 10 minutes at 25 fps, small pictures: the timeline is what is measured.
  const video = path.join(dir, 'long.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=600', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '250', '-y', video]);
  const session = new Session({ configDir: dir, actor: 'bench' });
  const core = session.create(path.join(dir, 'timeline.tellframe'));
  const item = (await core.call('media.import', { paths: [video] })).items[0]!;
  if (!item.ok) throw new Error(item.error.message);
  const n = core.store.media(item.id)!.frame_count;
  const frames = core.store.frames(item.id);
  const labels = core.store.labels().map((l) => l.id);
  const db = core.store.db;
  const now = new Date().toISOString();
  db.transaction(() => {
    const ins = db.prepare(
      `INSERT INTO annotations(id, media_id, kind, label_id, start_frame, end_frame, start_pts, end_pts, attributes, note, annotator, created_at, updated_at, data)
       VALUES (?, ?, 'segment', ?, ?, ?, ?, ?, '{}', '', 'bench', ?, ?, NULL)`,
    );
    for (let i = 0; i < SEGMENTS; i++) {
      const s = Math.floor((i * 7919) % (n - 30));
      const e = s + 1 + (i % 25);
      ins.run(`s${i}`, item.id, labels[i % labels.length], s, e, frames.pts[s], frames.pts[e + 1] ?? frames.pts[e], now, now);
    }
  })();
  session.setUser('bench');
  const host = await startWebHost(session);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Measured without the face model computing signals beside it (the page starts it on opening a video otherwise).
    await page.addInitScript(() => localStorage.setItem('tellframe.signals.auto', 'off'));
    await page.addInitScript('window.__name = (f) => f;');
    const t0 = Date.now();
    await page.goto(`${host.url}&video=${item.id}&frame=0`);
    await page.waitForFunction(() => document.querySelector('[data-testid="frame-index"]')?.textContent === '0', null, { timeout: 60_000 });
    await page.waitForSelector('[data-testid="timeline-canvas"]');
    await page.waitForSelector('[data-testid="list-window"]', { timeout: 120_000 });
    const openMs = Date.now() - t0;
    const measure = (mode: 'idle' | 'pan' | 'zoom') => frameIntervals(page, mode);
    const idle = await measure('idle');
    const pan = await measure('pan');
    const zoom = await measure('zoom');
    const f = (xs: number[]) => `${q(xs, 0.5).toFixed(1)} | ${q(xs, 0.95).toFixed(1)} | ${Math.max(...xs).toFixed(1)}`;
    console.log(`\n# Timeline benchmark — ${new Date().toISOString()}`);
    console.log(`video: ${n} frames; ${SEGMENTS} segments on 9 labels; page opened with them in ${openMs} ms\n`);
    console.log('| ms between animation frames | median | p95 | max |');
    console.log('|---|---:|---:|---:|');
    console.log(`| idle page (baseline) | ${f(idle)} |`);
    console.log(`| panning, a wheel event every frame | ${f(pan)} |`);
    console.log(`| zooming in and out, Ctrl + wheel every frame | ${f(zoom)} |`);
  } finally {
    await browser.close();
    await host.close();
    session.close();
  }
}

void main();
