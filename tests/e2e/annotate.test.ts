import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import { referenceDecode } from '../fixtures/videos';
import { getFixtures, tempDir } from '../integration/helpers';
import { openRig, projectWithVideo, shots, type BrowserRig } from './page';

/** Tagging end to end in Chromium: marks and label keys, verdict, undo/redo, and everything still there after a reload. */
let rig: BrowserRig;
let page: Page;
let core: Core;
let id: number;

async function at(p: Page, frame: number): Promise<void> {
  await p.waitForFunction((i) => document.querySelector('[data-testid="frame-index"]')?.textContent === String(i), frame, { timeout: 30_000 });
}

/** The colour (#rrggbb) the timeline canvas shows in lane `lane` at the middle of frame `frame` (a bar's lower half, below the lane name). */
async function laneColourAt(p: Page, lane: number, frame: number): Promise<string> {
  return p.evaluate(([lane, frame]) => {
    const box = document.querySelector<HTMLElement>('[data-testid="timeline"]')!;
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="timeline-canvas"]')!;
    const start = Number(box.dataset.viewStart);
    const frames = Number(box.dataset.viewFrames);
    const dpr = c.width / c.clientWidth;
    const x = Math.floor(((frame + 0.5 - start) / frames) * c.clientWidth * dpr);
    const y = Math.floor((lane * 14 + 11) * dpr);
    const [r, g, b] = c.getContext('2d')!.getImageData(x, y, 1, 1).data;
    return '#' + [r, g, b].map((v) => v!.toString(16).padStart(2, '0')).join('');
  }, [lane, frame] as const);
}

