import { createHash } from 'node:crypto';
import path from 'node:path';
import { checkAttributes, DEFAULT_ATTRIBUTES, ID_PATTERN, KeyframeSchema, trackRange, type Keyframe } from '../../../shared/annotations';
import { TellframeError } from '../../../shared/errors';
import type { Label } from '../../../shared/model';
import { NATIVE_FORMAT, NATIVE_VERSION, type NativeAnnotation, type NativeExport, type NativeLabel, type NativeVideo } from '../../../shared/nativeJson';
import type { FrameTable, MediaRow, ProjectStore } from '../project/store';
import type { PreDocument, PreSpan, PreVideoRef } from './types';

/**
 * Places a parsed foreign file on the project: videos matched by sha256 or
 * file name, times turned into exact frames through the stored pts, labels
 * the taxonomy lacks added. The result is a native document, which the
 * Annotator imports in one transaction (all or nothing). Every error names
 * the place in the foreign file.
 */
export interface PlaceDeps {
  store: ProjectStore;
  frames(mediaId: number): FrameTable;
  actor: string;
  now?: string;
}

export interface Placed {
  document: NativeExport;
  /** Links to originals the file names (DFDC `original`), already resolved to project ids. */
  links: { videoId: number; originalId: number }[];
}

const bad = (where: string, msg: string): never => {
  throw new TellframeError('BAD_INPUT', `${where}: ${msg}.`);
};

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#800000', '#469990'];

/** The project's video a foreign reference names: by sha256 first, then by base file name (which must be unique). */
export function matchVideo(store: ProjectStore, ref: PreVideoRef, all: readonly MediaRow[] = store.listMedia()): MediaRow {
  if (ref.sha256) {
    const m = store.mediaBySha(ref.sha256.toLowerCase());
    if (m) return m;
    // A file that names the content must not land on another file of the same name (a re-encode has other frames).
    return bad(ref.where, `no video in this project has sha256 ${ref.sha256}${ref.file ? ` (${ref.file})` : ''}; import that exact file first`);
  }
  if (ref.file) {
    const name = path.basename(ref.file.replace(/\\/g, '/'));
    const hits = all.filter((m) => path.basename(m.path) === name);
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) bad(ref.where, `${hits.length} videos in the project are named ${name} (ids ${hits.map((h) => h.id).join(', ')}); give the sha256 to tell them apart`);
  }
  return bad(ref.where, `no video in this project matches ${ref.sha256 ? `sha256 ${ref.sha256}` : ''}${ref.sha256 && ref.file ? ' or ' : ''}${ref.file ? `file name ${ref.file}` : ''}; import the video first`);
}

/** Frame-start times in seconds from frame 0 for frames 0..n, the last being the end of the video. */
export function boundaries(t: FrameTable, m: Pick<MediaRow, 'end_pts' | 'tb_num' | 'tb_den'>): Float64Array {
  const n = t.pts.length;
  const b = new Float64Array(n + 1);
  const p0 = t.pts[0]!;
  for (let i = 0; i < n; i++) b[i] = ((t.pts[i]! - p0) * m.tb_num) / m.tb_den;
  b[n] = ((m.end_pts - p0) * m.tb_num) / m.tb_den;
  return b;
}

/** The boundary index in [lo, hi] nearest to time s (binary search; ties go to the earlier). */
function nearest(b: Float64Array, s: number, lo: number, hi: number): number {
  let a = lo;
  let z = hi;
  while (a < z) {
    const mid = (a + z) >> 1;
    if (b[mid]! < s) a = mid + 1;
    else z = mid;
  }
  if (a > lo && Math.abs(b[a - 1]! - s) <= Math.abs(b[a]! - s)) return a - 1;
  return a;
}

/**
 * A span in exact frames. Seconds snap to the nearest frame boundary: the
 * start to the frame that starts nearest to it, the end to the frame that
 * ends nearest to it (ELAN's whole milliseconds and LAV-DF's seconds land
 * within half a frame of a boundary when they came from frames).
 */
export function spanToFrames(span: PreSpan, b: Float64Array, where: string, frame0Media = 0): { start: number; end: number } {
  // Media time → time from frame 0: frame 0 lies frame0Media seconds after the container's start.
  if (span.unit === 'media') span = { unit: 'seconds', start: span.start - frame0Media, end: span.end - frame0Media };
  const n = b.length - 1;
  if (!Number.isFinite(span.start) || !Number.isFinite(span.end)) bad(where, 'start and end must be numbers');
  if (span.end < span.start) bad(where, `the end (${span.end}) is before the start (${span.start})`);
  if (span.unit === 'frame') {
    if (!Number.isInteger(span.start) || !Number.isInteger(span.end) || span.start < 0 || span.end >= n) {
      bad(where, `frames ${span.start}–${span.end} are not within the video (frames 0–${n - 1})`);
    }
    return { start: span.start, end: span.end };
  }
  const duration = b[n]!;
  const slack = 0.5 * (duration / n);
  if (span.start < -slack || span.start > duration) bad(where, `start ${span.start} s is outside the video (0–${duration.toFixed(6)} s)`);
  if (span.end > duration + slack) bad(where, `end ${span.end} s is past the end of the video (${duration.toFixed(6)} s)`);
  const start = nearest(b, span.start, 0, n - 1);
  const endBoundary = nearest(b, span.end, 1, n);
  return { start, end: Math.max(start, endBoundary - 1) };
}

