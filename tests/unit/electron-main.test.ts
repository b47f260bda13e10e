import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';

/**
 * electron/main/index.ts starts the app at import. With electron, the Core,
 * the window factory and the project helpers mocked, importing it runs start()
 * against fakes, and the menu it installs can be clicked to check what the
 * page is sent. Window security and the project helpers have their own tests.
 */

const h = vi.hoisted(() => {
  const webContents = { send: vi.fn(), isLoading: vi.fn(() => false), reload: vi.fn() };
  const win = {
    webContents,
    on: vi.fn(),
    isDestroyed: vi.fn(() => false),
    isMinimized: vi.fn(() => false),
    setTitle: vi.fn(),
    setRepresentedFilename: vi.fn(),
    focus: vi.fn(),
    restore: vi.fn(),
  };
  return {
    win,
    appHandlers: new Map<string, (...args: unknown[]) => unknown>(),
    menus: [] as unknown[],
    core: { close: vi.fn() },
  };
});

vi.mock('electron', () => ({
  app: {
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    on: vi.fn((name: string, fn: (...args: unknown[]) => unknown) => h.appHandlers.set(name, fn)),
    whenReady: vi.fn(() => Promise.resolve()),
    isReady: vi.fn(() => true),
    quit: vi.fn(),
    exit: vi.fn(),
  },
  BrowserWindow: { getAllWindows: vi.fn(() => [h.win]) },
  Menu: {
    buildFromTemplate: vi.fn((template: unknown) => template),
    setApplicationMenu: vi.fn((menu: unknown) => h.menus.push(menu)),
  },
  session: { defaultSession: {} },
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
  protocol: { handle: vi.fn(), unhandle: vi.fn(), registerSchemesAsPrivileged: vi.fn() },
}));

vi.mock('../../electron/core/api', () => ({
  Core: { open: vi.fn(() => h.core), create: vi.fn(() => h.core) },
}));

vi.mock('../../electron/core/session', () => ({
  Session: class {
    current: unknown = null;
    attach(core: unknown): void {
      this.current = core;
    }
    user(): string | null {
      return 'Ana';
    }
  },
}));

vi.mock('../../electron/core/media/process', () => ({ processRegistry: { killAll: vi.fn() } }));

vi.mock('../../electron/main/window', () => ({
  createMainWindow: vi.fn(() => h.win),
  hardenContents: vi.fn(),
  hardenSession: vi.fn(),
  isAppOrigin: vi.fn(() => false),
  isAppUrl: vi.fn(() => false),
  isDev: vi.fn(() => false),
}));

vi.mock('../../electron/main/project', () => ({
  chooseImport: vi.fn(async () => ['/videos/a.mp4', '/videos/b.mov']),
  chooseNewProjectPath: vi.fn(async () => null),
  chooseProjectToOpen: vi.fn(async () => null),
  clearRecentProjects: vi.fn(),
  forgetProject: vi.fn(),
  lastProject: vi.fn(() => null),
  projectFromArgv: vi.fn(() => '/projects/study.tellframe'),
  recentProjects: vi.fn(() => []),
  rememberProject: vi.fn(),
  showError: vi.fn(async () => {}),
}));

await import('../../electron/main/index');
const electron = await import('electron');

function currentMenu(): MenuItemConstructorOptions[] {
  const menu = h.menus.at(-1);
  expect(menu).toBeDefined();
  return menu as MenuItemConstructorOptions[];
}

function menuItem(top: string, label: string): MenuItemConstructorOptions {
  const sub = currentMenu().find((m) => m.label === top || m.role === top)?.submenu;
  const found = Array.isArray(sub) ? sub.find((m) => m.label === label) : undefined;
  if (!found) throw new Error(`no ${top} › ${label}`);
  return found;
}

function click(item: MenuItemConstructorOptions): void {
  (item.click as () => void)();
}

describe('main process menu wiring', () => {
  it('starts: opens the project from argv, creates the window and installs the menu', async () => {
    await vi.waitFor(() => expect(h.win.setTitle).toHaveBeenCalledWith('study.tellframe — Tellframe'));
    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalled();
    expect(electron.ipcMain.handle).toHaveBeenCalledWith('tellframe:call', expect.any(Function));
    expect(menuItem('&File', 'Import Files…').enabled).toBe(true);
    // The project acts as the annotator from the user's settings, and starts ffmpeg ahead of the first frame.
    const { Core } = await import('../../electron/core/api');
    expect(Core.open).toHaveBeenCalledWith(expect.stringMatching(/study\.tellframe$/), { prewarmDecoder: true, actor: 'Ana', exportWorker: expect.objectContaining({ start: expect.any(Function) }), faceWorker: expect.objectContaining({ start: expect.any(Function) }), audioWorker: expect.objectContaining({ start: expect.any(Function) }), printPdf: (await import('../../electron/main/pdf')).electronPdf });
  });

  it.each([
    ['Zoom In', 'in'],
    ['Zoom Out', 'out'],
    ['Fit', 'fit'],
    ['Actual Pixels', 'actual'],
  ] as const)('View › %s sends {action: view.zoom, zoom: %s} to the page', (label, zoom) => {
    h.win.webContents.send.mockClear();
    click(menuItem('&View', label));
    expect(h.win.webContents.send).toHaveBeenCalledExactlyOnceWith('tellframe:menu', { action: 'view.zoom', zoom });
  });

  it('Help › Keyboard Shortcuts sends help.shortcuts', () => {
    h.win.webContents.send.mockClear();
    click(menuItem('help', 'Keyboard Shortcuts'));
    expect(h.win.webContents.send).toHaveBeenCalledExactlyOnceWith('tellframe:menu', { action: 'help.shortcuts' });
  });

  it('File › Import Files… sends the chosen paths', async () => {
    h.win.webContents.send.mockClear();
    click(menuItem('&File', 'Import Files…'));
    await vi.waitFor(() =>
      expect(h.win.webContents.send).toHaveBeenCalledExactlyOnceWith('tellframe:menu', {
        action: 'import',
        paths: ['/videos/a.mp4', '/videos/b.mov'],
      }),
    );
  });

  it('sends nothing to a destroyed window', () => {
    h.win.webContents.send.mockClear();
    h.win.isDestroyed.mockReturnValueOnce(true);
    click(menuItem('&View', 'Fit'));
    expect(h.win.webContents.send).not.toHaveBeenCalled();
  });
});
