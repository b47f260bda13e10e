import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  chooseNewProjectPath,
  clearRecentProjects,
  forgetProject,
  hasProjectExtension,
  lastProject,
  projectFromArgv,
  recentProjects,
  rememberProject,
} from '../../electron/main/project';

const h = vi.hoisted(() => ({ userData: '', documents: '' }));

vi.mock('electron', () => ({
  app: {
    getPath: vi.fn((name: string) => {
      if (name === 'userData') return h.userData;
      if (name === 'documents') return h.documents;
      throw new Error(`unexpected app.getPath(${name})`);
    }),
    addRecentDocument: vi.fn(),
    clearRecentDocuments: vi.fn(),
  },
  dialog: { showSaveDialog: vi.fn(), showOpenDialog: vi.fn(), showMessageBox: vi.fn() },
}));

const electron = await import('electron');
const app = vi.mocked(electron.app);
const dialog = vi.mocked(electron.dialog);

const root = mkdtempSync(path.join(tmpdir(), 'tellframe-project-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
beforeEach(() => {
  // A fresh userData folder per test, so no test sees another's list.
  h.userData = path.join(root, `userData-${++n}`);
  mkdirSync(h.userData);
  h.documents = path.join(root, 'Documents');
  vi.clearAllMocks();
});

function touch(rel: string): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  return file;
}

const recentFile = (): string => path.join(h.userData, 'recent-projects.json');

describe('hasProjectExtension', () => {
  it('accepts .tellframe and .tfproj in any case and nothing else', () => {
    expect(hasProjectExtension('a/study.tellframe')).toBe(true);
    expect(hasProjectExtension('C:\\x\\study.TFPROJ')).toBe(true);
    expect(hasProjectExtension('study.Tellframe')).toBe(true);
    expect(hasProjectExtension('study.tellframe.bak')).toBe(false);
    expect(hasProjectExtension('study.sqlite')).toBe(false);
    expect(hasProjectExtension('tellframe')).toBe(false);
    expect(hasProjectExtension('.tellframe')).toBe(false); // a dotfile, no extension
    expect(hasProjectExtension('')).toBe(false);
  });
});

describe('projectFromArgv', () => {
  const cwd = path.join(root, 'cwd');
  const study = touch('cwd/study.tellframe');
  const other = touch('elsewhere/other.tfproj');
  touch('cwd/notes.txt');
  mkdirSync(path.join(root, 'cwd/folder.tellframe'), { recursive: true });

  it('resolves a relative project path against the given cwd', () => {
    expect(projectFromArgv(['/usr/bin/tellframe', 'study.tellframe'], cwd)).toBe(study);
    expect(projectFromArgv(['/usr/bin/tellframe', '../elsewhere/other.tfproj'], cwd)).toBe(other);
  });

  it('accepts an absolute path', () => {
    expect(projectFromArgv(['exe', other], '/')).toBe(other);
  });

  it('ignores the executable, flags, other extensions, folders and missing files', () => {
    // argv[0] is the executable, even if it looked like a project.
    expect(projectFromArgv([study], cwd)).toBeNull();
    expect(projectFromArgv(['exe', '--user-data-dir=study.tellframe', '-x', '.', 'notes.txt'], cwd)).toBeNull();
    expect(projectFromArgv(['exe', 'folder.tellframe'], cwd)).toBeNull();
    expect(projectFromArgv(['exe', 'missing.tellframe'], cwd)).toBeNull();
  });

  it('returns the first project that exists, skipping what comes before it', () => {
    expect(projectFromArgv(['exe', '--inspect', 'missing.tellframe', 'notes.txt', 'study.tellframe', other], cwd)).toBe(study);
  });

  it('defaults cwd to process.cwd()', () => {
    const spy = vi.spyOn(process, 'cwd').mockReturnValue(cwd);
    try {
      expect(projectFromArgv(['exe', 'study.tellframe'])).toBe(study);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the recent projects list', () => {
  it('reads as empty when there is no list yet', () => {
    expect(recentProjects()).toEqual([]);
    expect(lastProject()).toBeNull();
  });

  it('round-trips through userData, newest first, without duplicates', () => {
    const a = touch('recent/a.tellframe');
    const b = touch('recent/b.tellframe');
    rememberProject(a);
    rememberProject(b);
    expect(recentProjects()).toEqual([b, a]);
    rememberProject(a);
    expect(recentProjects()).toEqual([a, b]);
    expect(app.addRecentDocument).toHaveBeenLastCalledWith(a);

    const saved = JSON.parse(readFileSync(recentFile(), 'utf8')) as unknown;
    expect(saved).toEqual({ version: 1, projects: [a, b] });
    expect(lastProject()).toBe(a);

    forgetProject(a);
    expect(recentProjects()).toEqual([b]);
    expect(lastProject()).toBe(b);

    clearRecentProjects();
    expect(recentProjects()).toEqual([]);
    expect(app.clearRecentDocuments).toHaveBeenCalledTimes(1);
  });

  it('stores absolute paths even when given a relative one', () => {
    rememberProject('relative/x.tellframe');
    expect(recentProjects()).toEqual([path.resolve('relative/x.tellframe')]);
  });

  it('keeps at most ten projects', () => {
    for (let i = 0; i < 12; i++) rememberProject(path.join(root, `many/${i}.tellframe`));
    const list = recentProjects();
    expect(list).toHaveLength(10);
    expect(list[0]).toBe(path.join(root, 'many/11.tellframe'));
    expect(list).not.toContain(path.join(root, 'many/1.tellframe'));
  });

  it('reports no last project when the newest one is gone', () => {
    const kept = touch('recent/kept.tellframe');
    rememberProject(kept);
    rememberProject(path.join(root, 'recent/gone.tellframe'));
    expect(recentProjects()[0]).toBe(path.join(root, 'recent/gone.tellframe'));
    expect(lastProject()).toBeNull();
  });

  it('treats a broken list as empty and drops entries that are not absolute paths', () => {
    writeFileSync(recentFile(), '{ not json');
    expect(recentProjects()).toEqual([]);
    writeFileSync(recentFile(), JSON.stringify({ projects: 'nope' }));
    expect(recentProjects()).toEqual([]);
    const abs = path.join(root, 'ok.tellframe');
    writeFileSync(recentFile(), JSON.stringify({ projects: [abs, 'relative.tellframe', 42, null, abs] }));
    expect(recentProjects()).toEqual([abs]);
    writeFileSync(recentFile(), JSON.stringify({ projects: [abs], pad: 'x'.repeat(70 * 1024) }));
    expect(recentProjects()).toEqual([]);
  });
});

describe('chooseNewProjectPath', () => {
  it('adds the project extension when the user left it off and returns null when cancelled', async () => {
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/p/study' });
    await expect(chooseNewProjectPath(null)).resolves.toBe('/p/study.tellframe');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/p/study.tfproj' });
    await expect(chooseNewProjectPath(null)).resolves.toBe('/p/study.tfproj');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    await expect(chooseNewProjectPath(null)).resolves.toBeNull();
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(
      expect.objectContaining({ defaultPath: path.join(h.documents, 'Untitled.tellframe') }),
    );
  });
});
