import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import { getFixtures, tempDir } from '../integration/helpers';
import { openRig, projectWithVideo, shots, type BrowserRig } from './page';

/** Findings and the evidence report in Chromium: mark a finding with its stills and neighbours, undo it, then write the report from the page. */
let rig: BrowserRig;
let page: Page;
let core: Core;
let id: number;

beforeAll(async () => {
  const fx = await getFixtures();
  rig = await openRig();
  page = rig.page;
  ({ core, id } = await projectWithVideo(rig, fx.h264_bframes.path));
  await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'blur_anomaly', startFrame: 20, endFrame: 29, note: '<img src=x onerror=alert(1)>' });
});
afterAll(async () => {
  await rig?.close();
});

describe('findings and the evidence report', () => {
  it('marks an annotation as a finding at the frame on screen, previews it with its neighbours, and undoes it', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=24`);
    await page.waitForFunction(() => document.querySelector('[data-testid="frame-index"]')?.textContent === '24');
    const row = page.locator('[data-testid="annotation-list"] tr[data-kind="segment"]');
    await row.locator('button:has-text("Finding…")').click();
    const dialog = page.locator('[role="dialog"][aria-label="Finding"]');
    await dialog.waitFor();
    // The still frame starts at the frame on screen; the preview shows it between its neighbours.
    expect(await dialog.locator('input[aria-label="Still frame"]').inputValue()).toBe('24');
    await expect.poll(() => dialog.locator('[data-testid="finding-stills"] figcaption').allTextContents()).toEqual(['frame 23', 'frame 24 (finding)', 'frame 25']);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="finding-stills"] img')].every((i) => i.complete && i.naturalWidth > 0));
    // A frame outside the annotation is refused in the dialog.
    await dialog.locator('input[aria-label="Still frame"]').fill('30');
    await dialog.locator('button:has-text("Save finding")').click();
    await expect.poll(() => dialog.locator('[role="alert"]').textContent()).toContain('20–29');
    await dialog.locator('input[aria-label="Still frame"]').fill('26');
    await dialog.locator('label:has-text("Warning") input').check();
    await dialog.locator('textarea[aria-label="Statement"]').fill('Blur band over the jaw, absent at frames 25 and 27.');
    await expect.poll(() => dialog.locator('[data-testid="finding-stills"] figcaption').allTextContents()).toEqual(['frame 25', 'frame 26 (finding)', 'frame 27']);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="finding-stills"] img')].every((i) => i.complete && i.naturalWidth > 0));
    await page.screenshot({ path: path.join(shots, 'finding.png') });
    await dialog.locator('button:has-text("Save finding")').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => row.locator('[data-testid="finding-badge"]').textContent()).toBe('warning @ 26');
    const stored = (await core.call('annotations.list', { videoId: id }))[0]!;
    expect(stored.finding).toEqual({ status: 'warning', statement: 'Blur band over the jaw, absent at frames 25 and 27.', frame: 26 });

    // The list filters to findings; undo takes the finding back, redo brings it again.
    await page.locator('input[aria-label="Findings only"]').check();
    await expect.poll(() => page.locator('[data-testid="annotation-list"] tbody tr[data-kind]').count()).toBe(1);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-testid="annotation-list"] tbody tr[data-kind]').count()).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('[data-testid="annotation-list"] tbody tr[data-kind]').count()).toBe(1);
    await page.locator('input[aria-label="Findings only"]').uncheck();
  });

  it('writes the report from the page, with progress, and says where it went', async () => {
    const out = path.join(tempDir(), 'case 7 report');
    await page.click('header button:has-text("Report…")');
    const dialog = page.locator('[role="dialog"][aria-label="Evidence report"]');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('1 finding on this video');
    await dialog.locator('input[aria-label="Case number"]').fill('CASE <7>');
    await dialog.locator('input[aria-label="Report folder"]').fill(out);
    await dialog.locator('button:has-text("Write report")').click();
    const job = dialog.locator('[data-testid="report-job"]');
    await expect.poll(() => job.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(await job.textContent()).toContain(path.join(out, 'report.pdf'));
    await page.screenshot({ path: path.join(shots, 'report-dialog.png') });
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('CASE &lt;7&gt;');
    expect(html).not.toContain('<img src=x');
    const text = execFileSync('pdftotext', ['-layout', path.join(out, 'report.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('CASE <7>');
    expect(text).toMatch(/frame 26 \(finding\)/);
    expect(text).toContain('Blur band over the jaw');
    // The report is in the video's custody log.
    const custody = await core.call('audit.query', { videoId: id });
    expect(custody.entries[0]).toMatchObject({ action: 'report' });

    // The same folder again is refused, and the page says why.
    await dialog.locator('button:has-text("Write report")').click();
    await expect.poll(() => job.getAttribute('data-state'), { timeout: 60_000 }).toBe('failed');
    expect(await dialog.locator('[role="alert"]').textContent()).toMatch(/not empty/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