/** The page point over frame `frame` (its middle) in lane `lane` of the timeline. */
async function lanePoint(p: Page, lane: number, frame: number, edge = 0.5): Promise<{ x: number; y: number }> {
  return p.evaluate(([lane, frame, edge]) => {
    const box = document.querySelector<HTMLElement>('[data-testid="timeline"]')!;
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="timeline-canvas"]')!;
    const r = c.getBoundingClientRect();
    const x = r.left + ((frame + edge - Number(box.dataset.viewStart)) / Number(box.dataset.viewFrames)) * r.width;
    return { x, y: r.top + lane * 14 + 7 };
  }, [lane, frame, edge] as const);
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
  ({ core, id } = await projectWithVideo(rig, fx.h264_bframes.path, path.join(tempDir(), 'tag.tellframe')));
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
    // The timeline draws the segment in its lane, in the label's colour, and not beside it.
    const labels = await core.call('labels.list', {});
    const lip = labels.findIndex((l) => l.id === 'lip_sync_mismatch');
    expect(await laneColourAt(page, lip, 8)).toBe(labels[lip]!.color);
    expect(await laneColourAt(page, lip, 30)).not.toBe(labels[lip]!.color);
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

  it('draws a box, labels it into a region track, drags a corner at a later frame into a second keyframe, and shows the interpolated box between them', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await page.waitForSelector('[data-testid="annotation-list"]');
    // Image pixel → screen point, through the overlay's own transform.
    const screen = (x: number, y: number) =>
      page.evaluate(([x, y]) => {
        const svg = document.querySelector<SVGSVGElement>('[data-testid="region-overlay"]')!;
        const pt = svg.createSVGPoint();
        pt.x = x;
        pt.y = y;
        const q = pt.matrixTransform(svg.getScreenCTM()!);
        return { x: q.x, y: q.y };
      }, [x, y] as const);
    const dragFrom = async (a: [number, number], b: [number, number]) => {
      const p0 = await screen(...a);
      const p1 = await screen(...b);
      await page.mouse.move(p0.x, p0.y);
      await page.mouse.down();
      await page.mouse.move((p0.x + p1.x) / 2, (p0.y + p1.y) / 2);
      await page.mouse.move(p1.x, p1.y);
      await page.mouse.up();
    };

    await goTo(page, 10);
    await page.keyboard.press('b');
    await dragFrom([20, 10], [100, 60]);
    await page.waitForSelector('[data-testid="draft-shape"]');
    await page.keyboard.press('4');
    await page.waitForSelector('tr[data-kind="region_track"]');
    let track = (await core.call('annotations.list', { videoId: id })).find((a) => a.kind === 'region_track')!;
    expect(track.label).toBe('edge_artifact');
    expect(track.keyframes!.map((k) => k.frame)).toEqual([10]);
    const [tl, br] = track.keyframes![0]!.points;
    expect(Math.abs(tl![0] - 20) + Math.abs(tl![1] - 10) + Math.abs(br![0] - 100) + Math.abs(br![1] - 60)).toBeLessThan(4);

    // Leave the tool, step to frame 30 (the box holds there, dashed), drag its top-left corner.
    await page.keyboard.press('b');
    await goTo(page, 30);
    expect(await page.getAttribute(`[data-track="${track.id}"]`, 'data-keyframe')).toBe('no');
    await dragFrom([tl![0], tl![1]], [tl![0] + 40, tl![1] + 20]);
    await expect.poll(async () => (await core.call('annotations.list', { videoId: id })).find((a) => a.id === track.id)!.keyframes!.length).toBe(2);
    track = (await core.call('annotations.list', { videoId: id })).find((a) => a.id === track.id)!;
    const [k10, k30] = track.keyframes!;
    expect(k30!.frame).toBe(30);
    expect(Math.abs(k30!.points[0]![0] - (tl![0] + 40)) + Math.abs(k30!.points[0]![1] - (tl![1] + 20))).toBeLessThan(4);

    // The page has read the new keyframe back (frame 30 is now a keyframe there).
    await expect.poll(() => page.getAttribute(`[data-track="${track.id}"]`, 'data-keyframe')).toBe('yes');
    // Frame 20 shows the box halfway between the two keyframes.
    await goTo(page, 20);
    const rect = page.locator(`[data-testid="track-shape-${track.id}"]`);
    await expect.poll(() => page.getAttribute(`[data-track="${track.id}"]`, 'data-keyframe')).toBe('no');
    const mid = (i: number, c: number) => (k10!.points[i]![c]! + k30!.points[i]![c]!) / 2;
    expect(Number(await rect.getAttribute('x'))).toBeCloseTo(mid(0, 0), 6);
    expect(Number(await rect.getAttribute('y'))).toBeCloseTo(mid(0, 1), 6);
    expect(Number(await rect.getAttribute('width'))).toBeCloseTo(mid(1, 0) - mid(0, 0), 6);
    await page.screenshot({ path: path.join(shots, 'region-track.png') });

    // Undo removes the second keyframe; a reload still shows the track.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await core.call('annotations.list', { videoId: id })).find((a) => a.id === track.id)!.keyframes!.length).toBe(1);
    await page.reload();
    await at(page, 0);
    await goTo(page, 20);
    await page.waitForSelector(`[data-testid="track-shape-${track.id}"]`);
  });

  it('edits an annotation: label, frames, attributes its label defines, note', async () => {
    const seg = await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'lighting_inconsistency', startFrame: 44, endFrame: 48 });
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await page.click(`tr[data-annotation-id="${seg.id}"] button:has-text("Edit")`);
    const form = page.locator('form[aria-label="Edit annotation"]');
    await form.locator('select[aria-label="Label"]').selectOption('skin_tone_anomaly');
    await form.locator('input[aria-label="Last frame"]').fill('50');
    await form.locator('select[aria-label="Severity"]').selectOption('noticeable');
    await form.locator('input[aria-label="Confidence"]').fill('0.6');
    await form.locator('select[aria-label="Face region"]').selectOption('jaw');
    await form.locator('input[aria-label="Note"]').fill('cheek tone shifts');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => form.count()).toBe(0);
    const got = (await core.call('annotations.list', { videoId: id })).find((a) => a.id === seg.id)!;
    expect(got).toMatchObject({
      label: 'skin_tone_anomaly', startFrame: 44, endFrame: 50, note: 'cheek tone shifts',
      attributes: { severity: 'noticeable', confidence: 0.6, face_region: 'jaw' },
    });
    // A bad value is refused with the reason shown, and nothing changes.
    await page.click(`tr[data-annotation-id="${seg.id}"] button:has-text("Edit")`);
    await form.locator('input[aria-label="Last frame"]').fill('999');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.textContent('[data-testid="annotate-status"]')).toMatch(/not a range within the video/);
    expect((await core.call('annotations.list', { videoId: id })).find((a) => a.id === seg.id)!.endFrame).toBe(50);
  });

  it('edits the taxonomy in the page: adds a label with a key and an attribute, renames one, merges one, and the keys follow', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await page.click('button:has-text("Labels…")');
    const dlg = page.locator('[role="dialog"][aria-label="Taxonomy"]');
    await dlg.locator('input[aria-label="New label id"]').fill('teeth_artifact');
    await dlg.locator('input[aria-label="New label name"]').fill('Teeth artifact');
    await dlg.locator('input[aria-label="New label key"]').fill('t');
    await dlg.locator('form[aria-label="New label"] button[type="submit"]').click();
    await dlg.locator('tr[data-label-id="teeth_artifact"]').waitFor();
    // A key already taken is refused with the reason.
    await dlg.locator('input[aria-label="New label id"]').fill('second');
    await dlg.locator('input[aria-label="New label key"]').fill('t');
    await dlg.locator('form[aria-label="New label"] button[type="submit"]').click();
    await expect.poll(() => dlg.locator('form[aria-label="New label"] [role="alert"]').textContent()).toMatch(/Key t already applies teeth_artifact/);

    const teeth = dlg.locator('tr[data-label-id="teeth_artifact"]');
    await teeth.locator('input[aria-label="New attribute id for teeth_artifact"]').fill('count');
    await teeth.locator('select[aria-label="New attribute type for teeth_artifact"]').selectOption('number');
    await teeth.locator('button:has-text("Add")').click();
    await expect.poll(async () => (await core.call('labels.list', {})).find((l) => l.id === 'teeth_artifact')!.attributes.map((a) => a.id)).toEqual(['severity', 'confidence', 'face_region', 'count']);

    const blink = dlg.locator('tr[data-label-id="blink_anomaly"]');
    await blink.locator('input[aria-label="Name of blink_anomaly"]').fill('Blinking');
    await blink.locator('button:has-text("Save")').click();
    await expect.poll(async () => (await core.call('labels.list', {})).find((l) => l.id === 'blink_anomaly')!.name).toBe('Blinking');

    const audio = dlg.locator('tr[data-label-id="audio_anomaly"]');
    await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'audio_anomaly', frame: 33 });
    await audio.locator('select[aria-label="Merge audio_anomaly into"]').selectOption('lip_sync_mismatch');
    await audio.locator('button:has-text("Merge")').click();
    await expect.poll(async () => (await core.call('labels.list', {})).find((l) => l.id === 'audio_anomaly')!.mergedInto).toBe('lip_sync_mismatch');
    await page.screenshot({ path: path.join(shots, 'taxonomy.png') });
    await dlg.locator('button:has-text("Close")').last().click();

    // The new key tags the frame; the merged label's key does nothing any more.
    await goTo(page, 3);
    await page.keyboard.press('t');
    await expect.poll(async () => (await core.call('annotations.list', { videoId: id })).some((a) => a.label === 'teeth_artifact' && a.startFrame === 3)).toBe(true);
    const before = (await core.call('annotations.list', { videoId: id })).length;
    await page.keyboard.press('8');
    await page.waitForTimeout(300);
    expect((await core.call('annotations.list', { videoId: id })).length).toBe(before);
    expect((await core.call('annotations.list', { videoId: id })).find((a) => a.startFrame === 33 && a.kind === 'frame_tag')!.label).toBe('lip_sync_mismatch');
  });

  it('zooms the timeline and moves and resizes a segment by dragging, snapping to frames', async () => {
    const seg = await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'facial_distortion', startFrame: 10, endFrame: 19 });
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await page.waitForSelector(`tr[data-annotation-id="${seg.id}"]`);
    const labels = await core.call('labels.list', {});
    const all = await core.call('annotations.list', { videoId: id });
    const lanes = labels.filter((l) => !l.retired || all.some((a) => a.label === l.id));
    const lane = lanes.findIndex((l) => l.id === 'facial_distortion');
    const timeline = page.locator('[data-testid="timeline"]');
    expect(await timeline.getAttribute('data-view-frames')).toBe('60');
    // Ctrl + wheel zooms in around the pointer.
    const over = await lanePoint(page, lane, 15);
    await page.mouse.move(over.x, over.y);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await expect.poll(async () => Number(await timeline.getAttribute('data-view-frames'))).toBeLessThan(60);

    // Move: drag the middle by 10 frames.
    const a = await lanePoint(page, lane, 15);
    const b = await lanePoint(page, lane, 25);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, a.y);
    await page.mouse.move(b.x, b.y);
    await page.mouse.up();
    await expect.poll(async () => (await core.call('annotations.list', { videoId: id })).find((x) => x.id === seg.id)!.startFrame).toBe(20);
    expect((await core.call('annotations.list', { videoId: id })).find((x) => x.id === seg.id)!.endFrame).toBe(29);

    // The page has read the move back before the next drag.
    await page.waitForSelector(`tr[data-annotation-id="${seg.id}"] >> text=20–29`);
    // Resize: drag the end edge (end of frame 29) to the end of frame 33.
    const e0 = await lanePoint(page, lane, 29, 1);
    const e1 = await lanePoint(page, lane, 33, 1);
    await page.mouse.move(e0.x, e0.y);
    await page.mouse.down();
    await page.mouse.move((e0.x + e1.x) / 2, e0.y);
    await page.mouse.move(e1.x, e1.y);
    await page.mouse.up();
    await expect.poll(async () => (await core.call('annotations.list', { videoId: id })).find((x) => x.id === seg.id)!.endFrame).toBe(33);
    expect((await core.call('annotations.list', { videoId: id })).find((x) => x.id === seg.id)!.startFrame).toBe(20);

    // A click on an empty stretch jumps there.
    const empty = await lanePoint(page, lane, 45);
    await page.mouse.click(empty.x, empty.y);
    await at(page, 45);
  });

  it('draws a polygon (click the corners, Enter) and a point, each labelled into a region track', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await goTo(page, 50);
    const screen = (x: number, y: number) =>
      page.evaluate(([x, y]) => {
        const svg = document.querySelector<SVGSVGElement>('[data-testid="region-overlay"]')!;
        const pt = svg.createSVGPoint();
        pt.x = x;
        pt.y = y;
        const q = pt.matrixTransform(svg.getScreenCTM()!);
        return { x: q.x, y: q.y };
      }, [x, y] as const);
    const before = (await core.call('annotations.list', { videoId: id })).filter((a) => a.kind === 'region_track').length;
    await page.keyboard.press('p');
    for (const [x, y] of [[30, 30], [90, 35], [60, 80]] as const) {
      const q = await screen(x, y);
      await page.mouse.click(q.x, q.y);
    }
    await page.keyboard.press('Enter');
    await page.keyboard.press('6');
    await expect.poll(async () => (await core.call('annotations.list', { videoId: id })).filter((a) => a.kind === 'region_track').length).toBe(before + 1);
    await page.keyboard.press('n');
    const q = await screen(40, 40);
    await page.mouse.click(q.x, q.y);
    await page.keyboard.press('7');
    await expect.poll(async () => (await core.call('annotations.list', { videoId: id })).filter((a) => a.kind === 'region_track').length).toBe(before + 2);
    const tracks = (await core.call('annotations.list', { videoId: id })).filter((a) => a.kind === 'region_track' && a.startFrame === 50);
    const poly = tracks.find((a) => a.label === 'skin_tone_anomaly')!;
    const point = tracks.find((a) => a.label === 'facial_distortion')!;
    expect(poly.keyframes![0]!).toMatchObject({ frame: 50, shape: 'polygon' });
    expect(poly.keyframes![0]!.points).toHaveLength(3);
    expect(point.keyframes![0]!).toMatchObject({ frame: 50, shape: 'point' });
    expect(Math.abs(point.keyframes![0]!.points[0]![0] - 40)).toBeLessThan(2);
  });
});
