import { useSyncExternalStore } from 'react';
import { Library } from './features/library/Library';
import { Player } from './features/player/Player';
import type { Store } from './state/store';

export function App({ store }: { store: Store }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  return (
    <>
      <header>
        <h1>Tellframe</h1>
        <span className="path">{state.projectPath ?? ''}</span>
      </header>
      <main>
        <Library store={store} state={state} />
        {state.selectedId !== null ? <Player player={store.player} /> : <div className="empty">Select a video.</div>}
      </main>
    </>
  );
}
