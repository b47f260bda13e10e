import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Core } from '../../electron/core/api';
import { Session } from '../../electron/core/session';
import { startWebHost, type WebHost } from '../../electron/host/web';
import { launchChromium } from './browser';
import { importVideo, tempDir } from '../integration/helpers';

/** Where e2e screenshots go (TELLFRAME_SHOTS to keep them). */
export const shots = process.env.TELLFRAME_SHOTS ?? tempDir('tellframe-shots-');

/** The number drawn in the top half of the frame canvas (tests/fixtures/pixels.ts). */
export async function canvasCode(p: Page): Promise<number> {
  return p.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="frame-canvas"]')!;
    const { width, height } = c;
    const data = c.getContext('2d')!.getImageData(0, 0, width, height).data;
    let code = 0;
    for (let b = 0; b < 16; b++) {
      const x = Math.floor(((b + 0.5) * width) / 16);
      const y = Math.floor(height / 4);
      if (data[(y * width + x) * 4]! > 128) code |= 1 << b;
    }
    return code;
  });
}

export async function shownIndex(p: Page): Promise<number> {
  return Number(await p.locator('[data-testid="frame-index"]').textContent());
}


/** A session served by the loopback web host and a Chromium page to drive it; close() tears all down. */
export interface BrowserRig {
  session: Session;
  host: WebHost;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * A session, its web host and a Chromium page. Signals are not computed by
 * themselves when a video opens unless `autoSignals` (the face model would
 * compete with what the other tests time and check).
 */
export async function openRig(opts: { autoSignals?: boolean } = {}): Promise<BrowserRig> {
  const session = new Session({ configDir: tempDir(), actor: 'tester' });
  const host = await startWebHost(session);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  if (!opts.autoSignals) await page.addInitScript(() => localStorage.setItem('tellframe.signals.auto', 'off'));
  return {
    session, host, browser, page,
    async close() {
      await browser.close();
      await host.close();
      session.close();
    },
  };
}

/** A new project open in the rig's session with one video imported; its Core and the video's id. */
export async function projectWithVideo(rig: BrowserRig, video: string, file = path.join(tempDir(), 'e2e.tellframe')): Promise<{ core: Core; id: number }> {
  const core = rig.session.create(file);
  return { core, id: await importVideo(core, video) };
}
