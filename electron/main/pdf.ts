import { BrowserWindow, session } from 'electron';
import { pathToFileURL } from 'node:url';
import { TellframeError } from '../../shared/errors';
import { REPORT_FOOTER, type PdfPrinter } from '../core/report/run';

/** The session reports are printed in: in memory, and only the report files being printed may load. */
const PARTITION = 'tellframe-report-print';
const printing = new Set<string>();
let filtered = false;

/** The URL in canonical form (as requests carry it), or null. */
function canonical(url: string): string | null {
  try {
    return new URL(url).href;
  } catch {
    return null;
  }
}

/**
 * Reports printed by Electron's own Chromium (printToPDF), in a hidden,
 * sandboxed window with JavaScript off that may load nothing but report
 * files being printed (their pictures are data: URIs). The window goes away
 * whatever happens; a cancel is a cancel.
 */
export const electronPdf: PdfPrinter = async (htmlFile, signal) => {
  const url = canonical(pathToFileURL(htmlFile).href)!;
  const ses = session.fromPartition(PARTITION);
  if (!filtered) {
    filtered = true;
    ses.webRequest.onBeforeRequest((details, callback) => {
      const u = canonical(details.url);
      callback({ cancel: !(details.url.startsWith('data:') || (u !== null && printing.has(u))) });
    });
  }
  printing.add(url);
  const win = new BrowserWindow({
    show: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, partition: PARTITION, spellcheck: false },
  });
  const onAbort = () => win.destroy();
  signal?.addEventListener('abort', onAbort);
  try {
    await win.loadURL(url);
    if (signal?.aborted) throw new TellframeError('ABORTED', 'The report was cancelled.');
    return await win.webContents.printToPDF({
      pageSize: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate: REPORT_FOOTER,
    });
  } catch (err) {
    if (signal?.aborted) throw new TellframeError('ABORTED', 'The report was cancelled.');
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    printing.delete(url);
    if (!win.isDestroyed()) win.destroy();
  }
};
