import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/api';
import type { Annotation } from '../../shared/annotations';
import { DEFAULT_CANDIDATE_PARAMS } from '../../shared/candidates';
import { makeMouthClip, mouthPattern } from '../fixtures/mouthClip';
import { importVideo, tempDir } from '../integration/helpers';
import { openRig, projectWithVideo, shots, shownIndex, type BrowserRig } from './page';

/**
 * Signal tracks and candidates in Chromium: a 200-frame face clip whose
 * sound is 4 frames late. The signals are computed from the page (a first
 * run cancelled), drawn under the timeline, and the one lip-sync candidate
 * is selected, accepted (an annotation with its provenance), undone,
 * dismissed, and found dismissed after a reload. The blink parameters typed
 * in the page are the ones the view and the candidates are derived with.
 */
let rig: BrowserRig;
let page: Page;
let core: Core;
let id: number;
const LIP = 'lip_sync:0-199';

beforeAll(async () => {
  rig = await openRig();
  page = rig.page;
  const clip = await makeMouthClip(tempDir(), { lag: 4 });
  ({ core, id } = await projectWithVideo(rig, clip.path));
});
afterAll(async () => {
  await rig?.close();
});

const lanes = () => page.locator('[data-testid="signal-lanes"]');
const row = (cid: string) => page.locator(`[data-testid="candidate"][data-candidate-id="${cid}"]`);
const at = (p: Page, f: number) => p.waitForFunction((f) => document.querySelector('[data-testid="frame-index"]')?.textContent === String(f), f);

/** The annotations as the page's own client sees them: the loopback host's HTTP API with the page's token. */
async function listFromPage(p: Page, videoId: number): Promise<Annotation[]> {
  return p.evaluate(async (videoId) => {
    const token = new URLSearchParams(location.search).get('token') ?? '';
    const res = await fetch('/api/annotations.list', { method: 'POST', headers: { 'content-type': 'application/json', 'x-tellframe-token': token }, body: JSON.stringify({ videoId }) });
    const r = (await res.json()) as { ok: boolean; value: Annotation[] };
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r.value;
  }, videoId);
}

