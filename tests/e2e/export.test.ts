import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import { NativeExportSchema } from '../../shared/nativeJson';
import { getFixtures, tempDir } from '../integration/helpers';
import { openRig, projectWithVideo, shots, type BrowserRig } from './page';

/** The export and import-annotations dialogs in Chromium, against the web host. */
let rig: BrowserRig;
let page: Page;
let core: Core;
let id: number;

beforeAll(async () => {
  const fx = await getFixtures();
  rig = await openRig();
  page = rig.page;
  ({ core, id } = await projectWithVideo(rig, fx.h264_bframes.path));
  await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'lip_sync_mismatch', startFrame: 2, endFrame: 6, note: 'lags' });
  await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blink_anomaly', frame: 4 });
});
afterAll(async () => {
  await rig?.close();
});

describe('export dialog', () => {
  it('exports the chosen formats with progress into a new folder, and says plainly when the folder is not empty', async () => {
    await page.goto(rig.host.url);
    await page.waitForSelector(`tr[data-video-id="${id}"]`);
    await page.keyboard.press('Control+e');
    const dialog = page.locator('[role="dialog"][aria-label="Export"]');
    await dialog.waitFor();
    await dialog.locator('input[data-format="csv"]').check();
    const out = path.join(tempDir(), 'from-ui');
    await dialog.locator('input[aria-label="Export folder"]').fill(out);
    await page.screenshot({ path: path.join(shots, 'export-dialog.png') });
    await dialog.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-testid="export-job"][data-state="done"]', { timeout: 60_000 });
    expect(await dialog.locator('[data-testid="export-job"]').textContent()).toContain(`to ${out}`);
    expect(readdirSync(out).sort()).toEqual(['MANIFEST.sha256', 'README.md', 'csv', 'json']);
    const doc = NativeExportSchema.parse(JSON.parse(readFileSync(path.join(out, 'json', 'annotations.json'), 'utf8')));
    expect(doc.videos[0]!.annotations.map((a) => a.kind).sort()).toEqual(['frame_tag', 'segment']);
    expect(existsSync(path.join(out, 'csv', 'annotations.csv'))).toBe(true);

    // The same folder again: refused with a message, nothing changed.
    await dialog.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-testid="export-job"][data-state="failed"]', { timeout: 30_000 });
    expect(await dialog.locator('[role="alert"]').textContent()).toMatch(/is not empty/);
    // Bad options are caught before anything starts.
    await dialog.locator('input[aria-label="Build splits"]').check();
    await dialog.locator('input[aria-label="Split train"]').fill('-1');
    await dialog.locator('button[type="submit"]').click();
    await expect.poll(() => dialog.locator('[role="alert"]').textContent()).toMatch(/split › train/);
    expect(await dialog.locator('[data-testid="export-job"]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('imports a file of annotations and shows what it added; a broken file names the problem', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'x');
    await core.exportRun((await import('../../shared/exportFormats')).ExportOptionsSchema.parse({ formats: ['json'], out }));
    const doc = JSON.parse(readFileSync(path.join(out, 'annotations.json'), 'utf8')) as { videos: { annotations: { id: string }[] }[] };
    for (const a of doc.videos[0]!.annotations) a.id = `copy-${a.id}`;
    const file = path.join(dir, 'copy.json');
    writeFileSync(file, JSON.stringify(doc));
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await page.click('header button:has-text("Import annotations…")');
    const dialog = page.locator('[role="dialog"][aria-label="Import annotations"]');
    await dialog.locator('input[aria-label="File to import"]').fill(file);
    await dialog.locator('select[aria-label="Import format"]').selectOption('json');
    await dialog.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-testid="import-annotations-result"]');
    expect(await dialog.locator('[data-testid="import-annotations-result"]').textContent()).toMatch(/Imported 2 annotations on 1 videos/);
    expect((await core.call('annotations.list', { videoId: id })).length).toBe(4);
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...doc, videos: [{ ...doc.videos[0], frameCount: 'many' }] }));
    await dialog.locator('input[aria-label="File to import"]').fill(broken);
    await dialog.locator('button[type="submit"]').click();
    await expect.poll(() => dialog.locator('[role="alert"]').textContent()).toMatch(/videos\[0\]\.frameCount/);
    expect((await core.call('annotations.list', { videoId: id })).length).toBe(4);
  });
});
