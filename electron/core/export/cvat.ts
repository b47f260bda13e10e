import { normaliseKeyframes, shapeAt, trackRange, type Annotation, type AttributeDef, type Attributes, type Keyframe, type Point, type ShapeAt, type ShapeType } from '../../../shared/annotations';
import type { Label } from '../../../shared/model';
import { attrSafe, buildXml, xmlSafe } from '../import/xml';
import { videoSlug, type ExportModel, type ExportVideo, type OutFile, type TextBuilder } from './model';

/**
 * CVAT for video 1.1 and CVAT for images 1.1 (docs/formats.md; the
 * format is CVAT's own dumper, cvat/apps/dataset_manager/formats/cvat.py,
 * and https://docs.cvat.ai/docs/other/xml_format/). A CVAT task is one
 * video, so each video gets its own annotations.xml. Frames are Tellframe's
 * exact decode indices. What CVAT has no element for (sha256, time base,
 * pts, audit head) goes into `<meta><tellframe>`, which CVAT's loader skips;
 * what must survive a trip through CVAT (the annotation's id, kind, note and
 * annotator) goes into label attributes, which CVAT keeps.
 */

/** Extra text/select attributes declared on every label so CVAT keeps them on import (it refuses undeclared ones). */
export const TF_ID = 'tellframe_id';
export const TF_KIND = 'tellframe_kind';
export const TF_NOTE = 'tellframe_note';
export const TF_ANNOTATOR = 'tellframe_annotator';
export const TF_KINDS = ['region_track', 'segment', 'frame_tag'] as const;

/** Coordinates to 4 decimals (CVAT itself writes 2; sub-pixel keyframes survive), without trailing zeros. */
export function num(x: number): string {
  const r = Math.round(x * 1e4) / 1e4;
  return String(Object.is(r, -0) ? 0 : r);
}

/** Tellframe attribute types as CVAT input types (select/number/text/checkbox; number values are "min;max;step"). */
function cvatAttribute(d: AttributeDef): { name: string; mutable: string; input_type: string; default_value: string; values: string } {
  switch (d.type) {
    case 'choice':
      return { name: d.id, mutable: 'False', input_type: 'select', default_value: d.options[0]!, values: d.options.join('\n') };
    case 'number': {
      const min = d.min ?? -1e6;
      const max = d.max ?? 1e6;
      return { name: d.id, mutable: 'False', input_type: 'number', default_value: String(min), values: `${min};${max};0.01` };
    }
    case 'bool':
      return { name: d.id, mutable: 'False', input_type: 'checkbox', default_value: 'false', values: 'false' };
    case 'text':
      return { name: d.id, mutable: 'False', input_type: 'text', default_value: '', values: '' };
  }
}

/** The attributes every exported label carries: its own, then Tellframe's bookkeeping ones. */
function labelAttributes(l: Label): ReturnType<typeof cvatAttribute>[] {
  return [
    ...l.attributes.map(cvatAttribute),
    { name: TF_ID, mutable: 'False', input_type: 'text', default_value: '', values: '' },
    { name: TF_KIND, mutable: 'False', input_type: 'select', default_value: TF_KINDS[0], values: TF_KINDS.join('\n') },
    { name: TF_NOTE, mutable: 'False', input_type: 'text', default_value: '', values: '' },
    { name: TF_ANNOTATOR, mutable: 'False', input_type: 'text', default_value: '', values: '' },
  ].map((a) => ({ ...a, default_value: xmlSafe(a.default_value), values: xmlSafe(a.values) }));
}

/** The labels as CVAT's "Raw" label constructor takes them (paste this when creating the task). */
export function cvatRawLabels(model: ExportModel): unknown[] {
  return model.labels.map((l) => ({
    name: l.id,
    color: l.color,
    type: 'any',
    attributes: labelAttributes(l).map((a) => ({
      name: a.name, mutable: false, input_type: a.input_type, default_value: a.default_value,
      values: a.input_type === 'text' ? [''] : a.values.split(a.input_type === 'number' ? ';' : '\n'),
    })),
  }));
}

