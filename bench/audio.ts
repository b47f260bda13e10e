/**
 * npm run bench:audio — the audio view of a 1-hour file: how long after
 * import it is ready (the audio decoded once with ffmpeg, peaks kept), beside
 * ffmpeg decoding the same audio to nothing; what each view request costs;
 * and the timeline zoomed in Chromium with the audio lanes under it, against
 * the idle page. Method and figures: docs/benchmarks.md. Not a test.
 *
 *   --file PATH   another file (default: a generated hour in .cache/bench)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Session } from '../electron/core/session';
import { startWebHost } from '../electron/host/web';
import { launchChromium } from '../tests/e2e/browser';
import { frameIntervals, quantile } from './frameTimes';

const args = process.argv.slice(2);
const FILE = args.includes('--file') ? path.resolve(args[args.indexOf('--file') + 1]!) : null;

const q = quantile;
const median = (xs: number[]) => q(xs, 0.5);

/** An hour of small pictures with AAC sound (pink noise under a wandering tone), made once. */
function hourFile(): string {
  const dir = path.resolve('.cache/bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'talk_1h.mp4');
  if (existsSync(file)) return file;
  console.error('Generating a 1-hour file with sound (once)…');
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=3600',
    '-f', 'lavfi', '-i', "aevalsrc='0.3*sin(2*PI*(300+200*sin(0.5*t))*t)':s=48000:d=3600",
    '-f', 'lavfi', '-i', 'anoisesrc=d=3600:c=pink:r=48000:a=0.05',
    '-filter_complex', '[1][2]amix=inputs=2[a]', '-map', '0:v', '-map', '[a]',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '250', '-c:a', 'aac', '-b:a', '96k', '-shortest', file + '.part.mp4',
  ]);
  renameSync(file + '.part.mp4', file);
  return file;
}

async function main(): Promise<void> {
  const file = FILE ?? hourFile();
  const dir = mkdtempSync(path.join(tmpdir(), 'tellframe-bench-audio-'));
  // Warm the page cache so both contenders read from memory.
  execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });
  const session = new Session({ configDir: dir, actor: 'bench' });
  const core = session.create(path.join(dir, 'audio.tellframe'));
  const t0 = performance.now();
  const item = (await core.call('media.import', { paths: [file] })).items[0]!;
  if (!item.ok) throw new Error(item.error.message);
  const importMs = performance.now() - t0;
  const v = await core.call('media.get', { id: item.id });

  // Baseline: ffmpeg decoding the same audio stream to nothing.
  const base: number[] = [];
  for (let k = 0; k < 3; k++) {
    const b0 = performance.now();
    execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 'null', '-']);
    base.push(performance.now() - b0);
  }
  // Ready after import: the first analysis (decode, PCM cache, peaks kept).
  const a0 = performance.now();
  const { audio } = await core.call('audio.analyse', { id: item.id });
  const readyMs = performance.now() - a0;
  if (!audio) throw new Error('no audio');
  const e0 = performance.now();
  await core.call('audio.envelope', { id: item.id });
  const envelopeMs = performance.now() - e0;
  // View requests: the whole file and 10 frames, 1280 px, with the spectrogram.
  const viewMs = (from: number, to: number) => {
    const edges = Array.from({ length: 1281 }, (_, x) => from + ((to - from) * x) / 1280);
    const times: number[] = [];
    return (async () => {
      for (let k = 0; k < 5; k++) {
        const s = performance.now();
        await core.call('audio.view', { id: item.id, edges, spectrogram: true });
        times.push(performance.now() - s);
      }
      return median(times);
    })();
  };
  const wholeMs = await viewMs(0, audio.seconds);
  const tenMs = await viewMs(1800, 1800 + 10 * (v.duration / v.frameCount));

  // The page: timeline zoomed with the audio lanes under it.
  session.setUser('bench');
  const host = await startWebHost(session);
  const browser = await launchChromium();
  let idle: number[] = [];
  let zoom: number[] = [];
  let requests = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Measured without the face model computing signals beside it (the page starts it on opening a video otherwise).
    await page.addInitScript(() => localStorage.setItem('tellframe.signals.auto', 'off'));
    page.on('request', (r) => (r.url().includes('audio.view') || r.postData()?.includes('audio.view')) && requests++);
    await page.addInitScript('window.__name = (f) => f;');
    await page.goto(`${host.url}&video=${item.id}&frame=0`);
    await page.waitForFunction(() => document.querySelector('[data-testid="audio-lanes"]')?.getAttribute('data-state') === 'ready', null, { timeout: 120_000 });
    const measure = (mode: 'idle' | 'pan' | 'zoom') => frameIntervals(page, mode);
    idle = await measure('idle');
    requests = 0;
    zoom = await measure('zoom');
  } finally {
    await browser.close();
    await host.close();
    session.close();
  }

  const f = (xs: number[]) => `${q(xs, 0.5).toFixed(1)} | ${q(xs, 0.95).toFixed(1)} | ${Math.max(...xs).toFixed(1)}`;
  console.log(`\n# Audio view benchmark — ${new Date().toISOString()}`);
  console.log(`file: ${path.basename(file)}, ${v.duration.toFixed(0)} s, ${v.audio?.codec ?? '?'} audio; imported in ${(importMs / 1000).toFixed(2)} s\n`);
  console.log('| what | median s |');
  console.log('|---|---:|');
  console.log(`| ffmpeg decoding the audio stream to null (baseline, median of 3) | ${(median(base) / 1000).toFixed(2)} |`);
  console.log(`| **audio view ready after import** (decode to 16 kHz mono, PCM cache, 4 ms peaks kept) | **${(readyMs / 1000).toFixed(2)}** |`);
  console.log(`| loudness of every frame (${v.frameCount} frames) | ${(envelopeMs / 1000).toFixed(2)} |`);
  console.log(`| one view, 1280 px with spectrogram: whole file / 10 frames (ms, median of 5) | ${wholeMs.toFixed(1)} ms / ${tenMs.toFixed(1)} ms |`);
  console.log('\n| ms between animation frames | median | p95 | max |');
  console.log('|---|---:|---:|---:|');
  console.log(`| idle page (baseline) | ${f(idle)} |`);
  console.log(`| zooming in and out with the audio lanes, Ctrl + wheel every frame (${requests} view requests) | ${f(zoom)} |`);
}

void main();
