import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import { getFixtures } from '../integration/helpers';
import { openRig, projectWithVideo, shots, type BrowserRig } from './page';

/** The forensics panel in Chromium: details and flags of the open video, and a flag made a metadata_anomaly annotation in one click. */
let rig: BrowserRig;
let page: Page;
let core: Core;
let id: number;

beforeAll(async () => {
  const fx = await getFixtures();
  rig = await openRig();
  page = rig.page;
  ({ core, id } = await projectWithVideo(rig, fx.audio_first.path));
});
afterAll(async () => {
  await rig?.close();
});

describe('forensics panel', () => {
  it('shows container, streams, timing and flags, and tags a flag as a metadata_anomaly annotation', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await page.waitForFunction(() => document.querySelector('[data-testid="frame-index"]')?.textContent === '0');
    await page.click('header button:has-text("Forensics…")');
    const dialog = page.locator('[role="dialog"][aria-label="Forensics"]');
    await dialog.locator('[data-flag="stream_offset"]').waitFor();
    const v = await core.call('media.get', { id });
    expect(await dialog.locator('[data-testid="timing"]').textContent()).toContain(`${v.frameCount} frames`);
    expect(await dialog.locator('[data-testid="container-tags"]').textContent()).toMatch(/encoder=Lavf/i);
    expect(await dialog.locator('[data-flag="stream_offset"]').textContent()).toMatch(/Audio starts 0\.5\d\d s before the video/);
    await page.screenshot({ path: path.join(shots, 'forensics.png') });
    await dialog.locator('[data-flag="stream_offset"] button').click();
    await expect.poll(() => dialog.locator('[data-flag="stream_offset"] button').textContent()).toBe('Tagged');
    const tags = (await core.call('annotations.list', { videoId: id })).filter((a) => a.label === 'metadata_anomaly');
    expect(tags).toHaveLength(1);
    expect(tags[0]).toMatchObject({ kind: 'segment', startFrame: 0, endFrame: v.frameCount - 1 });
    expect(tags[0]!.note).toMatch(/^Audio starts 0\.5\d\d s before the video\. \(audio start/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('hashes every frame on request, shows the identical ones, and keeps the result', async () => {
    await page.click('header button:has-text("Forensics…")');
    const dialog = page.locator('[role="dialog"][aria-label="Forensics"]');
    const section = dialog.locator('[data-testid="frame-hashes"]');
    await section.waitFor();
    expect(await section.textContent()).toContain('Not checked yet');
    await section.locator('button:has-text("Hash every frame")').click();
    const summary = section.locator('[data-testid="frame-hash-summary"]');
    await summary.waitFor({ timeout: 60_000 });
    const kept = (await core.call('media.forensics', { id })).frameHashes!;
    expect(kept.frames).toBe((await core.call('media.get', { id })).frameCount);
    expect(await summary.textContent()).toContain(`${kept.repeated} of ${kept.frames} frames repeat the picture before`);
    expect(await section.locator('button:has-text("Hash every frame again")').count()).toBe(1);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('marks the key frames along the top of the timeline', async () => {
    const keys = (await core.call('media.forensics', { id })).keyframes;
    expect(keys).toEqual([0, 25]);
    const colourAt = (frame: number) =>
      page.evaluate((frame) => {
        const box = document.querySelector<HTMLElement>('[data-testid="timeline"]')!;
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="timeline-canvas"]')!;
        const dpr = c.width / c.clientWidth;
        const x = Math.floor(Math.floor(((frame - Number(box.dataset.viewStart)) / Number(box.dataset.viewFrames)) * c.clientWidth) * dpr);
        const [r, g, b] = c.getContext('2d')!.getImageData(x, Math.floor(dpr), 1, 1).data;
        return '#' + [r, g, b].map((v) => v!.toString(16).padStart(2, '0')).join('');
      }, frame);
    await expect.poll(() => colourAt(25)).toBe('#f5c542');
    expect(await colourAt(12)).not.toBe('#f5c542');
  });
});
