import Database from 'better-sqlite3';
import { copyFileSync, openSync, readSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import { getFixtures, tempDir } from '../integration/helpers';
import { openRig, projectWithVideo, shots, type BrowserRig } from './page';

/** The audit chain in the page: every change listed and filterable, the head shown, and Verify saying loudly what broke. */
let rig: BrowserRig;
let page: Page;
let core: Core;
let media: string;
let projectFile: string;
/** The fixture the changed copy was made from. */
let original: string;

beforeAll(async () => {
  const fx = await getFixtures();
  rig = await openRig();
  page = rig.page;
  const dir = tempDir();
  // A copy of the fixture, so the test can change one of its bytes.
  media = path.join(dir, 'evidence.mp4');
  original = fx.h264_bframes.path;
  copyFileSync(fx.h264_bframes.path, media);
  projectFile = path.join(dir, 'history.tellframe');
  const made = await projectWithVideo(rig, media, projectFile);
  core = made.core;
  await core.call('annotations.create', { kind: 'segment', videoId: made.id, label: 'lip_sync_mismatch', startFrame: 2, endFrame: 6, note: '<script>alert(1)</script> lags' });
  await core.call('annotations.create', { kind: 'frame_tag', videoId: made.id, label: 'blink_anomaly', frame: 4 });
});
afterAll(async () => {
  await rig?.close();
});

async function verify(p: Page): Promise<{ ok: string | null; text: string }> {
  await p.click('button:has-text("Verify chain and media")');
  const r = p.locator('[data-testid="verify-result"]');
  await r.waitFor();
  await expect.poll(async () => (await p.locator('button:has-text("Verify chain and media")').isEnabled())).toBe(true);
  return { ok: await r.getAttribute('data-ok'), text: (await r.textContent()) ?? '' };
}

describe('history', () => {
  it('lists every change newest first with the chain head, filters by action and text, and shows a change in full', async () => {
    await page.goto(rig.host.url);
    await page.click('header button:has-text("History…")');
    const dialog = page.locator('[role="dialog"][aria-label="History"]');
    await dialog.waitFor();
    await expect.poll(() => dialog.locator('[data-testid="audit-head"]').textContent()).toBe(core.store.auditHead());
    const rows = core.store.auditEntries().length;
    await expect.poll(() => dialog.locator('tbody tr').count()).toBe(rows);
    expect(await dialog.locator('tbody tr').first().getAttribute('data-seq')).toBe(String(rows));
    await dialog.locator('select[aria-label="Action"]').selectOption('annotation.create');
    await expect.poll(() => dialog.locator('tbody tr').count()).toBe(2);
    await dialog.locator('input[aria-label="Text in the change"]').fill('lip_sync');
    await expect.poll(() => dialog.locator('[data-testid="audit-total"]').textContent()).toBe('1 matching');
    await dialog.locator('tbody tr').first().click();
    // The recorded change, as text: user input is shown, never run.
    await expect.poll(() => dialog.locator('tbody tr pre').first().textContent()).toContain('<script>alert(1)</script> lags');
    expect(await page.evaluate(() => document.querySelectorAll('.history script').length)).toBe(0);
    await page.screenshot({ path: path.join(shots, 'history.png') });
    expect((await verify(page)).ok).toBe('true');
  });

  it('warns loudly when a byte of the media changes and when a recorded change is altered', async () => {
    const dialog = page.locator('[role="dialog"][aria-label="History"]');
    // One byte in the middle of the file.
    const fd = openSync(media, 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, 4000);
    b[0] = b[0]! ^ 0xff;
    writeSync(fd, b, 0, 1, 4000);
    closeSync(fd);
    let r = await verify(page);
    expect(r.ok).toBe('false');
    expect(r.text).toMatch(/1 video no longer matches its recorded SHA-256: #1 .*evidence\.mp4 \(changed\)/);
    expect(await dialog.locator('[role="alert"]').count()).toBeGreaterThan(0);

    // Alter the second audit row behind the app's back (the log is append-only for the app).
    const raw = new Database(projectFile);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
    raw.close();
    r = await verify(page);
    expect(r.text).toMatch(/audit chain is BROKEN at row 2/);
    await page.screenshot({ path: path.join(shots, 'history-broken.png') });
  });

  it('warns loudly in the player when the opened video no longer matches its recorded hash, and lists the check in its custody log', async () => {
    await page.keyboard.press('Escape');
    await page.locator('[role="dialog"][aria-label="History"]').waitFor({ state: 'detached' });
    await page.click('tr:has-text("evidence.mp4")');
    const warning = page.locator('[data-testid="integrity-warning"]');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toMatch(/CHANGED since it was imported: its SHA-256 is now [0-9a-f]{64}, not [0-9a-f]{64}/);
    await page.screenshot({ path: path.join(shots, 'integrity-warning.png') });
    await page.click('header button:has-text("History…")');
    const dialog = page.locator('[role="dialog"][aria-label="History"]');
    await dialog.locator('select[aria-label="Custody of a video"]').selectOption('1');
    await expect.poll(async () => (await dialog.locator('tbody tr td:nth-child(4)').allTextContents()).reverse()).toEqual(['media.import', 'media.verify']);
  });

  it('relinks the original where it is now, refusing another file, and the warning goes', async () => {
    await page.keyboard.press('Escape');
    await page.locator('[role="dialog"][aria-label="History"]').waitFor({ state: 'detached' });
    const warning = page.locator('[data-testid="integrity-warning"]');
    await warning.locator('button:has-text("Relink…")').click();
    // The changed copy is not the original: refused, and the page says why.
    await warning.locator('input[aria-label="Where the original is now"]').fill(media);
    await warning.locator('button:has-text("Relink")').click();
    await expect.poll(() => warning.locator('.relink-error').textContent()).toMatch(/is not the file imported as video 1: its SHA-256 is/);
    // A fresh copy of the original, elsewhere.
    const moved = path.join(tempDir(), 'moved evidence.mp4');
    copyFileSync(original, moved);
    await warning.locator('input[aria-label="Where the original is now"]').fill(moved);
    await warning.locator('button:has-text("Relink")').click();
    await warning.waitFor({ state: 'detached', timeout: 30_000 });
    expect((await core.call('media.get', { id: 1 })).path).toBe(moved);
    const log = await core.call('audit.query', { videoId: 1 });
    // The relink itself hashed the file: no second check is recorded.
    expect(log.entries[0]).toMatchObject({ action: 'media.relink' });
  });
});
