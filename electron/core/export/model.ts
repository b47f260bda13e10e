import type { Annotation } from '../../../shared/annotations';
import type { ExportOptions, Split } from '../../../shared/exportFormats';
import type { Label } from '../../../shared/model';
import { ptsToSeconds, type Rational } from '../../../shared/time';
import type { ExtractSource } from '../media/extract';
import type { FfmpegPaths } from '../media/locate';

/**
 * What every exporter reads: a snapshot of the project's taxonomy, videos and
 * annotations, taken once per export. Frames are exact decode indices;
 * every time comes from stored pts (see `seconds`), never index × fps.
 */
export interface ExportVideo {
  /** The project's id for the video. */
  id: number;
  /** Absolute path it was imported from, and its base name. */
  path: string;
  file: string;
  sha256: string;
  size: number;
  codec: string;
  pixFmt: string | null;
  width: number;
  height: number;
  frameCount: number;
  /** The video stream's time base; every pts is in its units. */
  timeBase: Rational;
  /** pts of frame 0 (time 0) and of the end of the last frame. */
  startPts: number;
  endPts: number;
  /** The container's own start time in seconds (ffprobe format start_time) and its format name. */
  containerStartTime: number;
  formatName: string;
  /** Seconds from frame 0 to the end of the last frame (from pts). */
  duration: number;
  /** frameCount / duration: for formats that require a rate field, never to compute a time. */
  avgFps: number;
  vfr: boolean;
  /** The split of a dataset build, or null when none was asked for. */
  split: Split | null;
  /** The original this video was made from, when linked in the project. */
  original: { id: number; file: string; sha256: string } | null;
  /** The source identity (person) shown, when set; splits keep one identity in one split. */
  identity: string | null;
  /** Segments, frame tags and region tracks, by start frame. */
  annotations: Annotation[];
  /** The video's verdict, if one was given (the earliest when several annotators gave one). */
  verdict: Annotation | null;
  /** Every annotator's verdict, earliest first (the native JSON keeps them all). */
  verdicts: Annotation[];
}

export interface ExportModel {
  /** The whole taxonomy in its order, retired labels included. */
  labels: Label[];
  videos: ExportVideo[];
  exported: {
    at: string;
    by: string;
    tool: string;
    /** `ffmpeg -version`'s first line, or '' when no frame was decoded for this export. */
    ffmpeg: string;
    /** The audit chain head hash when the snapshot was taken. */
    auditHead: string;
  };
  /** Label ids whose periods are audio fakes (lavdf); other frame-scope labels are visual. */
  audioLabels: string[];
}

/** A file an exporter produces, relative to its output folder ('/' separated). */
export interface OutFile {
  path: string;
  /** The contents; a list of strings is written one after another (files too big for one string, such as frames.csv). */
  data: string | Uint8Array | readonly string[];
}

/** The first 12 hex digits of a video's SHA-256: every export's file names start with it. */
export const sha12 = (v: Pick<ExportVideo, 'sha256'>): string => v.sha256.slice(0, 12);

/** A file-name-safe form of a video: hash prefix, then the ASCII letters and digits of its stem (`<sha12>_<stem>`). */
export function videoSlug(v: Pick<ExportVideo, 'sha256' | 'file'>): string {
  const stem = v.file
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 60);
  return stem ? `${sha12(v)}_${stem}` : sha12(v);
}

/** Seconds from frame 0 of a pts of this video (exact rational arithmetic until the one division). */
export function seconds(v: Pick<ExportVideo, 'startPts' | 'timeBase'>, pts: number): number {
  return ptsToSeconds(pts - v.startPts, v.timeBase);
}

/** An annotation's span in seconds: [t(start), t(end + 1)) from its stored pts. */
export function spanSeconds(v: Pick<ExportVideo, 'startPts' | 'timeBase'>, a: Pick<Annotation, 'startPts' | 'endPts'>): { start: number; end: number } {
  return { start: seconds(v, a.startPts), end: seconds(v, a.endPts) };
}

/** The same span in whole milliseconds (ELAN): rounded to the nearest millisecond. */
export function spanMs(v: Pick<ExportVideo, 'startPts' | 'timeBase'>, a: Pick<Annotation, 'startPts' | 'endPts'>): { start: number; end: number } {
  const s = spanSeconds(v, a);
  return { start: Math.round(s.start * 1000), end: Math.round(s.end * 1000) };
}

/** A label by id (every annotation's label is in the model's taxonomy). */
export function labelOf(model: ExportModel, id: string): Label {
  const l = model.labels.find((x) => x.id === id);
  if (!l) throw new Error(`label ${id} is not in the taxonomy`);
  return l;
}

/** What exporters that decode frames get: ffmpeg and each video's frame index. */
export interface MediaAccess {
  bins: FfmpegPaths;
  source(videoId: number): ExtractSource;
}

/** What an exporter that writes files itself (frames, coco) is handed. */
export interface ExportContext {
  model: ExportModel;
  options: ExportOptions;
  /** The folder to write into (a temporary folder, moved into place when the whole export is complete). */
  dir: string;
  media: MediaAccess;
  signal: AbortSignal;
  /** Progress within this format: done of total units (e.g. frames), and what is being done. */
  progress(done: number, total: number, what: string): void;
}

/** Each video's per-frame pts (frame i's pts at [i]), for formats that list every frame. */
export type FramePts = (videoId: number) => ArrayLike<number> | undefined;

/** A text format: the same model gives the same files. */
export type TextBuilder = (model: ExportModel, options: ExportOptions, framePts?: FramePts) => OutFile[];
/** A format that decodes frames; returns the files it wrote, relative to ctx.dir. */
export type FileExporter = (ctx: ExportContext) => Promise<string[]>;
