import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import type { Session } from '../../electron/core/session';
import type { WebHost } from '../../electron/host/web';
import { framePath } from '../../shared/frameUrl';
import { referenceDecode, VIDEO_FIXTURES } from '../fixtures/videos';
import { getFixtures, importVideo, importVideos, tempDir } from '../integration/helpers';
import { canvasCode, openRig, shots, shownIndex, type BrowserRig } from './page';

/**
 * The browser mode end to end: the built renderer (out/web, `npm run
 * build:web`) served by the loopback host, driven in Debian's Chromium. The
 * canvas must show exactly the frame the readout names: every fixture frame
 * carries its own number in its pixels.
 */
let session: Session;
let core: Core;
let host: WebHost;
let rig: BrowserRig;
let page: Page;
let fx: Awaited<ReturnType<typeof getFixtures>>;
const ids: Record<string, number> = {};
/** Tests may run alone (-t): load the app unless it is already showing the list. */
async function openApp(): Promise<void> {
  if (page.url().startsWith(host.url) && (await page.locator('tr[data-video-id]').count())) return;
  await page.goto(host.url);
  await page.waitForSelector('tr[data-video-id]');
}

async function expectShown(p: Page, index: number, codes: number[]): Promise<void> {
  await p.waitForFunction((i) => document.querySelector('[data-testid="frame-index"]')?.textContent === String(i), index, { timeout: 30_000 });
  expect({ index, code: await canvasCode(p) }).toEqual({ index, code: codes[index] });
}

beforeAll(async () => {
  fx = await getFixtures();
  rig = await openRig();
  ({ session, host, page } = rig);
  core = session.create(path.join(tempDir(), 'e2e.tellframe'));
  (await importVideos(core, VIDEO_FIXTURES.map((n) => fx[n].path))).forEach((id, i) => (ids[VIDEO_FIXTURES[i]!] = id));
});
afterAll(async () => {
  await rig?.close();
});

