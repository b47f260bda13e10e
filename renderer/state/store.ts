import type { TellframeClient } from '../../shared/api';
import type { VideoSummary } from '../../shared/model';

/** App state lives outside React; components read it with useStore and change it through actions. */
export interface AppState {
  projectPath: string | null;
  videos: VideoSummary[];
  loading: boolean;
  error: string | null;
  selectedId: number | null;
  frame: number;
}

type Listener = () => void;

export function createStore(client: TellframeClient) {
  let state: AppState = { projectPath: null, videos: [], loading: true, error: null, selectedId: null, frame: 0 };
  const listeners = new Set<Listener>();
  const set = (patch: Partial<AppState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };
  const selected = () => state.videos.find((v) => v.id === state.selectedId) ?? null;

  return {
    client,
    getState: () => state,
    subscribe(l: Listener) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async load() {
      set({ loading: true, error: null });
      try {
        const [info, videos] = await Promise.all([client.call('project.info', {}), client.call('media.list', {})]);
        set({ projectPath: info.path, videos, loading: false });
      } catch (err) {
        set({ loading: false, error: (err as Error).message });
      }
    },
    select(id: number, frame = 0) {
      const v = state.videos.find((x) => x.id === id);
      if (!v) return;
      set({ selectedId: id, frame: Math.min(Math.max(0, frame), v.frameCount - 1) });
    },
    /** Go to a frame of the selected video, clamped to its range. */
    goTo(frame: number) {
      const v = selected();
      if (!v || !Number.isFinite(frame)) return;
      set({ frame: Math.min(Math.max(0, Math.trunc(frame)), v.frameCount - 1) });
    },
    step(delta: number) {
      this.goTo(state.frame + delta);
    },
    selected,
  };
}

export type Store = ReturnType<typeof createStore>;
