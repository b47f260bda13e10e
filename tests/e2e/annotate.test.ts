import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import { referenceDecode } from '../fixtures/videos';
import { getFixtures, tempDir } from '../integration/helpers';
import { openRig, shots, type BrowserRig } from './page';

/** Tagging end to end in Chromium: marks and label keys, verdict, undo/redo, and everything still there after a reload. */
let rig: BrowserRig;
let page: Page;
let core: Core;
let id: number;

async function at(p: Page, frame: number): Promise<void> {
  await p.waitForFunction((i) => document.querySelector('[data-testid="frame-index"]')?.textContent === String(i), frame, { timeout: 30_000 });
}

async function goTo(p: Page, frame: number): Promise<void> {
  await p.keyboard.press('g');
  await p.fill('input[aria-label="Frame or time"]', String(frame));
  await p.keyboard.press('Enter');
  await at(p, frame);
}

beforeAll(async () => {
  const fx = await getFixtures();
  rig = await openRig();
  page = rig.page;
  core = rig.session.create(path.join(tempDir(), 'tag.tellframe'));
  const item = (await core.call('media.import', { paths: [fx.h264_bframes.path] })).items[0]!;
  if (!item.ok) throw new Error(item.error.message);
  id = item.id;
});
afterAll(async () => {
  await rig?.close();
});

describe('tagging in the browser', () => {
  it('asks the annotator once, marks a segment with I, O and a digit, tags a frame, sets a verdict, undoes and redoes, and keeps it all across a reload', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await page.fill('input[aria-label="Your name"]', 'Ana Analyst');
    await page.click('form[aria-label="Annotator name"] button[type="submit"]');
    await page.waitForSelector('[data-testid="annotator"]');

    await goTo(page, 5);
    await page.keyboard.press('i');
    await expect.poll(() => page.textContent('[data-testid="mark-in"]')).toBe('5');
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
    await at(page, 12);
    await page.keyboard.press('o');
    await page.keyboard.press('3');
    await page.waitForSelector('tr[data-kind="segment"]');
    await expect.poll(() => page.textContent('[data-testid="mark-in"]')).toBe('—');

    await goTo(page, 20);
    await page.keyboard.press('1');
    await page.waitForSelector('tr[data-kind="frame_tag"]');

    await page.selectOption('select[aria-label="Verdict"]', 'fake');
    await page.selectOption('select[aria-label="Suspected method"]', 'face_swap');
    await page.fill('input[aria-label="Confidence"]', '0.8');
    await page.click('form[aria-label="Verdict"] button[type="submit"]');
    await page.waitForSelector('[data-testid="verdict-saved"]');

    const stored = await core.call('annotations.list', { videoId: id });
    const ref = await referenceDecode(rig.session.current!.store.media(id)!.path);
    expect(stored.map((a) => [a.kind, a.label, a.startFrame, a.endFrame, a.annotator])).toEqual([
      ['verdict', null, 0, 59, 'Ana Analyst'],
      ['segment', 'lip_sync_mismatch', 5, 12, 'Ana Analyst'],
      ['frame_tag', 'blink_anomaly', 20, 20, 'Ana Analyst'],
    ]);
    expect(stored[1]!.startPts).toBe(ref.pts[5]);
    // The timeline draws the segment in its lane.
    expect(await page.locator(`.lane[data-label="lip_sync_mismatch"] .bar[data-annotation="${stored[1]!.id}"]`).count()).toBe(1);
    await page.screenshot({ path: path.join(shots, 'tagging.png') });

    // Undo the verdict and the frame tag; redo the frame tag.
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-testid="verdict-saved"]').count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('tr[data-kind="frame_tag"]').count()).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('tr[data-kind="frame_tag"]').count()).toBe(1);

    // A reload (or a restart) finds everything the page showed as done, and the history with it.
    await page.reload();
    await at(page, 0);
    await page.waitForSelector('tr[data-kind="segment"]');
    expect(await page.locator('tr[data-kind="frame_tag"]').count()).toBe(1);
    expect(await page.locator('tr[data-kind="verdict"]').count()).toBe(0);
    expect(await page.locator('[data-testid="annotator"]').textContent()).toContain('Ana Analyst');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('tr[data-kind="verdict"]').count()).toBe(1);
  });

  it('marks a range set out before in, filters the list, and a retired label adds nothing while keeping its annotations', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await page.waitForSelector('tr[data-kind="segment"]');
    // Out before in, and a reversed range, still mark the right frames.
    await goTo(page, 30);
    await page.keyboard.press('o');
    await goTo(page, 25);
    await page.keyboard.press('i');
    await page.keyboard.press('5');
    await page.waitForSelector('tr[data-kind="segment"] >> text=25–30');
    await page.selectOption('select[aria-label="Filter by kind"]', 'frame_tag');
    expect(await page.locator('tr[data-kind="segment"]').count()).toBe(0);
    expect(await page.locator('tr[data-kind="frame_tag"]').count()).toBe(1);
    await page.selectOption('select[aria-label="Filter by kind"]', '');
    // An unsaved verdict note survives the list reloading after another change.
    await page.fill('input[aria-label="Verdict note"]', 'half typed');
    await page.locator('input[aria-label="Verdict note"]').blur();
    await goTo(page, 40);
    await page.keyboard.press('2');
    await page.waitForSelector('tr[data-kind="frame_tag"] >> text=40');
    expect(await page.inputValue('input[aria-label="Verdict note"]')).toBe('half typed');
    // A retired label's key does nothing new, and its annotations stay listed.
    await core.call('labels.retire', { id: 'blur_anomaly', retired: true });
    await page.reload();
    await at(page, 0);
    await page.keyboard.press('5');
    await page.waitForTimeout(300);
    expect(await page.locator('tr[data-kind="segment"]').count()).toBe(2);
  });
});
