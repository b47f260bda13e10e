import type { Input, Output, TellframeClient } from '../../../shared/api';
import { normaliseKeyframes, shapeAt, type Annotation, type AnnotationKind, type HistoryState, type Keyframe, type Point, type ShapeType } from '../../../shared/annotations';
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
  filter: { label: string; kind: AnnotationKind | ''; annotator: string; findings: boolean };
  /** The drawing tool in use (null: none). */
  tool: ShapeType | null;
  /** A shape drawn but not yet labelled: a label key makes it a region track (or, with a track selected, its keyframe). */
  draft: { shape: ShapeType; points: Point[]; closed: boolean } | null;
  /** The region track being edited. */
  selectedTrack: string | null;
}

type Listener = () => void;

const TOOL_HINT: Record<ShapeType, string> = {
  box: 'drag on the picture, then press a label key',
  polygon: 'click the corners, Enter to close, then press a label key',
  point: 'click the picture, then press a label key',
};

/** Keys the player, the drawing tools and the signal candidates (A accept, X dismiss) already use; labels cannot take them as hotkeys here. */
export const RESERVED_KEYS = new Set(['i', 'o', 'j', 'k', 'l', 'g', 'm', '0', 'b', 'p', 'n', 'a', 'x']);

/**
 * The annotation side of the UI, outside React: the open video's annotations
 * and the taxonomy, the I/O marks, undo/redo. Every change goes to the core
 * at once (saved in one transaction with its audit row); the list is then
 * read back, so what is shown is what is stored.
 */
export class AnnotateModel {
  private state: AnnotateState = {
    videoId: null, labels: [], annotations: [], markIn: null, markOut: null, history: { undo: null, redo: null }, user: null, status: null,
    filter: { label: '', kind: '', annotator: '', findings: false }, tool: null, draft: null, selectedTrack: null,
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
    if (videoId !== this.state.videoId) this.set({ videoId, annotations: [], markIn: null, markOut: null, status: null, draft: null, selectedTrack: null });
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
    const draft = this.state.draft;
    if (draft && this.draftReady()) {
      const keyframe: Keyframe = { frame: current, shape: draft.shape, points: draft.points, outside: false };
      const made = await this.run('annotations.create', { kind: 'region_track', videoId: id, label: labelId, keyframes: [keyframe] }, `Region ${draft.shape} at frame ${current} ${labelId}`);
      if (made) this.set({ draft: null, selectedTrack: made.id });
      return;
    }
    const { markIn, markOut } = this.state;
    if (markIn === null && markOut === null) {
      await this.run('annotations.create', { kind: 'frame_tag', videoId: id, label: labelId, frame: current }, `Tagged frame ${current} ${labelId}`);
      return;
    }
    const a = markIn ?? current;
    const b = markOut ?? current;
    const [startFrame, endFrame] = a <= b ? [a, b] : [b, a];
    const made = await this.run('annotations.create', { kind: 'segment', videoId: id, label: labelId, startFrame, endFrame }, `Marked frames ${startFrame}–${endFrame} ${labelId}`);
    if (made) this.clearMarks();
  }

  async update(id: string, patch: Input<'annotations.update'>['patch'], what = 'Changed'): Promise<boolean> {
    return (await this.run('annotations.update', { id, patch }, what)) !== null;
  }

  async remove(id: string): Promise<boolean> {
    if (id === this.state.selectedTrack) this.set({ selectedTrack: null });
    return (await this.run('annotations.delete', { id }, 'Deleted')) !== null;
  }

  /** Mark an annotation as a finding, or unmark it (null). */
  async setFinding(id: string, finding: Input<'annotations.setFinding'>['finding']): Promise<boolean> {
    return (await this.run('annotations.setFinding', { id, finding }, finding ? 'Marked as a finding' : 'No longer a finding')) !== null;
  }

  async setVerdict(input: Omit<Input<'verdict.set'>, 'videoId'>): Promise<boolean> {
    const id = this.state.videoId;
    if (id === null) return false;
    return (await this.run('verdict.set', { ...input, videoId: id }, `Verdict: ${input.value}`)) !== null;
  }

  async undo(): Promise<void> {
    await this.history('history.undo', 'Undid');
  }
  async redo(): Promise<void> {
    await this.history('history.redo', 'Redid');
  }

  // ---- taxonomy -----------------------------------------------------------------

  /** Any labels.* change: said in the status line, the taxonomy read back. Returns an error message or null. */
  async changeLabels<M extends 'labels.create' | 'labels.update' | 'labels.retire' | 'labels.merge'>(method: M, input: Input<M>, done: string): Promise<string | null> {
    const hotkey = 'hotkey' in input ? input.hotkey : 'patch' in input ? input.patch.hotkey : undefined;
    if (typeof hotkey === 'string' && RESERVED_KEYS.has(hotkey)) {
      const text = `Key ${hotkey.toUpperCase()} is taken by the player (see ? for the keys); choose another.`;
      this.set({ status: { text, error: true } });
      return text;
    }
    try {
      await this.client.call(method, input);
      this.set({ status: { text: done, error: false } });
      await this.reload();
      return null;
    } catch (err) {
      const text = (err as Error).message;
      this.set({ status: { text, error: true } });
      return text;
    }
  }

  // ---- region tracks ----------------------------------------------------------

  setTool(tool: ShapeType | null): void {
    this.set({ tool, draft: null, status: tool ? { text: `${tool} tool: ${TOOL_HINT[tool]}`, error: false } : null });
  }

