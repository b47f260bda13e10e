import path from 'node:path';
import type { Annotation } from '../../../shared/annotations';
import { TellframeError } from '../../../shared/errors';
import type { MediaRow, ProjectStore } from '../project/store';
import type { ExportModel, ExportVideo } from './model';

export interface SnapshotSource {
  store: ProjectStore;
  /** Every annotation of a video (the Annotator's list). */
  annotations(videoId: number): Annotation[];
  actor: string;
  tool: string;
}

/** One video's row as exporters see it (no split yet). */
export function exportVideo(m: MediaRow, annotations: Annotation[], byId: (id: number) => MediaRow | undefined): ExportVideo {
  const tb = { num: m.tb_num, den: m.tb_den };
  const duration = ((m.end_pts - m.first_pts) * tb.num) / tb.den;
  const orig = m.original_id === null ? undefined : byId(m.original_id);
  const marks = annotations.filter((a) => a.kind !== 'verdict').sort((a, b) => a.startFrame - b.startFrame || a.endFrame - b.endFrame || (a.id < b.id ? -1 : 1));
  const verdicts = annotations.filter((a) => a.kind === 'verdict').sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return {
    id: m.id,
    path: m.path,
    file: path.basename(m.path),
    sha256: m.sha256,
    size: m.size,
    codec: m.codec,
    pixFmt: m.pix_fmt,
    width: m.width,
    height: m.height,
    frameCount: m.frame_count,
    timeBase: tb,
    startPts: m.first_pts,
    endPts: m.end_pts,
    containerStartTime: m.format_start_us / 1e6,
    formatName: m.format_name,
    duration,
    avgFps: duration > 0 ? m.frame_count / duration : 0,
    vfr: m.vfr === 1,
    split: null,
    original: orig ? { id: orig.id, file: path.basename(orig.path), sha256: orig.sha256 } : null,
    identity: m.identity,
    annotations: marks,
    verdict: verdicts[0] ?? null,
    verdicts,
  };
}

/** The export model of the project (or of the videos named), read in one go. */
export function snapshotModel(src: SnapshotSource, opts: { videoIds?: number[]; audioLabels?: string[]; ffmpeg?: string } = {}): ExportModel {
  // One read transaction: the videos, annotations and audit head come from the same commit even while another connection writes.
  return src.store.db.transaction(() => readModel(src, opts))();
}

function readModel(src: SnapshotSource, opts: { videoIds?: number[]; audioLabels?: string[]; ffmpeg?: string }): ExportModel {
  const all = src.store.listMedia();
  const byId = new Map(all.map((m) => [m.id, m]));
  let rows = all;
  if (opts.videoIds) {
    rows = [];
    for (const id of new Set(opts.videoIds)) {
      const m = byId.get(id);
      if (!m) throw new TellframeError('NOT_FOUND', `No video ${id} in this project (see: tellframe info).`);
      rows.push(m);
    }
  }
  return {
    labels: src.store.labels(),
    videos: rows.map((m) => exportVideo(m, src.annotations(m.id), (id) => byId.get(id))),
    exported: {
      at: new Date().toISOString(),
      by: src.actor,
      tool: src.tool,
      ffmpeg: opts.ffmpeg ?? '',
      auditHead: src.store.auditHead(),
    },
    audioLabels: opts.audioLabels ?? ['audio_anomaly'],
  };
}
