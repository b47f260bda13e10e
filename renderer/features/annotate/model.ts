import type { Input, Output, TellframeClient } from '../../../shared/api';
import type { Annotation, AnnotationKind, HistoryState } from '../../../shared/annotations';
import type { Label } from '../../../shared/model';

export interface AnnotateState {
  videoId: number | null;
  labels: Label[];
  annotations: Annotation[];
  /** The in and out marks (I / O) for the next segment, or null. */
  markIn: number | null;
  markOut: number | null;
  history: HistoryState;
  /** The annotator's name; null until given (asked once). */
  user: string | null;
  /** What the last action did or why it failed, for the status line. */
  status: { text: string; error: boolean } | null;
  filter: { label: string; kind: AnnotationKind | ''; annotator: string };
}

type Listener = () => void;

/** Keys the player already uses; labels cannot take them as hotkeys here. */
export const RESERVED_KEYS = new Set(['i', 'o', 'j', 'k', 'l', 'g', 'm', '0']);

/**
 * The annotation side of the UI, outside React: the open video's annotations
 * and the taxonomy, the I/O marks, undo/redo. Every change goes to the core
 * at once (saved in one transaction with its audit row); the list is then
 * read back, so what is shown is what is stored.
 */
export class AnnotateModel {
  private state: AnnotateState = {
    videoId: null, labels: [], annotations: [], markIn: null, markOut: null, history: { undo: null, redo: null }, user: null, status: null,
    filter: { label: '', kind: '', annotator: '' },
  };
  private listeners = new Set<Listener>();
  private loadSeq = 0;

  constructor(private readonly client: TellframeClient) {}

  getState = (): AnnotateState => this.state;
  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  private set(patch: Partial<AnnotateState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** The annotator's name as session.info reported it at start. */
  knownUser(user: string | null): void {
    this.set({ user });
  }

  async setUser(name: string): Promise<string | null> {
    try {
      const r = await this.client.call('session.setUser', { name });
      this.set({ user: r.user });
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Show a video's annotations (and refresh the taxonomy and history). */
  async open(videoId: number): Promise<void> {
    if (videoId !== this.state.videoId) this.set({ videoId, annotations: [], markIn: null, markOut: null, status: null });
    await this.reload();
  }

  async reload(): Promise<void> {
    const id = this.state.videoId;
    if (id === null) return;
    const seq = ++this.loadSeq;
    const [labels, annotations, history] = await Promise.all([
      this.client.call('labels.list', {}),
      this.client.call('annotations.list', { videoId: id }),
      this.client.call('history.state', {}),
    ]);
    if (seq !== this.loadSeq || id !== this.state.videoId) return;
    this.set({ labels, annotations, history });
  }

  setIn(frame: number): void {
    this.set({ markIn: frame, status: { text: `In at frame ${frame}`, error: false } });
  }
  setOut(frame: number): void {
    this.set({ markOut: frame, status: { text: `Out at frame ${frame}`, error: false } });
  }
  clearMarks(): void {
    this.set({ markIn: null, markOut: null });
  }

  /** The label a key applies (not retired), if any. */
  labelForKey(key: string): Label | undefined {
    return this.state.labels.find((l) => !l.retired && l.hotkey === key.toLowerCase());
  }

  /**
   * Apply a label: to the in–out range as a segment (one mark alone reaches
   * the current frame), or to the current frame as a frame tag.
   */
  async applyLabel(labelId: string, current: number): Promise<void> {
    const id = this.state.videoId;
    if (id === null) return;
    const { markIn, markOut } = this.state;
    if (markIn === null && markOut === null) {
      await this.run('annotations.create', { kind: 'frame_tag', videoId: id, label: labelId, frame: current }, `Tagged frame ${current} ${labelId}`);
      return;
    }
    const a = markIn ?? current;
    const b = markOut ?? current;
    const [startFrame, endFrame] = a <= b ? [a, b] : [b, a];
    const ok = await this.run('annotations.create', { kind: 'segment', videoId: id, label: labelId, startFrame, endFrame }, `Marked frames ${startFrame}–${endFrame} ${labelId}`);
    if (ok) this.clearMarks();
  }

  async update(id: string, patch: Input<'annotations.update'>['patch'], what = 'Changed'): Promise<boolean> {
    return this.run('annotations.update', { id, patch }, what);
  }

  async remove(id: string): Promise<boolean> {
    return this.run('annotations.delete', { id }, 'Deleted');
  }

  async setVerdict(input: Omit<Input<'verdict.set'>, 'videoId'>): Promise<boolean> {
    const id = this.state.videoId;
    if (id === null) return false;
    return this.run('verdict.set', { ...input, videoId: id }, `Verdict: ${input.value}`);
  }

  async undo(): Promise<void> {
    await this.history('history.undo', 'Undid');
  }
  async redo(): Promise<void> {
    await this.history('history.redo', 'Redid');
  }

  setFilter(patch: Partial<AnnotateState['filter']>): void {
    this.set({ filter: { ...this.state.filter, ...patch } });
  }

  /** The annotations the list shows, by the filter. */
  filtered(): Annotation[] {
    const f = this.state.filter;
    return this.state.annotations.filter(
      (a) => (!f.label || a.label === f.label) && (!f.kind || a.kind === f.kind) && (!f.annotator || a.annotator === f.annotator),
    );
  }

  /** The current annotator's verdict on the open video. */
  myVerdict(): Annotation | undefined {
    return this.state.annotations.find((a) => a.kind === 'verdict' && a.annotator === this.state.user);
  }

  private async history(method: 'history.undo' | 'history.redo', verb: string): Promise<void> {
    try {
      const r: Output<'history.undo'> = await this.client.call(method, {});
      this.set({ history: r.state, status: r.change ? { text: `${verb}: ${r.change.title}`, error: false } : { text: `Nothing to ${verb === 'Undid' ? 'undo' : 'redo'}.`, error: false } });
      if (r.change?.labels || (this.state.videoId !== null && r.change?.videoIds.includes(this.state.videoId))) await this.reload();
    } catch (err) {
      this.set({ status: { text: (err as Error).message, error: true } });
    }
  }

  private async run<M extends 'annotations.create' | 'annotations.update' | 'annotations.delete' | 'verdict.set'>(method: M, input: Input<M>, done: string): Promise<boolean> {
    try {
      await this.client.call(method, input);
      this.set({ status: { text: done, error: false } });
      await this.reload();
      return true;
    } catch (err) {
      this.set({ status: { text: (err as Error).message, error: true } });
      return false;
    }
  }
}
