import type { Attributes, Keyframe, Verdict } from '../../../shared/annotations';
import type { ImportFormat } from '../../../shared/exportFormats';

/**
 * What an importer's parser produces from a foreign file: annotations not
 * yet placed on a project's video. The project matches each video by sha256
 * or file name, turns times into exact frame indices through the stored pts
 * (the frame whose [pts, next pts) holds the time), and adds everything in
 * one transaction, or nothing.
 */
export interface PreVideoRef {
  sha256?: string;
  /** File name as the foreign file gives it (matched on its base name). */
  file?: string;
  /** Where in the foreign file this video is, for error messages (e.g. "metadata.json: [3]"). */
  where: string;
}

/** Where an item is bounded: exact frames, or seconds from frame 0 (converted through the stored pts). */
export type PreSpan =
  | { unit: 'frame'; start: number; end: number }
  | { unit: 'seconds'; start: number; end: number }
  /** Seconds on the media's own clock, from the container's start (what a player counts; ELAN without Tellframe's properties). */
  | { unit: 'media'; start: number; end: number };

export type PreAnnotation =
  | { kind: 'segment'; label: string; span: PreSpan; attributes: Attributes; note: string; annotator: string | null; where: string }
  | { kind: 'frame_tag'; label: string; frame: number; attributes: Attributes; note: string; annotator: string | null; where: string }
  | { kind: 'region_track'; label: string; keyframes: Keyframe[]; attributes: Attributes; note: string; annotator: string | null; where: string }
  | { kind: 'verdict'; verdict: Verdict; note: string; annotator: string | null; where: string };

export interface PreVideo {
  video: PreVideoRef;
  annotations: PreAnnotation[];
  /** A link to the original this video was made from (DFDC `original`), by file name, and by content when the file gives it. */
  originalFile?: string;
  originalSha256?: string;
}

/** A parsed foreign file. Labels it names that the taxonomy lacks are added (with `labelNames` as their names). */
export interface PreDocument {
  format: ImportFormat;
  /** Where it came from (file name), recorded as each annotation's source. */
  source: string;
  videos: PreVideo[];
  labelNames?: Record<string, string>;
}

/** Import limits: a file beyond these is refused before parsing. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/** XML is parsed into an object tree several times its size: a lower limit (a CVAT task or an EAF is far smaller). */
export const MAX_XML_BYTES = 64 * 1024 * 1024;
