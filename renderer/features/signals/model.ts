import type { TellframeClient } from '../../../shared/api';
import type { CandidateParams, SignalKind, SignalView } from '../../../shared/candidates';
import { DEFAULT_CANDIDATE_PARAMS } from '../../../shared/candidates';
import { loadParams, sameParams, saveParams } from './params';

export type CandidateRow = SignalView['candidates'][number];
export type DecisionState = 'open' | 'accepted' | 'dismissed';

/** The lane each signal's candidates are drawn on. */
export const LANE_OF: Record<SignalKind, string> = {
  blink: 'ear',
  lip_sync: 'mouth',
  lighting: 'lighting',
  colour: 'colour',
  sharpness: 'sharpness',
  flicker: 'flicker',
};

export const SIGNAL_NAMES: Record<SignalKind, string> = {
  blink: 'Blink',
  lip_sync: 'Lip sync',
  lighting: 'Lighting',
  colour: 'Colour',
  sharpness: 'Sharpness',
  flicker: 'Flicker',
};

export function decisionOf(c: CandidateRow): DecisionState {
  return c.decision?.decision ?? 'open';
}

export interface SignalsState {
  videoId: number | null;
  /** The project file the parameters are kept for (null until known). */
  project: string | null;
  /** The parameters the view is asked with (and decisions are taken with). */
  params: CandidateParams;
  /** undefined: loading; null: no signals computed for this video yet. */
  view: SignalView | null | undefined;
  /** Why the view could not be read. */
  error: string | null;
  /** What the last decision did or why it failed. */
  status: { text: string; error: boolean } | null;
  selected: string | null;
  /** The label a candidate is to be accepted as, where the person chose another than it suggests. */
  labelFor: Record<string, string>;
  /** A decision is being saved. */
  deciding: string | null;
}

/** What the signals side needs of the annotation model: to follow its changes (undo, deletes) and to read it back after a decision. */
export interface AnnotationsSource {
  subscribe(l: () => void): () => void;
  getState(): { videoId: number | null; annotations: readonly { id: string; provenance?: unknown }[]; history: { undo: string | null; redo: string | null } };
  reload(): Promise<void>;
}

/**
 * What of the annotation side can change a candidate's decision: which
 * annotations came from candidates (one deleted, or brought back, changes
 * "accepted" to "annotation deleted"), and any step of the history (an undo
 * or redo can be of a decision). When it changes only the decisions are
 * read again (signals.decisions, small), never the lanes.
 */
export function decisionStamp(a: ReturnType<AnnotationsSource['getState']>): string {
  const fromCandidates = a.annotations.filter((x) => x.provenance).map((x) => x.id);
  return JSON.stringify([fromCandidates, a.history.undo, a.history.redo]);
}

const FOLLOW_MS = 120;

/**
 * The open video's signals outside React: the view (lanes, candidates with
 * their decisions) for the parameters chosen in this project, the selected
 * candidate, and decisions. One view request is out at a time; a change
 * while it is out asks again for the newest video and parameters when it
 * returns. The view is read again whenever a change on the annotation
 * side can have changed a decision (a decision undone, an accepted
 * candidate's annotation deleted), so what the list says is what the
 * project holds.
 */
export class SignalsModel {
  private state: SignalsState = { videoId: null, project: null, params: DEFAULT_CANDIDATE_PARAMS, view: undefined, error: null, status: null, selected: null, labelFor: {}, deciding: null };
  private listeners = new Set<() => void>();
  private inflight = false;
  private again = false;
  private follow: ReturnType<typeof setTimeout> | null = null;
  private seen = '';
  private decisionsAsked = 0;

  constructor(private readonly client: TellframeClient, private readonly annotations: AnnotationsSource) {}

