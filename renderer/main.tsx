import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { defaultClient } from './client';
import { createStore } from './state/store';

const store = createStore(defaultClient());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
void store.load().then(() => {
  // Deep link: ?video=ID&frame=N opens that video at that frame.
  const q = new URLSearchParams(window.location.search);
  const video = Number(q.get('video'));
  if (video) store.select(video, Number(q.get('frame') ?? 0));
});
