import type { AppState, Store } from '../../state/store';
import { formatSeconds } from '../../../shared/time';
import { ImportPanel } from '../import/ImportPanel';

const basename = (p: string) => p.split(/[\\/]/).pop() ?? p;

export function Library({ store, state }: { store: Store; state: AppState }) {
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
      {!state.videos.length ? (
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
                <td>{formatSeconds(v.duration, 2)}</td>
                <td>{v.frameCount}</td>
                <td title={`${v.width}×${v.height}${v.pixFmt ? ' ' + v.pixFmt : ''}`}>{v.codec}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
