import { BrowserWindow, session } from 'electron';
import { pathToFileURL } from 'node:url';
import { REPORT_FOOTER, type PdfPrinter } from '../core/report/run';

/** The session reports are printed in: in memory, and only the report file itself may load. */
const PARTITION = 'tellframe-report-print';

/**
 * Reports printed by Electron's own Chromium (printToPDF), in a hidden,
 * sandboxed window with JavaScript off that may load nothing but the report
 * file (its pictures are data: URIs). The window goes away whatever happens.
 */
export const electronPdf: PdfPrinter = async (htmlFile, signal) => {
  const url = pathToFileURL(htmlFile).href;
  const ses = session.fromPartition(PARTITION);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !(details.url === url || details.url.startsWith('data:')) }));
  const win = new BrowserWindow({
    show: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, partition: PARTITION, spellcheck: false },
  });
  const onAbort = () => win.destroy();
  signal?.addEventListener('abort', onAbort);
  try {
    await win.loadURL(url);
    if (signal?.aborted) throw new Error('The report was cancelled.');
    return await win.webContents.printToPDF({
      pageSize: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate: REPORT_FOOTER,
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!win.isDestroyed()) win.destroy();
  }
};