function attributeValue(v: string | number | boolean): string {
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : xmlSafe(String(v));
}

/** An annotation's `<attribute name>` children: its own attributes, then the Tellframe ones (an empty note is left out). */
function attributes(a: Annotation, kind: (typeof TF_KINDS)[number]): { '@_name': string; '#text': string }[] {
  const own = Object.entries(a.attributes as Attributes).map(([k, v]) => ({ '@_name': attrSafe(k), '#text': attributeValue(v) }));
  return [
    ...own,
    { '@_name': TF_ID, '#text': xmlSafe(a.id) },
    { '@_name': TF_KIND, '#text': kind },
    ...(a.note ? [{ '@_name': TF_NOTE, '#text': xmlSafe(a.note) }] : []),
    { '@_name': TF_ANNOTATOR, '#text': xmlSafe(a.annotator) },
  ];
}

/** The geometry attributes of one shape element. */
function geometry(shape: ShapeType, points: readonly Point[]): Record<string, string> {
  if (shape === 'box') {
    const [p, q] = [points[0]!, points[1]!];
    return { '@_xtl': num(Math.min(p[0], q[0])), '@_ytl': num(Math.min(p[1], q[1])), '@_xbr': num(Math.max(p[0], q[0])), '@_ybr': num(Math.max(p[1], q[1])) };
  }
  return { '@_points': points.map((p) => `${num(p[0])},${num(p[1])}`).join(';') };
}

/** CVAT's element name for each Tellframe shape. */
export const ELEMENT: Record<ShapeType, 'box' | 'polygon' | 'points'> = { box: 'box', polygon: 'polygon', point: 'points' };

type Shape = Record<string, unknown>;
interface Track { type: ShapeType; shapes: Shape[] }

/**
 * One element of a track. Attributes go on the track's first element only:
 * every Tellframe attribute is declared immutable (`<mutable>False`), and for
 * those CVAT's loader takes the track's values from its first shape (it reads
 * keyframes only); repeating them on every frame would multiply the file.
 */
function trackShape(frame: number, shape: ShapeType, points: readonly Point[], keyframe: boolean, outside: boolean, attrs?: unknown[]): Shape {
  const el: Shape = {
    '@_frame': String(frame), '@_keyframe': keyframe ? '1' : '0', '@_outside': outside ? '1' : '0', '@_occluded': '0',
    ...geometry(shape, points), '@_z_order': '0',
  };
  if (attrs) el.attribute = attrs;
  return el;
}

/**
 * A region track's keyframes split into runs of one shape type: a CVAT track
 * has one type, so a track that changes from, say, box to polygon becomes
 * two CVAT tracks with the same tellframe_id (the parser joins them again);
 * each run but the last ends with an outside keyframe where the next begins.
 */
