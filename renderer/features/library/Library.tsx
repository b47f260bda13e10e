import type { AppState, Store } from '../../state/store';
import { formatSeconds } from '../../../shared/time';
import { ImportPanel } from '../import/ImportPanel';

const basename = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** Files of the running (or last) import that are not in the list yet: the one in progress, and failures. */
function pendingRows(state: AppState): { path: string; stage: string; fraction: number; error: string | null }[] {
  const job = state.job;
  if (!job) return [];
  const rows = job.items.filter((i) => !i.ok).map((i) => ({ path: i.path, stage: 'failed', fraction: 1, error: i.ok ? null : i.error.message }));
  const p = job.progress;
  if (job.state === 'running' && p && !state.videos.some((v) => v.path === p.path) && !rows.some((r) => r.path === p.path)) {
    rows.unshift({ path: p.path, stage: p.stage, fraction: p.fraction, error: null });
  }
  return rows;
}

export function Library({ store, state }: { store: Store; state: AppState }) {
  const pending = pendingRows(state);
  return (
    <div
      className="library"
      onDragOver={(e) => {
        if (window.tellframe?.pathForFile) e.preventDefault();
      }}
      onDrop={(e) => {
        const pathFor = window.tellframe?.pathForFile;
        if (!pathFor) return;
        e.preventDefault();
        const paths = [...e.dataTransfer.files].map((f) => pathFor(f)).filter(Boolean);
        void store.importPaths(paths);
      }}
    >
      <ImportPanel store={store} state={state} />
      {state.error ? <div className="error" role="alert">{state.error}</div> : null}
      {!state.videos.length && !pending.length ? (
        <div className="empty">{state.loading ? 'Loading…' : 'No videos yet. Import a file or a folder above.'}</div>
      ) : (
        <table aria-label="Videos">
          <thead>
            <tr>
              <th aria-label="Thumbnail" />
              <th>Name</th>
              <th>Duration</th>
              <th>Frames</th>
              <th>Codec</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {state.videos.map((v) => (
              <tr
                key={v.id}
                data-video-id={v.id}
                tabIndex={0}
                aria-selected={v.id === state.selectedId}
                title={`${v.path}\n${v.width}×${v.height}${v.vfr ? ', variable frame rate' : ''}, indexed by ${v.indexMethod}`}
                onClick={() => store.select(v.id)}
                onMouseEnter={() => void store.warm(v.id)}
                onFocus={() => void store.warm(v.id)}
                onKeyDown={(e) => e.key === 'Enter' && store.select(v.id)}
              >
                <td>
                  <img className="thumb" loading="lazy" alt="" src={store.client.frameUrl(v.id, 0, 'thumb')} />
                </td>
                <td className="name">{basename(v.path)}</td>
                <td>{formatSeconds(v.duration, 2).replace(/^00:/, '')}</td>
                <td>{v.frameCount}</td>
                <td title={`${v.width}×${v.height}${v.pixFmt ? ' ' + v.pixFmt : ''}`}>{v.codec}</td>
                <td className="status" title={v.indexMethod === 'packets' ? 'Frame index from packets, head checked by decoding' : 'Frame index from a full decode'}>
                  ready
                </td>
              </tr>
            ))}
            {pending.map((p) => (
              <tr key={p.path} className={p.error ? 'failed' : 'pending'} data-import-path={p.path}>
                <td />
                <td className="name" title={p.path}>{basename(p.path)}</td>
                <td colSpan={3} title={p.error ?? undefined}>
                  {p.error ? <span className="error">not imported (reason above)</span> : <progress max={1} value={p.fraction} aria-label={`Importing ${basename(p.path)}`} />}
                </td>
                <td className="status">{p.error ? 'failed' : p.stage}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
