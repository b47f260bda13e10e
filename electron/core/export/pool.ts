import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TellframeError } from '../../../shared/errors';
import type { ExportFormat, ExportOptions } from '../../../shared/exportFormats';
import type { ExportModel, FramePts } from './model';
import { TEXT_BUILDERS } from './textFormats';
import type { WorkerReply, WorkerRequest } from './textWorker';
import { writeOutFiles, type Written } from './write';

/** How this environment starts an export worker (textWorker.ts, or its bundled build). */
export interface WorkerSpec {
  start(): Worker;
}

/**
 * Running from TypeScript sources (the CLI, the web host and the tests run
 * through tsx): the worker registers tsx's loader itself, then imports
 * textWorker.ts. Bundled builds pass their own spec (the desktop app's main
 * process builds the worker as out/main/exportWorker.js); otherwise null,
 * and the formats are built on the calling thread.
 */
export function defaultWorkerSpec(): WorkerSpec | null {
  return sourceWorkerSpec(new URL('./textWorker.ts', import.meta.url));
}

/** A worker running a TypeScript module of the sources through tsx, or null in a bundled build (see defaultWorkerSpec). */
export function sourceWorkerSpec(target: URL): WorkerSpec | null {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return null;
  let api: string;
  try {
    // tsx's ESM entry (the require condition names its CommonJS twin beside it).
    api = createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  } catch {
    return null;
  }
  if (!existsSync(api) || !existsSync(fileURLToPath(target))) return null;
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(target.href)}); });`;
  return { start: () => new Worker(code, { eval: true }) };
}

/** Rough cost order (from bench:export), so the longest builds start first. */
const COST: readonly ExportFormat[] = ['cvat-video', 'csv', 'elan', 'mot', 'cvat-images', 'json', 'webvtt', 'lavdf', 'dfdc'];

export interface TextJob {
  format: ExportFormat;
  dir: string;
}

export interface TextBuildArgs {
  jobs: TextJob[];
  model: ExportModel;
  options: ExportOptions;
  /** The project file, which workers open read-only for per-frame pts. */
  projectFile: string | null;
  /** Per-frame pts on this thread (for the inline path). */
  framePts: FramePts;
  worker: WorkerSpec | null;
  /** Workers started earlier (startWorkers), so they load while the caller takes its snapshot. */
  started?: Promise<(Worker | null)[]>;
  signal?: AbortSignal;
  onDone(format: ExportFormat): void;
}

/** One worker per core, or TELLFRAME_EXPORT_WORKERS (1–64). */
export function exportWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.TELLFRAME_EXPORT_WORKERS);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : Math.max(1, os.availableParallelism());
}

/** Start up to one worker per core (at most `jobs`); each resolves once ready, or null if it could not start. */
export function startWorkers(spec: WorkerSpec | null, jobs: number): Promise<(Worker | null)[]> {
  const n = spec ? Math.min(jobs, exportWorkerCount()) : 0;
  return Promise.all(Array.from({ length: n }, () => ready(spec!)));
}

/** Stop workers started with startWorkers that were never used (e.g. the export failed before building). */
export async function stopWorkers(started: Promise<(Worker | null)[]> | undefined): Promise<void> {
  if (started) await Promise.all((await started).map((w) => w?.terminate()));
}

async function inline(a: TextBuildArgs): Promise<Written> {
  const all: Written = new Map();
  for (const job of a.jobs) {
    if (a.signal?.aborted) throw new TellframeError('ABORTED', 'The export was cancelled.');
    for (const [k, v] of await writeOutFiles(job.dir, TEXT_BUILDERS[job.format]!(a.model, a.options, a.framePts))) all.set(k, v);
    a.onDone(job.format);
  }
  return all;
}

/** A started worker, once it has said it is ready (null if it could not start). */
function ready(spec: WorkerSpec): Promise<Worker | null> {
  return new Promise((resolve) => {
    let w: Worker;
    try {
      w = spec.start();
    } catch {
      resolve(null);
      return;
    }
    // A worker that has not said it is ready within 30 s is given up (the formats are then built here).
    const timer = setTimeout(() => fail(), 30_000);
    const fail = () => {
      clearTimeout(timer);
      void w.terminate();
      resolve(null);
    };
    w.once('error', fail);
    w.once('exit', fail);
    w.once('message', (m: WorkerReply) => {
      clearTimeout(timer);
      w.off('error', fail);
      w.off('exit', fail);
      if (m.type === 'ready') resolve(w);
      else fail();
    });
  });
}

/**
 * Build the text formats on up to one worker per core, each writing its
 * files; falls back to this thread when no worker can start. Rejects on the
 * first failure or on abort, after stopping every worker.
 */
export async function buildTextFormats(a: TextBuildArgs): Promise<Written> {
  if (a.jobs.length === 0) {
    await stopWorkers(a.started);
    return new Map();
  }
  const workers = (await (a.started ?? startWorkers(a.worker, a.jobs.length))).filter((w): w is Worker => w !== null);
  if (workers.length === 0) return inline(a);
  const queue = [...a.jobs].sort((x, y) => COST.indexOf(x.format) - COST.indexOf(y.format));
  const all: Written = new Map();
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      let seq = 0;
      const stop = (err: Error) => {
        if (failed) return;
        failed = true;
        a.signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      const onAbort = () => stop(new TellframeError('ABORTED', 'The export was cancelled.'));
      if (a.signal?.aborted) return onAbort();
      a.signal?.addEventListener('abort', onAbort, { once: true });
      const next = (w: Worker) => {
        const job = queue.shift();
        if (!job) {
          if (running === 0) {
            a.signal?.removeEventListener('abort', onAbort);
            resolve();
          }
          return;
        }
        running++;
        const id = seq++;
        const onMessage = (m: WorkerReply) => {
          if (m.type === 'ready' || m.id !== id) return;
          w.off('message', onMessage);
          running--;
          if (m.type === 'failed') return stop(new TellframeError(m.error.code as 'INTERNAL', m.error.message));
          for (const [k, v] of m.written) all.set(k, v);
          a.onDone(job.format);
          if (!failed) next(w);
        };
        w.on('message', onMessage);
        w.postMessage({ type: 'build', id, format: job.format, dir: job.dir } satisfies WorkerRequest);
      };
      for (const w of workers) {
        w.once('error', (err) => stop(new TellframeError('INTERNAL', `An export worker failed: ${err.message}`)));
        w.once('exit', (code) => stop(new TellframeError('INTERNAL', `An export worker stopped (exit code ${code}) before the export was complete.`)));
        w.postMessage({ type: 'model', model: a.model, options: a.options, projectFile: a.projectFile } satisfies WorkerRequest);
        next(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return all;
}
