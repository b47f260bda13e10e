import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it, vi, type Mock } from 'vitest';
import { buildMenu } from '../../electron/main/menu';

// buildFromTemplate hands back the template itself, so the tests can read it.
vi.mock('electron', () => ({
  Menu: { buildFromTemplate: vi.fn((template: unknown) => template) },
}));

type Actions = Parameters<typeof buildMenu>[1];
type State = Parameters<typeof buildMenu>[0];

function actions(): { [K in keyof Actions]: Mock<Actions[K]> } {
  return {
    newProject: vi.fn<Actions['newProject']>(),
    openProject: vi.fn<Actions['openProject']>(),
    openRecent: vi.fn<Actions['openRecent']>(),
    clearRecent: vi.fn<Actions['clearRecent']>(),
    importFiles: vi.fn<Actions['importFiles']>(),
    importFolder: vi.fn<Actions['importFolder']>(),
    zoom: vi.fn<Actions['zoom']>(),
    showShortcuts: vi.fn<Actions['showShortcuts']>(),
    undo: vi.fn<Actions['undo']>(),
    redo: vi.fn<Actions['redo']>(),
    exportData: vi.fn<Actions['exportData']>(),
    importAnnotations: vi.fn<Actions['importAnnotations']>(),
    evidenceReport: vi.fn<Actions['evidenceReport']>(),
  };
}

function build(state: Partial<State> = {}, acts: Actions = actions()): MenuItemConstructorOptions[] {
  return buildMenu({ dev: false, projectOpen: true, recent: [], ...state }, acts) as unknown as MenuItemConstructorOptions[];
}

function submenu(item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] {
  expect(Array.isArray(item?.submenu)).toBe(true);
  return item!.submenu as MenuItemConstructorOptions[];
}

function top(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  return submenu(template.find((m) => m.label === label || m.role === label));
}

function item(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
  const found = items.find((m) => m.label === label);
  if (!found) throw new Error(`no menu item "${label}" in ${items.map((m) => m.label ?? m.role ?? m.type).join(', ')}`);
  return found;
}

function click(entry: MenuItemConstructorOptions): void {
  expect(typeof entry.click).toBe('function');
  (entry.click as () => void)();
}

const platform = process.platform;
function setPlatform(value: NodeJS.Platform): void {
  Object.defineProperty(process, 'platform', { value, configurable: true });
}

afterEach(() => setPlatform(platform));

