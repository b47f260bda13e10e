import { stringify } from 'csv-stringify/sync';
import { normaliseKeyframes, shapeAt, type Annotation, type Point, type ShapeType } from '../../../shared/annotations';
import type { ExportOptions } from '../../../shared/exportFormats';
import { videoSlug, type ExportModel, type ExportVideo, type OutFile } from './model';

/**
 * The `mot` export (issue 5; docs/formats.md): region tracks in the
 * MOTChallenge ground-truth layout (https://motchallenge.net/instructions/,
 * Milan et al., "MOT16: A Benchmark for Multi-Object Tracking", §3.3), one
 * sequence folder per video, `mot/<sha256 first 12>_<stem>/`:
 * - gt/gt.txt: `frame,id,bb_left,bb_top,bb_width,bb_height,conf,class,visibility`,
 *   frames and ids 1-based, one row per frame where the track has a shape;
 * - gt/labels.txt: one label id per line in taxonomy order; class is the 1-based
 *   line number (the convention CVAT's MOT 1.1 export uses);
 * - gt/tracks.csv: which annotation each MOT track id is;
 * - seqinfo.ini: the [Sequence] keys TrackEval and the devkit read, plus a
 *   [Tellframe] section with the hash, time base, frame 0's pts and the
 *   container's start time (frameRate is rounded and only describes the video);
 * plus mot/seqmaps/tellframe-<all|split>.txt listing sequences, as TrackEval expects.
 */

/** Coordinates are frame pixels; three decimals keep interpolated boxes readable without losing a pixel's fraction. */
const num = (x: number) => Math.round(x * 1000) / 1000;

/** The box [left, top, width, height] of a shape: a box's corners, a polygon's bounding box, a point as a 1×1 box centred on it. */
export function motBox(shape: ShapeType, points: readonly Point[]): [number, number, number, number] {
  if (shape === 'point') {
    const [x, y] = points[0]!;
    return [num(x - 0.5), num(y - 0.5), 1, 1];
  }
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  return [num(left), num(top), num(Math.max(...xs) - left), num(Math.max(...ys) - top)];
}

/** gt.txt rows of a video's region tracks, by frame then track id; track ids number the tracks in start order from 1. */
export function gtRows(v: ExportVideo, classOf: (label: string) => number): { rows: number[][]; tracks: Annotation[] } {
  const tracks = v.annotations
    .filter((a) => a.kind === 'region_track' && a.keyframes && a.keyframes.length > 0)
    .sort((a, b) => a.startFrame - b.startFrame || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows: number[][] = [];
  tracks.forEach((a, i) => {
    const cls = classOf(a.label ?? '');
    const end = Math.min(a.endFrame, v.frameCount - 1);
    for (let f = Math.max(0, a.startFrame); f <= end; f++) {
      const s = shapeAt(a.keyframes!, f);
      if (!s) continue;
      rows.push([f + 1, i + 1, ...motBox(s.shape, s.points), 1, cls, 1]);
    }
  });
  rows.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  return { rows, tracks };
}

/** An INI value on one line; "%" doubled because Python's configparser interpolates it. */
const iniValue = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().replace(/%/g, '%%');

function seqinfo(model: ExportModel, v: ExportVideo, name: string): string {
  return [
    '[Sequence]',
    `name=${name}`,
    'imDir=img1',
    `frameRate=${Math.max(1, Math.round(v.avgFps))}`,
    `seqLength=${v.frameCount}`,
    `imWidth=${v.width}`,
    `imHeight=${v.height}`,
    'imExt=.jpg',
    '',
    '[Tellframe]',
    '; Frame n of gt.txt is decoded frame n-1. Times come from the stored pts below',
    '; (seconds = (pts - startPts) * timeBase), never from frameRate.',
    `file=${iniValue(v.file)}`,
    `sha256=${v.sha256}`,
    `timeBase=${v.timeBase.num}/${v.timeBase.den}`,
    `startPts=${v.startPts}`,
    `endPts=${v.endPts}`,
    `containerStartTime=${v.containerStartTime}`,
    `vfr=${v.vfr ? 1 : 0}`,
    `split=${v.split ?? ''}`,
    `tool=${iniValue(model.exported.tool)}`,
    `exportedAt=${model.exported.at}`,
    `auditHead=${model.exported.auditHead}`,
    '',
  ].join('\n');
}

/** tracks.csv: startFrame/endFrame are Tellframe's 0-based frames (gt.txt's frame is one more); shape is the first keyframe's. */
const TRACK_COLUMNS = ['motId', 'annotationId', 'label', 'class', 'shape', 'startFrame', 'endFrame', 'annotator', 'attributes', 'note'];

export function buildMot(model: ExportModel, _options: ExportOptions): OutFile[] {
  const classes = new Map(model.labels.map((l, i) => [l.id, i + 1]));
  const classOf = (label: string) => {
    const c = classes.get(label);
    if (c === undefined) throw new Error(`label ${label} is not in the taxonomy`);
    return c;
  };
  const labelsTxt = model.labels.map((l) => l.id).join('\n') + '\n';
  const files: OutFile[] = [];
  const seqmaps = new Map<string, string[]>([['all', []]]);
  for (const v of model.videos) {
    const name = videoSlug(v);
    const dir = `mot/${name}`;
    const { rows, tracks } = gtRows(v, classOf);
    const trackRows = tracks.map((a, i) => [i + 1, a.id, a.label, classOf(a.label ?? ''), normaliseKeyframes(a.keyframes!)[0]!.shape, a.startFrame, a.endFrame, a.annotator, JSON.stringify(a.attributes), a.note]);
    files.push(
      { path: `${dir}/seqinfo.ini`, data: seqinfo(model, v, name) },
      { path: `${dir}/gt/gt.txt`, data: stringify(rows) },
      { path: `${dir}/gt/labels.txt`, data: labelsTxt },
      { path: `${dir}/gt/tracks.csv`, data: stringify(trackRows, { header: true, columns: TRACK_COLUMNS }) },
    );
    seqmaps.get('all')!.push(name);
    if (v.split) {
      if (!seqmaps.has(v.split)) seqmaps.set(v.split, []);
      seqmaps.get(v.split)!.push(name);
    }
  }
  for (const [split, names] of seqmaps) files.push({ path: `mot/seqmaps/tellframe-${split}.txt`, data: ['name', ...names].join('\n') + '\n' });
  return files;
}
