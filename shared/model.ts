import { z } from 'zod';
import { AttributeDefSchema } from './annotations';
import { ErrorInfoSchema, JobStateSchema } from './jobs';

/** A rational number as ffmpeg reports time bases and frame rates. */
export const RationalSchema = z.object({ num: z.number().int(), den: z.number().int() });

export const StreamSummarySchema = z.object({
  index: z.number().int(),
  type: z.string(),
  codec: z.string(),
  startTime: z.number().nullable(),
  duration: z.number().nullable(),
  attachedPic: z.boolean(),
});
export type StreamSummary = z.infer<typeof StreamSummarySchema>;

export const VideoStreamInfoSchema = z.object({
  index: z.number().int(),
  codec: z.string(),
  codecLongName: z.string().nullable(),
  profile: z.string().nullable(),
  pixFmt: z.string().nullable(),
  width: z.number().int(),
  height: z.number().int(),
  timeBase: RationalSchema,
  startPts: z.number().nullable(),
  startTime: z.number().nullable(),
  duration: z.number().nullable(),
  nbFrames: z.number().nullable(),
  avgFrameRate: RationalSchema.nullable(),
  rFrameRate: RationalSchema.nullable(),
  fieldOrder: z.string().nullable(),
  hasBFrames: z.number().int(),
  bitsPerRawSample: z.number().nullable(),
  colorRange: z.string().nullable(),
  colorSpace: z.string().nullable(),
  sampleAspectRatio: z.string().nullable(),
  /**
   * How far to turn the stored picture clockwise to show it (0, 90, 180 or
   * 270), from the stream's display matrix or rotate tag, as ffmpeg's own
   * autorotation would. Pixels, frames and coordinates stay the stored ones.
   */
  displayRotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).default(0),
});
export type VideoStreamInfo = z.infer<typeof VideoStreamInfoSchema>;

export const ProbeInfoSchema = z.object({
  formatName: z.string(),
  formatLongName: z.string().nullable(),
  duration: z.number().nullable(),
  size: z.number().nullable(),
  startTime: z.number().nullable(),
  bitRate: z.number().nullable(),
  tags: z.record(z.string(), z.string()),
  streams: z.array(StreamSummarySchema),
  video: VideoStreamInfoSchema.nullable(),
});
export type ProbeInfo = z.infer<typeof ProbeInfoSchema>;

/**
 * How the frame index was established: `packets` = from the demuxer's packets,
 * with the head of the stream checked against a real decode; `decode` = a full
 * decode (used where packets are not provably equal to decoded frames).
 */
export const IndexMethodSchema = z.enum(['packets', 'decode']);
export type IndexMethod = z.infer<typeof IndexMethodSchema>;

/** One imported video as the API reports it. */
export const VideoSummarySchema = z.object({
  id: z.number().int(),
  path: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  codec: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  pixFmt: z.string().nullable(),
  frameCount: z.number().int(),
  /** Seconds from frame 0's pts to the end of the last frame, from stored pts. */
  duration: z.number(),
  /** frameCount / duration; a display figure, never used to locate frames. */
  avgFps: z.number(),
  /** The stream's nominal rate (for timecode labels only), or null when unknown. */
  frameRate: RationalSchema.nullable(),
  /** The first audio stream, if any: its start in seconds on the container clock (compare startTime). */
  audio: z.object({ codec: z.string(), startTime: z.number() }).nullable(),
  /** Degrees to turn the stored picture clockwise for display (VideoStreamInfo.displayRotation); the player does, nothing else does. */
  displayRotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  vfr: z.boolean(),
  timeBase: RationalSchema,
  /** pts of frame 0 in timeBase units. */
  startPts: z.number().int(),
  startTime: z.number(),
  indexMethod: IndexMethodSchema,
  importedAt: z.string(),
  /** The video it was made from (a fake's original), and the identity it shows: splits keep these together. */
  originalId: z.number().int().nullable(),
  identity: z.string().nullable(),
  /** Intake custody: MD5, who imported it on which machine with which tool and ffmpeg (null before they were recorded). */
  custody: z.object({
    md5: z.string().nullable(),
    mtimeMs: z.number(),
    importedBy: z.string().nullable(),
    machine: z.string().nullable(),
    tool: z.string().nullable(),
    ffmpeg: z.string().nullable(),
  }),
});
export type VideoSummary = z.infer<typeof VideoSummarySchema>;

export const FrameEntrySchema = z.object({
  index: z.number().int(),
  pts: z.number().int(),
  /** Seconds from frame 0's pts. */
  time: z.number(),
  key: z.boolean(),
});
export type FrameEntry = z.infer<typeof FrameEntrySchema>;

export const LabelSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  scope: z.enum(['frame', 'video']),
  color: z.string(),
  hotkey: z.string().nullable(),
  position: z.number().int(),
  retired: z.boolean(),
  /** The attributes its annotations may carry (shared/annotations.ts). */
  attributes: z.array(AttributeDefSchema),
  /** Set when the label was merged into another (it is then retired). */
  mergedInto: z.string().nullable(),
});
export type Label = z.infer<typeof LabelSchema>;

export const ImportItemSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    path: z.string(),
    id: z.number().int(),
    frames: z.number().int(),
    /** True when the same content (by SHA-256) was already in the project. */
    duplicate: z.boolean(),
  }),
  z.object({
    ok: z.literal(false),
    path: z.string(),
    error: ErrorInfoSchema,
  }),
]);
export type ImportItem = z.infer<typeof ImportItemSchema>;

export const VerifyReportSchema = z.object({
  ok: z.boolean(),
  auditRows: z.number().int(),
  auditOk: z.boolean(),
  /** First audit row whose hash does not recompute, if any. */
  brokenAt: z.number().int().nullable(),
  /** The chain head hash (the newest row's): a later reader compares it with the one in an export or report. */
  head: z.string(),
  /**
   * With a head from a report or an export: the row that had it, and every
   * change recorded since (the first 1000, and how many). `seq` is null when
   * no row of the chain has that hash.
   */
  since: z
    .object({
      head: z.string(),
      seq: z.number().int().nullable(),
      after: z.array(z.object({ seq: z.number().int(), at: z.string(), actor: z.string(), action: z.string() })),
      afterCount: z.number().int(),
    })
    .nullable(),
  media: z.array(
    z.object({
      id: z.number().int(),
      path: z.string(),
      status: z.enum(['ok', 'missing', 'changed']),
    }),
  ),
});
export type VerifyReport = z.infer<typeof VerifyReportSchema>;

export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  payload: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const ImportJobSchema = z.object({
  jobId: z.string(),
  state: JobStateSchema,
  /** The file being worked on: which of how many, its stage and progress within it. */
  progress: z
    .object({ path: z.string(), file: z.number().int(), files: z.number().int(), stage: z.string(), fraction: z.number() })
    .nullable(),
  items: z.array(ImportItemSchema),
  skipped: z.number().int(),
  error: ErrorInfoSchema.nullable(),
});
export type ImportJob = z.infer<typeof ImportJobSchema>;
