import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => unknown;

const h = vi.hoisted(() => {
  class FakeWindow {
    static instances: FakeWindow[] = [];
    readonly options: Record<string, unknown>;
    readonly handlers = new Map<string, Array<(...args: unknown[]) => unknown>>();
    readonly show = vi.fn();
    readonly loadURL = vi.fn(() => Promise.resolve());
    readonly loadFile = vi.fn(() => Promise.resolve());
    constructor(options: Record<string, unknown>) {
      this.options = options;
      FakeWindow.instances.push(this);
    }
    on(name: string, fn: (...args: unknown[]) => unknown): this {
      this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn]);
      return this;
    }
    once(name: string, fn: (...args: unknown[]) => unknown): this {
      return this.on(name, fn);
    }
  }
  return { FakeWindow, app: { isPackaged: false }, openExternal: vi.fn(() => Promise.resolve()) };
});

vi.mock('electron', () => ({
  app: h.app,
  BrowserWindow: h.FakeWindow,
  shell: { openExternal: h.openExternal },
}));

type WindowModule = typeof import('../../electron/main/window');

// window.ts lives in electron/main and finds the page at ../renderer/index.html.
const WINDOW_TS = fileURLToPath(new URL('../../electron/main/window.ts', import.meta.url));
const INDEX_HTML = path.join(path.dirname(WINDOW_TS), '../renderer/index.html');
const APP_URL = pathToFileURL(INDEX_HTML).toString();

/** window.ts decides dev or file once per load, so each mode gets a fresh module. */
async function load(opts: { dev?: string; packaged?: boolean } = {}): Promise<WindowModule> {
  vi.resetModules();
  if (opts.dev === undefined) delete process.env.ELECTRON_RENDERER_URL;
  else process.env.ELECTRON_RENDERER_URL = opts.dev;
  h.app.isPackaged = opts.packaged ?? false;
  return import('../../electron/main/window');
}

const savedEnv = process.env.ELECTRON_RENDERER_URL;
beforeEach(() => {
  h.FakeWindow.instances.length = 0;
  h.openExternal.mockClear();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  if (savedEnv === undefined) delete process.env.ELECTRON_RENDERER_URL;
  else process.env.ELECTRON_RENDERER_URL = savedEnv;
  vi.restoreAllMocks();
});

describe('isAppUrl / isAppOrigin with the bundled page', () => {
  it('accepts the app page with any hash or query', async () => {
    const w = await load();
    expect(w.isDev()).toBe(false);
    expect(w.isAppUrl(APP_URL)).toBe(true);
    expect(w.isAppUrl(`${APP_URL}#/player/3`)).toBe(true);
    expect(w.isAppUrl(`${APP_URL}?x=1`)).toBe(true);
  });

  it('refuses other file:// pages, web origins, custom schemes and junk', async () => {
    const w = await load();
    expect(w.isAppUrl(pathToFileURL(path.join(path.dirname(INDEX_HTML), 'other.html')).toString())).toBe(false);
    expect(w.isAppUrl(pathToFileURL('/tmp/index.html').toString())).toBe(false);
    expect(w.isAppUrl(`file://evil.example${fileURLToPath(APP_URL)}`)).toBe(false);
    expect(w.isAppUrl('https://example.com/index.html')).toBe(false);
    expect(w.isAppUrl('http://localhost:5173/')).toBe(false);
    expect(w.isAppUrl('tellframe://media/frame/1/2.png')).toBe(false);
    expect(w.isAppUrl('about:blank')).toBe(false);
    expect(w.isAppUrl('not a url')).toBe(false);
    expect(w.isAppUrl('')).toBe(false);
  });

  it('accepts only the file page origins', async () => {
    const w = await load();
    expect(w.isAppOrigin('null')).toBe(true);
    expect(w.isAppOrigin('file://')).toBe(true);
    expect(w.isAppOrigin('https://example.com')).toBe(false);
    expect(w.isAppOrigin('http://localhost:5173')).toBe(false);
    expect(w.isAppOrigin('')).toBe(false);
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app', async () => {
    const w = await load({ dev: 'http://localhost:5173/', packaged: true });
    expect(w.isDev()).toBe(false);
    expect(w.isAppUrl('http://localhost:5173/')).toBe(false);
    expect(w.isAppOrigin('http://localhost:5173')).toBe(false);
    expect(w.isAppUrl(APP_URL)).toBe(true);
  });
});

