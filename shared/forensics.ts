import { z } from 'zod';
import { jobSchema, StepProgressSchema } from './jobs';

/** The media forensics summary of a video (electron/core/media/forensics.ts computes it). */
export const ForensicsFlagSchema = z.object({
  /** Stable per kind of finding (e.g. `encoder:encoder`, `vfr`, `pts_gaps`). */
  id: z.string(),
  severity: z.enum(['info', 'warning']),
  message: z.string(),
  evidence: z.string(),
});
export type ForensicsFlag = z.infer<typeof ForensicsFlagSchema>;

const Tags = z.record(z.string(), z.string());

/**
 * The result of hashing every decoded picture (on demand; kept in the
 * project): which pictures are identical to the one before them.
 */
export const FrameHashSummarySchema = z.object({
  computedAt: z.string(),
  /** `ffmpeg -version`'s first line, and the file's SHA-256 the hashes are of. */
  ffmpeg: z.string(),
  sha256: z.string(),
  frames: z.number().int(),
  /** Frames identical to the frame before. */
  repeated: z.number().int(),
  /** Runs of identical pictures: frame `from` and the frames after it up to `to` that repeat it (the first 1000), and how many runs there are. */
  runs: z.array(z.object({ from: z.number().int(), to: z.number().int() })),
  runCount: z.number().int(),
});
export type FrameHashSummary = z.infer<typeof FrameHashSummarySchema>;

export const FrameHashJobSchema = jobSchema(StepProgressSchema, FrameHashSummarySchema);
export type FrameHashJob = z.infer<typeof FrameHashJobSchema>;

export const ForensicsSchema = z.object({
  container: z.object({
    format: z.string(), formatLong: z.string(), duration: z.number().nullable(), size: z.number().nullable(),
    bitRate: z.number().nullable(), startTime: z.number().nullable(), tags: Tags,
  }),
  streams: z.array(z.object({
    index: z.number().int(), type: z.string(), codec: z.string(), codecLong: z.string(), profile: z.string().nullable(),
    width: z.number().nullable(), height: z.number().nullable(), pixFmt: z.string().nullable(), sampleRate: z.number().nullable(),
    channels: z.number().nullable(), timeBase: z.string(), startTime: z.number().nullable(), duration: z.number().nullable(),
    frames: z.number().nullable(), bitRate: z.number().nullable(), tags: Tags,
  })),
  /** Frames in the exact index. */
  frames: z.number().int(),
  /** Key frame indices (the first 1000) and how many there are. */
  keyframes: z.array(z.number().int()),
  keyframeCount: z.number().int(),
  /** Frame durations from the stored pts, most frequent first (the first 1000), and how many distinct ones there are. */
  histogram: z.array(z.object({ ticks: z.number(), seconds: z.number(), count: z.number().int() })),
  durationCount: z.number().int(),
  /** Frames commonly last different times (time-base rounding and gaps aside). */
  vfr: z.boolean(),
  /** Frames that last about two or more usual frames (dropped or cut frames): the first 1000, and the count. */
  gaps: z.array(z.object({ afterFrame: z.number().int(), seconds: z.number(), usualSeconds: z.number(), missingFrames: z.number().int() })),
  gapCount: z.number().int(),
  /** Frames whose pts equals the previous frame's: the first 1000, and the count. */
  repeatedPts: z.array(z.object({ frame: z.number().int(), pts: z.number() })),
  repeatedCount: z.number().int(),
  /** Identical consecutive pictures, once every frame has been hashed (null before). */
  frameHashes: FrameHashSummarySchema.nullable(),
  flags: z.array(ForensicsFlagSchema),
});
export type Forensics = z.infer<typeof ForensicsSchema>;
