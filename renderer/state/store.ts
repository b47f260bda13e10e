import type { TellframeClient } from '../../shared/api';
import type { VideoSummary } from '../../shared/model';
import { PlayerController } from '../features/player/controller';

/** App state lives outside React; components read it with useSyncExternalStore and change it through actions. */
export interface AppState {
  projectPath: string | null;
  videos: VideoSummary[];
  loading: boolean;
  error: string | null;
  selectedId: number | null;
}

type Listener = () => void;

export function createStore(client: TellframeClient) {
  let state: AppState = { projectPath: null, videos: [], loading: true, error: null, selectedId: null };
  const listeners = new Set<Listener>();
  const set = (patch: Partial<AppState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };
  const player = new PlayerController(client);
  const warmed = new Set<number>();

  return {
    client,
    player,
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
    /** Open a video in the player at a frame. */
    select(id: number, frame = 0) {
      const v = state.videos.find((x) => x.id === id);
      if (!v) return;
      set({ selectedId: id });
      void player.open(v, frame);
    },
    /** The pointer or focus is on a video: have its first frame decoded before it is opened. */
    warm(id: number) {
      if (warmed.has(id) || id === state.selectedId) return;
      warmed.add(id);
      client.call('media.prefetch', { id, index: 0 }).catch(() => warmed.delete(id));
    },
    selected: () => state.videos.find((v) => v.id === state.selectedId) ?? null,
  };
}

export type Store = ReturnType<typeof createStore>;
