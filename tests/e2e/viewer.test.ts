import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { startWebHost, type WebHost } from '../../electron/host/web';
import { referenceDecode } from '../fixtures/videos';
import { getFixtures, tempDir } from '../integration/helpers';
import { launchChromium } from './browser';

/**
 * The browser mode end to end: the built renderer (out/web, `npm run
 * build:web`) served by the loopback host, driven in Debian's Chromium.
 * The canvas must show exactly the frame asked for: its pixels carry the
 * frame's own number.
 */
let core: Core;
let host: WebHost;
let browser: Browser;
let page: Page;
let fx: Awaited<ReturnType<typeof getFixtures>>;
const ids: Record<string, number> = {};

/** Read the number drawn in the top half of the canvas (see tests/fixtures). */
async function canvasCode(p: Page): Promise<number> {
  return p.evaluate(() => {
    const c = document.querySelector('canvas')!;
    const ctx = c.getContext('2d')!;
    const { width, height } = c;
    const data = ctx.getImageData(0, 0, width, height).data;
    let code = 0;
    for (let b = 0; b < 16; b++) {
      const x = Math.floor(((b + 0.5) * width) / 16);
      const y = Math.floor(height / 4);
      if (data[(y * width + x) * 4]! > 128) code |= 1 << b;
    }
    return code;
  });
}

async function waitForFrame(p: Page, index: number): Promise<void> {
  await p.waitForSelector(`canvas[data-frame="${index}"]`, { timeout: 30_000 });
}

beforeAll(async () => {
  fx = await getFixtures();
  core = Core.create(path.join(tempDir(), 'e2e.tellframe'), { actor: 'tester' });
  const res = await core.call('media.import', { paths: [fx.h264_bframes.path, fx.hevc_mkv.path] });
  for (const [i, name] of ['h264_bframes', 'hevc_mkv'].entries()) {
    const item = res.items[i]!;
    if (!item.ok) throw new Error(item.error.message);
    ids[name] = item.id;
  }
  host = await startWebHost(core);
  browser = await launchChromium();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  core?.close();
});

describe('browser mode', () => {
  it('refuses to load without the token', async () => {
    const res = await page.goto(host.origin + '/');
    expect(res?.status()).toBe(401);
  });

  it('lists the videos and shows exact frames while stepping', async () => {
    await page.goto(host.url);
    await page.waitForSelector('tr[data-video-id]');
    const rows = await page.locator('tbody tr').count();
    expect(rows).toBe(2);
    const ref = await referenceDecode(fx.h264_bframes.path);
    await page.click(`tr[data-video-id="${ids.h264_bframes}"]`);
    await waitForFrame(page, 0);
    expect(await canvasCode(page)).toBe(ref.codes[0]);
    await page.keyboard.press('ArrowRight');
    await waitForFrame(page, 1);
    expect(await canvasCode(page)).toBe(ref.codes[1]);
    await page.keyboard.press('Shift+ArrowRight');
    await waitForFrame(page, 11);
    expect(await canvasCode(page)).toBe(ref.codes[11]);
    await page.keyboard.press('End');
    await waitForFrame(page, ref.pts.length - 1);
    expect(await canvasCode(page)).toBe(ref.codes[ref.pts.length - 1]);
    await expect.poll(() => page.locator('output[aria-label="Presentation timestamp"]').textContent()).toContain(`pts ${ref.pts[ref.pts.length - 1]}`);
    await page.screenshot({ path: path.join(tempDir('tellframe-shot-'), 'viewer.png') });
  });

  it('opens a deep link at the frame it names, on a codec <video> cannot play here (HEVC)', async () => {
    const ref = await referenceDecode(fx.hevc_mkv.path);
    const i = Math.floor(ref.pts.length / 2) + 1;
    await page.goto(`${host.url}&video=${ids.hevc_mkv}&frame=${i}`);
    await waitForFrame(page, i);
    expect(await canvasCode(page)).toBe(ref.codes[i]);
  });
});
