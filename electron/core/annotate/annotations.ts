import { randomUUID } from 'node:crypto';
import {
  checkAttributes, DEFAULT_ATTRIBUTES, ID_PATTERN, KeyframeSchema, normaliseKeyframes, trackRange,
  type Annotation, type AnnotationKind, type AttributeDef, type Attributes, type HistoryState,
  type Finding, type Keyframe, type Provenance, type ParsedAnnotationPatch, type ParsedNewAnnotation, type Verdict,
} from '../../../shared/annotations';
import { TellframeError } from '../../../shared/errors';
import type { Label } from '../../../shared/model';
import type { NativeExport } from '../../../shared/nativeJson';
import { labelFromRow, type FrameTable, type LabelRow, type MediaRow, type ProjectStore } from '../project/store';

/** What a write needs to know of its video. */
type VideoFacts = Pick<MediaRow, 'id' | 'frame_count' | 'width' | 'height' | 'end_pts'>;

/** An annotations row as SQLite holds it. */
export interface AnnotationRow {
  id: string;
  media_id: number;
  kind: AnnotationKind;
  label_id: string | null;
  start_frame: number;
  end_frame: number;
  start_pts: number;
  end_pts: number;
  attributes: string;
  note: string;
  annotator: string;
  created_at: string;
  updated_at: string;
  data: string | null;
  /** Null when made here; `format:file` for imported pre-annotations. */
  source: string | null;
  /** JSON of a Finding when the annotation is one, else null (migration 007). */
  finding: string | null;
  /** JSON of a Provenance when made from a signal candidate, else null (migration 009). */
  provenance: string | null;
}

/** A decision on a signal candidate as SQLite holds it (migration 009). */
export interface DecisionRow {
  media_id: number;
  candidate: string;
  decision: 'accepted' | 'dismissed';
  annotation_id: string | null;
  actor: string;
  at: string;
}

/**
 * One step of a change, as undo history keeps it: the whole row an
 * annotation or label has afterwards, or null when it is gone.
 */
export type Op =
  | { t: 'annotation'; id: string; videoId: number; row: AnnotationRow | null }
  | { t: 'label'; id: string; row: LabelRow | null }
  | { t: 'decision'; id: string; videoId: number; row: DecisionRow | null };

