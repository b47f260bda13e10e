import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegBin, run } from '../fixtures/videos';
import { tempDir } from '../integration/helpers';
import { openRig, projectWithVideo, shots, type BrowserRig } from './page';

/**
 * A video tagged to be shown turned (a phone's rotation tag): the player
 * turns the view as ffmpeg's own autorotation would, while the canvas keeps
 * the stored picture (frame truth and coordinates unchanged).
 */
let rig: BrowserRig;
let page: Page;
let id: number;
let reference: { width: number; height: number; corner: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' };

/** Which quarter of a grey picture holds the white square. */
function brightCorner(gray: Buffer, width: number, height: number): typeof reference.corner {
  let best = { corner: 'top-left' as typeof reference.corner, count: -1 };
  for (const [corner, x0, y0] of [['top-left', 0, 0], ['top-right', width / 2, 0], ['bottom-left', 0, height / 2], ['bottom-right', width / 2, height / 2]] as const) {
    let count = 0;
    for (let y = Math.floor(y0); y < Math.floor(y0 + height / 2); y++) for (let x = Math.floor(x0); x < Math.floor(x0 + width / 2); x++) if (gray[y * width + x]! > 200) count++;
    if (count > best.count) best = { corner, count };
  }
  return best.corner;
}

beforeAll(async () => {
  const dir = tempDir('tellframe-rot-e2e-');
  const stored = path.join(dir, 'stored.mp4');
  const tagged = path.join(dir, 'tagged.mp4');
  // 320×160, grey (to tell the picture from the black view around it), a white square in the stored picture's top-left corner.
  let r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-f', 'lavfi', '-i', 'color=gray:s=320x160:d=0.2:r=25,drawbox=x=0:y=0:w=60:h=60:color=white:t=fill', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', stored]);
  if (r.code !== 0) throw new Error(r.stderr);
  r = await run(ffmpegBin(), ['-nostdin', '-y', '-v', 'error', '-i', stored, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', tagged]);
  if (r.code !== 0) throw new Error(r.stderr);
  // What ffmpeg itself shows: its autorotated picture, and where the square lands in it.
  const probe = await run(ffmpegBin(), ['-nostdin', '-v', 'info', '-i', tagged, '-frames:v', '1', '-vf', 'showinfo', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
  const [, w, h] = /s:(\d+)x(\d+)/.exec(probe.stderr)!;
  reference = { width: Number(w), height: Number(h), corner: brightCorner(probe.stdout, Number(w), Number(h)) };
  rig = await openRig();
  page = rig.page;
  ({ id } = await projectWithVideo(rig, tagged));
}, 120_000);
afterAll(async () => {
  await rig?.close();
});

/** The picture as it is on screen in the player's view: its extent (what is not the view's black) and the corner of the white square in it. */
async function onScreen(p: Page): Promise<{ corner: string; tall: boolean }> {
  const { PNG } = await import('pngjs');
  const img = PNG.sync.read(await p.locator('.player .view').screenshot());
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[(y * img.width + x) * 4]! > 60) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const gray = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) gray[y * w + x] = img.data[((y0 + y) * img.width + x0 + x) * 4]!;
  return { corner: brightCorner(gray, w, h), tall: h > w * 1.5 };
}

describe('a video tagged to be shown turned', () => {
  it('is shown turned as ffmpeg would show it, fitted and zoomed, while the canvas keeps the stored picture', async () => {
    expect(reference).toEqual({ width: 160, height: 320, corner: 'bottom-left' });
    await page.goto(`${rig.host.url}&video=${id}&frame=2`);
    await page.waitForFunction(() => document.querySelector('[data-testid="frame-index"]')?.textContent === '2');
    expect(await page.locator('.player .stage').getAttribute('data-rotation')).toBe('270');
    // Frame truth: the canvas holds the stored 320×160 picture with the square top-left.
    const stored = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="frame-canvas"]')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return { width: c.width, height: c.height, topLeft: d[(10 * c.width + 10) * 4]!, bottomRight: d[((c.height - 10) * c.width + c.width - 10) * 4]! };
    });
    expect(stored).toMatchObject({ width: 320, height: 160 });
    expect(stored.topLeft).toBeGreaterThan(200);
    expect(stored.bottomRight).toBeLessThan(160);
    // On screen: tall, the square where ffmpeg's own autorotation puts it.
    await page.locator('.player .view').screenshot({ path: path.join(shots, 'rotation-fitted.png') });
    expect(await onScreen(page)).toEqual({ corner: reference.corner, tall: true });
    // Zoomed in: still turned the same way, and the view scrolls over the turned size (taller than wide).
    await page.keyboard.press('+');
    await expect.poll(() => page.locator('.player .view').evaluate((el) => el.classList.contains('zoomed'))).toBe(true);
    const scroll = await page.locator('.player .view').evaluate((el) => ({ h: el.scrollHeight, client: el.clientHeight }));
    expect(scroll.h).toBeGreaterThan(scroll.client);
    const turn = (await page.locator('.player .turn').boundingBox())!;
    expect(turn.height / turn.width).toBeCloseTo(2, 1);
    await page.locator('.player .view').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.locator('.player .view').screenshot({ path: path.join(shots, 'rotation-zoomed.png') });
    // Scrolled to the bottom, the square (bottom-left of the turned picture) is in view at the left.
    const { PNG } = await import('pngjs');
    const img = PNG.sync.read(await page.locator('.player .view').screenshot());
    let white = 0;
    for (let y = Math.floor(img.height / 2); y < img.height; y++) for (let x = 0; x < img.width / 2; x++) if (img.data[(y * img.width + x) * 4]! > 200) white++;
    expect(white).toBeGreaterThan(100);
  });
});
