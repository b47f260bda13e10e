import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import { codeSource, ffmpegBin, run } from '../fixtures/videos';
import { importVideos, tempDir } from '../integration/helpers';
import { openRig, projectWithVideo, shots, type BrowserRig } from './page';

/**
 * A/B compare in Chromium: a "fake" that is its original plus a white box
 * from frame 20 on (both lossless, so nothing else differs), named as
 * FaceForensics++ names them; the difference image shows exactly the box.
 */
let rig: BrowserRig;
let page: Page;
let core: Core;
let fake: number;
let original: number;
let big: number;
const BOX = { x: 40, y: 70, w: 40, h: 30 };

beforeAll(async () => {
  rig = await openRig();
  page = rig.page;
  const dir = tempDir();
  const src = codeSource({ width: 160, height: 120, rate: 25, pixFmt: 'yuv444p' });
  const enc = ['-frames:v', '40', '-c:v', 'libx264', '-qp', '0', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p'];
  const a = path.join(dir, '000.mkv');
  const b = path.join(dir, '000_003.mkv');
  // A third: the fake at twice the size (nearest neighbour), so scaled back it matches the fake exactly.
  const c = path.join(dir, 'big.mkv');
  const box = `drawbox=x=${BOX.x}:y=${BOX.y}:w=${BOX.w}:h=${BOX.h}:color=white:t=fill:enable='gte(n,20)'`;
  const made = await Promise.all([
    run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', src, ...enc, a]),
    run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', src, '-vf', box, ...enc, b]),
    run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', src, '-vf', `${box},scale=320:240:flags=neighbor`, ...enc, c]),
  ]);
  for (const r of made) if (r.code !== 0) throw new Error(r.stderr);
  ({ core, id: fake } = await projectWithVideo(rig, b));
  [original, big] = (await importVideos(core, [a, c])) as [number, number];
});
afterAll(async () => {
  await rig?.close();
});

/** Mean brightness of the difference canvas inside and outside the box. */
async function diffInOut(p: Page): Promise<{ inside: number; outside: number }> {
  return p.evaluate((box) => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="compare-a"]')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let si = 0, ni = 0, so = 0, no = 0;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const o = (y * c.width + x) * 4;
        const v = (d[o]! + d[o + 1]! + d[o + 2]!) / 3;
        const inBox = x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h;
        const nearBox = x >= box.x - 2 && x < box.x + box.w + 2 && y >= box.y - 2 && y < box.y + box.h + 2;
        if (inBox) { si += v; ni++; } else if (!nearBox) { so += v; no++; }
      }
    }
    return { inside: si / ni, outside: so / no };
  }, BOX);
}

const shownA = (p: Page) => p.locator('[data-testid="compare-index-a"]').textContent();
const shownB = (p: Page) => p.locator('[data-testid="compare-index-b"]').textContent();

describe('A/B compare', () => {
  it('finds the original by name, steps both in lock-step, and the difference shows only what was changed', async () => {
    await page.goto(`${rig.host.url}&video=${fake}&frame=5`);
    await page.waitForFunction(() => document.querySelector('[data-testid="frame-index"]')?.textContent === '5');
    await page.click('header button:has-text("Compare…")');
    const dialog = page.locator('[role="dialog"][aria-label="Compare"]');
    await dialog.waitFor();
    expect(await dialog.locator('select[aria-label="Compare with"]').inputValue()).toBe(String(original));
    expect(await dialog.locator('select[aria-label="Compare with"] option:checked').textContent()).toContain('(original by name)');
    await expect.poll(() => shownA(page)).toBe('5');
    expect(await shownB(page)).toBe('5');

    await dialog.locator('label:has-text("difference") input').check();
    await expect.poll(async () => (await diffInOut(page)).inside).toBeLessThan(1);
    expect((await diffInOut(page)).outside).toBeLessThan(1);
    // Lock-step: 15 frames on (Shift+→ then 5 ×→) both show frame 20, where the box appears.
    await page.keyboard.press('Shift+ArrowRight');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => shownA(page)).toBe('20');
    expect(await shownB(page)).toBe('20');
    // The player underneath did not move.
    expect(await page.locator('[data-testid="frame-index"]').textContent()).toBe('5');
    await expect.poll(async () => (await diffInOut(page)).inside).toBeGreaterThan(100);
    expect((await diffInOut(page)).outside).toBeLessThan(1);
    await page.screenshot({ path: path.join(shots, 'compare-difference.png') });

    // An offset of one frame: the coded numbers differ, so the difference is no longer black outside the box.
    await dialog.locator('input[aria-label="Frame offset"]').fill('1');
    await expect.poll(() => shownB(page)).toBe('21');
    await expect.poll(async () => (await diffInOut(page)).outside).toBeGreaterThan(1);

    // Another B: the fake itself at twice the size. The view draws it at once (scaled, and says so), and the
    // difference goes black, box included.
    await dialog.locator('input[aria-label="Frame offset"]').fill('0');
    await expect.poll(() => shownB(page)).toBe('20');
    await dialog.locator('select[aria-label="Compare with"]').selectOption(String(big));
    await expect.poll(async () => (await diffInOut(page)).inside).toBeLessThan(1);
    expect((await diffInOut(page)).outside).toBeLessThan(1);
    expect(await dialog.locator('[data-testid="compare-scaled"]').textContent()).toContain('scaled from 320×240 to 160×120');
    // Keys other than the arrows do not reach the player underneath: a label key adds nothing.
    await dialog.locator('label:has-text("side by side") input').check();
    await page.keyboard.press('1');
    expect(await core.call('annotations.list', { videoId: fake })).toEqual([]);
    await dialog.locator('select[aria-label="Compare with"]').selectOption(String(original));

    // Linking it as the original is one click, and recorded.
    await dialog.locator('button:has-text("Link as its original")').click();
    await expect.poll(async () => (await core.call('media.get', { id: fake })).originalId).toBe(original);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