describe('isAppUrl / isAppOrigin with the dev server', () => {
  it('accepts the dev server origin only', async () => {
    const w = await load({ dev: 'http://localhost:5173/' });
    expect(w.isDev()).toBe(true);
    expect(w.isAppUrl('http://localhost:5173/')).toBe(true);
    expect(w.isAppUrl('http://localhost:5173/index.html#x')).toBe(true);
    expect(w.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(w.isAppUrl('https://localhost:5173/')).toBe(false);
    expect(w.isAppUrl('http://127.0.0.1:5173/')).toBe(false);
    expect(w.isAppUrl(APP_URL)).toBe(false);
    expect(w.isAppOrigin('http://localhost:5173')).toBe(true);
    expect(w.isAppOrigin('null')).toBe(false);
    expect(w.isAppOrigin('file://')).toBe(false);
    expect(w.isAppOrigin('http://localhost:5174')).toBe(false);
  });
});

describe('createMainWindow', () => {
  it('creates an isolated, sandboxed window without Node and loads the bundled page', async () => {
    const w = await load();
    const win = w.createMainWindow() as unknown as InstanceType<typeof h.FakeWindow>;
    expect(h.FakeWindow.instances).toEqual([win]);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.preload).toBe(path.join(path.dirname(WINDOW_TS), '../preload/index.cjs'));
    expect(win.options.show).toBe(false);
    expect(win.loadFile).toHaveBeenCalledExactlyOnceWith(INDEX_HTML);
    expect(win.loadURL).not.toHaveBeenCalled();

    // Shown once ready; the page cannot retitle the window.
    for (const fn of win.handlers.get('ready-to-show') ?? []) fn();
    expect(win.show).toHaveBeenCalledTimes(1);
    const event = { preventDefault: vi.fn() };
    for (const fn of win.handlers.get('page-title-updated') ?? []) fn(event, 'Evil');
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('loads the dev server in dev', async () => {
    const w = await load({ dev: 'http://localhost:5173/' });
    const win = w.createMainWindow() as unknown as InstanceType<typeof h.FakeWindow>;
    expect(win.loadURL).toHaveBeenCalledExactlyOnceWith('http://localhost:5173/');
    expect(win.loadFile).not.toHaveBeenCalled();
  });
});

/** A WebContents stand-in that records what hardenContents registers. */
function fakeContents() {
  const handlers = new Map<string, Handler>();
  let openHandler: Handler | null = null;
  return {
    contents: {
      setWindowOpenHandler: (fn: Handler) => {
        openHandler = fn;
      },
      on: (name: string, fn: Handler) => {
        handlers.set(name, fn);
      },
    },
    open: (url: string) => {
      if (!openHandler) throw new Error('no window open handler');
      return openHandler({ url });
    },
    emit: (name: string, event: Record<string, unknown>) => {
      const fn = handlers.get(name);
      if (!fn) throw new Error(`no ${name} handler`);
      const full = { preventDefault: vi.fn(), ...event };
      fn(full);
      return full;
    },
  };
}

describe('hardenContents', () => {
  it('denies every new window and opens only https links in the system browser', async () => {
    const w = await load();
    const c = fakeContents();
    w.hardenContents(c.contents as never);
    expect(c.open('https://example.com/docs')).toEqual({ action: 'deny' });
    expect(h.openExternal).toHaveBeenCalledExactlyOnceWith('https://example.com/docs');
    h.openExternal.mockClear();
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', APP_URL, 'smb://host/share']) {
      expect(c.open(url)).toEqual({ action: 'deny' });
    }
    expect(h.openExternal).not.toHaveBeenCalled();
  });

  it('blocks navigation off the app page, and webviews', async () => {
    const w = await load();
    const c = fakeContents();
    w.hardenContents(c.contents as never);

    expect(c.emit('will-frame-navigate', { url: `${APP_URL}#x`, isMainFrame: true }).preventDefault).not.toHaveBeenCalled();

    const away = c.emit('will-frame-navigate', { url: 'https://example.com/', isMainFrame: true });
    expect(away.preventDefault).toHaveBeenCalled();
    expect(h.openExternal).toHaveBeenCalledExactlyOnceWith('https://example.com/');

    h.openExternal.mockClear();
    const sub = c.emit('will-frame-navigate', { url: 'https://example.com/ad', isMainFrame: false });
    expect(sub.preventDefault).toHaveBeenCalled();
    expect(h.openExternal).not.toHaveBeenCalled();

    expect(c.emit('will-frame-navigate', { url: 'file:///etc/passwd', isMainFrame: true }).preventDefault).toHaveBeenCalled();
    expect(h.openExternal).not.toHaveBeenCalled();

    expect(c.emit('will-redirect', { url: 'https://example.com/' }).preventDefault).toHaveBeenCalled();
    expect(c.emit('will-redirect', { url: APP_URL }).preventDefault).not.toHaveBeenCalled();
    expect(c.emit('will-attach-webview', {}).preventDefault).toHaveBeenCalled();
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const s = {
      onHeadersReceived: null as Handler | null,
      permissionRequest: null as Handler | null,
      permissionCheck: null as Handler | null,
      devicePermission: null as Handler | null,
      session: {} as Record<string, unknown>,
    };
    s.session = {
      webRequest: { onHeadersReceived: (fn: Handler) => (s.onHeadersReceived = fn) },
      setPermissionRequestHandler: (fn: Handler) => (s.permissionRequest = fn),
      setPermissionCheckHandler: (fn: Handler) => (s.permissionCheck = fn),
      setDevicePermissionHandler: (fn: Handler) => (s.devicePermission = fn),
    };
    return s;
  }

  it('puts a strict CSP on the app page only, replacing any the page sent', async () => {
    const w = await load();
    const s = fakeSession();
    w.hardenSession(s.session as never);
    const headers = (details: Record<string, unknown>): unknown => {
      let out: unknown;
      s.onHeadersReceived!(details, (r: unknown) => (out = r));
      return out;
    };
    const app = headers({
      resourceType: 'mainFrame',
      url: APP_URL,
      responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] },
    }) as { responseHeaders: Record<string, string[]> };
    expect(app.responseHeaders['content-security-policy']).toBeUndefined();
    expect(app.responseHeaders['X-Other']).toEqual(['1']);
    const csp = app.responseHeaders['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");

    expect(headers({ resourceType: 'mainFrame', url: 'https://example.com/', responseHeaders: {} })).toEqual({});
    expect(headers({ resourceType: 'xhr', url: APP_URL, responseHeaders: {} })).toEqual({});
  });

  it('grants no permissions', async () => {
    const w = await load();
    const s = fakeSession();
    w.hardenSession(s.session as never);
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      const cb = vi.fn();
      s.permissionRequest!(null, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect(s.permissionCheck!(null, permission)).toBe(false);
    }
    expect(s.devicePermission!({})).toBe(false);
  });
});
