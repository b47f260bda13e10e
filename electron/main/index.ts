import { app, BrowserWindow, Menu, session } from 'electron';
import path from 'node:path';
import { Core } from '../core/api';
import type { WorkerSpec } from '../core/export/pool';
import { Worker } from 'node:worker_threads';
import { Session } from '../core/session';
import { processRegistry } from '../core/media/process';
import { MENU_CHANNEL, registerIpc, registerMediaProtocol, registerSchemePrivileges } from '../host/ipc';
import type { MenuEvent } from '../../renderer/global';
import { buildMenu } from './menu';
import { electronPdf } from './pdf';
import {
  chooseImport,
  chooseNewProjectPath,
  chooseProjectToOpen,
  clearRecentProjects,
  forgetProject,
  lastProject,
  projectFromArgv,
  recentProjects,
  rememberProject,
  showError,
} from './project';
import { createMainWindow, hardenContents, hardenSession, isAppOrigin, isAppUrl, isDev } from './window';

/** Export workers: electron.vite.config.ts builds electron/core/export/textWorker.ts beside this file as exportWorker.js. */
const EXPORT_WORKER: WorkerSpec = { start: () => new Worker(new URL('./exportWorker.js', import.meta.url)) };
/** The face-signal worker, built the same way (electron/core/signals/faceWorker.ts → faceWorker.js). */
const FACE_WORKER: WorkerSpec = { start: () => new Worker(new URL('./faceWorker.js', import.meta.url)) };
/** The spectrogram worker (electron/core/media/audioWorker.ts → audioWorker.js). */
const AUDIO_WORKER: WorkerSpec = { start: () => new Worker(new URL('./audioWorker.js', import.meta.url)) };

/**
 * App lifecycle: one instance, one window, at most one open project. The
 * project's Core is reached by the page through host/ipc.ts; opening another
 * project swaps the Core and reloads the page, which then starts afresh.
 */

// Both must happen before 'ready'.
registerSchemePrivileges();
app.enableSandbox();

interface OpenProject {
  core: Core;
  file: string;
  /** Aborted on close so long calls (imports, verify) of this project stop. */
  controller: AbortController;
}

let project: OpenProject | null = null;
let mainWindow: BrowserWindow | null = null;
/** A project asked for before the app was ready (macOS open-file, argv). */
let pendingProject: string | null = null;
/**
 * Answers the page's calls. The desktop app opens projects from its menus
 * and dialogs (and keeps its own recent list), so the page may not.
 */
const sessionHost = new Session({ configDir: null, canChooseProject: false });

function closeProject(): void {
  if (!project) return;
  const { core, controller } = project;
  project = null;
  controller.abort();
  // Imports and frame extraction belong to the project being closed.
  processRegistry.killAll();
  try {
    if (sessionHost.current === core) sessionHost.attach(null);
    else core.close();
  } catch (err) {
    console.warn('[tellframe] closing the project failed:', err);
  }
}

function refreshChrome(): void {
  Menu.setApplicationMenu(
    buildMenu(
      { dev: isDev(), projectOpen: project !== null, recent: recentProjects() },
      {
        newProject: () => void newProject(),
        openProject: () => void openProjectDialog(),
        openRecent: (file) => void openProject(file, 'open', { forgetOnFailure: true }),
        clearRecent: () => {
          clearRecentProjects();
          refreshChrome();
        },
        importFiles: () => void importFromDialog('files'),
        importFolder: () => void importFromDialog('folder'),
        zoom: (zoom) => sendMenu({ action: 'view.zoom', zoom }),
        showShortcuts: () => sendMenu({ action: 'help.shortcuts' }),
        undo: () => sendMenu({ action: 'edit.undo' }),
        redo: () => sendMenu({ action: 'edit.redo' }),
        exportData: () => sendMenu({ action: 'file.export' }),
        importAnnotations: () => sendMenu({ action: 'file.importAnnotations' }),
        evidenceReport: () => sendMenu({ action: 'file.report' }),
      },
    ),
  );
  if (mainWindow && !mainWindow.isDestroyed()) {
    mainWindow.setTitle(project ? `${path.basename(project.file)} — Tellframe` : 'Tellframe');
    if (process.platform === 'darwin') mainWindow.setRepresentedFilename(project?.file ?? '');
  }
}

/** Opens (or creates) a project and makes it the current one. Returns whether it worked. */
async function openProject(file: string, how: 'open' | 'create', opts: { forgetOnFailure?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  const abs = path.resolve(file);
  if (project && project.file === abs && how === 'open') {
    focusWindow();
    return true;
  }
  let core: Core;
  try {
    const user = sessionHost.user();
    const coreOpts = { prewarmDecoder: true, exportWorker: EXPORT_WORKER, faceWorker: FACE_WORKER, audioWorker: AUDIO_WORKER, printPdf: electronPdf, ...(user ? { actor: user } : {}) };
    core = how === 'create' ? Core.create(abs, coreOpts) : Core.open(abs, coreOpts);
  } catch (err) {
    if (opts.forgetOnFailure) forgetProject(abs);
    refreshChrome();
    if (!opts.quiet) await showError(mainWindow, how === 'create' ? 'Could not create the project' : 'Could not open the project', err);
    return false;
  }
  closeProject();
  project = { core, file: abs, controller: new AbortController() };
  sessionHost.attach(core);
  rememberProject(abs);
  refreshChrome();
  // The page holds ids and frames of the old project: start it afresh.
  if (mainWindow && !mainWindow.isDestroyed() && !mainWindow.webContents.isLoading()) mainWindow.webContents.reload();
  return true;
}

async function newProject(): Promise<void> {
  const file = await chooseNewProjectPath(mainWindow);
  if (file) await openProject(file, 'create');
}

async function openProjectDialog(): Promise<void> {
  const file = await chooseProjectToOpen(mainWindow);
  if (file) await openProject(file, 'open');
}

function sendMenu(event: MenuEvent): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(MENU_CHANNEL, event);
}

async function importFromDialog(what: 'files' | 'folder'): Promise<void> {
  if (!project) return;
  const paths = await chooseImport(mainWindow, what);
  // The page runs media.import itself, so it can show progress and results.
  if (paths.length) sendMenu({ action: 'import', paths });
}

function focusWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    openWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function openWindow(): void {
  mainWindow = createMainWindow();
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  refreshChrome();
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  const hostOptions = {
    core: () => sessionHost,
    signal: () => project?.controller.signal,
    isAppUrl,
    isAppOrigin,
  };
  registerIpc(hostOptions);
  registerMediaProtocol(hostOptions);

  // A project named on the command line wins over the last one used; a
  // last project that no longer opens is dropped quietly.
  const requested = pendingProject ?? projectFromArgv(process.argv);
  pendingProject = null;
  if (requested) await openProject(requested, 'open');
  else {
    const last = lastProject();
    if (last) await openProject(last, 'open', { forgetOnFailure: true, quiet: true });
  }
  openWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));

  app.on('second-instance', (_event, argv, cwd) => {
    const file = projectFromArgv(argv, cwd);
    focusWindow();
    if (file) void openProject(file, 'open');
  });

  // macOS: a project file double-clicked in Finder or dropped on the Dock icon.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (app.isReady()) void openProject(file, 'open').then(() => focusWindow());
    else pendingProject = file;
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => {
    closeProject();
    processRegistry.killAll();
  });

  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error('[tellframe] failed to start:', err);
      app.exit(1);
    });
}
