import { beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => {
  const filter: { fn: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null } = { fn: null };
  const decide = (url: string) => new Promise<boolean>((resolve) => filter.fn!({ url }, (r) => resolve(r.cancel)));
  class FakeWindow {
    static instances: FakeWindow[] = [];
    destroyed = false;
    readonly options: Record<string, unknown>;
    readonly loadURL = vi.fn((_url: string) => Promise.resolve());
    /** What the request filter decided while this window printed. */
    readonly seen: Record<string, boolean> = {};
    readonly webContents = {
      printToPDF: vi.fn(async (_o: Record<string, unknown>) => {
        for (const u of ['file:///tmp/r/report.html', 'data:image/jpeg;base64,AAAA', 'https://example.com/x.png', 'file:///etc/passwd']) this.seen[u] = await decide(u);
        return Buffer.from('%PDF-1.7');
      }),
    };
    constructor(options: Record<string, unknown>) {
      this.options = options;
      FakeWindow.instances.push(this);
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    destroy(): void {
      this.destroyed = true;
    }
  }
  return { FakeWindow, filter, decide, session: { fromPartition: vi.fn(() => ({ webRequest: { onBeforeRequest: (fn: typeof filter.fn) => (filter.fn = fn) } })) } };
});

vi.mock('electron', () => ({ BrowserWindow: h.FakeWindow, session: h.session }));

describe('printing reports in the desktop app', () => {
  beforeEach(() => {
    h.FakeWindow.instances.length = 0;
  });

  it('prints the file in a hidden sandboxed window with JavaScript off, lets nothing else load, and always closes the window', async () => {
    const { electronPdf } = await import('../../electron/main/pdf');
    const pdf = await electronPdf('/tmp/r/report.html');
    expect(pdf.toString()).toBe('%PDF-1.7');
    const win = h.FakeWindow.instances[0]!;
    expect(win.options).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
    expect(win.loadURL).toHaveBeenCalledWith('file:///tmp/r/report.html');
    expect(win.webContents.printToPDF.mock.calls[0]![0]).toMatchObject({ pageSize: 'A4', printBackground: true });
    expect(win.destroyed).toBe(true);
    // While printing: the report and its data: pictures load, nothing else does; afterwards not even the report.
    expect(win.seen).toEqual({ 'file:///tmp/r/report.html': false, 'data:image/jpeg;base64,AAAA': false, 'https://example.com/x.png': true, 'file:///etc/passwd': true });
    expect(await h.decide('file:///tmp/r/report.html')).toBe(true);

    const failing = electronPdf('/tmp/r/report.html');
    h.FakeWindow.instances[1]!.webContents.printToPDF.mockRejectedValueOnce(new Error('printing failed'));
    await expect(failing).rejects.toThrow('printing failed');
    expect(h.FakeWindow.instances[1]!.destroyed).toBe(true);
  });

  it('turns a cancel into ABORTED (the job then reads cancelled, not failed)', async () => {
    const { electronPdf } = await import('../../electron/main/pdf');
    const ac = new AbortController();
    const printing = electronPdf('/tmp/r/report.html', ac.signal);
    const win = h.FakeWindow.instances[0]!;
    win.webContents.printToPDF.mockImplementationOnce(() => {
      ac.abort();
      return Promise.reject(new Error('Render frame was disposed'));
    });
    await expect(printing).rejects.toMatchObject({ code: 'ABORTED' });
    expect(win.destroyed).toBe(true);
  });
});
