import { z } from 'zod';

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
  flags: z.array(ForensicsFlagSchema),
});
export type Forensics = z.infer<typeof ForensicsSchema>;
