import { useEffect, useSyncExternalStore } from 'react';
import { AnnotatePanel } from './features/annotate/AnnotatePanel';
import { RegionOverlay } from './features/annotate/RegionOverlay';
import { Library } from './features/library/Library';
import { Player } from './features/player/Player';
import { ProjectChooser } from './features/project/ProjectChooser';
import type { Store } from './state/store';

export function App({ store }: { store: Store }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  // Desktop menu: File › Import… hands paths to the page, which runs the import and shows progress.
  useEffect(
    () =>
      window.tellframe?.onMenu?.((e) => {
        if (e.action === 'import') void store.importPaths(e.paths);
        else if (e.action === 'view.zoom') store.player.zoomStep(e.zoom);
        else if (e.action === 'edit.undo' || e.action === 'edit.redo') {
          const el = document.activeElement;
          // In a text field the menu undoes typing, as everywhere else.
          if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) document.execCommand(e.action === 'edit.undo' ? 'undo' : 'redo');
          else void (e.action === 'edit.undo' ? store.annotate.undo() : store.annotate.redo());
        }
      }),
    [store],
  );
  if (!state.ready) return <div className="empty">Loading…</div>;
  return (
    <>
      <header>
        <h1>Tellframe</h1>
        <span className="path" data-testid="project-path">{state.projectPath ?? 'no project open'}</span>
      </header>
      {state.projectPath ? (
        <main>
          <Library store={store} state={state} />
          {state.selectedId !== null ? (
            <div className="work">
              <Player player={store.player} overlay={<RegionOverlay model={store.annotate} player={store.player} />} />
              <AnnotatePanel model={store.annotate} player={store.player} />
            </div>
          ) : (
            <div className="empty">Select a video.</div>
          )}
        </main>
      ) : (
        <ProjectChooser store={store} state={state} />
      )}
    </>
  );
}
