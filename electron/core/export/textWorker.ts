import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../../shared/errors';
import type { ExportFormat, ExportOptions } from '../../../shared/exportFormats';
import type { ExportModel } from './model';
import { TEXT_BUILDERS } from './textFormats';
import { writeOutFiles } from './write';

/**
 * An export worker: builds text formats off the main thread, so a big export
 * uses every core and the app (IPC, the web host, progress polling) stays
 * responsive. It receives the model once, then one format at a time, writes
 * the files itself and answers with their hashes. Per-frame pts are read
 * from the project file (read-only; WAL lets it read beside the app).
 */
export type WorkerRequest =
  | { type: 'model'; model: ExportModel; options: ExportOptions; projectFile: string | null }
  | { type: 'build'; id: number; format: ExportFormat; dir: string };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'built'; id: number; written: [string, { sha256: string; bytes: number }][] }
  | { type: 'failed'; id: number; error: { code: string; message: string } };

const port = parentPort!;
let model: ExportModel | null = null;
let options: ExportOptions | null = null;
let db: Database.Database | null = null;

function framePts(videoId: number): ArrayLike<number> | undefined {
  if (!db) return undefined;
  const rows = db.prepare('SELECT pts FROM frames WHERE media_id = ? ORDER BY n').raw().all(videoId) as [number][];
  return Float64Array.from(rows, (r) => r[0]);
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'model') {
    model = msg.model;
    options = msg.options;
    db = msg.projectFile ? new Database(msg.projectFile, { readonly: true, fileMustExist: true }) : null;
    return;
  }
  void (async () => {
    try {
      const build = TEXT_BUILDERS[msg.format];
      if (!build || !model || !options) throw new Error(`export worker cannot build ${msg.format}`);
      const written = await writeOutFiles(msg.dir, build(model, options, framePts));
      port.postMessage({ type: 'built', id: msg.id, written: [...written] } satisfies WorkerReply);
    } catch (err) {
      port.postMessage({ type: 'failed', id: msg.id, error: toErrorInfo(err) } satisfies WorkerReply);
    }
  })();
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
