import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { TellframeError } from '../../../shared/errors';
import { REPORT_FOOTER, type PdfPrinter } from './run';

/**
 * Headless Chromium for PDF reports outside the desktop app (the command
 * line and the browser host): the system's Chromium or Chrome, or the one
 * TELLFRAME_CHROMIUM names. Playwright gives each launch a fresh profile.
 */
export function chromiumPath(): string | null {
  const candidates = [
    process.env.TELLFRAME_CHROMIUM, process.env.CHROMIUM_PATH,
    '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  ].filter(Boolean) as string[];
  return candidates.find((c) => existsSync(c)) ?? null;
}

/**
 * The switches every headless launch here uses: no network chatter, no GPU.
 * Chromium's sandbox stays on, except as root (where Chromium will not start
 * with it) or when TELLFRAME_CHROMIUM_NO_SANDBOX=1 (containers without user
 * namespaces). Reports load with JavaScript off and a CSP either way.
 */
export function chromiumArgs(): string[] {
  const noSandbox = process.env.TELLFRAME_CHROMIUM_NO_SANDBOX === '1' || process.getuid?.() === 0;
  return [
    ...(noSandbox ? ['--no-sandbox'] : []),
    '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  ];
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new TellframeError('NOT_FOUND', 'Chromium not found: install Chromium or Chrome, or set TELLFRAME_CHROMIUM to its path.');
  return chromium.launch({ executablePath, headless: true, args: [...chromiumArgs(), ...extraArgs] });
}

/** Whether two URLs name the same resource once both are in canonical form. */
export function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/**
 * Print a report's HTML file as A4 PDF. The page is opened from the file
 * with JavaScript off and every request but the file itself refused (the
 * report holds its pictures as data: URIs).
 */
export const chromiumPdf: PdfPrinter = async (htmlFile, signal) => {
  if (signal?.aborted) throw new TellframeError('ABORTED', 'The report was cancelled.');
  const browser = await launchChromium();
  if (signal?.aborted) {
    await browser.close().catch(() => undefined);
    throw new TellframeError('ABORTED', 'The report was cancelled.');
  }
  const onAbort = () => void browser.close();
  signal?.addEventListener('abort', onAbort);
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    const url = pathToFileURL(htmlFile).href;
    await page.route('**/*', (route) => (sameUrl(route.request().url(), url) || route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    return await page.pdf({
      format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true, headerTemplate: '<span></span>',
      footerTemplate: REPORT_FOOTER,
    });
  } catch (err) {
    if (signal?.aborted) throw new TellframeError('ABORTED', 'The report was cancelled.');
    throw new TellframeError('INTERNAL', `Printing the PDF failed: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await browser.close().catch(() => undefined);
  }
};
