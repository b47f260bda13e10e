import type { Browser } from 'playwright-core';
import { launchChromium as launch } from '../../electron/core/report/chromium';

export { chromiumPath } from '../../electron/core/report/chromium';

/** Debian's Chromium (or TELLFRAME_CHROMIUM / CHROMIUM_PATH), never a downloaded browser, as the reports use it; plus what media tests need. */
export async function launchChromium(): Promise<Browser> {
  return launch(['--no-sandbox', '--disable-quic', '--autoplay-policy=no-user-gesture-required']);
}