  /** Start, extend or finish the shape being drawn (image pixels). */
  setDraft(draft: AnnotateState['draft']): void {
    this.set({ draft });
  }

  draftReady(): boolean {
    const d = this.state.draft;
    if (!d) return false;
    return d.shape === 'box' ? d.points.length === 2 && d.closed : d.shape === 'point' ? d.points.length === 1 : d.closed && d.points.length >= 3;
  }

  selectTrack(id: string | null): void {
    this.set({ selectedTrack: id, draft: null });
  }

  selectedTrack(): Annotation | undefined {
    return this.state.annotations.find((a) => a.id === this.state.selectedTrack && a.kind === 'region_track');
  }

  /** Make (or replace) the selected track's keyframe at `frame` with these points. */
  async setKeyframe(frame: number, points: Point[], shape?: ShapeType): Promise<boolean> {
    const t = this.selectedTrack();
    if (!t?.keyframes) return false;
    const at = shapeAt(t.keyframes, frame);
    const kf: Keyframe = { frame, shape: shape ?? at?.shape ?? t.keyframes[0]!.shape, points, outside: false };
    return this.update(t.id, { keyframes: normaliseKeyframes([...t.keyframes, kf]) }, `Keyframe at frame ${frame}`);
  }

  /** Turn the interpolated shape at `frame` into a keyframe. */
  async keyframeHere(frame: number): Promise<boolean> {
    const t = this.selectedTrack();
    const at = t?.keyframes ? shapeAt(t.keyframes, frame) : null;
    if (!at) return this.fail('The track shows nothing at this frame.');
    return this.setKeyframe(frame, at.points, at.shape);
  }

  async removeKeyframe(frame: number): Promise<boolean> {
    const t = this.selectedTrack();
    if (!t?.keyframes) return false;
    const rest = t.keyframes.filter((k) => k.frame !== frame);
    if (rest.length === t.keyframes.length) return this.fail(`Frame ${frame} is not a keyframe.`);
    if (!rest.length) return this.fail('A track keeps at least one keyframe; delete the track instead.');
    return this.update(t.id, { keyframes: rest }, `Removed keyframe at frame ${frame}`);
  }

  /** The object leaves the picture at `frame` (an outside keyframe), until a later keyframe. */
  async outsideHere(frame: number): Promise<boolean> {
    const t = this.selectedTrack();
    const at = t?.keyframes ? shapeAt(t.keyframes, frame) : null;
    if (!t?.keyframes || !at) return this.fail('The track shows nothing at this frame.');
    const kf: Keyframe = { frame, shape: at.shape, points: at.points, outside: true };
    return this.update(t.id, { keyframes: normaliseKeyframes([...t.keyframes, kf]) }, `Outside from frame ${frame}`);
  }

  private fail(text: string): false {
    this.set({ status: { text, error: true } });
    return false;
  }

  setFilter(patch: Partial<AnnotateState['filter']>): void {
    this.set({ filter: { ...this.state.filter, ...patch } });
  }

  /** The annotations the list shows, by the filter. */
  filtered(): Annotation[] {
    const f = this.state.filter;
    return this.state.annotations.filter(
      (a) => (!f.label || a.label === f.label) && (!f.kind || a.kind === f.kind) && (!f.annotator || a.annotator === f.annotator) && (!f.findings || a.finding !== undefined),
    );
  }

  /**
   * At most `max` of the filtered annotations, around frame `at`: a few that
   * end before it, then the ones from there on (the list stays small
   * however many there are).
   */
  window(at: number, max = 200): { rows: Annotation[]; total: number; first: number } {
    const all = this.filtered();
    let i = all.findIndex((a) => a.endFrame >= at);
    if (i < 0) i = all.length;
    const first = Math.max(0, Math.min(i - Math.floor(max / 4), all.length - max));
    return { rows: all.slice(first, first + max), total: all.length, first };
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

  /**
   * Call the core and say what happened; the result, or null after an error
   * (shown). The list takes the stored annotation the core answered with (or
   * loses the deleted one) instead of being read again whole: with 100k
   * annotations on a video a full read is seconds, one row is nothing.
   */
  private async run<M extends 'annotations.create' | 'annotations.update' | 'annotations.delete' | 'annotations.setFinding' | 'verdict.set'>(method: M, input: Input<M>, done: string): Promise<Output<M> | null> {
    const videoId = this.state.videoId;
    try {
      const out = await this.client.call(method, input);
      const history = await this.client.call('history.state', {});
      if (videoId !== this.state.videoId) return out;
      const stored = 'kind' in (out as object) ? (out as Annotation) : null;
      const goneId = stored ? stored.id : (out as { id: string }).id;
      this.set({ annotations: withAnnotation(this.state.annotations, goneId, stored), history, status: { text: done, error: false } });
      return out;
    } catch (err) {
      this.set({ status: { text: (err as Error).message, error: true } });
      return null;
    }
  }
}

/** Order the core lists annotations in (annotations.list): start, end, creation, id. */
function before(a: Annotation, b: Annotation): number {
  return a.startFrame - b.startFrame || a.endFrame - b.endFrame || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The list with annotation `id` replaced by `next` (or removed when next is null), kept in order. */
export function withAnnotation(list: readonly Annotation[], id: string, next: Annotation | null): Annotation[] {
  const out = list.filter((a) => a.id !== id);
  if (!next) return out;
  let lo = 0;
  let hi = out.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(out[mid]!, next) < 0) lo = mid + 1;
    else hi = mid;
  }
  out.splice(lo, 0, next);
  return out;
}
