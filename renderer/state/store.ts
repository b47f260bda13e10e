import type { Output, TellframeClient } from '../../shared/api';
import type { ImportJob, VideoSummary } from '../../shared/model';
import { AnnotateModel } from '../features/annotate/model';
import { PlayerController } from '../features/player/controller';

/** App state lives outside React; components read it with useSyncExternalStore and change it through actions. */
export interface AppState {
  /** null until session.info has answered. */
  ready: boolean;
  projectPath: string | null;
  recent: string[];
  home: string;
  canChooseProject: boolean;
  videos: VideoSummary[];
  loading: boolean;
  error: string | null;
  selectedId: number | null;
  job: ImportJob | null;
  /** Each opened video's file checked against its recorded hash (once a session): pending, or the result. */
  integrity: Record<number, 'checking' | Output<'media.verify'>>;
}

type Listener = () => void;

/** How long after a video is opened its file is re-hashed (the first frames and steps come first). */
const VERIFY_DELAY_MS = 1500;

export function createStore(client: TellframeClient) {
  let state: AppState = {
    ready: false, projectPath: null, recent: [], home: '', canChooseProject: true, videos: [], loading: false, error: null, selectedId: null, job: null,
    integrity: {},
  };
  const listeners = new Set<Listener>();
  const set = (patch: Partial<AppState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  };
  const player = new PlayerController(client);
  const annotate = new AnnotateModel(client);
  const warmed = new Set<number>();
  let poll: ReturnType<typeof setTimeout> | null = null;
  let verifying: Promise<void> = Promise.resolve();

  const store = {
    client,
    player,
    annotate,
    getState: () => state,
    subscribe(l: Listener) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    /** Start: which project is open (if any), then its videos. */
    async load() {
      try {
        const info = await client.call('session.info', {});
        set({ ready: true, projectPath: info.project, recent: info.recent, home: info.home, canChooseProject: info.canChooseProject, error: null });
        annotate.knownUser(info.user);
        if (info.project) await store.refresh();
      } catch (err) {
        set({ ready: true, error: (err as Error).message });
      }
    },
    async refresh() {
      set({ loading: true });
      try {
        set({ videos: await client.call('media.list', {}), loading: false, error: null });
        // The first rows are what the user sees and is likely to open: have
        // their first frames decoded meanwhile, one after another.
        void (async () => {
          for (const v of state.videos.slice(0, 6)) await store.warm(v.id);
        })();
      } catch (err) {
        set({ loading: false, error: (err as Error).message });
      }
    },
    /** Open or create a project by path; returns an error message or null. */
    async openProject(path: string, create: boolean): Promise<string | null> {
      try {
        const res = await client.call(create ? 'session.create' : 'session.open', { path });
        warmed.clear();
        set({ projectPath: res.project, videos: [], selectedId: null, job: null, integrity: {} });
        await store.load();
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    },
    /** Import in the background and follow its progress. */
    async importPaths(paths: string[]): Promise<string | null> {
      if (!paths.length) return 'Name a file or folder to import.';
      if (state.job?.state === 'running') return 'An import is already running.';
      try {
        const { jobId } = await client.call('import.start', { paths });
        set({ job: { jobId, state: 'running', progress: null, items: [], skipped: 0, error: null } });
        let listed = 0; // imported files already reflected in the list
        const tick = async () => {
          try {
            const job = await client.call('import.status', { jobId });
            set({ job });
            const imported = job.items.filter((i) => i.ok).length;
            if (job.state === 'running') {
              poll = setTimeout(() => void tick(), 200);
              if (imported > listed) {
                listed = imported;
                void store.refresh();
              }
            } else void store.refresh();
          } catch (err) {
            set({ error: (err as Error).message });
          }
        };
        void tick();
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    },
    async cancelImport() {
      if (poll) clearTimeout(poll);
      const job = state.job;
      if (!job) return;
      await client.call('import.cancel', { jobId: job.jobId }).catch(() => undefined);
      const fresh = await client.call('import.status', { jobId: job.jobId }).catch(() => null);
      if (fresh) set({ job: fresh });
      void store.refresh();
    },
    dismissImport() {
      if (state.job?.state !== 'running') set({ job: null });
    },
    /** Open a video in the player at a frame. */
    select(id: number, frame = 0) {
      const v = state.videos.find((x) => x.id === id);
      if (!v) return;
      set({ selectedId: id });
      void player.open(v, frame);
      // Custody: the file is re-hashed once a session when opened, a moment later so the first frames come first.
      if (!(id in state.integrity)) {
        set({ integrity: { ...state.integrity, [id]: 'checking' } });
        // Tied to this project: ids start at 1 in every project, so a check must not run (or land) in another one.
        const project = state.projectPath;
        const same = () => state.projectPath === project;
        // One check at a time, in the order videos were opened.
        verifying = verifying.then(
          () =>
            new Promise<void>((done) =>
              setTimeout(() => {
                if (!same()) return done();
                client.call('media.verify', { id }).then(
                  (r) => {
                    if (same()) set({ integrity: { ...state.integrity, [id]: r } });
                    done();
                  },
                  () => {
                    if (same()) {
                      const { [id]: _, ...rest } = state.integrity;
                      set({ integrity: rest });
                    }
                    done();
                  },
                );
              }, VERIFY_DELAY_MS),
            ),
        );
      }
    },
    /**
     * Point a video whose file moved at its new place (the host accepts only
     * the file with the recorded SHA-256), then check it again. Returns an
     * error message, or null when it worked.
     */
    async relink(id: number, path: string): Promise<string | null> {
      const project = state.projectPath;
      try {
        // The host hashed the file to accept it: that is the check.
        const v = await client.call('media.relink', { id, path });
        if (state.projectPath !== project) return null;
        set({ integrity: { ...state.integrity, [id]: { id, path: v.path, status: 'ok', expected: v.sha256, actual: v.sha256 } } });
        await store.refresh();
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    },
    /** The pointer or focus is on a video: have its first frame decoded before it is opened. */
    async warm(id: number): Promise<void> {
      if (warmed.has(id) || id === state.selectedId) return;
      warmed.add(id);
      await client.call('media.prefetch', { id, index: 0 }).catch(() => warmed.delete(id));
    },
    selected: () => state.videos.find((v) => v.id === state.selectedId) ?? null,
  };
  return store;
}

export type Store = ReturnType<typeof createStore>;
