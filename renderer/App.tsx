import { useSyncExternalStore } from 'react';
import { FrameView } from './features/frame/FrameView';
import { Library } from './features/library/Library';
import type { Store } from './state/store';

export function App({ store }: { store: Store }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const selected = store.selected();
  return (
    <>
      <header>
        <h1>Tellframe</h1>
        <span className="path">{state.projectPath ?? ''}</span>
      </header>
      <main>
        <Library store={store} state={state} />
        {selected ? <FrameView store={store} video={selected} frame={state.frame} /> : <div className="empty">Select a video.</div>}
      </main>
    </>
  );
}
