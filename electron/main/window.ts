import { app, BrowserWindow, shell, type Session, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one secure window factory, and the one place that knows where the app's
 * page lives. Everything that has to tell the app's page from anything else
 * (IPC sender checks, CSP, navigation guards, CORS on frame bytes) asks
 * isAppUrl / isAppOrigin here.
 */

const here = path.dirname(fileURLToPath(import.meta.url)); // out/main
const PRELOAD = path.join(here, '../preload/index.cjs');
const INDEX_HTML = path.join(here, '../renderer/index.html');

type Location = { kind: 'dev'; url: URL } | { kind: 'file'; file: string };

let location: Location | null = null;

/**
 * electron-vite's dev server in development, the bundled index.html otherwise.
 * A packaged app ignores ELECTRON_RENDERER_URL, so an environment variable
 * can never point it at someone else's page.
 */
function rendererLocation(): Location {
  if (!location) {
    const dev = process.env.ELECTRON_RENDERER_URL;
    location = !app.isPackaged && dev ? { kind: 'dev', url: new URL(dev) } : { kind: 'file', file: INDEX_HTML };
  }
  return location;
}

export function isDev(): boolean {
  return rendererLocation().kind === 'dev';
}

function samePath(a: string, b: string): boolean {
  return process.platform === 'win32' || process.platform === 'darwin'
    ? a.toLowerCase() === b.toLowerCase()
    : a === b;
}

/** Whether a document URL is the app's own page (any hash or query). */
export function isAppUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  const loc = rendererLocation();
  if (loc.kind === 'dev') return url.origin === loc.url.origin;
  if (url.protocol !== 'file:') return false;
  try {
    return samePath(path.resolve(fileURLToPath(url)), path.resolve(loc.file));
  } catch {
    return false;
  }
}

/** Whether a request's Origin header comes from the app's page. */
export function isAppOrigin(origin: string): boolean {
  const loc = rendererLocation();
  // Chromium serializes the origin of a file:// page as "null".
  return loc.kind === 'dev' ? origin === loc.url.origin : origin === 'null' || origin === 'file://';
}

/** The policy for the app's page; dev adds what Vite's dev server needs. */
function contentSecurityPolicy(): string {
  const loc = rendererLocation();
  const dev = loc.kind === 'dev';
  // In dev, @vitejs/plugin-react injects an inline module script (the Fast
  // Refresh preamble) and Vite's client opens a websocket for HMR.
  const script = dev ? "'self' 'unsafe-inline'" : "'self'";
  const connect = dev ? `'self' tellframe: ws://${loc.url.host}` : "'self' tellframe:";
  return [
    "default-src 'self'",
    "img-src 'self' tellframe: blob: data:",
    "media-src 'self' tellframe: blob:",
    "style-src 'self' 'unsafe-inline'",
    `script-src ${script}`,
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Permissions the page may have. None today: no camera, mic, notifications… */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set<string>();

/** CSP on the app's page and no permissions, for the session the window uses. */
export function hardenSession(ses: Session): void {
  const policy = contentSecurityPolicy();
  ses.webRequest.onHeadersReceived((details, callback) => {
    if ((details.resourceType !== 'mainFrame' && details.resourceType !== 'subFrame') || !isAppUrl(details.url)) {
      callback({});
      return;
    }
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [policy];
    callback({ responseHeaders: headers });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  ses.setDevicePermissionHandler(() => false);
}

function openExternally(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return;
  }
  // Only https leaves the app, and only to the system browser.
  if (url.protocol === 'https:') void shell.openExternal(url.toString());
  else console.warn(`[tellframe] blocked opening ${url.protocol} link`);
}

/**
 * Guards for every WebContents the app ever creates (index.ts hooks this to
 * app 'web-contents-created'): no new windows, no navigation off the app's
 * page, no <webview>.
 */
export function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-frame-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    if (event.isMainFrame) openExternally(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Tellframe',
    backgroundColor: '#16181d',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // The main process owns the title (it names the open project).
  win.on('page-title-updated', (event) => event.preventDefault());

  const loc = rendererLocation();
  const loading = loc.kind === 'dev' ? win.loadURL(loc.url.toString()) : win.loadFile(loc.file);
  loading.catch((err: unknown) => console.error('[tellframe] the window failed to load:', err));
  return win;
}