function runs(keyframes: readonly Keyframe[]): Keyframe[][] {
  const ks = normaliseKeyframes(keyframes);
  const out: Keyframe[][] = [];
  let cur: Keyframe[] = [];
  let type: ShapeType | null = null;
  for (const k of ks) {
    if (!k.outside && type !== null && k.shape !== type) {
      const last = cur[cur.length - 1]!;
      if (!last.outside) cur.push({ frame: k.frame, shape: type, points: last.points, outside: true });
      out.push(cur);
      cur = [];
    }
    if (!k.outside) type = k.shape;
    cur.push(k);
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * shapeAt(keyframes, f) for every f in [from, to], in one sweep: shapeAt
 * depends only on the keyframes at or before f and the one after, so each
 * call gets just those two (a long track stays linear in its frames).
 */
export function eachShape(keyframes: readonly Keyframe[], from: number, to: number, fn: (f: number, s: ShapeAt | null) => void): void {
  const ks = normaliseKeyframes(keyframes);
  let i = -1;
  for (let f = from; f <= to; f++) {
    while (i + 1 < ks.length && ks[i + 1]!.frame <= f) i++;
    fn(f, i < 0 ? null : shapeAt(ks.slice(i, i + 2), f));
  }
}

/**
 * Every frame of a region track's range, as CVAT dumps interpolated tracks:
 * keyframe=1 on Tellframe's keyframes, the shape from shapeAt on the frames
 * between, outside=1 on the keyframe that ends the track (the frame after its
 * last frame) or starts a gap; frames inside a gap carry no element.
 */
function regionTracks(a: Annotation, frameCount: number): Track[] {
  const attrs = attributes(a, 'region_track');
  const out: Track[] = [];
  for (const run of runs(a.keyframes ?? [])) {
    const type = run.find((k) => !k.outside)?.shape ?? run[0]!.shape;
    const { start, end } = trackRange(run, frameCount);
    const byFrame = new Map(run.map((k) => [k.frame, k]));
    const shapes: Shape[] = [];
    let lastPoints: readonly Point[] = run.find((k) => k.shape === type)!.points;
    const last = run[run.length - 1]!;
    const stop = last.outside && last.frame < frameCount ? last.frame : end;
    eachShape(run, start, stop, (f, s) => {
      const first = shapes.length === 0 ? attrs : undefined;
      if (s && s.shape === type) {
        shapes.push(trackShape(f, type, s.points, s.keyframe, false, first));
        lastPoints = s.points;
      } else if (byFrame.get(f)?.outside) {
        shapes.push(trackShape(f, type, lastPoints, true, true, first));
      }
    });
    if (shapes.length) out.push({ type, shapes });
  }
  return out;
}

/**
 * A segment (or a frame tag) as a track of the full-frame box: a keyframe on
 * its first frame and an outside keyframe on end+1 when that frame exists,
 * the way CVAT itself dumps a one-frame shape as a track. CVAT shows the
 * (constant) box on every frame between; writing each of them would make a
 * long segment thousands of identical elements.
 */
function spanTrack(a: Annotation, v: ExportVideo, kind: 'segment' | 'frame_tag'): Track {
  const full: Point[] = [[0, 0], [v.width, v.height]];
  const shapes: Shape[] = [trackShape(a.startFrame, 'box', full, true, false, attributes(a, kind))];
  if (a.endFrame + 1 < v.frameCount) shapes.push(trackShape(a.endFrame + 1, 'box', full, true, true));
  return { type: 'box', shapes };
}

/** `<meta>`: the task as CVAT describes a video task, then Tellframe's record of the source. */
function meta(model: ExportModel, v: ExportVideo): Record<string, unknown> {
  const { exported } = model;
  const verdicts = v.verdicts ?? (v.verdict ? [v.verdict] : []);
  return {
    task: {
      id: String(v.id), name: xmlSafe(v.file), size: String(v.frameCount), mode: 'interpolation', overlap: '0', bugtracker: '',
      created: exported.at, updated: exported.at, subset: v.split ?? 'default', start_frame: '0', stop_frame: String(Math.max(0, v.frameCount - 1)),
      frame_filter: '',
      segments: { segment: { id: '0', start: '0', stop: String(Math.max(0, v.frameCount - 1)), url: '' } },
      owner: { username: xmlSafe(exported.by), email: '' },
      labels: {
        label: model.labels.map((l) => ({
          name: l.id, color: l.color, type: 'any',
          attributes: { attribute: labelAttributes(l) },
        })),
      },
      original_size: { width: String(v.width), height: String(v.height) },
    },
    dumped: exported.at,
    source: xmlSafe(v.file),
    // Not a CVAT element: CVAT's loader reads only tracks, images, shapes and tags, so this is kept as written.
    tellframe: {
      sha256: v.sha256, file: xmlSafe(v.file), frame_count: String(v.frameCount), width: String(v.width), height: String(v.height),
      time_base: `${v.timeBase.num}/${v.timeBase.den}`, start_pts: String(v.startPts), end_pts: String(v.endPts),
      duration: String(v.duration), container_start_time: String(v.containerStartTime), format_name: xmlSafe(v.formatName),
      codec: xmlSafe(v.codec), vfr: v.vfr ? 'true' : 'false', split: v.split ?? '',
      verdict: verdicts.map((d) => ({
        '@_value': d.verdict?.value ?? '', '@_method': d.verdict?.method ?? '', '@_confidence': String(d.verdict?.confidence ?? ''),
        '@_annotator': attrSafe(d.annotator), '#text': xmlSafe(d.note),
      })),
      tool: xmlSafe(exported.tool), exported_by: xmlSafe(exported.by), exported_at: exported.at, audit_head: exported.auditHead,
    },
  };
}

/** The annotations.xml of one video in CVAT for video 1.1. */
export function cvatVideoXml(model: ExportModel, v: ExportVideo): string {
  const tracks: { label: string; t: Track }[] = [];
  for (const a of v.annotations) {
    if (a.label === null) continue;
    if (a.kind === 'region_track') for (const t of regionTracks(a, v.frameCount)) tracks.push({ label: a.label, t });
    else if (a.kind === 'segment' || a.kind === 'frame_tag') tracks.push({ label: a.label, t: spanTrack(a, v, a.kind) });
  }
  return buildXml('annotations', {
    version: '1.1',
    meta: meta(model, v),
    track: tracks.map(({ label, t }, i) => ({ '@_id': String(i), '@_label': label, '@_source': 'manual', [ELEMENT[t.type]]: t.shapes })),
  });
}

/** CVAT's image name for a video frame (CVAT names a video task's frames frame_%06d). */
export const frameName = (f: number): string => `frame_${String(f).padStart(6, '0')}`;

/**
 * The annotations.xml of one video in CVAT for images 1.1, the format in
 * which CVAT keeps tags: one `<image>` per frame that carries a frame tag,
 * with a `<tag>` for each. Segments and region tracks are in CVAT for video
 * (as tracks), where they stay one object each instead of one per frame.
 */
export function cvatImagesXml(model: ExportModel, v: ExportVideo): string {
  const frames = new Map<number, Shape[]>();
  for (const a of v.annotations) {
    if (a.label === null || a.kind !== 'frame_tag') continue;
    const tags = frames.get(a.startFrame) ?? [];
    tags.push({ '@_label': a.label, '@_source': 'manual', attribute: attributes(a, 'frame_tag') });
    frames.set(a.startFrame, tags);
  }
  const images = [...frames.entries()].sort((x, y) => x[0] - y[0]).map(([f, tags]) => ({
    '@_id': String(f), '@_name': frameName(f), '@_width': String(v.width), '@_height': String(v.height), tag: tags,
  }));
  return buildXml('annotations', { version: '1.1', meta: meta(model, v), image: images });
}

/**
 * CVAT for video 1.1: `<sha12>_<stem>/annotations.xml` per video and
 * `labels.json` for CVAT's Raw label editor (paths are relative to the
 * format's folder, `cvat-video/` when several formats are exported).
 */
export const buildCvatVideo: TextBuilder = (model) => {
  const out: OutFile[] = [{ path: 'labels.json', data: JSON.stringify(cvatRawLabels(model), null, 2) + '\n' }];
  for (const v of model.videos) out.push({ path: `${videoSlug(v)}/annotations.xml`, data: cvatVideoXml(model, v) });
  return out;
};

/** CVAT for images 1.1: `<sha12>_<stem>/annotations.xml` per video and `labels.json` (in `cvat-images/` beside other formats). */
export const buildCvatImages: TextBuilder = (model) => {
  const out: OutFile[] = [{ path: 'labels.json', data: JSON.stringify(cvatRawLabels(model), null, 2) + '\n' }];
  for (const v of model.videos) out.push({ path: `${videoSlug(v)}/annotations.xml`, data: cvatImagesXml(model, v) });
  return out;
};
