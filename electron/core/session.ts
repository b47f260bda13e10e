import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { api, isMethod, isSessionMethod, type Output, type SessionMethod } from '../../shared/api';
import { TellframeError, toErrorInfo, type Result } from '../../shared/errors';
import type { FrameExt } from '../../shared/frameUrl';
import type { ImportJob } from '../../shared/model';
import { Core, parseInput, type CallContext, type CoreOptions, type ServedFrame } from './api';

/** What a transport (web host, Electron IPC/protocol) needs from whoever answers it. */
export interface Dispatcher {
  dispatch(method: unknown, rawInput: unknown, ctx?: CallContext): Promise<Result<unknown>>;
  frameBytes(id: number, index: number, ext: FrameExt, signal?: AbortSignal, opts?: { prefetch?: boolean; cursor?: number }): Promise<ServedFrame>;
  /** Path of a playable audio file for the video (made on first use). */
  audioFile(id: number, signal?: AbortSignal): Promise<string>;
}

export interface SessionOptions extends CoreOptions {
  /** Where the recent-projects list lives (default: the user's config folder). Null keeps none. */
  configDir?: string | null;
  /** Whether the page may open and create projects (browser mode) or the desktop menus do. */
  canChooseProject?: boolean;
}

const MAX_RECENT = 10;
const JOB_KEEP_MS = 10 * 60_000;

export function defaultConfigDir(): string {
  if (process.env.TELLFRAME_CONFIG_DIR) return process.env.TELLFRAME_CONFIG_DIR;
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'Tellframe');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Tellframe');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'tellframe');
}

interface Job {
  state: ImportJob;
  ac: AbortController;
  endedAt: number | null;
}

/**
 * One user's session: the open project (if any), recent projects, path
 * completion and background import jobs. Hosts talk to it; it answers the
 * session methods itself and hands the rest to the open project's Core.
 */
export class Session implements Dispatcher {
  private core: Core | null = null;
  private readonly jobs = new Map<string, Job>();
  private readonly configDir: string | null;
  private userName: string | null = null;

  constructor(private readonly opts: SessionOptions = {}) {
    this.configDir = opts.configDir === undefined ? defaultConfigDir() : opts.configDir;
  }

  get current(): Core | null {
    return this.core;
  }

  /** Make `core` the open project (the desktop shell opens projects itself). */
  attach(core: Core | null): void {
    if (this.core && this.core !== core) {
      for (const j of this.jobs.values()) j.ac.abort();
      this.core.close();
    }
    this.core = core;
    if (core) this.remember(core.store.file);
  }

  open(file: string): Core {
    const abs = path.resolve(file);
    if (this.core?.store.file === abs) return this.core;
    this.attach(Core.open(abs, this.coreOptions()));
    return this.core!;
  }

  create(file: string): Core {
    const abs = path.resolve(file);
    this.attach(Core.create(abs, this.coreOptions()));
    return this.core!;
  }

  private coreOptions(): CoreOptions {
    const user = this.user();
    // A session serves a viewer: have ffmpeg started before the first frame is asked for.
    const opts: CoreOptions = { prewarmDecoder: true, ...this.opts };
    return user ? { ...opts, actor: user } : opts;
  }

  /** The annotator's name from the user's settings, or null before it is given. */
  user(): string | null {
    if (!this.configDir) return this.userName;
    try {
      const v = (JSON.parse(readFileSync(path.join(this.configDir, 'user.json'), 'utf8')) as { name?: unknown }).name;
      return typeof v === 'string' && v.trim() ? v.trim() : null;
    } catch {
      return this.userName;
    }
  }

  /** Remember the annotator's name; the open project acts as them from now on. */
  setUser(name: string): string {
    const clean = name.trim();
    this.userName = clean;
    if (this.configDir) {
      try {
        mkdirSync(this.configDir, { recursive: true });
        writeFileSync(path.join(this.configDir, 'user.json'), JSON.stringify({ name: clean }, null, 2));
      } catch {
        // Kept for this session only.
      }
    }
    if (this.core) this.core.actor = clean;
    return clean;
  }

  close(): void {
    this.attach(null);
  }

  recent(): string[] {
    if (!this.configDir) return [];
    try {
      const list = JSON.parse(readFileSync(path.join(this.configDir, 'recent.json'), 'utf8')) as unknown;
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      return [];
    }
  }

  private remember(file: string): void {
    if (!this.configDir) return;
    const list = [file, ...this.recent().filter((f) => f !== file)].slice(0, MAX_RECENT);
    try {
      mkdirSync(this.configDir, { recursive: true });
      writeFileSync(path.join(this.configDir, 'recent.json'), JSON.stringify(list, null, 2));
    } catch {
      // A read-only config folder costs the recent list, nothing else.
    }
  }

  private need(): Core {
    if (!this.core) throw new TellframeError('NOT_FOUND', 'No project is open. Create or open one first.');
    return this.core;
  }