describe('browser mode', () => {
  it('refuses to load without the token', async () => {
    const res = await page.goto(host.origin + '/');
    expect(res?.status()).toBe(401);
  });

  it('lists the videos', async () => {
    await page.goto(host.url);
    await page.waitForSelector('tr[data-video-id]');
    expect(await page.locator('tbody tr[data-video-id]').count()).toBe(VIDEO_FIXTURES.length);
  });

  it.each(VIDEO_FIXTURES)('steps, jumps, plays and pauses frame-exactly on %s', async (name) => {
    const ref = await referenceDecode(fx[name].path);
    const n = ref.pts.length;
    await openApp();
    await page.click(`tr[data-video-id="${ids[name]}"]`);
    await expectShown(page, 0, ref.codes);
    for (const i of [1, 2, 3]) {
      await page.keyboard.press('ArrowRight');
      await expectShown(page, i, ref.codes);
    }
    await page.keyboard.press('ArrowLeft');
    await expectShown(page, 2, ref.codes);
    await page.keyboard.press('Shift+ArrowRight');
    await expectShown(page, 12, ref.codes);
    await page.keyboard.press('End');
    await expectShown(page, n - 1, ref.codes);
    await page.keyboard.press('ArrowLeft');
    await expectShown(page, n - 2, ref.codes);
    await page.keyboard.press('g');
    const mid = Math.floor(n / 2) + 1;
    await page.fill('input[aria-label="Frame or time"]', String(mid));
    await page.keyboard.press('Enter');
    await expectShown(page, mid, ref.codes);
    await page.keyboard.press('Home');
    await expectShown(page, 0, ref.codes);
    // Play for a moment, pause: whatever frame is named must be the frame shown.
    await page.keyboard.press('Space');
    await page.waitForTimeout(400);
    await page.keyboard.press('Space');
    await page.waitForTimeout(100);
    const at = await shownIndex(page);
    expect(at).toBeGreaterThan(0);
    expect(await canvasCode(page)).toBe(ref.codes[at]);
    if (name === 'h264_bframes' || name === 'hevc_mkv') await page.screenshot({ path: path.join(shots, `player-${name}.png`) });
  });

  it('opens a deep link at the frame it names', async () => {
    const ref = await referenceDecode(fx.ts_cut_mid_gop.path);
    const i = Math.floor(ref.pts.length / 2) + 3;
    await page.goto(`${host.url}&video=${ids.ts_cut_mid_gop}&frame=${i}`);
    await expectShown(page, i, ref.codes);
    // The panels ask for their data only once the picture is there (or at most 400 ms after opening, which
    // may start a little before the frame is asked for), not beside it.
    const panels = ['/api/annotations.list', '/api/signals.view'];
    await page.waitForFunction((names) => names.every((n) => performance.getEntriesByType('resource').some((e) => new URL(e.name).pathname === n)), panels);
    const order = await page.evaluate(
      ({ frame, names }) => {
        const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const f = entries.find((e) => new URL(e.name).pathname === frame)!;
        return names.map((n) => {
          const e = entries.find((x) => new URL(x.name).pathname === n)!;
          return { n, afterPicture: e.startTime >= f.responseEnd || e.startTime >= f.startTime + 300 };
        });
      },
      { frame: framePath(ids.ts_cut_mid_gop!, i, 'raw'), names: panels },
    );
    expect(order).toEqual(panels.map((n) => ({ n, afterPicture: true })));
  });

  it('draws colours as ffmpeg converts them: BT.709 tags, full range, untagged', async () => {
    const dir = tempDir();
    const clips = [
      { name: 'bt709.mp4', args: ['-pix_fmt', 'yuv420p', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709'] },
      { name: 'full.mp4', args: ['-pix_fmt', 'yuvj420p'] },
      { name: 'untagged.mp4', args: ['-pix_fmt', 'yuv420p'] },
    ];
    for (const clip of clips) {
      const file = path.join(dir, clip.name);
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=5:duration=1', '-c:v', 'libx264', ...clip.args, '-y', file]);
      const id = await importVideo(core, file);
      const want = await core.frame(id, 2, 'rgba');
      await page.goto(`${host.url}&video=${id}&frame=2`);
      await page.waitForFunction(() => document.querySelector('[data-testid="frame-index"]')?.textContent === '2');
      const got = await page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="frame-canvas"]')!;
        return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
      });
      expect(got.length).toBe(want.data.length);
      let sum = 0;
      for (let i = 0; i < got.length; i++) if (i % 4 !== 3) sum += Math.abs(got[i]! - want.data[i]!);
      // A wrong matrix is off by about 9 on average on this picture, a wrong range by about 14.
      expect({ clip: clip.name, meanDiff: Math.round((sum / (got.length * 0.75)) * 10) / 10 < 2 }).toEqual({ clip: clip.name, meanDiff: true });
    }
  });

  it('goes to a time, and shows the keyboard help', async () => {
    const ref = await referenceDecode(fx.h264_vfr.path);
    await openApp();
    await page.click(`tr[data-video-id="${ids.h264_vfr}"]`);
    await expectShown(page, 0, ref.codes);
    // 1.0 s after frame 0 on the VFR file: the frame whose stored pts starts at or before it.
    const t0 = ref.pts[0]!;
    const expected = ref.pts.findLastIndex((p) => (p - t0) / 1000 <= 1.0);
    await page.keyboard.press('g');
    await page.fill('input[aria-label="Frame or time"]', '1.0s');
    await page.keyboard.press('Enter');
    await expectShown(page, expected, ref.codes);
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('[role="dialog"][aria-label="Keyboard shortcuts"]').count()).toBe(1);
    await page.screenshot({ path: path.join(shots, 'help.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[role="dialog"][aria-label="Keyboard shortcuts"]').count()).toBe(0);
  });

  it('plays the original sound in step with the frames', async () => {
    const ref = await referenceDecode(fx.audio_first.path);
    await openApp();
    await page.click(`tr[data-video-id="${ids.audio_first}"]`);
    await expectShown(page, 0, ref.codes);
    await expect.poll(() => page.locator('[data-testid="player-audio"]').evaluate((a) => (a as HTMLAudioElement).readyState)).toBeGreaterThanOrEqual(1);
    await page.keyboard.press('Space');
    await page.waitForTimeout(700);
    const probe = await page.evaluate(() => {
      const a = document.querySelector<HTMLAudioElement>('[data-testid="player-audio"]')!;
      return { paused: a.paused, t: a.currentTime, offset: Number(a.dataset.offset), shown: Number(document.querySelector('[data-testid="frame-index"]')!.textContent) };
    });
    await page.keyboard.press('Space');
    expect(probe.paused).toBe(false);
    // Audio starts 0.5 s before the video here; the host's audio file starts at frame 0, so the sound's
    // time is the time from frame 0.
    expect(probe.offset).toBe(0);
    const frameSec = (ref.pts[probe.shown]! - ref.pts[0]!) / 1000;
    expect(Math.abs(probe.t - frameSec)).toBeLessThan(0.2);
    expect(await page.locator('[data-testid="player-audio"]').evaluate((a) => (a as HTMLAudioElement).paused)).toBe(true);
  });

  it('zooms to pixel level with nearest-neighbour, pans by dragging, and fits again', async () => {
    const ref = await referenceDecode(fx.h264_444.path);
    await openApp();
    await page.click(`tr[data-video-id="${ids.h264_444}"]`);
    await expectShown(page, 0, ref.codes);
    await page.focus('body');
    for (let k = 0; k < 4; k++) await page.keyboard.press('+');
    const zoomed = await page.locator('[data-testid="frame-canvas"]').evaluate((c) => ({
      width: (c as HTMLCanvasElement).getBoundingClientRect().width,
      rendering: getComputedStyle(c).imageRendering,
    }));
    expect(zoomed.width).toBeGreaterThan(160 * 8);
    expect(zoomed.rendering).toBe('pixelated');
    const view = page.locator('.player .view');
    const box = (await view.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 200, box.y + box.height / 2 - 100, { steps: 5 });
    await page.mouse.up();
    expect(await view.evaluate((v) => v.scrollLeft)).toBeGreaterThan(100);
    await page.screenshot({ path: path.join(shots, 'zoomed.png') });
    await page.keyboard.press('0');
    const fit = await page.locator('[data-testid="frame-canvas"]').evaluate((c) => (c as HTMLCanvasElement).getBoundingClientRect().width);
    expect(fit).toBeLessThanOrEqual(box.width + 1);
    // Still the same exact frame.
    expect(await canvasCode(page)).toBe(ref.codes[0]);
  });

  it('loops a range at a chosen speed, and shuttles backward with J', async () => {
    const ref = await referenceDecode(fx.h264_bframes.path);
    await openApp();
    await page.click(`tr[data-video-id="${ids.h264_bframes}"]`);
    await expectShown(page, 0, ref.codes);
    await page.selectOption('select[aria-label="Speed"]', '2');
    await page.fill('input[aria-label="Loop from frame"]', '5');
    await page.fill('input[aria-label="Loop to frame"]', '10');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    const samples: number[] = [];
    for (let k = 0; k < 14; k++) {
      await page.waitForTimeout(80);
      samples.push(await shownIndex(page));
    }
    await page.keyboard.press('Space');
    // 2× over a 6-frame loop for about a second: playback starts at the loop's
    // in point and, once there, never leaves the range; it wraps (several frames seen).
    const from = samples.findIndex((i) => i >= 5 && i <= 10);
    expect(from).toBeGreaterThanOrEqual(0);
    const inside = samples.slice(from);
    for (const i of inside) expect({ i, inRange: i >= 5 && i <= 10 }).toEqual({ i, inRange: true });
    expect(new Set(inside).size).toBeGreaterThan(2);
    const at = await shownIndex(page);
    expect(await canvasCode(page)).toBe(ref.codes[at]);
    // J plays backward from the end.
    await page.fill('input[aria-label="Loop from frame"]', '');
    await page.fill('input[aria-label="Loop to frame"]', '');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('End');
    await expectShown(page, ref.pts.length - 1, ref.codes);
    await page.keyboard.press('j');
    await page.waitForTimeout(500);
    await page.keyboard.press('k');
    const back = await shownIndex(page);
    expect(back).toBeLessThan(ref.pts.length - 1);
    expect(await canvasCode(page)).toBe(ref.codes[back]);
  });
});