  getState = (): SignalsState => this.state;
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  private set(patch: Partial<SignalsState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** Follow the annotation model while mounted; returns the stop. */
  attach(): () => void {
    this.seen = decisionStamp(this.annotations.getState());
    const off = this.annotations.subscribe(() => {
      const a = this.annotations.getState();
      const stamp = decisionStamp(a);
      if (stamp === this.seen) return;
      this.seen = stamp;
      if (a.videoId === null || a.videoId !== this.state.videoId || this.state.view === null) return;
      // Bursts (a drag, an import) ask once.
      if (this.follow) clearTimeout(this.follow);
      this.follow = setTimeout(() => {
        this.follow = null;
        void this.refreshDecisions();
      }, FOLLOW_MS);
    });
    return () => {
      off();
      if (this.follow) clearTimeout(this.follow);
      this.follow = null;
    };
  }

  /** Show a video's signals, with the parameters kept for this project. */
  async open(videoId: number): Promise<void> {
    if (videoId === this.state.videoId) return;
    this.set({ videoId, view: undefined, error: null, status: null, selected: null, labelFor: {}, deciding: null });
    if (this.state.project === null) {
      try {
        const info = await this.client.call('project.info', {});
        if (this.state.project === null) this.set({ project: info.path, params: loadParams(info.path) });
      } catch {
        // Without the project's path the defaults are used and nothing is kept.
      }
    }
    await this.refresh();
  }

  /** Read the view again (after the signals were computed, or a change). */
  async refresh(): Promise<void> {
    if (this.follow) {
      clearTimeout(this.follow);
      this.follow = null;
    }
    if (this.inflight) {
      this.again = true;
      return;
    }
    this.inflight = true;
    try {
      do {
        this.again = false;
        const { videoId, params } = this.state;
        if (videoId === null) break;
        try {
          // Decisions asked before this view are older than the ones it brings; ones asked while it is out are newer.
          const asked = ++this.decisionsAsked;
          const view = await this.client.call('signals.view', { id: videoId, params });
          if (this.again || videoId !== this.state.videoId || params !== this.state.params) continue;
          const selected = view?.candidates.some((c) => c.id === this.state.selected) ? this.state.selected : null;
          this.set({ view, error: null, selected });
          if (this.decisionsAsked !== asked) void this.refreshDecisions();
        } catch (err) {
          if (this.again || videoId !== this.state.videoId) continue;
          this.set({ error: `Could not read the signals: ${(err as Error).message}` });
        }
      } while (this.again);
    } finally {
      this.inflight = false;
    }
  }

  /** Read the decisions again and put them on the candidates shown (the lanes stay as they are). */
  async refreshDecisions(): Promise<void> {
    if (this.follow) {
      clearTimeout(this.follow);
      this.follow = null;
    }
    const { videoId } = this.state;
    if (videoId === null || !this.state.view) return;
    const ask = ++this.decisionsAsked;
    try {
      const decisions = await this.client.call('signals.decisions', { id: videoId });
      const view = this.state.view;
      // A newer question, another video, or a view read meanwhile (with its own decisions) wins.
      if (ask !== this.decisionsAsked || videoId !== this.state.videoId || !view) return;
      this.set({ view: { ...view, candidates: view.candidates.map((c) => ({ ...c, decision: decisions[c.id] ?? null })) } });
    } catch (err) {
      if (ask === this.decisionsAsked) this.set({ error: `Could not read the decisions: ${(err as Error).message}` });
    }
  }

  /** Derive the candidates again with other parameters (kept for this project). */
  setParams(params: CandidateParams): void {
    if (sameParams(params, this.state.params)) return;
    saveParams(this.state.project, params);
    this.set({ params });
    void this.refresh();
  }

  select(id: string | null): void {
    this.set({ selected: id });
  }

  selectedCandidate(): CandidateRow | undefined {
    return this.state.view?.candidates.find((c) => c.id === this.state.selected);
  }

  /**
   * Select the next (1) or previous (−1) candidate in frame order and return
   * it (the caller shows its first frame). With none selected, `]` takes
   * the first one that has not ended before `frame` (the one the frame is
   * in, or the next), `[` the last one that starts before it.
   */
  step(dir: 1 | -1, frame: number): CandidateRow | null {
    const list = this.state.view?.candidates ?? [];
    if (!list.length) {
      this.set({ status: { text: this.state.view ? 'No candidates with these parameters.' : 'No signals yet: compute them first.', error: false } });
      return null;
    }
    const i = list.findIndex((c) => c.id === this.state.selected);
    let j: number;
    if (i >= 0) j = i + dir;
    else if (dir > 0) j = list.findIndex((c) => c.endFrame >= frame);
    else j = list.findLastIndex((c) => c.startFrame < frame);
    const c = list[j];
    if (!c) {
      this.set({ status: { text: dir > 0 ? 'No candidate after this one.' : 'No candidate before this one.', error: false } });
      return null;
    }
    this.set({ selected: c.id, status: null });
    return c;
  }

  setLabel(candidate: string, label: string): void {
    this.set({ labelFor: { ...this.state.labelFor, [candidate]: label } });
  }

  /**
   * Accept, dismiss or reopen a candidate with the parameters the view was
   * derived with; then the annotations and the view are read back. Returns
   * whether it was done (the reason is in the status when not).
   */
  async decide(id: string, decision: 'accept' | 'dismiss' | 'reopen'): Promise<boolean> {
    const { videoId, view } = this.state;
    const c = view?.candidates.find((x) => x.id === id);
    if (videoId === null || !view || !c) return this.fail(`No candidate ${id} in this view.`);
    if (this.state.deciding) return false;
    const chosen = this.state.labelFor[id];
    const label = decision === 'accept' && chosen && chosen !== c.label ? chosen : undefined;
    this.set({ deciding: id, status: null });
    try {
      const r = await this.client.call('signals.decide', { id: videoId, candidate: id, decision, params: view.params, ...(label ? { label } : {}) });
      const what = decision === 'accept' ? `Accepted: ${r.annotation?.kind.replace('_', ' ') ?? 'annotation'} ${r.annotation?.label ?? c.label} at frames ${c.startFrame}–${c.endFrame}` : decision === 'dismiss' ? `Dismissed: ${c.text}` : `Reopened: ${c.text}`;
      this.set({ deciding: null, status: { text: `${what} (Ctrl+Z undoes it)`, error: false } });
    } catch (err) {
      this.set({ deciding: null });
      return this.fail((err as Error).message);
    }
    // The annotation list, the timeline and undo read back from the project; then the decisions.
    try {
      await this.annotations.reload();
    } catch (err) {
      this.fail(`Saved, but the annotations could not be read again: ${(err as Error).message}`);
    }
    this.seen = decisionStamp(this.annotations.getState());
    await this.refreshDecisions();
    return true;
  }

  /** Say something in the candidates' status line. */
  say(text: string, error = false): void {
    this.set({ status: { text, error } });
  }

  private fail(text: string): false {
    this.set({ status: { text, error: true } });
    return false;
  }
}