export function annotationFromRow(r: AnnotationRow): Annotation {
  const a: Annotation = {
    id: r.id, videoId: r.media_id, kind: r.kind, label: r.label_id,
    startFrame: r.start_frame, endFrame: r.end_frame, startPts: r.start_pts, endPts: r.end_pts,
    attributes: JSON.parse(r.attributes) as Attributes, note: r.note, annotator: r.annotator,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
  if (r.source !== null && r.source !== undefined) a.source = r.source;
  if (r.kind === 'region_track' && r.data) a.keyframes = (JSON.parse(r.data) as { keyframes: Keyframe[] }).keyframes;
  if (r.kind === 'verdict' && r.data) a.verdict = JSON.parse(r.data) as Verdict;
  if (r.finding) a.finding = JSON.parse(r.finding) as Finding;
  if (r.provenance) a.provenance = JSON.parse(r.provenance) as Provenance;
  return a;
}

export interface AnnotateDeps {
  store: ProjectStore;
  /** Who is acting now (the annotator of new annotations, the actor of audit rows). */
  actor(): string;
  /** A video's frame index (cached by the caller). */
  frames(mediaId: number): FrameTable;
  /** How many undo steps the project keeps (default 10,000). */
  historyLimit?: number;
}

/** What a change touched, so a UI knows what to reload. */
export interface ChangeResult {
  title: string;
  videoIds: number[];
  labels: boolean;
}

const MAX_HISTORY = 10_000;

/**
 * Every change to annotations and labels: validated against the video and
 * the taxonomy, written in one transaction together with its hash-chained
 * audit row and its undo step. Undo and redo are changes too (audited), and
 * the history lives in the project file, so it survives a restart.
 */
export class Annotator {
  private readonly s: ProjectStore;
  private readonly stmts;
  private readonly facts = new Map<number, VideoFacts>();
  /** Labels as writes check them, parsed once (see `labelById`). */
  private readonly labels = new Map<string, Label>();
  private labelsVersion = -1;
  /** Steps with ids up to this were trimmed by this session; null until its first change. */
  private trimmedTo: number | null = null;
  /** One transaction wrapper for every change (better-sqlite3 builds a new one per `db.transaction` call). */
  private readonly inTransaction: <T>(fn: () => T) => T;

  constructor(private readonly deps: AnnotateDeps) {
    this.s = deps.store;
    const db = this.s.db;
    this.stmts = {
      get: db.prepare('SELECT * FROM annotations WHERE id = ?'),
      byMedia: db.prepare('SELECT * FROM annotations WHERE media_id = ? ORDER BY start_frame, end_frame, created_at, id'),
      put: db.prepare(
        `INSERT OR REPLACE INTO annotations(id, media_id, kind, label_id, start_frame, end_frame, start_pts, end_pts, attributes, note,
           annotator, created_at, updated_at, data, source, finding, provenance)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      del: db.prepare('DELETE FROM annotations WHERE id = ?'),
      labelGet: db.prepare('SELECT * FROM labels WHERE id = ?'),
      labelPut: db.prepare(
        `INSERT OR REPLACE INTO labels(id, name, description, scope, color, hotkey, position, retired, attributes, merged_into)
         VALUES (@id, @name, @description, @scope, @color, @hotkey, @position, @retired, @attributes, @merged_into)`,
      ),
      labelDel: db.prepare('DELETE FROM labels WHERE id = ?'),
      histAdd: db.prepare('INSERT INTO history(at, actor, title, undo, redo) VALUES (?, ?, ?, ?, ?)'),
      // Undone steps are always the newest rows: everything after the last done one.
      histDropRedo: db.prepare('DELETE FROM history WHERE id > coalesce((SELECT id FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1), 0)'),
      histLastDone: db.prepare('SELECT * FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1'),
      histFirstUndone: db.prepare('SELECT * FROM history WHERE id > ? ORDER BY id ASC LIMIT 1'),
      histMark: db.prepare('UPDATE history SET undone = ? WHERE id = ?'),
      histTrim: db.prepare('DELETE FROM history WHERE id <= (SELECT max(id) FROM history) - ?'),
      videoFacts: db.prepare('SELECT id, frame_count, width, height, end_pts FROM media WHERE id = ?'),
      verdictOf: db.prepare("SELECT * FROM annotations WHERE media_id = ? AND kind = 'verdict' AND annotator = ?"),
      fromCandidate: db.prepare("SELECT id FROM annotations WHERE media_id = ? AND provenance IS NOT NULL AND json_extract(provenance, '$.candidate') = ? LIMIT 1"),
      decisionGet: db.prepare('SELECT * FROM candidate_decisions WHERE media_id = ? AND candidate = ?'),
      decisionsOf: db.prepare('SELECT d.*, a.id IS NOT NULL AS exists_ FROM candidate_decisions d LEFT JOIN annotations a ON a.id = d.annotation_id WHERE d.media_id = ?'),
      decisionPut: db.prepare('INSERT OR REPLACE INTO candidate_decisions(media_id, candidate, decision, annotation_id, actor, at) VALUES (@media_id, @candidate, @decision, @annotation_id, @actor, @at)'),
      decisionDel: db.prepare('DELETE FROM candidate_decisions WHERE media_id = ? AND candidate = ?'),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
    };
    const tx = db.transaction((fn: () => unknown) => fn());
    this.inTransaction = <T>(fn: () => T): T => tx(fn) as T;
  }

  // ---- reading -------------------------------------------------------------

  list(videoId: number): Annotation[] {
    this.video(videoId);
    return (this.stmts.byMedia.all(videoId) as AnnotationRow[]).map(annotationFromRow);
  }

  historyState(): HistoryState {
    const u = this.stmts.histLastDone.get() as { id: number; title: string } | undefined;
    const r = this.stmts.histFirstUndone.get(u?.id ?? 0) as { title: string } | undefined;
    return { undo: u?.title ?? null, redo: r?.title ?? null };
  }

  // ---- annotations -----------------------------------------------------------

  create(input: ParsedNewAnnotation): Annotation {
    const media = this.video(input.videoId);
    const label = this.usableLabel(input.label);
    const attrs = this.checkedAttributes(label, input.attributes);
    const now = new Date().toISOString();
    let start: number;
    let end: number;
    let data: string | null = null;
    if (input.kind === 'segment') {
      [start, end] = [input.startFrame, input.endFrame];
    } else if (input.kind === 'frame_tag') {
      start = end = input.frame;
    } else {
      const ks = this.checkedKeyframes(media, input.keyframes);
      ({ start, end } = trackRange(ks, media.frame_count));
      data = JSON.stringify({ keyframes: ks });
    }
    const row = this.rowFor(media, {
      id: randomUUID(), kind: input.kind, label_id: label.id, start_frame: start, end_frame: end,
      attributes: JSON.stringify(attrs), note: input.note, annotator: this.deps.actor(), created_at: now, updated_at: now, data,
    });
    const op: Op = { t: 'annotation', id: row.id, videoId: media.id, row };
    this.commit(`Add ${kindName(input.kind)} ${label.id}`, 'annotation.create', [op], { fresh: op });
    return annotationFromRow(row);
  }

  update(id: string, patch: ParsedAnnotationPatch): Annotation {
    const old = this.row(id);
    const media = this.video(old.media_id);
    if (old.kind === 'verdict') throw new TellframeError('BAD_INPUT', 'A verdict is changed with verdict.set.');
    const labelId = patch.label ?? old.label_id!;
    const label = patch.label !== undefined && patch.label !== old.label_id ? this.usableLabel(labelId) : this.labelById(labelId);
    const attrs = patch.attributes !== undefined ? this.checkedAttributes(label, patch.attributes) : (JSON.parse(old.attributes) as Attributes);
    let start = patch.startFrame ?? old.start_frame;
    let end = patch.endFrame ?? old.end_frame;
    let data = old.data;
    if (old.kind === 'frame_tag') {
      if (patch.endFrame !== undefined && patch.startFrame !== undefined && patch.startFrame !== patch.endFrame) {
        throw new TellframeError('BAD_INPUT', 'A frame tag covers one frame: startFrame and endFrame must be equal.');
      }
      if (patch.startFrame !== undefined) end = start;
      else if (patch.endFrame !== undefined) start = end;
    }
    if (old.kind === 'region_track') {
      if (patch.startFrame !== undefined || patch.endFrame !== undefined) {
        throw new TellframeError('BAD_INPUT', 'A region track spans its keyframes: change the keyframes instead of startFrame/endFrame.');
      }
      if (patch.keyframes) {
        const ks = this.checkedKeyframes(media, patch.keyframes);
        ({ start, end } = trackRange(ks, media.frame_count));
        data = JSON.stringify({ keyframes: ks });
      }
    } else if (patch.keyframes) {
      throw new TellframeError('BAD_INPUT', 'Only a region track has keyframes.');
    }
    const row = this.rowFor(media, {
      ...old, label_id: label.id, start_frame: start, end_frame: end, attributes: JSON.stringify(attrs),
      note: patch.note ?? old.note, updated_at: new Date().toISOString(), data,
    });
    this.commit(`Change ${kindName(old.kind)} ${label.id}`, 'annotation.update', [{ t: 'annotation', id, videoId: media.id, row }]);
    return annotationFromRow(row);
  }

  delete(id: string): void {
    const old = this.row(id);
    this.commit(`Delete ${kindName(old.kind)}${old.label_id ? ` ${old.label_id}` : ''}`, 'annotation.delete', [{ t: 'annotation', id, videoId: old.media_id, row: null }]);
  }

  /** The current annotator's verdict on a video (one each; setting it again replaces it). */
  setVerdict(videoId: number, verdict: Verdict, note: string): Annotation {
    const media = this.video(videoId);
    const actor = this.deps.actor();
    const old = this.stmts.verdictOf.get(videoId, actor) as AnnotationRow | undefined;
    const now = new Date().toISOString();
    const row = this.rowFor(media, {
      id: old?.id ?? randomUUID(), kind: 'verdict', label_id: null, start_frame: 0, end_frame: media.frame_count - 1,
      attributes: '{}', note, annotator: actor, created_at: old?.created_at ?? now, updated_at: now, data: JSON.stringify(verdict),
      finding: old?.finding ?? null,
    });
    this.commit(`Set verdict ${verdict.value}`, 'verdict.set', [{ t: 'annotation', id: row.id, videoId: media.id, row }]);
    return annotationFromRow(row);
  }

  /**
   * Mark an annotation as a finding (status, statement, the frame its stills
   * show, within its frames) or, with null, unmark it. Undoable and audited.
   */
  setFinding(id: string, finding: Finding | null): Annotation {
    const old = this.row(id);
    const media = this.video(old.media_id);
    if (finding && (finding.frame < old.start_frame || finding.frame > old.end_frame)) {
      throw new TellframeError('FRAME_OUT_OF_RANGE', `Frame ${finding.frame} is not within the annotation (frames ${old.start_frame}–${old.end_frame}).`);
    }
    const row = this.rowFor(media, { ...old, finding: finding ? JSON.stringify(finding) : null, updated_at: new Date().toISOString() });
    const name = `${kindName(old.kind)}${old.label_id ? ` ${old.label_id}` : ''}`;
    this.commit(finding ? `Mark ${name} as a finding` : `Unmark finding ${name}`, 'finding.set', [{ t: 'annotation', id, videoId: media.id, row }]);
    return annotationFromRow(row);
  }

  // ---- signal candidates -------------------------------------------------------

  /** The decisions taken on a video's candidates, by candidate id, and whether an accepted one's annotation is still there. */
  decisions(videoId: number): Map<string, DecisionRow & { exists: boolean }> {
    const rows = this.stmts.decisionsOf.all(videoId) as (DecisionRow & { exists_: number })[];
    return new Map(rows.map(({ exists_, ...r }) => [r.candidate, { ...r, exists: exists_ === 1 }]));
  }

  /**
   * Accept a candidate: the annotation of `label` over its frames (a frame
   * tag when it is one frame), its text as the note and its provenance kept,
   * together with the decision, in one undoable change.
   */
  acceptCandidate(videoId: number, c: { id: string; label: string; startFrame: number; endFrame: number; text: string }, provenance: Provenance): Annotation {
    const media = this.video(videoId);
    const old = this.stmts.decisionGet.get(videoId, c.id) as DecisionRow | undefined;
    if (old?.decision === 'accepted' && old.annotation_id && this.stmts.get.get(old.annotation_id)) {
      throw new TellframeError('BAD_INPUT', `Candidate ${c.id} was already accepted (annotation ${old.annotation_id}).`);
    }
    // Reopened after an accept, its annotation may still be there: one annotation per candidate.
    const made = this.stmts.fromCandidate.get(videoId, c.id) as { id: string } | undefined;
    if (made) throw new TellframeError('BAD_INPUT', `Annotation ${made.id} already came from candidate ${c.id}; delete it to accept the candidate again.`);
    const label = this.usableLabel(c.label);
    const now = new Date().toISOString();
    const kind: AnnotationKind = c.startFrame === c.endFrame ? 'frame_tag' : 'segment';
    const row = this.rowFor(media, {
      id: randomUUID(), kind, label_id: label.id, start_frame: c.startFrame, end_frame: c.endFrame, attributes: '{}', note: c.text,
      annotator: this.deps.actor(), created_at: now, updated_at: now, data: null, provenance: JSON.stringify(provenance),
    });
    const decision: DecisionRow = { media_id: media.id, candidate: c.id, decision: 'accepted', annotation_id: row.id, actor: this.deps.actor(), at: now };
    const added: Op = { t: 'annotation', id: row.id, videoId: media.id, row };
    this.commit(`Accept candidate ${c.id} as ${kindName(kind)} ${label.id}`, 'candidate.accept', [
      added,
      { t: 'decision', id: c.id, videoId: media.id, row: decision },
    ], { extra: { candidate: c.id, annotation: row, decision }, fresh: added });
    return annotationFromRow(row);
  }

  /** Dismiss a candidate (looked at and let go), or reopen it (forget the decision; an accepted one's annotation stays). */
  decideCandidate(videoId: number, candidate: string, decision: 'dismiss' | 'reopen'): void {
    const media = this.video(videoId);
    const old = this.stmts.decisionGet.get(videoId, candidate) as DecisionRow | undefined;
    if (decision === 'reopen') {
      if (!old) throw new TellframeError('NOT_FOUND', `No decision on candidate ${candidate} to reopen.`);
      this.commit(`Reopen candidate ${candidate}`, 'candidate.reopen', [{ t: 'decision', id: candidate, videoId: media.id, row: null }]);
      return;
    }
    if (old?.decision === 'accepted' && old.annotation_id && this.stmts.get.get(old.annotation_id)) {
      throw new TellframeError('BAD_INPUT', `Candidate ${candidate} was accepted (annotation ${old.annotation_id}); delete that annotation or reopen the candidate first.`);
    }
    const row: DecisionRow = { media_id: media.id, candidate, decision: 'dismissed', annotation_id: null, actor: this.deps.actor(), at: new Date().toISOString() };
    this.commit(`Dismiss candidate ${candidate}`, 'candidate.dismiss', [{ t: 'decision', id: candidate, videoId: media.id, row }]);
  }

  // ---- labels ----------------------------------------------------------------

  createLabel(input: { id: string; name: string; description: string; color: string; hotkey: string | null; scope: 'frame' | 'video'; attributes?: AttributeDef[] }): Label {
    if (this.stmts.labelGet.get(input.id)) throw new TellframeError('BAD_INPUT', `A label with id ${input.id} already exists.`);
    this.checkHotkey(input.hotkey, input.id);
    const position = (this.s.db.prepare('SELECT coalesce(max(position), -1) + 1 AS p FROM labels').get() as { p: number }).p;
    const row: LabelRow = {
      id: input.id, name: input.name, description: input.description, scope: input.scope, color: input.color, hotkey: input.hotkey,
      position, retired: 0, attributes: JSON.stringify(checkedDefs(input.attributes ?? DEFAULT_ATTRIBUTES)), merged_into: null,
    };
    this.commit(`Add label ${input.id}`, 'label.create', [{ t: 'label', id: row.id, row }]);
    return labelFromRow(row);
  }

  /** Rename, describe, recolour, re-key or change attributes; the id never changes. */
  updateLabel(id: string, patch: { name?: string; description?: string; color?: string; hotkey?: string | null; attributes?: AttributeDef[]; position?: number }): Label {
    const old = this.labelRow(id);
    if (patch.hotkey !== undefined) this.checkHotkey(patch.hotkey, id);
    const row: LabelRow = {
      ...old,
      name: patch.name ?? old.name,
      description: patch.description ?? old.description,
      color: patch.color ?? old.color,
      hotkey: patch.hotkey !== undefined ? patch.hotkey : old.hotkey,
      position: patch.position ?? old.position,
      attributes: patch.attributes ? JSON.stringify(checkedDefs(patch.attributes)) : old.attributes,
    };
    this.commit(`Change label ${id}`, 'label.update', [{ t: 'label', id, row }]);
    return labelFromRow(row);
  }

  /** Retire (hide from new work, keeping every annotation) or bring back a label. */
  retireLabel(id: string, retired: boolean): Label {
    const old = this.labelRow(id);
    if (!retired && old.merged_into) throw new TellframeError('BAD_INPUT', `${id} was merged into ${old.merged_into}; undo the merge to bring it back.`);
    const row: LabelRow = { ...old, retired: retired ? 1 : 0, hotkey: retired ? null : old.hotkey };
    this.commit(`${retired ? 'Retire' : 'Restore'} label ${id}`, retired ? 'label.retire' : 'label.restore', [{ t: 'label', id, row }]);
    return labelFromRow(row);
  }

  /** Move every annotation of `from` to `into`, and retire `from` as merged. */
  mergeLabel(from: string, into: string): { moved: number } {
    if (from === into) throw new TellframeError('BAD_INPUT', 'A label cannot be merged into itself.');
    const src = this.labelRow(from);
    const dst = this.labelRow(into);
    if (dst.retired) throw new TellframeError('BAD_INPUT', `${into} is retired; restore it first.`);
    const rows = this.s.db.prepare('SELECT * FROM annotations WHERE label_id = ?').all(from) as AnnotationRow[];
    const now = new Date().toISOString();
    const ops: Op[] = rows.map((r) => ({ t: 'annotation', id: r.id, videoId: r.media_id, row: { ...r, label_id: into, updated_at: now } }));
    ops.push({ t: 'label', id: from, row: { ...src, retired: 1, hotkey: null, merged_into: into } });
    this.commit(`Merge label ${from} into ${into}`, 'label.merge', ops, { extra: { from, into, moved: rows.length } });
    return { moved: rows.length };
  }

  // ---- native JSON import ----------------------------------------------------

  /**
   * Add a native document's labels and annotations in one undoable step.
   * All or nothing: the first problem throws, naming where it is, and nothing
   * is written. Videos are matched by sha256; the document's taxonomy wins
   * for the labels it lists (new ones are added).
   */
  importDocument(doc: NativeExport): { videos: number; annotations: number; labels: number } {
    const bad = (where: string, msg: string): never => {
      throw new TellframeError('BAD_INPUT', `${where}: ${msg}.`);
    };
    const ops: Op[] = [];
    const defs = new Map<string, { attributes: AttributeDef[] }>();
    for (const l of this.s.labels()) defs.set(l.id, l);
    const hotkeys = new Map<string, string>();
    for (const l of this.s.labels()) if (l.hotkey && !l.retired) hotkeys.set(l.hotkey, l.id);
    doc.taxonomy.forEach((l, i) => {
      const where = `taxonomy[${i}] (${l.id})`;
      if (!ID_PATTERN.test(l.id)) bad(where, 'a label id is lower-case letters, digits and _, starting with a letter');
      const problem = checkedDefsProblem(l.attributes);
      if (problem) bad(where, problem);
      for (const [k, id] of hotkeys) if (id === l.id) hotkeys.delete(k);
      if (l.hotkey && !l.retired) {
        const other = hotkeys.get(l.hotkey);
        if (other) bad(where, `key ${l.hotkey} already applies ${other}`);
        hotkeys.set(l.hotkey, l.id);
      }
      defs.set(l.id, l);
      ops.push({
        t: 'label', id: l.id,
        row: {
          id: l.id, name: l.name, description: l.description, scope: l.scope, color: l.color, hotkey: l.hotkey, position: l.position,
          retired: l.retired ? 1 : 0, attributes: JSON.stringify(l.attributes), merged_into: l.mergedInto,
        },
      });
    });
    const ids = new Set<string>();
    let count = 0;
    doc.videos.forEach((v, vi) => {
      const vw = `videos[${vi}] (${v.path})`;
      const media = this.s.mediaBySha(v.sha256);
      if (!media) bad(vw, `no video with sha256 ${v.sha256} in this project; import the video first`);
      const m = media!;
      if (m.frame_count !== v.frameCount) bad(vw, `the project's copy has ${m.frame_count} frames, the document says ${v.frameCount}: not the same video`);
      const table = this.deps.frames(m.id);
      v.annotations.forEach((a, ai) => {
        const w = `${vw}.annotations[${ai}] (${a.id})`;
        if (ids.has(a.id) || this.stmts.get.get(a.id)) bad(w, 'an annotation with this id already exists');
        ids.add(a.id);
        if ((a.kind === 'verdict') !== (a.label === null)) bad(w, a.kind === 'verdict' ? 'a verdict has no label' : 'label is missing');
        if (a.kind === 'verdict' && !a.verdict) bad(w, 'a verdict needs its verdict field');
        if (a.label !== null) {
          const d = defs.get(a.label);
          if (!d) bad(w, `unknown label ${a.label}`);
          const problem = checkAttributes(d!.attributes, a.attributes);
          if (problem) bad(w, problem);
        }
        if (a.endFrame >= m.frame_count || a.startFrame > a.endFrame) {
          bad(w, `frames ${a.startFrame}–${a.endFrame} are out of range (the video has frames 0–${m.frame_count - 1})`);
        }
        if (a.kind === 'frame_tag' && a.startFrame !== a.endFrame) bad(w, 'a frame tag has startFrame = endFrame');
        if (table.pts[a.startFrame] !== a.startPts) bad(w, `startPts ${a.startPts} is not the pts of frame ${a.startFrame} (${table.pts[a.startFrame]}) in this video`);
        const endPts = a.endFrame + 1 < m.frame_count ? table.pts[a.endFrame + 1] : m.end_pts;
        if (endPts !== a.endPts) bad(w, `endPts ${a.endPts} is not the end of frame ${a.endFrame} (${endPts}) in this video`);
        let data: string | null = null;
        if (a.kind === 'region_track') {
          if (!a.keyframes?.length) bad(w, 'a region track needs keyframes');
          a.keyframes!.forEach((k, ki) => {
            const parsed = KeyframeSchema.safeParse(k);
            if (!parsed.success) bad(`${w}.keyframes[${ki}]`, parsed.error.issues[0]!.message);
            if (k.frame >= m.frame_count) bad(`${w}.keyframes[${ki}]`, `frame ${k.frame} is past the last frame (${m.frame_count - 1})`);
          });
          const r = trackRange(a.keyframes!, m.frame_count);
          if (r.start !== a.startFrame || r.end !== a.endFrame) bad(w, `the keyframes span frames ${r.start}–${r.end}, not ${a.startFrame}–${a.endFrame}`);
          data = JSON.stringify({ keyframes: normaliseKeyframes(a.keyframes!) });
        } else if (a.keyframes) {
          bad(w, 'only a region track has keyframes');
        }
        if (a.kind === 'verdict') data = JSON.stringify(a.verdict);
        if (a.finding && (a.finding.frame < a.startFrame || a.finding.frame > a.endFrame)) {
          bad(`${w}.finding.frame`, `frame ${a.finding.frame} is not within the annotation's frames ${a.startFrame}–${a.endFrame}`);
        }
        const row = this.rowFor(m, {
          id: a.id, kind: a.kind, label_id: a.label, start_frame: a.startFrame, end_frame: a.endFrame,
          attributes: JSON.stringify(a.attributes), note: a.note, annotator: a.annotator, created_at: a.createdAt, updated_at: a.updatedAt, data,
          source: a.source ?? null, finding: a.finding ? JSON.stringify(a.finding) : null, provenance: a.provenance ? JSON.stringify(a.provenance) : null,
        });
        ops.push({ t: 'annotation', id: a.id, videoId: m.id, row });
        count++;
      });
    });
    const summary = { videos: doc.videos.length, annotations: count, labels: doc.taxonomy.length };
    this.commit(`Import ${count} annotations`, 'annotations.import', ops, { extra: summary });
    return summary;
  }

  // ---- history ---------------------------------------------------------------

  undo(): ChangeResult | null {
    return this.step('undo');
  }

  redo(): ChangeResult | null {
    return this.step('redo');
  }

  /** Undo the newest done change, or redo the oldest undone one; audited like any change. */
  private step(dir: 'undo' | 'redo'): ChangeResult | null {
    return this.inTransaction(() => {
      const lastDone = this.stmts.histLastDone.get() as { id: number; title: string; undo: string; redo: string } | undefined;
      const h = (dir === 'undo' ? lastDone : this.stmts.histFirstUndone.get(lastDone?.id ?? 0)) as
        | { id: number; title: string; undo: string; redo: string }
        | undefined;
      if (!h) return null;
      const ops = JSON.parse(h[dir]) as Op[];
      this.apply(ops);
      this.stmts.histMark.run(dir === 'undo' ? 1 : 0, h.id);
      this.s.appendAudit(this.deps.actor(), `history.${dir}`, { title: h.title, ops });
      return changeOf(h.title, ops);
    });
  }

  // ---- internals -------------------------------------------------------------

  /**
   * Apply `ops` in one transaction with their audit row and undo step (the
   * inverse ops: each touched row as it was before). `extra` goes into the
   * audit payload of a change of several ops; `fresh` is an op that adds an
   * annotation under a new random id: it had no row before, so there is
   * nothing to read.
   */
  private commit(title: string, action: string, ops: Op[], { extra, fresh }: { extra?: Record<string, unknown>; fresh?: Op } = {}): void {
    this.inTransaction(() => {
      const before: Op[] = ops.map((op) => (op.t === 'annotation'
        ? { t: 'annotation', id: op.id, videoId: op.videoId, row: op === fresh ? null : (this.stmts.get.get(op.id) as AnnotationRow | undefined) ?? null }
        : op.t === 'decision'
          ? { t: 'decision', id: op.id, videoId: op.videoId, row: (this.stmts.decisionGet.get(op.videoId, op.id) as DecisionRow | undefined) ?? null }
          : { t: 'label', id: op.id, row: (this.stmts.labelGet.get(op.id) as LabelRow | undefined) ?? null }));
      this.apply(ops);
      const now = new Date().toISOString();
      this.stmts.histDropRedo.run();
      // Undo restores in reverse order (a label created before an annotation of it goes after it).
      const step = Number(this.stmts.histAdd.run(now, this.deps.actor(), title, JSON.stringify(before.reverse()), JSON.stringify(ops)).lastInsertRowid);
      // The newest `limit` steps are kept. Dropping the oldest step on every change cost each commit
      // a page or more once the history was full (bench:annotations with a full history: the write's
      // p99 at 4.7-4.8× the bare commit's in two runs of three), so the history is trimmed on a
      // session's first change and again whenever it has grown to twice the limit.
      const limit = this.deps.historyLimit ?? MAX_HISTORY;
      if (this.trimmedTo === null || step - this.trimmedTo >= 2 * limit) {
        this.stmts.histTrim.run(limit);
        this.trimmedTo = step - limit;
      }
      const payload = ops.length === 1
        ? { id: ops[0]!.id, before: before[0]!.row, after: ops[0]!.row }
        : { ...extra, changes: ops.length };
      this.s.appendAudit(this.deps.actor(), action, payload);
    });
  }

  private apply(ops: Op[]): void {
    if (ops.some((op) => op.t === 'label')) this.labels.clear();
    for (const op of ops) {
      if (op.t === 'annotation') {
        // Steps kept from before migrations 005, 007 and 009 lack those columns: they were empty then.
        if (op.row) {
          const r = op.row;
          this.stmts.put.run(r.id, r.media_id, r.kind, r.label_id, r.start_frame, r.end_frame, r.start_pts, r.end_pts, r.attributes, r.note,
            r.annotator, r.created_at, r.updated_at, r.data, r.source ?? null, r.finding ?? null, r.provenance ?? null);
        }
        else this.stmts.del.run(op.id);
      } else if (op.t === 'decision') {
        if (op.row) this.stmts.decisionPut.run(op.row);
        else this.stmts.decisionDel.run(op.videoId, op.id);
      } else if (op.row) this.stmts.labelPut.run(op.row);
      else this.stmts.labelDel.run(op.id);
    }
  }

  private row(id: string): AnnotationRow {
    const r = this.stmts.get.get(id) as AnnotationRow | undefined;
    if (!r) throw new TellframeError('NOT_FOUND', `No annotation ${id} in this project.`);
    return r;
  }

  /**
   * What checks and pts need of a video (not its probe JSON: this is on every
   * write). These facts never change once a video is imported, and videos
   * are never removed, so each is read once.
   */
  private video(id: number): VideoFacts {
    const known = this.facts.get(id);
    if (known) return known;
    const m = this.stmts.videoFacts.get(id) as VideoFacts | undefined;
    if (!m) throw new TellframeError('NOT_FOUND', `No video ${id} in this project.`);
    this.facts.set(id, m);
    return m;
  }

  private labelRow(id: string): LabelRow {
    const r = this.stmts.labelGet.get(id) as LabelRow | undefined;
    if (!r) throw new TellframeError('NOT_FOUND', `No label ${id} in this project's taxonomy.`);
    return r;
  }

  /**
   * A label, parsed once and kept until a label changes: here (every label
   * change passes through `apply`) or in another connection to the file
   * (SQLite's data_version moves only for those).
   */
  private labelById(id: string): Label {
    const version = this.stmts.dataVersion.get() as number;
    if (version !== this.labelsVersion) {
      this.labels.clear();
      this.labelsVersion = version;
    }
    let label = this.labels.get(id);
    if (!label) {
      label = labelFromRow(this.labelRow(id));
      this.labels.set(id, label);
    }
    return label;
  }

  private usableLabel(id: string): Label {
    const l = this.labelById(id);
    if (l.retired) {
      throw new TellframeError('BAD_INPUT', l.mergedInto ? `Label ${id} was merged into ${l.mergedInto}; use that.` : `Label ${id} is retired.`);
    }
    return l;
  }

  private checkHotkey(hotkey: string | null, id: string): void {
    if (hotkey === null) return;
    const taken = this.s.db.prepare('SELECT id FROM labels WHERE hotkey = ? AND id != ? AND retired = 0').get(hotkey, id) as { id: string } | undefined;
    if (taken) throw new TellframeError('BAD_INPUT', `Key ${hotkey} already applies ${taken.id}.`);
  }

  private checkedAttributes(label: Label, attrs: Attributes): Attributes {
    const problem = checkAttributes(label.attributes, attrs);
    if (problem) throw new TellframeError('BAD_INPUT', `Label ${label.id}: ${problem}.`);
    return attrs;
  }

  private checkedKeyframes(media: VideoFacts, keyframes: readonly Keyframe[]): Keyframe[] {
    const ks = normaliseKeyframes(keyframes);
    for (const k of ks) {
      if (k.frame >= media.frame_count) throw new TellframeError('FRAME_OUT_OF_RANGE', `Keyframe at frame ${k.frame} is past the last frame (${media.frame_count - 1}).`);
      for (const [x, y] of k.points) {
        if (x < 0 || y < 0 || x > media.width || y > media.height) {
          throw new TellframeError('BAD_INPUT', `Keyframe at frame ${k.frame}: point (${x}, ${y}) is outside the ${media.width}x${media.height} picture.`);
        }
      }
    }
    if (ks[0]!.outside) throw new TellframeError('BAD_INPUT', 'A region track cannot start with an outside keyframe.');
    return ks;
  }

  /**
   * A full row with frames checked against the video and pts taken from its
   * index. A finding's frame follows the annotation when it moves or shrinks:
   * it is kept within the annotation's frames.
   */
  private rowFor(
    media: VideoFacts,
    r: Omit<AnnotationRow, 'media_id' | 'start_pts' | 'end_pts' | 'source' | 'finding' | 'provenance'> & { source?: string | null; finding?: string | null; provenance?: string | null },
  ): AnnotationRow {
    const n = media.frame_count;
    if (r.start_frame < 0 || r.end_frame >= n || r.start_frame > r.end_frame) {
      throw new TellframeError('FRAME_OUT_OF_RANGE', `Frames ${r.start_frame}–${r.end_frame} are not a range within the video (frames 0–${n - 1}).`);
    }
    const t = this.deps.frames(media.id);
    const endPts = r.end_frame + 1 < n ? t.pts[r.end_frame + 1]! : media.end_pts;
    let finding = r.finding ?? null;
    if (finding) {
      const f = JSON.parse(finding) as Finding;
      const frame = Math.min(r.end_frame, Math.max(r.start_frame, f.frame));
      if (frame !== f.frame) finding = JSON.stringify({ ...f, frame });
    }
    // Built field by field, not by spreading `r`: on every write, and V8 (Node 20) kept the spread copies
    // alive through young-generation collections (3.3 MB survived each, against 70 KB now).
    return {
      id: r.id, media_id: media.id, kind: r.kind, label_id: r.label_id, start_frame: r.start_frame, end_frame: r.end_frame,
      start_pts: t.pts[r.start_frame]!, end_pts: endPts, attributes: r.attributes, note: r.note, annotator: r.annotator,
      created_at: r.created_at, updated_at: r.updated_at, data: r.data, source: r.source ?? null, finding, provenance: r.provenance ?? null,
    };
  }
}

/** How titles and messages name a kind: "frame tag", "region track". */
function kindName(kind: AnnotationKind): string {
  return kind.replace('_', ' ');
}

function checkedDefsProblem(defs: readonly AttributeDef[]): string | null {
  const seen = new Set<string>();
  for (const d of defs) {
    if (seen.has(d.id)) return `attribute ${d.id} is defined twice`;
    seen.add(d.id);
  }
  return null;
}

function checkedDefs(defs: AttributeDef[]): AttributeDef[] {
  const problem = checkedDefsProblem(defs);
  if (problem) throw new TellframeError('BAD_INPUT', `${problem[0]!.toUpperCase()}${problem.slice(1)}.`);
  return defs;
}

function changeOf(title: string, ops: Op[]): ChangeResult {
  const videoIds = new Set<number>();
  let labels = false;
  for (const op of ops) {
    if (op.t === 'label') labels = true;
    else videoIds.add(op.videoId);
  }
  return { title, videoIds: [...videoIds], labels };
}
