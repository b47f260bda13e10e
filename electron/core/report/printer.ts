import type { PdfPrinter } from './run';

/**
 * The PDF printer outside the desktop app: headless Chromium, loaded only
 * when a report asks for a PDF (playwright is not needed otherwise).
 */
export function nodePdfPrinter(): PdfPrinter {
  const print: PdfPrinter = async (file, signal) => (await import('./chromium')).chromiumPdf(file, signal);
  print.unavailable = async () =>
    (await import('./chromium')).chromiumPath() ? null : 'Chromium not found: install Chromium or Chrome, or set TELLFRAME_CHROMIUM to its path.';
  return print;
}
