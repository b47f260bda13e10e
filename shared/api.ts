import { z } from 'zod';
import type { FrameExt } from './frameUrl';
import {
  AuditEntrySchema,
  ImportJobSchema,
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
  // Session-level methods: they work with no project open (browser mode
  // starts on a project chooser) and are answered by electron/core/session.ts.
  'session.info': {
    input: z.object({}).strict(),
    output: z.object({
      project: z.string().nullable(),
      recent: z.array(z.string()),
      home: z.string(),
      /** Whether the session may open and create projects itself (browser mode) or the desktop menus do it. */
      canChooseProject: z.boolean(),
    }),
  },
  'session.open': {
    input: z.object({ path: z.string().min(1).max(4096) }).strict(),
    output: z.object({ project: z.string() }),
  },
  'session.create': {
    input: z.object({ path: z.string().min(1).max(4096) }).strict(),
    output: z.object({ project: z.string() }),
  },
  /** Path completion for the browser's path fields: entries of the folder a prefix names. */
  'fs.complete': {
    input: z.object({ prefix: z.string().max(4096), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.object({ entries: z.array(z.object({ path: z.string(), name: z.string(), dir: z.boolean() })) }),
  },
  /** Start importing in the background; poll import.status for progress. */
  'import.start': {
    input: z.object({ paths: z.array(z.string().min(1)).min(1).max(10_000), forceDecode: z.boolean().optional() }).strict(),
    output: z.object({ jobId: z.string() }),
  },
  'import.status': {
    input: z.object({ jobId: z.string() }).strict(),
    output: ImportJobSchema,
  },
  'import.cancel': {
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
} as const;

export type Api = typeof api;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;
export type Output<M extends Method> = z.output<Api[M]['output']>;

export const METHODS = Object.keys(api) as Method[];

/** Methods answered by the session (no project needed); the rest need an open project. */
export const SESSION_METHODS = ['session.info', 'session.open', 'session.create', 'fs.complete', 'import.start', 'import.status', 'import.cancel'] as const;
export type SessionMethod = (typeof SESSION_METHODS)[number];
export type ProjectMethod = Exclude<Method, SessionMethod>;
export function isSessionMethod(m: Method): m is SessionMethod {
  return (SESSION_METHODS as readonly string[]).includes(m);
}

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(api, name);
}

/** The client every host offers the renderer (window.tellframe in Electron). */
export interface TellframeClient {
  call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>>;
  /** URL of frame `index` of video `id`: PNG bytes, or raw RGBA for the player. */
  frameUrl(id: number, index: number, ext?: FrameExt): string;
  /** URL of the video's audio (WebM/Opus, seekable), when the host offers it. */
  audioUrl?(id: number): string;
}

export { audioPath, framePath, parseAudioPath, parseFramePath, type FrameExt } from './frameUrl';
