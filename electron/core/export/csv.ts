import { stringify } from 'csv-stringify/sync';
import { shapeAt, type Annotation } from '../../../shared/annotations';
import type { ExportOptions } from '../../../shared/exportFormats';
import type { Label } from '../../../shared/model';
import { seconds, sha12, type ExportModel, type ExportVideo, type FramePts, type OutFile } from './model';
import { npyUint8 } from './npy';

/**
 * The `csv` export (issue 5; docs/formats.md):
 * - annotations.csv: one row per annotation, verdicts included;
 * - videos.csv: one row per video with what times are measured from (time
 *   base, frame 0's pts, the container's own start time);
 * - frames.csv: one row per frame of every video with its multi-hot labels;
 * - labels/<sha256 first 12>.npy: the same matrix as uint8 (frames × labels),
 *   its columns in labels/columns.txt (taxonomy order);
 * - export.json: tool, time, exporter and audit chain head.
 * CSV follows RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): header row,
 * CRLF records, fields with commas, quotes or line breaks quoted and quotes
 * doubled, via csv-stringify; UTF-8 without BOM so pandas reads it as is.
 */

export type { FramePts } from './model';

const RFC4180 = { record_delimiter: 'windows' as const };

/** The first 12 hex digits of the hash: unique enough for file names, as git's short hashes are. */
export { sha12 } from './model';

/** Where a video's label matrix goes. */
export const npyPath = (v: Pick<ExportVideo, 'sha256'>): string => `labels/${sha12(v)}.npy`;

/**
 * Frames × labels (row-major): 1 where a segment, frame tag or region track of
 * that label covers the frame. A track covers only the frames of its stored
 * range where shapeAt gives a shape (not before its first keyframe, not while outside).
 */
export function labelMatrix(v: ExportVideo, labels: readonly Label[]): Uint8Array {
  const col = new Map(labels.map((l, i) => [l.id, i]));
  const width = labels.length;
  const m = new Uint8Array(v.frameCount * width);
  for (const a of v.annotations) {
    if (a.label === null || a.kind === 'verdict') continue;
    const c = col.get(a.label);
    if (c === undefined) throw new Error(`label ${a.label} is not in the taxonomy`);
    const s = Math.max(0, a.startFrame);
    const e = Math.min(v.frameCount - 1, a.endFrame);
    for (let f = s; f <= e; f++) {
      if (a.kind === 'region_track' && a.keyframes && shapeAt(a.keyframes, f) === null) continue;
      m[f * width + c] = 1;
    }
  }
  return m;
}

/**
 * Each frame's pts, NaN where unknown. With the frame index every frame is
 * known; without it only the frames whose pts the project stores: frame 0
 * and every annotation's first frame and the frame after its last.
 */
export function knownFramePts(v: ExportVideo, all?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.frameCount).fill(Number.NaN);
  if (all && all.length >= v.frameCount) {
    for (let f = 0; f < v.frameCount; f++) out[f] = all[f]!;
    return out;
  }
  const put = (f: number, pts: number) => {
    if (f >= 0 && f < v.frameCount) out[f] = pts;
  };
  if (v.frameCount > 0) put(0, v.startPts);
  for (const a of v.verdict ? [...v.annotations, v.verdict] : v.annotations) {
    put(a.startFrame, a.startPts);
    put(a.endFrame + 1, a.endPts);
  }
  return out;
}

const ANNOTATION_COLUMNS = [
  'videoId', 'video', 'sha256', 'split', 'id', 'kind', 'label', 'startFrame', 'endFrame', 'startTime', 'endTime',
  'startPts', 'endPts', 'annotator', 'attributes', 'note', 'verdict', 'method', 'confidence', 'keyframes', 'createdAt', 'updatedAt',
];

function annotationRow(v: ExportVideo, a: Annotation): unknown[] {
  const kf = a.keyframes ? JSON.stringify(a.keyframes.map((k) => ({ frame: k.frame, shape: k.shape, points: k.points, outside: k.outside }))) : '';
  return [
    v.id, v.file, v.sha256, v.split ?? '', a.id, a.kind, a.label ?? '', a.startFrame, a.endFrame,
    seconds(v, a.startPts), seconds(v, a.endPts), a.startPts, a.endPts, a.annotator, JSON.stringify(a.attributes), a.note,
    a.verdict?.value ?? '', a.verdict?.method ?? '', a.verdict?.confidence ?? '', kf, a.createdAt, a.updatedAt,
  ];
}

