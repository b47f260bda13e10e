import { ID_PATTERN, type Attributes, type Keyframe, type Point, type ShapeType } from '../../../shared/annotations';
import { TF_ANNOTATOR, TF_ID, TF_KIND, TF_KINDS, TF_NOTE } from '../export/cvat';
import type { PreAnnotation, PreDocument, PreVideo, PreVideoRef } from './types';
import { parseXml, type XmlEl } from './xml';

/**
 * CVAT for video 1.1 (what CVAT dumps as "CVAT for video 1.1" and what
 * buildCvatVideo writes; https://docs.cvat.ai/docs/other/xml_format/).
 * Tracks become region tracks from their keyframes (CVAT's own loader also
 * keeps only keyframes); tracks Tellframe wrote for segments and frame tags
 * (attribute tellframe_kind) come back as those; `<tag frame label>` elements
 * become frame tags. Frames are taken as written: CVAT numbers a video's
 * frames from 0 in decode order. All or nothing: the first problem throws
 * BAD_INPUT naming the element and the field.
 */

const SHAPES: Record<string, ShapeType> = { box: 'box', polygon: 'polygon', points: 'point' };
const UNSUPPORTED = ['polyline', 'cuboid', 'ellipse', 'mask', 'skeleton'];
const TF_ATTRS = new Set([TF_ID, TF_KIND, TF_NOTE, TF_ANNOTATOR]);
const LABEL_ID = ID_PATTERN;

/** A label id from a CVAT label name: itself when it is one, else lower-case letters, digits and _ (labelNames keeps the name). */
export function labelId(name: string, where: XmlEl): string {
  if (LABEL_ID.test(name)) return name;
  let id = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (/^[0-9]/.test(id)) id = `l_${id}`;
  id = id.slice(0, 64).replace(/_+$/, '');
  if (!LABEL_ID.test(id)) where.fail(`the label "${name.slice(0, 80)}" has no letters or digits to make a label id from`);
  return id;
}

export function int(el: XmlEl, name: string): number {
  const s = el.needAttr(name).trim();
  if (!/^\d{1,9}$/.test(s)) el.fail(`attribute ${name} "${s.slice(0, 40)}" is not a whole number ≥ 0`);
  return Number(s);
}

function real(el: XmlEl, name: string, s: string = el.needAttr(name)): number {
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) el.fail(`attribute ${name} "${t.slice(0, 40)}" is not a number`);
  return Number(t);
}

function flag(el: XmlEl, name: string, dflt: boolean): boolean {
  const s = el.attr(name);
  if (s === undefined) return dflt;
  if (s.trim() === '1' || s.trim().toLowerCase() === 'true') return true;
  if (s.trim() === '0' || s.trim().toLowerCase() === 'false') return false;
  return el.fail(`attribute ${name} "${s.slice(0, 40)}" is not 0 or 1`);
}

/** Label name → attribute name → CVAT input type, from `<meta>` (task, job or project). */
function labelSpecs(meta: XmlEl | null): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const owner = meta?.one('task') ?? meta?.one('job') ?? meta?.one('project') ?? null;
  for (const l of owner?.one('labels')?.all('label') ?? []) {
    const name = l.childText('name') ?? l.fail('the element <name> is missing');
    const attrs = new Map<string, string>();
    for (const a of l.one('attributes')?.all('attribute') ?? []) {
      const an = a.childText('name');
      if (an !== undefined) attrs.set(an, (a.childText('input_type') ?? 'text').toLowerCase());
    }
    out.set(name, attrs);
  }
  return out;
}

interface Shape { frame: number; keyframe: boolean; outside: boolean; shape: ShapeType; points: Point[]; attrs: Map<string, string>; el: XmlEl }

function readShape(el: XmlEl, tag: string): Shape {
  const frame = int(el, 'frame');
  const at = el.as(`${el.path.replace(/\[\d+\]$/, '')}[frame=${frame}]`);
  const shape = SHAPES[tag]!;
  const rotation = at.attr('rotation');
  if (rotation !== undefined && real(at, 'rotation', rotation) % 360 !== 0) at.fail(`attribute rotation ${rotation}: rotated boxes are not supported`);
  let points: Point[];
  if (shape === 'box') {
    points = [[real(at, 'xtl'), real(at, 'ytl')], [real(at, 'xbr'), real(at, 'ybr')]];
  } else {
    const raw = at.needAttr('points').trim();
    points = raw.split(';').map((pair) => {
      const xy = pair.split(',');
      if (xy.length !== 2) at.fail(`attribute points: "${pair.slice(0, 40)}" is not x,y`);
      return [real(at, 'points', xy[0]!), real(at, 'points', xy[1]!)] as Point;
    });
    if (shape === 'polygon' && points.length < 3) at.fail(`attribute points: a polygon needs at least 3 points, found ${points.length}`);
    if (shape === 'point' && points.length !== 1) at.fail(`attribute points: Tellframe keeps one point per track, found ${points.length}`);
  }
  const attrs = new Map<string, string>();
  for (const a of at.all('attribute')) attrs.set(a.needAttr('name'), a.text());
  return { frame, keyframe: flag(at, 'keyframe', true), outside: flag(at, 'outside', false), shape, points, attrs, el: at };
}

