import { Menu, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import type { MenuEvent } from '../../renderer/global';

/** The player's frame zoom steps the View menu asks for. */
export type FrameZoom = Extract<MenuEvent, { action: 'view.zoom' }>['zoom'];

/** What the menu shows; index.ts rebuilds the menu whenever this changes. */
export interface MenuState {
  dev: boolean;
  projectOpen: boolean;
  recent: readonly string[];
}

/** What the menu does; index.ts implements these. */
export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openRecent(file: string): void;
  clearRecent(): void;
  importFiles(): void;
  importFolder(): void;
  /** View › Zoom In / Zoom Out / Fit / Actual Pixels: the player's frame zoom. */
  zoom(zoom: FrameZoom): void;
  showShortcuts(): void;
  /** Edit › Undo / Redo: the page undoes the last annotation change (or the typing in a focused field). */
  undo(): void;
  redo(): void;
  /** File › Export… / Import Annotations…: the page's dialogs. */
  exportData(): void;
  importAnnotations(): void;
  evidenceReport(): void;
}

/** "name — folder" so two projects with the same file name can be told apart. */
function recentLabel(file: string): string {
  // '&' marks a mnemonic in menu labels on Windows and Linux.
  return `${path.basename(file)} — ${path.dirname(file)}`.replaceAll('&', '&&');
}

export function buildMenu(state: MenuState, actions: MenuActions): Menu {
  const mac = process.platform === 'darwin';

  const recent: MenuItemConstructorOptions[] = state.recent.length
    ? [
        ...state.recent.map((file) => ({ label: recentLabel(file), click: () => actions.openRecent(file) })),
        { type: 'separator' },
        { label: 'Clear Recent', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No Recent Projects', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'New Project…', accelerator: 'CmdOrCtrl+Shift+N', click: () => actions.newProject() },
      { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
      { label: 'Open Recent', submenu: recent },
      { type: 'separator' },
      { label: 'Import Files…', accelerator: 'CmdOrCtrl+I', enabled: state.projectOpen, click: () => actions.importFiles() },
      { label: 'Import Folder…', enabled: state.projectOpen, click: () => actions.importFolder() },
      { label: 'Import Annotations…', enabled: state.projectOpen, click: () => actions.importAnnotations() },
      { type: 'separator' },
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', enabled: state.projectOpen, click: () => actions.exportData() },
      { label: 'Evidence Report…', enabled: state.projectOpen, click: () => actions.evidenceReport() },
      ...(mac ? [] : ([{ type: 'separator' }, { role: 'quit' }] as MenuItemConstructorOptions[])),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      // Not the undo/redo roles: those only undo typing. The page decides
      // between a focused text field and the annotation history.
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: () => actions.undo() },
      { label: 'Redo', accelerator: mac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Shift+Z', click: () => actions.redo() },
      { type: 'separator' },
      // Without these roles, copy and paste do not work in text fields on macOS.
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(state.dev
        ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])
        : []),
      // The frame zoom of the player, not the page zoom of the window: the
      // page-zoom roles (resetZoom/zoomIn/zoomOut) would claim the same keys.
      { label: 'Zoom In', accelerator: 'CmdOrCtrl+Plus', enabled: state.projectOpen, click: () => actions.zoom('in') },
      { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', enabled: state.projectOpen, click: () => actions.zoom('out') },
      { label: 'Fit', accelerator: 'CmdOrCtrl+0', enabled: state.projectOpen, click: () => actions.zoom('fit') },
      { label: 'Actual Pixels', accelerator: 'CmdOrCtrl+1', enabled: state.projectOpen, click: () => actions.zoom('actual') },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: 'Keyboard Shortcuts', accelerator: 'CmdOrCtrl+/', click: () => actions.showShortcuts() }],
  };

  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    file,
    edit,
    view,
    ...(mac ? [{ role: 'windowMenu' } as MenuItemConstructorOptions] : []),
    help,
  ];
  return Menu.buildFromTemplate(template);
}