const VIDEO_COLUMNS = [
  'videoId', 'video', 'sha256', 'split', 'frameCount', 'width', 'height', 'timeBase', 'startPts', 'endPts',
  'containerStartTime', 'duration', 'avgFps', 'vfr', 'formatName', 'codec', 'verdict', 'method', 'confidence',
  'identity', 'originalSha256', 'labels',
];

function videoRow(v: ExportVideo): unknown[] {
  const vd = v.verdict?.verdict;
  return [
    v.id, v.file, v.sha256, v.split ?? '', v.frameCount, v.width, v.height, `${v.timeBase.num}/${v.timeBase.den}`, v.startPts, v.endPts,
    v.containerStartTime, v.duration, v.avgFps, v.vfr ? 1 : 0, v.formatName, v.codec, vd?.value ?? '', vd?.method ?? '', vd?.confidence ?? '',
    v.identity ?? '', v.original?.sha256 ?? '', npyPath(v),
  ];
}

/**
 * frames.csv rows of one video. The per-video fields (file name, hash) go
 * through csv-stringify once; the rest are numbers, which RFC 4180 never
 * quotes, so they are joined directly: a million rows in well under a second
 * (csv-stringify per field takes several).
 */
function frameBlock(v: ExportVideo, matrix: Uint8Array, width: number, pts: Float64Array): string {
  const prefix = stringify([[v.id, v.file, v.sha256]], { record_delimiter: '' });
  const parts: string[] = new Array(v.frameCount);
  for (let f = 0; f < v.frameCount; f++) {
    const p = pts[f]!;
    const known = !Number.isNaN(p);
    let row = `${prefix},${f},${known ? p : ''},${known ? seconds(v, p) : ''}`;
    for (let c = 0; c < width; c++) row += matrix[f * width + c] ? ',1' : ',0';
    parts[f] = row + '\r\n';
  }
  return parts.join('');
}

/** The csv export's files; `framePts` (optional) fills every frame's pts and time in frames.csv. */
export function buildCsv(model: ExportModel, _options: ExportOptions, framePts?: FramePts): OutFile[] {
  const columns = model.labels.map((l) => l.id);
  const annotationRows: unknown[][] = [];
  const frameBlocks: string[] = [stringify([], { ...RFC4180, header: true, columns: ['videoId', 'video', 'sha256', 'frame', 'pts', 'time', ...columns] })];
  const npys: OutFile[] = [];
  for (const v of model.videos) {
    for (const a of v.annotations) annotationRows.push(annotationRow(v, a));
    // Every annotator's verdict is a row of its own.
    for (const vd of v.verdicts) annotationRows.push(annotationRow(v, vd));
    const matrix = labelMatrix(v, model.labels);
    npys.push({ path: npyPath(v), data: npyUint8(matrix, [v.frameCount, columns.length]) });
    frameBlocks.push(frameBlock(v, matrix, columns.length, knownFramePts(v, framePts?.(v.id))));
  }
  const meta = {
    format: 'tellframe-csv',
    tool: model.exported.tool,
    exportedAt: model.exported.at,
    exportedBy: model.exported.by,
    auditHead: model.exported.auditHead,
    labelColumns: columns,
    framePts: framePts ? 'every frame' : 'frames whose pts the project stores (frame 0, annotation bounds)',
  };
  return [
    { path: 'annotations.csv', data: stringify(annotationRows, { ...RFC4180, header: true, columns: ANNOTATION_COLUMNS }) },
    { path: 'videos.csv', data: stringify(model.videos.map(videoRow), { ...RFC4180, header: true, columns: VIDEO_COLUMNS }) },
    // One piece per video: a big project's frames.csv is more than one string can hold.
    { path: 'frames.csv', data: frameBlocks },
    { path: 'labels/columns.txt', data: columns.join('\n') + '\n' },
    ...npys,
    { path: 'export.json', data: JSON.stringify(meta, null, 2) + '\n' },
  ];
}
