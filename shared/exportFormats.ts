import { z } from 'zod';
import { jobSchema } from './jobs';

/**
 * Export formats and their options: one schema shared by the CLI, the API
 * (export.start) and the export dialog. docs/formats.md describes each format.
 */
export const EXPORT_FORMATS = [
  'json', 'csv', 'cvat-video', 'cvat-images', 'coco', 'elan', 'mot', 'webvtt', 'lavdf', 'dfdc', 'frames', 'framemd5',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Formats that decode frames with ffmpeg (the others are text built from the project alone). */
export const FRAME_FORMATS: readonly ExportFormat[] = ['coco', 'frames', 'framemd5'];

export const EXPORT_FORMAT_TITLES: Record<ExportFormat, string> = {
  json: 'Tellframe native JSON',
  csv: 'CSV + per-frame labels (labels.npy)',
  'cvat-video': 'CVAT for video 1.1 (XML)',
  'cvat-images': 'CVAT for images 1.1 (XML, frame tags)',
  coco: 'COCO (frames + annotations.json)',
  elan: 'ELAN EAF 3.0',
  mot: 'MOTChallenge (gt.txt)',
  webvtt: 'WebVTT captions',
  lavdf: 'LAV-DF / AV-Deepfake1M metadata.json',
  dfdc: 'DFDC metadata.json',
  frames: 'Frames and crops (PNG/JPEG)',
  framemd5: 'Per-frame hash list (framemd5, TSV)',
};

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** Train/val/test ratios (any non-negative numbers, normalised) and the seed of the shuffle. */
export const SplitOptionsSchema = z
  .object({
    train: z.number().min(0).max(1000),
    val: z.number().min(0).max(1000),
    test: z.number().min(0).max(1000),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  })
  .strict()
  .refine((s) => s.train + s.val + s.test > 0, { message: 'split ratios must not all be 0' });
export type SplitOptions = z.output<typeof SplitOptionsSchema>;

export const FramesOptionsSchema = z
  .object({
    /** Image format of the stills and crops. */
    image: z.enum(['png', 'jpeg']).default('png'),
    /** JPEG quality 1–100 (ignored for PNG). */
    quality: z.number().int().min(1).max(100).default(92),
    /** Also every Nth frame of each video (0 = only annotated frames). */
    every: z.number().int().min(0).max(1_000_000).default(0),
    /** Also this many frames per video sampled (seeded) from frames with no annotation: negatives. */
    negatives: z.number().int().min(0).max(100_000).default(0),
    /** Also crop every region (box, or the polygon's bounding box) on each frame it covers. */
    crops: z.boolean().default(false),
    /** Margin added around a crop on each side, as a fraction of the box's size. */
    margin: z.number().min(0).max(10).default(0.25),
    /** Seed of the negatives' sampling. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  })
  .strict();
export type FramesOptions = z.output<typeof FramesOptionsSchema>;

export const ExportOptionsSchema = z
  .object({
    /** One or more formats; with several, each goes into its own sub-folder. */
    formats: z.array(z.enum(EXPORT_FORMATS)).min(1).max(EXPORT_FORMATS.length),
    /** Only these videos (all when absent). */
    videoIds: z.array(z.number().int().positive()).max(1_000_000).optional(),
    /** Folder to create; it must not exist yet or be empty unless `overwrite`. */
    out: z.string().min(1).max(4096),
    overwrite: z.boolean().default(false),
    split: SplitOptionsSchema.optional(),
    frames: FramesOptionsSchema.default({ image: 'png', quality: 92, every: 0, negatives: 0, crops: false, margin: 0.25, seed: 0 }),
    /** Labels whose periods count as audio fakes (lavdf); the rest of the frame-scope labels are visual. */
    audioLabels: z.array(z.string().max(64)).max(1000).default(['audio_anomaly']),
  })
  .strict();
export type ExportOptions = z.output<typeof ExportOptionsSchema>;
export type ExportOptionsInput = z.input<typeof ExportOptionsSchema>;

export const ExportProgressSchema = z.object({
  step: z.string(),
  index: z.number().int(),
  steps: z.number().int(),
  done: z.number(),
  total: z.number(),
  what: z.string(),
  fraction: z.number(),
});

export const ExportResultSchema = z.object({
  out: z.string(),
  formats: z.array(z.enum(EXPORT_FORMATS)),
  videos: z.number().int(),
  annotations: z.number().int(),
  files: z.number().int(),
  bytes: z.number().int(),
  manifestSha256: z.string(),
  auditHead: z.string(),
});

export const ExportJobSchema = jobSchema(ExportProgressSchema, ExportResultSchema);
export type ExportJob = z.infer<typeof ExportJobSchema>;

export const IMPORT_FORMATS = ['json', 'cvat-video', 'lavdf', 'dfdc', 'elan'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
