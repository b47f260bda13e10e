import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../integration/helpers';
import { makeTalkClip, TALK } from '../integration/talkClip';
import { openRig, projectWithVideo, shots, type BrowserRig } from './page';

/** The audio view under the timeline: the tone is drawn under the frames it sounds with, in every lane. */
let rig: BrowserRig;
let page: Page;
let id: number;

beforeAll(async () => {
  rig = await openRig();
  page = rig.page;
  ({ id } = await projectWithVideo(rig, await makeTalkClip(tempDir())));
});
afterAll(async () => {
  await rig?.close();
});

/** Brightness of the audio canvas in a row band, per frame of the whole-video view (the frame's middle column). */
async function rowByFrame(p: Page, y0: number, y1: number): Promise<number[]> {
  return p.evaluate(
    ({ y0, y1, frames }) => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="audio-canvas"]')!;
      const ctx = c.getContext('2d')!;
      const out: number[] = [];
      for (let f = 0; f < frames; f++) {
        const x = Math.floor(((f + 0.5) / frames) * c.width);
        const d = ctx.getImageData(x, y0, 1, y1 - y0).data;
        let sum = 0;
        for (let i = 0; i < d.length; i += 4) sum += d[i]! + d[i + 1]! + d[i + 2]!;
        out.push(sum / (d.length / 4) / 3);
      }
      return out;
    },
    { y0, y1, frames: TALK.frames },
  );
}

describe('audio view', () => {
  it('draws waveform, spectrogram and per-frame loudness under the frames the sound belongs to', async () => {
    await page.goto(`${rig.host.url}&video=${id}&frame=0`);
    await page.waitForFunction(() => document.querySelector('[data-testid="frame-index"]')?.textContent === '0');
    const lanes = page.locator('[data-testid="audio-lanes"]');
    await expect.poll(() => lanes.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    // The timeline shows the whole video, 50 frames; the page has the audio drawn for that view.
    await expect.poll(() => page.locator('[data-testid="timeline"]').getAttribute('data-view-frames')).toBe(String(TALK.frames));
    await expect.poll(() => lanes.getAttribute('data-view')).toMatch(new RegExp(`^${id}:0:${TALK.frames}:`));
    await lanes.screenshot({ path: path.join(shots, 'audio-lanes.png') });
    const sounding = new Set<number>([...TALK.loud, ...TALK.quiet]);
    for (const [name, y0, y1] of [['waveform', 0, 40], ['spectrogram', 40, 104], ['loudness', 104, 126]] as const) {
      const row = await rowByFrame(page, y0, y1);
      const quietest = Math.min(...row.filter((_, f) => sounding.has(f)));
      const loudestSilent = Math.max(...row.filter((_, f) => !sounding.has(f) && !sounding.has(f - 1) && !sounding.has(f + 1)));
      expect(quietest, `${name}: ${row.map((v) => v.toFixed(0)).join(' ')}`).toBeGreaterThan(loudestSilent + 5);
    }
    // Clicking the audio view goes to that frame.
    const box = (await page.locator('[data-testid="audio-canvas"]').boundingBox())!;
    await page.mouse.click(box.x + ((30 + 0.5) / TALK.frames) * box.width, box.y + 10);
    await page.waitForFunction(() => document.querySelector('[data-testid="frame-index"]')?.textContent === '30');
  });
});
