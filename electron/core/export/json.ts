import type { Annotation } from '../../../shared/annotations';
import type { Label } from '../../../shared/model';
import { NATIVE_FORMAT, NATIVE_VERSION, type NativeAnnotation, type NativeExport, type NativeLabel, type NativeVideo } from '../../../shared/nativeJson';
import { ptsToSeconds } from '../../../shared/time';
import type { MediaRow } from '../project/store';
import type { ExportModel, OutFile } from './model';

export interface NativeSource {
  labels: Label[];
  videos: { media: MediaRow; containerStartTime: number; annotations: Annotation[] }[];
  exported: NativeExport['exported'];
}

export function nativeLabel(l: Label): NativeLabel {
  return {
    id: l.id, name: l.name, description: l.description, scope: l.scope, color: l.color, hotkey: l.hotkey,
    position: l.position, retired: l.retired, mergedInto: l.mergedInto, attributes: l.attributes,
  };
}

/** One annotation as the native JSON writes it; times are seconds from frame 0's pts. */
export function nativeAnnotation(a: Annotation, m: Pick<MediaRow, 'tb_num' | 'tb_den' | 'first_pts'>): NativeAnnotation {
  const tb = { num: m.tb_num, den: m.tb_den };
  const out: NativeAnnotation = {
    id: a.id, kind: a.kind, label: a.label, startFrame: a.startFrame, endFrame: a.endFrame,
    startTime: ptsToSeconds(a.startPts - m.first_pts, tb), endTime: ptsToSeconds(a.endPts - m.first_pts, tb),
    startPts: a.startPts, endPts: a.endPts, annotator: a.annotator, attributes: a.attributes, note: a.note,
    createdAt: a.createdAt, updatedAt: a.updatedAt,
  };
  if (a.keyframes) out.keyframes = a.keyframes.map((k) => ({ frame: k.frame, shape: k.shape, points: k.points, outside: k.outside }));
  if (a.verdict) out.verdict = a.verdict;
  if (a.source !== undefined) out.source = a.source;
  if (a.finding) out.finding = a.finding;
  if (a.provenance) out.provenance = a.provenance;
  return out;
}

/** The native annotation document (pure: the same inputs give the same JSON). */
export function buildNativeExport(src: NativeSource): NativeExport {
  const videos: NativeVideo[] = src.videos.map(({ media: m, containerStartTime, annotations }) => ({
    sha256: m.sha256,
    path: m.path,
    frameCount: m.frame_count,
    timeBase: { num: m.tb_num, den: m.tb_den },
    startPts: m.first_pts,
    endPts: m.end_pts,
    containerStartTime,
    annotations: annotations.map((a) => nativeAnnotation(a, m)),
  }));
  return {
    format: NATIVE_FORMAT,
    version: NATIVE_VERSION,
    exported: src.exported,
    taxonomy: src.labels.map(nativeLabel),
    videos,
  };
}

/** The native document of an export model (format `json`: annotations.json). */
export function nativeFromModel(model: ExportModel): NativeExport {
  return {
    format: NATIVE_FORMAT,
    version: NATIVE_VERSION,
    exported: { at: model.exported.at, by: model.exported.by, tool: model.exported.tool, auditHead: model.exported.auditHead },
    taxonomy: model.labels.map(nativeLabel),
    videos: model.videos.map((v) => {
      const m = { tb_num: v.timeBase.num, tb_den: v.timeBase.den, first_pts: v.startPts };
      const all = [...v.annotations, ...v.verdicts];
      return {
        sha256: v.sha256, path: v.path, frameCount: v.frameCount, timeBase: v.timeBase, startPts: v.startPts, endPts: v.endPts,
        containerStartTime: v.containerStartTime, annotations: all.map((a) => nativeAnnotation(a, m)),
      };
    }),
  };
}

export function buildJson(model: ExportModel): OutFile[] {
  return [{ path: 'annotations.json', data: JSON.stringify(nativeFromModel(model), null, 2) + '\n' }];
}
