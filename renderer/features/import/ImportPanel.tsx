import { useState } from 'react';
import type { AppState, Store } from '../../state/store';
import { PathField } from './PathField';

const basename = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;

/** Import files or folders by path (browser) — the desktop app also takes drops and the File menu. */
export function ImportPanel({ store, state }: { store: Store; state: AppState }) {
  const [path, setPath] = useState(state.home ? state.home.replace(/\/?$/, '/') : '');
  const [error, setError] = useState<string | null>(null);
  const job = state.job;
  const start = async () => setError(await store.importPaths(path.trim() ? [path.trim()] : []));
  const failed = job?.items.filter((i) => !i.ok) ?? [];
  const ok = job?.items.filter((i) => i.ok).length ?? 0;
  const p = job?.progress;
  const overall = p ? (p.file + p.fraction) / Math.max(1, p.files) : job?.state === 'running' ? 0 : 1;
  return (
    <div className="import" aria-label="Import">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <PathField client={store.client} value={path} onChange={setPath} label="File or folder to import" placeholder="/path/to/videos/" onEnter={() => void start()} />
        <button type="submit" disabled={job?.state === 'running'}>Import</button>
      </form>
      {error ? <p className="error" role="alert">{error}</p> : null}
      {job ? (
        <div className="job" data-testid="import-job" data-state={job.state}>
          <progress max={1} value={overall} aria-label="Import progress" />
          <div className="muted">
            {job.state === 'running'
              ? p
                ? `File ${p.file + 1} of ${p.files}: ${p.stage} ${basename(p.path)}`
                : 'Looking for videos…'
              : `${job.state === 'done' ? 'Done' : job.state === 'cancelled' ? 'Cancelled' : 'Failed'}: ${ok} imported, ${failed.length} failed${job.skipped ? `, ${job.skipped} non-video files skipped` : ''}.`}
            {job.state === 'running' ? (
              <button type="button" className="link" onClick={() => void store.cancelImport()}>Cancel</button>
            ) : (
              <button type="button" className="link" onClick={() => store.dismissImport()}>Dismiss</button>
            )}
          </div>
          {job.error && job.state !== 'cancelled' ? <p className="error" role="alert">{job.error.message}</p> : null}
          {failed.length ? (
            <ul className="failures" aria-label="Files that could not be imported">
              {failed.map((f) => (
                <li key={f.path}>
                  <b title={f.path}>{basename(f.path)}</b>: {f.ok ? '' : f.error.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
