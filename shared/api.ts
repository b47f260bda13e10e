import { z } from 'zod';
import type { FrameExt } from './frameUrl';
import {
  AuditEntrySchema,
  FrameEntrySchema,
  ImportItemSchema,
  LabelSchema,
  VerifyReportSchema,
  VideoSummarySchema,
} from './model';

/**
 * The one contract between the UI and the core, used by every host: Electron
 * IPC, the loopback web host and the CLI. Each method declares its input and
 * output schema; hosts parse inputs here, at the boundary. Frame pixels are
 * not methods: they travel as bytes behind URLs (see frameUrl).
 */
const VideoId = z.number().int().positive();

export const api = {
  'project.info': {
    input: z.object({}).strict(),
    output: z.object({
      path: z.string(),
      schemaVersion: z.number().int(),
      createdAt: z.string(),
      videos: z.number().int(),
      ffmpeg: z.object({ ffmpeg: z.string(), ffprobe: z.string(), source: z.string() }),
    }),
  },
  'media.import': {
    input: z.object({ paths: z.array(z.string().min(1)).min(1).max(10_000), forceDecode: z.boolean().optional() }).strict(),
    output: z.object({ items: z.array(ImportItemSchema), skipped: z.number().int() }),
  },
  'media.list': {
    input: z.object({}).strict(),
    output: z.array(VideoSummarySchema),
  },
  'media.get': {
    input: z.object({ id: VideoId }).strict(),
    output: VideoSummarySchema,
  },
  /** A window of the frame index: pts, seconds from frame 0, key flag. */
  'media.frames': {
    input: z.object({ id: VideoId, from: z.number().int().min(0).default(0), count: z.number().int().min(1).max(100_000).default(1000) }).strict(),
    output: z.array(FrameEntrySchema),
  },
  /**
   * Decode a frame into the host's frame cache without sending it (e.g. frame
   * 0 of a video the pointer is over), so opening it is a transfer, not a decode.
   */
  'media.prefetch': {
    input: z.object({ id: VideoId, index: z.number().int().min(0).default(0) }).strict(),
    output: z.object({ cached: z.boolean() }),
  },
  'labels.list': {
    input: z.object({}).strict(),
    output: z.array(LabelSchema),
  },
  'audit.list': {
    input: z.object({}).strict(),
    output: z.array(AuditEntrySchema),
  },
  'project.verify': {
    input: z.object({}).strict(),
    output: VerifyReportSchema,
  },
} as const;

export type Api = typeof api;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;
export type Output<M extends Method> = z.output<Api[M]['output']>;

export const METHODS = Object.keys(api) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(api, name);
}

/** The client every host offers the renderer (window.tellframe in Electron). */
export interface TellframeClient {
  call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>>;
  /** URL of frame `index` of video `id`: PNG bytes, or raw RGBA for the player. */
  frameUrl(id: number, index: number, ext?: FrameExt): string;
}

export { framePath, parseFramePath, type FrameExt } from './frameUrl';
