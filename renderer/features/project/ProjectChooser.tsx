import { useState } from 'react';
import type { AppState, Store } from '../../state/store';
import { PathField } from '../import/PathField';

/** Shown when no project is open: recent projects, open by path, create by path. */
export function ProjectChooser({ store, state }: { store: Store; state: AppState }) {
  const [path, setPath] = useState(state.home ? state.home.replace(/\/?$/, '/') : '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const go = async (p: string, create: boolean) => {
    setBusy(true);
    setError(await store.openProject(p, create));
    setBusy(false);
  };
  if (!state.canChooseProject) {
    return (
      <div className="chooser">
        <h2>No project open</h2>
        <p>Use File › New Project… or File › Open Project….</p>
      </div>
    );
  }
  return (
    <div className="chooser">
      <h2>Open or create a project</h2>
      <p className="muted">A project is one file (for example <code>study.tellframe</code>) that references your videos; it never copies or changes them.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void go(path, false);
        }}
      >
        <PathField client={store.client} value={path} onChange={setPath} label="Project file" placeholder="/path/to/study.tellframe" />
        <button type="submit" disabled={busy}>Open</button>
        <button type="button" disabled={busy} onClick={() => void go(path, true)}>Create new</button>
      </form>
      {error ? <p className="error" role="alert">{error}</p> : null}
      {state.recent.length ? (
        <>
          <h3>Recent</h3>
          <ul className="recent">
            {state.recent.map((r) => (
              <li key={r}>
                <button type="button" className="link" onClick={() => void go(r, false)}>{r}</button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