  async frameBytes(id: number, index: number, ext: FrameExt, signal?: AbortSignal, opts?: { prefetch?: boolean; cursor?: number }): Promise<ServedFrame> {
    return this.need().frameBytes(id, index, ext, signal, opts);
  }

  async audioFile(id: number, signal?: AbortSignal): Promise<string> {
    return this.need().audioFile(id, signal);
  }

  async dispatch(method: unknown, rawInput: unknown, ctx: CallContext = {}): Promise<Result<unknown>> {
    try {
      if (!isMethod(method)) throw new TellframeError('BAD_INPUT', `Unknown method ${String(method).slice(0, 80)}.`);
      if (!isSessionMethod(method)) return this.need().dispatch(method, rawInput, ctx);
      const value = await this.handle(method, parseInput(method, rawInput) as Record<string, unknown>);
      return { ok: true, value: api[method].output.parse(value) };
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  }

  private async handle(method: SessionMethod, input: Record<string, unknown>): Promise<Output<SessionMethod>> {
    switch (method) {
      case 'session.info':
        return {
          project: this.core?.store.file ?? null, recent: this.recent(), home: os.homedir(), canChooseProject: this.opts.canChooseProject ?? true,
          user: this.user(),
        };
      case 'session.setUser':
        return { user: this.setUser(String(input.name)) };
      case 'session.open':
      case 'session.create': {
        if (this.opts.canChooseProject === false) throw new TellframeError('BAD_INPUT', 'Use File › New Project… or File › Open Project….');
        const file = String(input.path);
        const core = method === 'session.open' ? this.open(file) : this.create(file);
        return { project: core.store.file };
      }
      case 'fs.complete':
        return { entries: await complete(String(input.prefix), Number(input.limit)) };
      case 'import.start':
        return { jobId: this.startImport(input.paths as string[], Boolean(input.forceDecode)) };
      case 'import.status':
        return this.job(String(input.jobId)).state;
      case 'import.cancel': {
        const j = this.job(String(input.jobId));
        const running = j.state.state === 'running';
        j.ac.abort();
        return { cancelled: running };
      }
    }
  }

  private job(id: string): Job {
    const j = this.jobs.get(id);
    if (!j) throw new TellframeError('NOT_FOUND', `No import job ${id}.`);
    return j;
  }

  /** Import in the background; progress is polled with import.status. */
  startImport(paths: string[], forceDecode = false): string {
    const core = this.need();
    const now = Date.now();
    for (const [id, j] of this.jobs) if (j.endedAt && now - j.endedAt > JOB_KEEP_MS) this.jobs.delete(id);
    const jobId = randomUUID();
    const job: Job = {
      state: { jobId, state: 'running', progress: null, items: [], skipped: 0, error: null },
      ac: new AbortController(),
      endedAt: null,
    };
    this.jobs.set(jobId, job);
    void core.handlers['media.import']({ paths, forceDecode }, {
      signal: job.ac.signal,
      onProgress: (p) => {
        job.state = { ...job.state, progress: { ...p } };
      },
      onItem: (item) => {
        job.state = { ...job.state, items: [...job.state.items, item] };
      },
    }).then(
      (res) => {
        job.state = { ...job.state, state: 'done', items: res.items, skipped: res.skipped, progress: null };
      },
      (err: unknown) => {
        const info = toErrorInfo(err);
        job.state = { ...job.state, state: info.code === 'ABORTED' ? 'cancelled' : 'failed', error: info, progress: null };
      },
    ).finally(() => {
      job.endedAt = Date.now();
    });
    return jobId;
  }
}

/**
 * Entries of the folder a typed prefix names, filtered by the partial name
 * after the last separator ("~/" is the home folder). Hidden entries only
 * when the partial name starts with a dot.
 */
export async function complete(prefix: string, limit = 100): Promise<{ path: string; name: string; dir: boolean }[]> {
  let p = prefix.trim();
  if (p === '~' || p.startsWith('~/')) p = path.join(os.homedir(), p.slice(1));
  if (!p) p = os.homedir() + path.sep;
  const endsWithSep = p.endsWith('/') || p.endsWith(path.sep);
  const dir = endsWithSep ? p : path.dirname(p);
  const partial = endsWithSep ? '' : path.basename(p);
  if (!existsSync(dir)) return [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const lower = partial.toLowerCase();
  const out: { path: string; name: string; dir: boolean }[] = [];
  for (const name of names.sort((a, b) => a.localeCompare(b))) {
    if (name.startsWith('.') && !partial.startsWith('.')) continue;
    if (!name.toLowerCase().startsWith(lower)) continue;
    const full = path.join(dir, name);
    const st = await stat(full).catch(() => null);
    if (!st) continue;
    out.push({ path: st.isDirectory() ? full + path.sep : full, name, dir: st.isDirectory() });
    if (out.length >= limit) break;
  }
  return out;
}
