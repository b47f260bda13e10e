import { app, dialog, type BrowserWindow, type FileFilter } from 'electron';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Project files on the desktop: the dialogs that pick them, the recent list
 * (a small JSON file in userData), and finding one in the command line.
 * Opening and closing the Core itself happens in index.ts.
 */

/** `.tellframe` is what the CLI suggests; `.tfproj` is accepted too. */
export const PROJECT_EXTENSIONS = ['tellframe', 'tfproj'] as const;
const PROJECT_FILTERS: FileFilter[] = [
  { name: 'Tellframe projects', extensions: [...PROJECT_EXTENSIONS] },
  { name: 'All files', extensions: ['*'] },
];
const VIDEO_FILTERS: FileFilter[] = [
  {
    name: 'Videos',
    extensions: ['mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'mxf', 'ts', 'mts', 'm2ts', 'mpg', 'mpeg', 'wmv', 'flv', '3gp', 'ogv'],
  },
  // The importer recognises videos by content, so any file may be offered.
  { name: 'All files', extensions: ['*'] },
];

const RECENT_FILE = 'recent-projects.json';
const RECENT_MAX = 10;
const RECENT_MAX_BYTES = 64 * 1024;

function recentPath(): string {
  return path.join(app.getPath('userData'), RECENT_FILE);
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function hasProjectExtension(file: string): boolean {
  const ext = path.extname(file).slice(1).toLowerCase();
  return (PROJECT_EXTENSIONS as readonly string[]).includes(ext);
}

/** Recently opened projects, newest first. A broken list reads as empty. */
export function recentProjects(): string[] {
  try {
    const file = recentPath();
    if (statSync(file).size > RECENT_MAX_BYTES) return [];
    const data = JSON.parse(readFileSync(file, 'utf8')) as { projects?: unknown };
    if (!Array.isArray(data.projects)) return [];
    const list = data.projects.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p));
    return [...new Set(list)].slice(0, RECENT_MAX);
  } catch {
    return [];
  }
}

function saveRecent(list: string[]): void {
  const file = recentPath();
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ version: 1, projects: list.slice(0, RECENT_MAX) }, null, 2) + '\n');
    renameSync(tmp, file);
  } catch (err) {
    console.warn('[tellframe] could not save the recent projects list:', err);
  }
}

export function rememberProject(file: string): void {
  const abs = path.resolve(file);
  saveRecent([abs, ...recentProjects().filter((p) => p !== abs)]);
  app.addRecentDocument(abs);
}

export function forgetProject(file: string): void {
  const abs = path.resolve(file);
  saveRecent(recentProjects().filter((p) => p !== abs));
}

export function clearRecentProjects(): void {
  saveRecent([]);
  app.clearRecentDocuments();
}

/** The last project opened, if it is still there. */
export function lastProject(): string | null {
  const [last] = recentProjects();
  return last && isFile(last) ? last : null;
}

/**
 * A project named on the command line (`tellframe-app study.tellframe`, a
 * double-click, or a second instance). Only an existing file with a project
 * extension counts, so Electron's own arguments (`.`, flags) never do.
 */
export function projectFromArgv(argv: readonly string[], cwd = process.cwd()): string | null {
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || !hasProjectExtension(arg)) continue;
    const abs = path.resolve(cwd, arg);
    if (isFile(abs)) return abs;
  }
  return null;
}

/** Where to create a new project; null if cancelled. Adds the extension if missing. */
export async function chooseNewProjectPath(win: BrowserWindow | null): Promise<string | null> {
  const options = {
    title: 'New Project',
    buttonLabel: 'Create',
    defaultPath: path.join(app.getPath('documents'), `Untitled.${PROJECT_EXTENSIONS[0]}`),
    filters: PROJECT_FILTERS,
    properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<'createDirectory' | 'showOverwriteConfirmation'>,
  };
  const res = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (res.canceled || !res.filePath) return null;
  return hasProjectExtension(res.filePath) ? res.filePath : `${res.filePath}.${PROJECT_EXTENSIONS[0]}`;
}

export async function chooseProjectToOpen(win: BrowserWindow | null): Promise<string | null> {
  const options = {
    title: 'Open Project',
    filters: PROJECT_FILTERS,
    properties: ['openFile'] as Array<'openFile'>,
  };
  const res = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return res.canceled ? null : (res.filePaths[0] ?? null);
}

/** Files or folders to import; an empty list if cancelled. */
export async function chooseImport(win: BrowserWindow | null, what: 'files' | 'folder'): Promise<string[]> {
  const options = {
    title: what === 'files' ? 'Import Files' : 'Import Folder',
    buttonLabel: 'Import',
    filters: what === 'files' ? VIDEO_FILTERS : [],
    properties: (what === 'files' ? ['openFile', 'multiSelections'] : ['openDirectory', 'multiSelections']) as Array<
      'openFile' | 'openDirectory' | 'multiSelections'
    >,
  };
  const res = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return res.canceled ? [] : res.filePaths;
}

export async function showError(win: BrowserWindow | null, title: string, err: unknown): Promise<void> {
  const detail = err instanceof Error ? err.message : String(err);
  const options = { type: 'error' as const, title, message: title, detail, buttons: ['OK'] };
  if (win) await dialog.showMessageBox(win, options);
  else await dialog.showMessageBox(options);
}