/** Turn a parsed foreign file into a native document for this project. */
export function placePreDocument(pre: PreDocument, deps: PlaceDeps): Placed {
  const { store } = deps;
  const now = deps.now ?? new Date().toISOString();
  const source = `${pre.format}:${path.basename(pre.source)}`;
  const all = store.listMedia();
  const labels = new Map<string, Label>(store.labels().map((l) => [l.id, l]));
  const added: NativeLabel[] = [];
  let position = Math.max(-1, ...[...labels.values()].map((l) => l.position)) + 1;
  const labelFor = (id: string, where: string): Label => {
    const have = labels.get(id);
    if (have) {
      if (have.retired) bad(where, `label ${id} is retired in this project; restore it or map the file's label to another`);
      return have;
    }
    if (!ID_PATTERN.test(id)) bad(where, `label "${id.slice(0, 80)}" is not in the taxonomy and is not a valid new label id (lower-case letters, digits and _)`);
    const l: NativeLabel = {
      id, name: pre.labelNames?.[id] ?? id, description: `Added by importing ${path.basename(pre.source)}`, scope: 'frame',
      color: PALETTE[added.length % PALETTE.length]!, hotkey: null, position: position++, retired: false, mergedInto: null,
      attributes: DEFAULT_ATTRIBUTES,
    };
    added.push(l);
    labels.set(id, l);
    return l;
  };

  const videos = new Map<number, NativeVideo>();
  const exists = store.db.prepare('SELECT 1 FROM annotations WHERE id = ?');
  let item = 0;
  const links: Placed['links'] = [];
  for (const pv of pre.videos) {
    const m = matchVideo(store, pv.video, all);
    const table = deps.frames(m.id);
    const b = boundaries(table, m);
    const n = m.frame_count;
    const endPtsOf = (f: number) => (f + 1 < n ? table.pts[f + 1]! : m.end_pts);
    let v = videos.get(m.id);
    if (!v) {
      v = {
        sha256: m.sha256, path: m.path, frameCount: n, timeBase: { num: m.tb_num, den: m.tb_den },
        startPts: m.first_pts, endPts: m.end_pts, containerStartTime: m.format_start_us / 1e6, annotations: [],
      };
      videos.set(m.id, v);
    }
    if (pv.originalFile) {
      const o = matchVideo(store, { file: pv.originalFile, ...(pv.originalSha256 ? { sha256: pv.originalSha256 } : {}), where: `${pv.video.where}: original` }, all);
      if (o.id === m.id) bad(pv.video.where, 'a video cannot be its own original');
      links.push({ videoId: m.id, originalId: o.id });
    }
    for (const a of pv.annotations) {
      // The id follows from the file and the place in it, so importing the same file twice is refused, not doubled.
      const id = `imp-${createHash('sha256').update(JSON.stringify([source, m.sha256, a.where, item++])).digest('hex').slice(0, 32)}`;
      if (exists.get(id)) bad(a.where, `already imported from ${path.basename(pre.source)} (annotation ${id}); undo or delete that import first`);
      // A file that does not say who marked something is named as its annotator: the person importing did not mark it.
      const base = { id, annotator: a.annotator ?? source, note: a.note, createdAt: now, updatedAt: now, source };
      let out: NativeAnnotation;
      if (a.kind === 'verdict') {
        const exists = v.annotations.some((x) => x.kind === 'verdict' && x.annotator === base.annotator) ||
          (store.db.prepare("SELECT 1 FROM annotations WHERE media_id = ? AND kind = 'verdict' AND annotator = ?").get(m.id, base.annotator) !== undefined);
        if (exists) bad(a.where, `the video already has a verdict by ${base.annotator}`);
        out = { ...base, kind: 'verdict', label: null, startFrame: 0, endFrame: n - 1, startTime: 0, endTime: b[n]!, startPts: table.pts[0]!, endPts: m.end_pts, attributes: {}, verdict: a.verdict };
      } else {
        const l = labelFor(a.label, a.where);
        const problem = checkAttributes(l.attributes, a.attributes);
        if (problem) bad(a.where, problem);
        let start: number;
        let end: number;
        let keyframes: Keyframe[] | undefined;
        if (a.kind === 'segment') ({ start, end } = spanToFrames(a.span, b, a.where, (m.first_pts * m.tb_num) / m.tb_den - m.format_start_us / 1e6));
        else if (a.kind === 'frame_tag') {
          if (!Number.isInteger(a.frame) || a.frame < 0 || a.frame >= n) bad(a.where, `frame ${a.frame} is not within the video (frames 0–${n - 1})`);
          start = end = a.frame;
        } else {
          if (!a.keyframes.length) bad(a.where, 'a region track needs at least one keyframe');
          keyframes = a.keyframes.map((k, i) => {
            const parsed = KeyframeSchema.safeParse(k);
            if (!parsed.success) bad(`${a.where} keyframe ${i}`, parsed.error.issues[0]!.message);
            if (k.frame >= n) bad(`${a.where} keyframe ${i}`, `frame ${k.frame} is past the last frame (${n - 1})`);
            return parsed.data!;
          });
          ({ start, end } = trackRange(keyframes, n));
        }
        out = {
          ...base, kind: a.kind, label: l.id, startFrame: start, endFrame: end, startTime: b[start]!, endTime: b[end + 1]!,
          startPts: table.pts[start]!, endPts: endPtsOf(end), attributes: a.attributes,
        };
        if (keyframes) out.keyframes = keyframes;
      }
      v.annotations.push(out);
    }
  }
  return {
    document: {
      format: NATIVE_FORMAT, version: NATIVE_VERSION,
      exported: { at: now, by: deps.actor, tool: source, auditHead: '' },
      taxonomy: added,
      videos: [...videos.values()],
    },
    links,
  };
}
