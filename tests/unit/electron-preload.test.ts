import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesktopClient, MenuEvent } from '../../renderer/global';

/**
 * The preload runs at import: it hands installClient and its helpers to
 * contextBridge.executeInMainWorld, which Electron runs in the page. The mock
 * records that call; the tests run installClient against a stand-in window.
 */

type Listener = (event: unknown, payload: unknown) => void;

const h = vi.hoisted(() => ({
  installs: [] as Array<{ func: (...args: unknown[]) => void; args: unknown[] }>,
  listeners: new Map<string, Set<(event: unknown, payload: unknown) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: {
    executeInMainWorld: vi.fn((script: { func: (...args: unknown[]) => void; args: unknown[] }) => h.installs.push(script)),
    exposeInMainWorld: vi.fn(),
  },
  ipcRenderer: {
    invoke: vi.fn(),
    on: vi.fn((channel: string, fn: (event: unknown, payload: unknown) => void) => {
      if (!h.listeners.has(channel)) h.listeners.set(channel, new Set());
      h.listeners.get(channel)!.add(fn);
    }),
    removeListener: vi.fn((channel: string, fn: (event: unknown, payload: unknown) => void) => h.listeners.get(channel)?.delete(fn)),
    send: vi.fn(),
  },
  webUtils: { getPathForFile: vi.fn(() => '/home/u/clip.mp4') },
}));

const electron = await import('electron');
const ipcRenderer = vi.mocked(electron.ipcRenderer);
await import('../../electron/preload/index');

/** The page's window for the latest install (window.tellframe cannot be redefined). */
let fakeWindow: Record<string, unknown> = {};
afterAll(() => {
  vi.unstubAllGlobals();
});

function install(): DesktopClient {
  expect(h.installs).toHaveLength(1);
  const { func, args } = h.installs[0]!;
  fakeWindow = {};
  vi.stubGlobal('window', fakeWindow);
  func(...args);
  return fakeWindow.tellframe as DesktopClient;
}

/** What the main process sends on tellframe:menu. */
function sendMenu(payload: unknown): void {
  for (const fn of h.listeners.get('tellframe:menu') ?? []) (fn as Listener)({ sender: 'ipc event' }, payload);
}

beforeEach(() => {
  ipcRenderer.invoke.mockReset();
  h.listeners.clear();
});

describe('preload', () => {
  it('exposes nothing but the client built in the page world', () => {
    expect(electron.contextBridge.exposeInMainWorld).not.toHaveBeenCalled();
    expect(electron.contextBridge.executeInMainWorld).toHaveBeenCalledTimes(1);
    const client = install();
    expect(Object.keys(client).sort()).toEqual(['audioUrl', 'call', 'frameUrl', 'onMenu', 'pathForFile']);
    expect(Object.isFrozen(client)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(fakeWindow, 'tellframe')).toMatchObject({ writable: false, configurable: false });
  });

  it('call() sends method and input on tellframe:call and unwraps {ok:true, value}', async () => {
    const client = install();
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { path: '/p/x.tellframe' } });
    await expect(client.call('project.info', {})).resolves.toEqual({ path: '/p/x.tellframe' });
    expect(ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith('tellframe:call', 'project.info', {});
  });

  it('call() throws an Error carrying the code on {ok:false}', async () => {
    const client = install();
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'NOT_FOUND', message: 'No such video' } });
    const err = (await client.call('project.info', {}).catch((e: unknown) => e)) as Error & { code?: string };
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('No such video');
    expect(err.code).toBe('NOT_FOUND');
    expect(err.name).toBe('TellframeError');
  });

  it('call() turns a failing invoke into an INTERNAL error', async () => {
    const client = install();
    ipcRenderer.invoke.mockRejectedValueOnce(new Error('No handler registered'));
    await expect(client.call('project.info', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'No handler registered' });
  });

  it('frameUrl defaults to a PNG URL on tellframe://media', () => {
    const client = install();
    expect(client.frameUrl(1, 2)).toBe('tellframe://media/frame/1/2.png');
  });

  it('the preload-side frameUrl builds an rgba URL', () => {
    const frameUrl = h.installs[0]!.args[1] as (id: number, index: number, ext?: string) => string;
    expect(frameUrl(1, 2, 'rgba')).toBe('tellframe://media/frame/1/2.rgba');
    expect(frameUrl(3, 4, 'thumb')).toBe('tellframe://media/frame/3/4.thumb');
  });

  it("client.frameUrl keeps the file type, and audioUrl names the audio", () => {
    const client = install();
    expect(client.frameUrl(1, 2, 'rgba')).toBe('tellframe://media/frame/1/2.rgba');
    expect(client.frameUrl(1, 2)).toBe('tellframe://media/frame/1/2.png');
    expect(client.audioUrl!(7)).toBe('tellframe://media/audio/7.webm');
  });

  it('onMenu delivers valid menu events, view.zoom included', () => {
    const client = install();
    const got: MenuEvent[] = [];
    const off = client.onMenu!((e) => got.push(e));
    const valid: MenuEvent[] = [
      { action: 'view.zoom', zoom: 'in' },
      { action: 'view.zoom', zoom: 'out' },
      { action: 'view.zoom', zoom: 'fit' },
      { action: 'view.zoom', zoom: 'actual' },
      { action: 'import', paths: ['/a.mp4', '/b.mov'] },
      { action: 'import', paths: [] },
      { action: 'help.shortcuts' },
      { action: 'edit.undo' },
      { action: 'edit.redo' },
      { action: 'file.export' },
      { action: 'file.importAnnotations' },
    ];
    for (const e of valid) sendMenu(e);
    expect(got).toEqual(valid);
    off();
  });

  it('onMenu drops malformed events', () => {
    const client = install();
    const listener = vi.fn();
    const off = client.onMenu!(listener);
    for (const bad of [
      { action: 'view.zoom' },
      { action: 'view.zoom', zoom: 'sideways' },
      { action: 'view.zoom', zoom: 2 },
      { action: 'view.zoom', zoom: ['in'] },
      { action: 'view.zoom', zoom: null },
      { action: 'zoom', zoom: 'in' },
      { action: 'import' },
      { action: 'import', paths: '/etc/passwd' },
      { action: 'import', paths: ['/a.mp4', 3] },
      { action: 'open', path: '/x.tellframe' },
      { zoom: 'in' },
      'view.zoom',
      null,
      undefined,
      42,
    ]) {
      sendMenu(bad);
    }
    expect(listener).not.toHaveBeenCalled();
    off();
  });

  it('onMenu keeps the IPC event on the preload side and stops on unsubscribe', () => {
    const client = install();
    const listener = vi.fn();
    const off = client.onMenu!(listener);
    sendMenu({ action: 'help.shortcuts' });
    expect(listener).toHaveBeenCalledExactlyOnceWith({ action: 'help.shortcuts' });
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('tellframe:menu', expect.any(Function));
    sendMenu({ action: 'help.shortcuts' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(h.listeners.get('tellframe:menu')?.size ?? 0).toBe(0);
  });

  it('pathForFile asks webUtils', () => {
    const client = install();
    const file = { name: 'clip.mp4' } as unknown as File;
    expect(client.pathForFile!(file)).toBe('/home/u/clip.mp4');
    expect(electron.webUtils.getPathForFile).toHaveBeenCalledWith(file);
  });
});
