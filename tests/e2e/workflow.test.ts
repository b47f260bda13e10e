import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../electron/core/session';
import type { WebHost } from '../../electron/host/web';
import { referenceDecode } from '../fixtures/videos';
import { getFixtures, tempDir } from '../integration/helpers';
import { canvasCode, openRig, shots, type BrowserRig } from './page';

/**
 * What a newcomer does in the browser mode: no project yet → create one,
 * import a folder (with a bad file in it) and watch the progress, open a
 * video and step through it.
 */
let session: Session;
let host: WebHost;
let rig: BrowserRig;
let page: Page;
let fx: Awaited<ReturnType<typeof getFixtures>>;
const folder = tempDir('tellframe-import-');
const projectFile = path.join(tempDir(), 'newcomer.tellframe');

beforeAll(async () => {
  fx = await getFixtures();
  mkdirSync(path.join(folder, 'nested'), { recursive: true });
  copyFileSync(fx.h264_bframes.path, path.join(folder, 'a clip.mp4'));
  copyFileSync(fx.vp9_mkv.path, path.join(folder, 'nested', 'b.mkv'));
  copyFileSync(fx.truncated_moov_end.path, path.join(folder, 'broken.mp4'));
  rig = await openRig();
  ({ session, host, page } = rig);
});
afterAll(async () => {
  await rig?.close();
});

describe('newcomer workflow', () => {
  it('creates a project from the browser', async () => {
    await page.goto(host.url);
    await page.waitForSelector('input[aria-label="Project file"]');
    await page.screenshot({ path: path.join(shots, 'chooser.png') });
    await page.fill('input[aria-label="Project file"]', projectFile);
    await page.click('button:has-text("Create new")');
    await expect.poll(() => page.locator('[data-testid="project-path"]').textContent()).toBe(projectFile);
    expect(existsSync(projectFile)).toBe(true);
  });

  it('completes paths from the host', async () => {
    await page.fill('input[aria-label="File or folder to import"]', path.join(folder, 'nes'));
    await expect.poll(() => page.locator('[data-testid="path-suggestions"] option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual([
      path.join(folder, 'nested') + path.sep,
    ]);
    await page.focus('input[aria-label="File or folder to import"]');
    await page.keyboard.press('Tab');
    expect(await page.inputValue('input[aria-label="File or folder to import"]')).toBe(path.join(folder, 'nested') + path.sep);
  });

  it('imports a folder with progress and shows the bad file plainly', async () => {
    await page.fill('input[aria-label="File or folder to import"]', folder);
    await page.click('.import button[type="submit"]');
    await page.waitForSelector('[data-testid="import-job"][data-state="done"]', { timeout: 60_000 });
    await expect.poll(() => page.locator('tbody tr[data-video-id]').count()).toBe(2);
    // The failed file stands in the list too, with its status.
    await expect.poll(() => page.locator('tbody tr.failed td.status').allTextContents()).toEqual(['failed']);
    expect(await page.locator('tbody tr[data-video-id] td.status').allTextContents()).toEqual(['ready', 'ready']);
    const failures = await page.locator('ul[aria-label="Files that could not be imported"] li').allTextContents();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/broken\.mp4.*truncated/i);
    await expect.poll(() => page.locator('img.thumb').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
    await page.screenshot({ path: path.join(shots, 'library.png') });
  });

  it('opens an imported video and steps through it exactly', async () => {
    const ref = await referenceDecode(fx.vp9_mkv.path);
    await page.click('tr:has-text("b.mkv")');
    await page.waitForFunction(() => document.querySelector('[data-testid="frame-index"]')?.textContent === '0');
    for (let i = 1; i <= 5; i++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((i) => document.querySelector('[data-testid="frame-index"]')?.textContent === String(i), i);
      expect(await canvasCode(page)).toBe(ref.codes[i]);
    }
  });

  it('remembers the project as recent for the next visit', async () => {
    expect(session.recent()[0]).toBe(projectFile);
  });
});