/** The colour of the signal canvas at a frame's middle, `dy` pixels into lane `lane` (CSS pixels). */
async function signalPixel(p: Page, lane: number, frame: number, dy: number): Promise<string> {
  return p.evaluate(
    ({ lane, frame, dy, frames }) => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="signal-canvas"]')!;
      const dpr = c.width / c.clientWidth;
      const x = Math.floor(((frame + 0.5) / frames) * c.width);
      const y = Math.floor((lane * 40 + dy) * dpr);
      const d = c.getContext('2d')!.getImageData(x, y, 1, 1).data;
      return `#${[d[0]!, d[1]!, d[2]!].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    },
    { lane, frame, dy, frames: 200 },
  );
}

describe('signal tracks and candidates', () => {
  it('computes the signals from the page (Cancel stops a run), draws the lanes and lists the lip-sync candidate', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await expect.poll(() => lanes().getAttribute('data-state'), { timeout: 30_000 }).toBe('none');
    expect(await core.call('signals.view', { id })).toBeNull();

    // A first run is cancelled: nothing is kept and the button comes back.
    await page.click('[data-testid="compute-signals"]');
    await expect.poll(() => lanes().getAttribute('data-state')).toBe('computing');
    // The job's panel follows once the host has answered the start (the lanes say "computing" at the click).
    await expect.poll(() => page.locator('[data-testid="signals-job"] progress').count()).toBe(1);
    await page.click('[data-testid="signals-job"] button:has-text("Cancel")');
    await expect.poll(() => page.locator('[data-testid="signals-job"]').getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled');
    await expect.poll(() => lanes().getAttribute('data-state')).toBe('none');
    expect(await core.call('signals.view', { id })).toBeNull();

    await page.click('[data-testid="compute-signals"]');
    await expect.poll(() => lanes().getAttribute('data-state')).toBe('computing');
    await page.screenshot({ path: path.join(shots, 'signals-computing.png') });
    await expect.poll(() => lanes().getAttribute('data-state'), { timeout: 120_000 }).toBe('ready');

    // One lane per signal, the eye lane's threshold the default one; the summary says the lag in frames and ms.
    const laneIds = await page.locator('[data-testid="signal-lane"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    expect(laneIds).toEqual(['ear', 'mouth', 'lighting', 'colour', 'sharpness', 'flicker']);
    expect(await page.locator('[data-testid="signal-lane"][data-lane="ear"]').getAttribute('data-thresholds')).toBe(String(DEFAULT_CANDIDATE_PARAMS.blinkThreshold));
    const summary = await page.textContent('[data-testid="signal-summary"]');
    expect(summary).toContain('lip sync: sound 160 ms late (+4 frames');
    expect(summary).toMatch(/blinks, [\d.]+\/min over [\d.]+ s with a face \(people: about 17 at rest, 26 talking\)/);

    // The lip-sync candidate is listed, open, and drawn as an open span on the mouth lane (not on the eye lane).
    await row(LIP).waitFor();
    expect(await row(LIP).getAttribute('data-decision')).toBe('open');
    expect(await row(LIP).textContent()).toContain('late');
    expect(await row(LIP).locator('select').inputValue()).toBe('lip_sync_mismatch');
    expect(await page.locator('[data-testid="signal-lane"][data-lane="mouth"]').getAttribute('data-candidates')).toBe('1');
    expect(await signalPixel(page, 1, 100, 0.5)).toBe('#ffb74d');
    expect(await signalPixel(page, 0, 100, 0.5)).not.toBe('#ffb74d');

    // Hovering a lane reads out the frame and its values; clicking goes to that frame.
    const box = (await page.locator('[data-testid="signal-canvas"]').boundingBox())!;
    const xOf = (f: number) => box.x + ((f + 0.5) / 200) * box.width;
    await page.mouse.move(xOf(120), box.y + 40 + 20);
    await expect.poll(() => page.textContent('[data-testid="signal-hover"]')).toMatch(/^frame 120 · Mouth & sound: [\d.]+ mouth aspect ratio · loudness: [\d.]+/);
    await page.screenshot({ path: path.join(shots, 'signals-lanes.png') });
    // Clicking a candidate's span selects it and goes to the frame clicked.
    await page.mouse.click(xOf(120), box.y + 40 + 20);
    await at(page, 120);
    expect(await row(LIP).getAttribute('aria-selected')).toBe('true');
    await page.locator('[data-testid="signal-lanes"]').screenshot({ path: path.join(shots, 'signals-lanes-only.png') });

    // Zooming the timeline zooms the lanes with it: the open span of the lip-sync candidate still covers the mouth lane, frame 120 in view.
    await page.click('[data-testid="timeline"] button:has-text("+")');
    await page.click('[data-testid="timeline"] button:has-text("+")');
    const tl = page.locator('[data-testid="timeline"]');
    await expect.poll(() => tl.getAttribute('data-view-frames')).toBe('50');
    const start = Number(await tl.getAttribute('data-view-start'));
    expect(start).toBeLessThanOrEqual(120);
    expect(await lanes().getAttribute('data-view')).toBe(`${start}:50`);
    await page.locator('[data-testid="signal-lanes"]').screenshot({ path: path.join(shots, 'signals-lanes-zoomed.png') });
    await page.click('[data-testid="timeline"] button:has-text("whole")');
    await expect.poll(() => lanes().getAttribute('data-view')).toBe('0:200');
  });

  it('selects with ] and accepts with A: an annotation with its provenance, in the list and the API; Ctrl+Z reopens it; X dismisses it, also after a reload', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=30`);
    await at(page, 30);
    await expect.poll(() => lanes().getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    await row(LIP).waitFor();
    expect(await row(LIP).getAttribute('aria-selected')).toBe('false');
    await page.locator('body').click({ position: { x: 5, y: 5 } });

    // ] selects the candidate the frame is in and goes to its first frame.
    await page.keyboard.press(']');
    await expect.poll(() => row(LIP).getAttribute('aria-selected')).toBe('true');
    await at(page, 0);
    await page.keyboard.press('a');
    await expect.poll(() => row(LIP).getAttribute('data-decision')).toBe('accepted');
    expect(await page.textContent('[data-testid="signals-status"]')).toContain('Accepted');

    // The annotation list shows it; the API holds it with the candidate's provenance.
    const listed = page.locator('[data-testid="annotation-list"] tr[data-kind="segment"]');
    await expect.poll(() => listed.count()).toBe(1);
    expect(await listed.textContent()).toContain('Lip-sync mismatch');
    expect(await listed.textContent()).toContain('0–199');
    for (const list of [await core.call('annotations.list', { videoId: id }), await listFromPage(page, id)]) {
      const a = list.find((x) => x.provenance?.signal === 'lip_sync');
      expect(a, JSON.stringify(list)).toBeDefined();
      expect([a!.kind, a!.label, a!.startFrame, a!.endFrame]).toEqual(['segment', 'lip_sync_mismatch', 0, 199]);
      expect(a!.provenance!.candidate).toBe(LIP);
      expect(a!.provenance!.text).toContain('late');
      expect(a!.provenance!.params).toMatchObject({ lipWindowSeconds: DEFAULT_CANDIDATE_PARAMS.lipWindowSeconds, lipMinCorrelation: DEFAULT_CANDIDATE_PARAMS.lipMinCorrelation });
    }
    // Accepted spans turn green on the lane.
    await expect.poll(() => signalPixel(page, 1, 100, 0.5)).toBe('#7ee787');
    await page.screenshot({ path: path.join(shots, 'signals-accepted.png') });

    // One undo takes back the annotation and the decision together.
    await page.keyboard.press('Control+z');
    await expect.poll(() => row(LIP).getAttribute('data-decision')).toBe('open');
    await expect.poll(() => listed.count()).toBe(0);
    expect((await core.call('annotations.list', { videoId: id })).some((x) => x.provenance)).toBe(false);

    // X dismisses the selected candidate; the decision is kept in the project.
    expect(await row(LIP).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('x');
    await expect.poll(() => row(LIP).getAttribute('data-decision')).toBe('dismissed');
    expect(await row(LIP).textContent()).toContain('dismissed by');
    expect(await listed.count()).toBe(0);
    await page.reload();
    await at(page, 30);
    await expect.poll(() => lanes().getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    await expect.poll(() => row(LIP).getAttribute('data-decision')).toBe('dismissed');
    const view = (await core.call('signals.view', { id }))!;
    expect(view.candidates.find((c) => c.id === LIP)!.decision?.decision).toBe('dismissed');
    expect(await signalPixel(page, 1, 100, 0.5)).toBe('#7d8590');
    await page.screenshot({ path: path.join(shots, 'signals-dismissed.png') });
    await page.locator('[data-testid="candidates"]').screenshot({ path: path.join(shots, 'signals-candidates.png') });

    // Reopen from its button brings it back; Ctrl+Z (no annotation changes, only the decision) dismisses it again.
    await row(LIP).locator('button:has-text("Reopen")').click();
    await expect.poll(() => row(LIP).getAttribute('data-decision')).toBe('open');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => row(LIP).getAttribute('data-decision')).toBe('dismissed');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => row(LIP).getAttribute('data-decision')).toBe('open');
  });

  it('derives the view with the blink threshold and shortest blink typed in the page, kept for the project across a reload', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await expect.poll(() => lanes().getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    const ear = page.locator('[data-testid="signal-lane"][data-lane="ear"]');
    expect(await ear.getAttribute('data-thresholds')).toBe('0.21');

    await page.fill('input[aria-label="Blink threshold"]', '0.3');
    await expect.poll(() => ear.getAttribute('data-thresholds')).toBe('0.3');
    await page.fill('input[aria-label="Shortest blink"]', '120');
    const params = { ...DEFAULT_CANDIDATE_PARAMS, blinkThreshold: 0.3, blinkMinSeconds: 0.12 };
    // The list is the core's view for exactly these parameters.
    const expected = (await core.call('signals.view', { id, params }))!;
    expect(expected.params).toEqual(params);
    const ids = () => page.locator('[data-testid="candidate"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-candidate-id')));
    await expect.poll(ids).toEqual(expected.candidates.map((c) => c.id));
    await expect.poll(() => page.textContent('[data-testid="signal-summary"]')).toContain(`${expected.blinks.length} blinks`);

    // A value out of range is refused in the page and changes nothing.
    await page.fill('input[aria-label="Blink threshold"]', '0.9');
    await expect.poll(() => page.locator('form[aria-label="Candidate parameters"] [role="alert"]').textContent()).toContain('Blink threshold: between 0.05 and 0.5');
    expect(await ear.getAttribute('data-thresholds')).toBe('0.3');
    await page.screenshot({ path: path.join(shots, 'signals-params.png') });

    // The folded parameters too: asking for a correlation the lag's (0.98) does not reach drops the lip-sync candidate.
    await page.fill('input[aria-label="Blink threshold"]', '0.3');
    await page.click('form[aria-label="Candidate parameters"] summary');
    await page.fill('input[aria-label="Lip-sync correlation at least"]', '0.99');
    await expect.poll(() => row(LIP).count()).toBe(0);
    await page.locator('[data-testid="candidates"]').screenshot({ path: path.join(shots, 'signals-more-params.png') });
    await page.fill('input[aria-label="Lip-sync correlation at least"]', '0.3');
    await row(LIP).waitFor();

    // Kept for this project: a reload asks with them again.
    await page.reload();
    await at(page, 0);
    await expect.poll(() => lanes().getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    await expect.poll(() => ear.getAttribute('data-thresholds')).toBe('0.3');
    expect(await page.inputValue('input[aria-label="Blink threshold"]')).toBe('0.3');
    expect(await page.inputValue('input[aria-label="Shortest blink"]')).toBe('120');

    // Defaults puts them back.
    await page.click('form[aria-label="Candidate parameters"] button:has-text("Defaults")');
    await expect.poll(() => ear.getAttribute('data-thresholds')).toBe('0.21');
    expect(await page.inputValue('input[aria-label="Blink threshold"]')).toBe('0.21');
    expect(await shownIndex(page)).toBe(0);

    // The keys are in the help.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    const help = page.locator('[role="dialog"][aria-label="Keyboard shortcuts"]');
    await help.waitFor();
    expect(await help.textContent()).toContain('] / [select the next / previous signal candidate');
    expect(await help.textContent()).toContain('A / Xaccept the selected candidate');
    // While a dialog is open the candidate keys do nothing.
    await page.keyboard.press(']');
    expect(await page.locator('[data-testid="candidate"][aria-selected="true"]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });
});

describe('signals computed on opening a video', () => {
  it('opening a video without signals computes them by itself; a cancel is not started again in that visit; the choice can be turned off', async () => {
    const auto = await openRig({ autoSignals: true });
    try {
      const p = auto.page;
      const clip = await makeMouthClip(tempDir(), { lag: -2, frames: 60 });
      const { core: c2, id: v2 } = await projectWithVideo(auto, clip.path);
      const l = () => p.locator('[data-testid="signal-lanes"]');
      await p.goto(`${auto.host.url}&video=${v2}&frame=0`);
      await at(p, 0);
      expect(await p.locator('[data-testid="signals-auto"]').isChecked()).toBe(true);
      // Started with no click: computing, then the lanes.
      await expect.poll(() => l().getAttribute('data-state'), { timeout: 30_000 }).toMatch(/computing|ready/);
      await expect.poll(() => l().getAttribute('data-state'), { timeout: 120_000 }).toBe('ready');
      expect((await c2.call('signals.view', { id: v2 }))!.frames).toBe(60);

      // A second video: cancelled, it stays without signals, also when opened again in this visit.
      const other = await makeMouthClip(tempDir(), { lag: 3, frames: 60, name: 'other.mkv' });
      const otherId = await importVideo(c2, other.path);
      await p.goto(`${auto.host.url}&video=${otherId}&frame=0`);
      await at(p, 0);
      await expect.poll(() => l().getAttribute('data-state'), { timeout: 30_000 }).toBe('computing');
      await p.click('[data-testid="signals-job"] button:has-text("Cancel")');
      await expect.poll(() => l().getAttribute('data-state'), { timeout: 30_000 }).toBe('none');
      // And it stays so, also after going to the other video and back in this visit: not started again by itself.
      const row = (name: string) => p.locator('table[aria-label="Videos"] tr', { hasText: name });
      await row('mouth-lag-2.mkv').click();
      await expect.poll(() => l().getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
      await row('other.mkv').click();
      await expect.poll(() => l().getAttribute('data-state'), { timeout: 30_000 }).toBe('none');
      await new Promise((r) => setTimeout(r, 1000));
      expect(await l().getAttribute('data-state')).toBe('none');
      expect(await p.locator('[data-testid="compute-signals"]').count()).toBe(1);
      // Turned off, the choice is kept in the browser: opening the video again does not start it.
      await p.locator('[data-testid="signals-auto"]').uncheck();
      await p.reload();
      await at(p, 0);
      await expect.poll(() => l().getAttribute('data-state'), { timeout: 30_000 }).toBe('none');
      expect(await p.locator('[data-testid="signals-auto"]').isChecked()).toBe(false);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await l().getAttribute('data-state')).toBe('none');
      expect(await c2.call('signals.view', { id: otherId })).toBeNull();
    } finally {
      await auto.close();
    }
  }, 240_000);
});

describe('face landmarks on the picture', () => {
  it('draws the face box, the eyes\' six points and the inner lips of the frame on screen, wider on the frames the jaw is open', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await at(page, 0);
    await expect.poll(() => lanes().getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    expect(await page.locator('[data-testid="face-overlay"]').count()).toBe(0);
    await page.locator('[data-testid="face-overlay-toggle"]').check();
    const overlay = page.locator('[data-testid="face-overlay"]');
    await expect.poll(() => overlay.getAttribute('data-frame')).toBe('0');
    expect(await overlay.getAttribute('data-face')).toBe('yes');
    expect(await overlay.locator('[data-point]').count()).toBe(22);
    expect(await overlay.locator('[data-testid="face-eye-r"]').count()).toBe(1);
    // The lips' opening in image pixels: larger on every open frame than on every closed one (the clip's known pattern).
    const open = mouthPattern(200);
    const lipHeight = async (f: number) => {
      await page.goto(`${rig.host.url}&video=${id}&frame=${f}`);
      await at(page, f);
      await expect.poll(() => page.locator('[data-testid="face-overlay"]').getAttribute('data-frame'), { timeout: 30_000 }).toBe(String(f));
      const pts = (await page.locator('[data-testid="face-lips"]').getAttribute('points'))!.split(' ').map((q) => q.split(',').map(Number));
      return Math.max(...pts.map((q) => q[1]!)) - Math.min(...pts.map((q) => q[1]!));
    };
    const openFrame = open.indexOf(true);
    const closedFrame = open.indexOf(false);
    const [hOpen, hClosed] = [await lipHeight(openFrame), await lipHeight(closedFrame)];
    expect(hOpen).toBeGreaterThan(hClosed + 5);
    await page.locator('[data-testid="frame-canvas"]').screenshot({ path: path.join(shots, 'signals-face-overlay.png') });
    // Kept in the browser: still on after a reload; off removes it.
    await page.reload();
    await expect.poll(() => page.locator('[data-testid="face-overlay"]').count(), { timeout: 30_000 }).toBe(1);
    await page.locator('[data-testid="face-overlay-toggle"]').uncheck();
    await expect.poll(() => page.locator('[data-testid="face-overlay"]').count()).toBe(0);
  });
});