/** Attribute values typed by the label's declared input type (checkbox → boolean, number → number, else text). */
function typedAttributes(s: Shape, spec: Map<string, string> | undefined): Attributes {
  const out: Attributes = {};
  for (const [name, value] of s.attrs) {
    if (TF_ATTRS.has(name)) continue;
    const type = spec?.get(name);
    if (type === 'checkbox') {
      const v = value.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') s.el.fail(`attribute "${name}": "${value.slice(0, 40)}" is not true or false`);
      out[name] = v === 'true';
    } else if (type === 'number') {
      out[name] = real(s.el, `"${name}"`, value);
    } else out[name] = value;
  }
  return out;
}

/** Keyframes from a track's shapes: keyframe=1 shapes, plus every change between inside and outside; leading outside shapes dropped. */
function keyframesOf(shapes: Shape[]): Keyframe[] {
  const out: Keyframe[] = [];
  let prevOutside = true;
  for (const s of shapes) {
    if (out.length === 0 && s.outside) continue;
    if (s.keyframe || s.outside !== prevOutside) out.push({ frame: s.frame, shape: s.shape, points: s.points, outside: s.outside });
    prevOutside = s.outside;
  }
  return out;
}

/** Parse CVAT for video 1.1 text into pre-annotations for one video (or one per task of a project dump). */
export function parseCvatVideo(text: string, source: string): PreDocument {
  const root = parseXml(text, source, 'annotations');
  const version = root.childText('version');
  if (version !== undefined && !/^1\.\d+$/.test(version)) root.need('version').fail(`version ${version.slice(0, 20)} is not CVAT XML 1.x`);
  const image = root.one('image');
  if (image) image.fail('this is CVAT for images; export the task as "CVAT for video 1.1" to import it');
  const meta = root.one('meta');
  const specs = labelSpecs(meta);
  const task = meta?.one('task') ?? meta?.one('job') ?? null;
  const tf = meta?.one('tellframe') ?? null;
  // Frames are read as the video's own decode indices: a task that starts later or keeps every Nth frame numbers them otherwise.
  for (const t of [task, ...(meta?.one('project')?.one('tasks')?.all('task') ?? [])]) {
    if (!t) continue;
    const startFrame = t.childText('start_frame');
    if (startFrame !== undefined && startFrame.trim() !== '' && startFrame.trim() !== '0') {
      t.fail(`start_frame is ${startFrame.slice(0, 20)}: only tasks that start at the video's first frame can be imported frame-exactly (re-create the task from frame 0)`);
    }
    const filter = t.childText('frame_filter')?.trim();
    if (filter && filter !== 'step=1') t.fail(`frame_filter "${filter.slice(0, 40)}": only tasks with every frame (no step) can be imported frame-exactly`);
  }
  const stopText = task?.childText('stop_frame');
  const stop = stopText !== undefined && /^\d+$/.test(stopText) ? Number(stopText) : null;
  const labelNames: Record<string, string> = {};

  // A project dump holds several tasks; its tracks say which (task_id), and each task is one video.
  const projectTasks = new Map<string, XmlEl>();
  for (const t of meta?.one('project')?.one('tasks')?.all('task') ?? []) {
    const id = t.childText('id');
    if (id !== undefined) projectTasks.set(id, t);
  }
  const videos = new Map<string, PreVideo>();
  const videoFor = (taskId: string | undefined, at: XmlEl): PreVideo => {
    const key = taskId ?? '';
    let pv = videos.get(key);
    if (pv) return pv;
    let ref: PreVideoRef;
    if (taskId !== undefined && projectTasks.size) {
      const t = projectTasks.get(taskId) ?? at.fail(`task_id ${taskId} is not among the project's tasks in <meta>`);
      const file = t.childText('source') ?? t.childText('name');
      if (!file) t.fail('the task names no video (<source> or <name>)');
      ref = { file, where: `${source}: ${t.path}` };
    } else {
      const sha = tf?.childText('sha256');
      const file = meta?.childText('source') || tf?.childText('file') || task?.childText('name');
      if (!file && !sha) (meta ?? root).fail('names no video (meta/source, meta/task/name or meta/tellframe/sha256)');
      ref = { where: `${source}: meta` };
      if (sha) ref.sha256 = sha.toLowerCase();
      if (file) ref.file = file;
    }
    pv = { video: ref, annotations: [] };
    videos.set(key, pv);
    return pv;
  };

  const label = (el: XmlEl): string => {
    const name = el.needAttr('label');
    const id = labelId(name, el);
    labelNames[id] ??= name;
    return id;
  };
  const str = (s: Shape, name: string): string | null => s.attrs.get(name) ?? null;

  // Tracks Tellframe split by shape type share a tellframe_id: their keyframes are joined again.
  const joined = new Map<string, Extract<PreAnnotation, { kind: 'region_track' }>>();
  root.all('track').forEach((raw, i) => {
    const id = raw.attr('id');
    const tr = raw.as(`annotations/track[${id !== undefined ? `id=${id}` : i + 1}]`);
    const lbl = label(tr);
    for (const tag of UNSUPPORTED) if (tr.one(tag)) tr.need(tag).fail(`<${tag}> shapes are not supported (Tellframe keeps boxes, polygons and points)`);
    const shapes: Shape[] = [];
    for (const tag of Object.keys(SHAPES)) tr.all(tag).forEach((el, k) => shapes.push(readShape(el.as(`${tr.path}/${tag}[${k + 1}]`), tag)));
    if (!shapes.length) return;
    shapes.sort((a, b) => a.frame - b.frame);
    for (let k = 1; k < shapes.length; k++) if (shapes[k]!.frame === shapes[k - 1]!.frame) shapes[k]!.el.fail('a second shape on the same frame of one track');
    // Attributes: CVAT writes them on every shape; Tellframe on a track's first only (they are immutable, per track).
    const first = shapes.find((s) => s.attrs.size > 0 && !s.outside) ?? shapes.find((s) => s.attrs.size > 0) ?? shapes[0]!;
    const kind = str(first, TF_KIND) ?? 'region_track';
    if (!(TF_KINDS as readonly string[]).includes(kind)) first.el.fail(`attribute "${TF_KIND}": "${kind.slice(0, 40)}" is not one of ${TF_KINDS.join(', ')}`);
    const common = {
      label: lbl, attributes: typedAttributes(first, specs.get(tr.needAttr('label'))), note: str(first, TF_NOTE) ?? '',
      annotator: str(first, TF_ANNOTATOR) || null, where: `${source}: ${tr.path}`,
    };
    const pv = videoFor(tr.attr('task_id'), tr);
    const keyframes = keyframesOf(shapes);
    if (!keyframes.length) return; // a track that is outside on every frame marks nothing
    if (kind === 'frame_tag') {
      pv.annotations.push({ kind: 'frame_tag', frame: keyframes[0]!.frame, ...common });
    } else if (kind === 'segment') {
      // Inside from a keyframe to the frame before the next outside keyframe, or to the task's last frame.
      const last = shapes[shapes.length - 1]!.frame;
      for (let k = 0; k < keyframes.length; k++) {
        const kf = keyframes[k]!;
        if (kf.outside || (k > 0 && !keyframes[k - 1]!.outside)) continue;
        const next = keyframes.slice(k + 1).find((x) => x.outside);
        const end = next ? next.frame - 1 : Math.max(last, stop ?? last);
        pv.annotations.push({ kind: 'segment', span: { unit: 'frame', start: kf.frame, end }, ...common });
      }
    } else {
      const tfId = str(first, TF_ID);
      const prior = tfId ? joined.get(`${tr.attr('task_id') ?? ''}/${tfId}`) : undefined;
      if (prior) {
        // Same frame in both runs: the inside keyframe (the next run's start) wins over the outside one that ended the run before.
        const all = [...prior.keyframes, ...keyframes].sort((a, b) => a.frame - b.frame || Number(b.outside) - Number(a.outside));
        prior.keyframes = [...new Map(all.map((k) => [k.frame, k])).values()];
        return;
      }
      const a: Extract<PreAnnotation, { kind: 'region_track' }> = { kind: 'region_track', keyframes, ...common };
      if (tfId) joined.set(`${tr.attr('task_id') ?? ''}/${tfId}`, a);
      pv.annotations.push(a);
    }
  });

  // Tags at the root (newer CVAT video dumps; CVAT for video 1.1 itself has none): frame tags.
  root.all('tag').forEach((raw) => {
    const frame = int(raw, 'frame');
    const el = raw.as(`annotations/tag[frame=${frame}]`);
    const lbl = label(el);
    const attrs = new Map<string, string>();
    for (const a of el.all('attribute')) attrs.set(a.needAttr('name'), a.text());
    const s: Shape = { frame, keyframe: true, outside: false, shape: 'box', points: [], attrs, el };
    videoFor(el.attr('task_id'), el).annotations.push({
      kind: 'frame_tag', label: lbl, frame, attributes: typedAttributes(s, specs.get(el.needAttr('label'))),
      note: attrs.get(TF_NOTE) ?? '', annotator: attrs.get(TF_ANNOTATOR) || null, where: `${source}: ${el.path}`,
    });
  });

  if (!videos.size) videoFor(undefined, root);
  return { format: 'cvat-video', source, videos: [...videos.values()], labelNames };
}
