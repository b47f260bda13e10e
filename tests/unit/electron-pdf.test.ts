import { beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => {
  class FakeWindow {
    static instances: FakeWindow[] = [];
    destroyed = false;
    readonly options: Record<string, unknown>;
    readonly loadURL = vi.fn(() => Promise.resolve());
    readonly webContents = { printToPDF: vi.fn((_o: Record<string, unknown>) => Promise.resolve(Buffer.from('%PDF-1.7'))) };
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
  const filter: { fn: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null } = { fn: null };
  return { FakeWindow, filter, session: { fromPartition: vi.fn(() => ({ webRequest: { onBeforeRequest: (fn: typeof filter.fn) => (filter.fn = fn) } })) } };
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
    const decide = (url: string) => new Promise<boolean>((resolve) => h.filter.fn!({ url }, (r) => resolve(r.cancel)));
    expect(await decide('file:///tmp/r/report.html')).toBe(false);
    expect(await decide('data:image/jpeg;base64,AAAA')).toBe(false);
    expect(await decide('https://example.com/x.png')).toBe(true);
    expect(await decide('file:///etc/passwd')).toBe(true);

    const failing = electronPdf('/tmp/r/report.html');
    h.FakeWindow.instances[1]!.webContents.printToPDF.mockRejectedValueOnce(new Error('printing failed'));
    await expect(failing).rejects.toThrow('printing failed');
    expect(h.FakeWindow.instances[1]!.destroyed).toBe(true);
  });
});