describe('buildMenu', () => {
  it('has File › New, Open, Open Recent, Import Files, Import Folder wired to their actions', () => {
    const acts = actions();
    const file = top(build({}, acts), '&File');
    click(item(file, 'New Project…'));
    expect(acts.newProject).toHaveBeenCalledTimes(1);
    click(item(file, 'Open Project…'));
    expect(acts.openProject).toHaveBeenCalledTimes(1);
    expect(item(file, 'Open Project…').accelerator).toBe('CmdOrCtrl+O');
    click(item(file, 'Import Files…'));
    expect(acts.importFiles).toHaveBeenCalledTimes(1);
    click(item(file, 'Import Folder…'));
    expect(acts.importFolder).toHaveBeenCalledTimes(1);
    expect(item(file, 'Import Files…').enabled).toBe(true);
    expect(submenu(item(file, 'Open Recent'))).toEqual([{ label: 'No Recent Projects', enabled: false }]);
    click(item(file, 'Export…'));
    expect(acts.exportData).toHaveBeenCalledTimes(1);
    expect(item(file, 'Export…').accelerator).toBe('CmdOrCtrl+E');
    click(item(file, 'Import Annotations…'));
    expect(acts.importAnnotations).toHaveBeenCalledTimes(1);
    click(item(file, 'Evidence Report…'));
    expect(acts.evidenceReport).toHaveBeenCalledTimes(1);
  });

  it('disables importing and frame zoom while no project is open', () => {
    const template = build({ projectOpen: false });
    const file = top(template, '&File');
    expect(item(file, 'Import Files…').enabled).toBe(false);
    expect(item(file, 'Import Folder…').enabled).toBe(false);
    expect(item(file, 'Export…').enabled).toBe(false);
    expect(item(file, 'Import Annotations…').enabled).toBe(false);
    expect(item(file, 'Evidence Report…').enabled).toBe(false);
    const view = top(template, '&View');
    for (const label of ['Zoom In', 'Zoom Out', 'Fit', 'Actual Pixels']) expect(item(view, label).enabled).toBe(false);
  });

  it('lists recent projects (escaping "&" mnemonics) and can clear them', () => {
    const acts = actions();
    const a = '/work/R&D/study.tellframe';
    const b = '/tmp/other.tfproj';
    const recent = submenu(item(top(build({ recent: [a, b] }, acts), '&File'), 'Open Recent'));
    expect(recent.map((m) => m.label ?? m.type)).toEqual(['study.tellframe — /work/R&&D', 'other.tfproj — /tmp', 'separator', 'Clear Recent']);
    click(recent[1]!);
    expect(acts.openRecent).toHaveBeenCalledWith(b);
    click(item(recent, 'Clear Recent'));
    expect(acts.clearRecent).toHaveBeenCalledTimes(1);
  });

  it('has Edit › Undo / Redo that ask the page (annotation history), not the typing-only roles', () => {
    const acts = actions();
    const edit = top(build({}, acts), '&Edit');
    const undo = item(edit, 'Undo');
    const redo = item(edit, 'Redo');
    expect([undo.role, redo.role]).toEqual([undefined, undefined]);
    expect(undo.accelerator).toBe('CmdOrCtrl+Z');
    click(undo);
    click(redo);
    expect(acts.undo).toHaveBeenCalledOnce();
    expect(acts.redo).toHaveBeenCalledOnce();
  });

  it('has View › Zoom In / Zoom Out / Fit / Actual Pixels that ask for the frame zoom, not the page zoom', () => {
    const acts = actions();
    const view = top(build({}, acts), '&View');
    const expected = [
      ['Zoom In', 'CmdOrCtrl+Plus', 'in'],
      ['Zoom Out', 'CmdOrCtrl+-', 'out'],
      ['Fit', 'CmdOrCtrl+0', 'fit'],
      ['Actual Pixels', 'CmdOrCtrl+1', 'actual'],
    ] as const;
    for (const [label, accelerator, zoom] of expected) {
      const entry = item(view, label);
      expect(entry.accelerator).toBe(accelerator);
      expect(entry.role).toBeUndefined();
      acts.zoom.mockClear();
      click(entry);
      expect(acts.zoom).toHaveBeenCalledExactlyOnceWith(zoom);
    }
    // The page-zoom roles would claim the same accelerators.
    const roles = view.map((m) => m.role).filter(Boolean);
    expect(roles).not.toContain('zoomIn');
    expect(roles).not.toContain('zoomOut');
    expect(roles).not.toContain('resetZoom');
    expect(roles).toContain('togglefullscreen');
    // No two items anywhere share an accelerator.
    const all = build({ dev: true }).flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));
    const accels = all.map((m) => m.accelerator).filter((a): a is string => typeof a === 'string');
    expect(new Set(accels).size).toBe(accels.length);
  });

  it('shows the reload and devtools roles only in dev', () => {
    expect(top(build({ dev: false }), '&View').map((m) => m.role)).not.toContain('toggleDevTools');
    expect(top(build({ dev: true }), '&View').map((m) => m.role)).toEqual(
      expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']),
    );
  });

  it('keeps the Edit roles that make copy and paste work', () => {
    const roles = top(build(), '&Edit').map((m) => m.role);
    expect(roles).toEqual(expect.arrayContaining(['cut', 'copy', 'paste', 'selectAll']));
  });

  it('has Help › Keyboard Shortcuts', () => {
    const acts = actions();
    const help = top(build({}, acts), 'help');
    const shortcuts = item(help, 'Keyboard Shortcuts');
    expect(shortcuts.accelerator).toBe('CmdOrCtrl+/');
    click(shortcuts);
    expect(acts.showShortcuts).toHaveBeenCalledTimes(1);
    expect(acts.zoom).not.toHaveBeenCalled();
  });

  it('puts Quit in File except on macOS, which gets the app and window menus', () => {
    setPlatform('linux');
    const linux = build();
    expect(top(linux, '&File').map((m) => m.role)).toContain('quit');
    expect(linux.map((m) => m.role)).not.toContain('appMenu');

    setPlatform('darwin');
    const mac = build();
    expect(top(mac, '&File').map((m) => m.role)).not.toContain('quit');
    expect(mac[0]?.role).toBe('appMenu');
    expect(mac.map((m) => m.role)).toContain('windowMenu');
  });
});
