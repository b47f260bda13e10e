import type { AppState, Store } from '../../state/store';

const basename = (p: string) => p.split(/[\\/]/).pop() ?? p;

export function Library({ store, state }: { store: Store; state: AppState }) {
  if (state.loading) return <div className="library empty">Loading…</div>;
  if (state.error) return <div className="library error" role="alert">{state.error}</div>;
  if (!state.videos.length) return <div className="library empty">No videos yet. Import with: tellframe import PROJECT PATH…</div>;
  return (
    <div className="library">
      <table aria-label="Videos">
        <thead>
          <tr>
            <th>#</th>
            <th>Name</th>
            <th>Frames</th>
            <th>Codec</th>
            <th>Size</th>
          </tr>
        </thead>
        <tbody>
          {state.videos.map((v) => (
            <tr
              key={v.id}
              data-video-id={v.id}
              tabIndex={0}
              aria-selected={v.id === state.selectedId}
              title={v.path}
              onClick={() => store.select(v.id)}
              onMouseEnter={() => store.warm(v.id)}
              onFocus={() => store.warm(v.id)}
              onKeyDown={(e) => e.key === 'Enter' && store.select(v.id)}
            >
              <td>{v.id}</td>
              <td>{basename(v.path)}</td>
              <td>{v.frameCount}</td>
              <td>{v.codec}</td>
              <td>
                {v.width}×{v.height}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
