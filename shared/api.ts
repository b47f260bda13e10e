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
import {
  AnnotationPatchSchema, AnnotationSchema, AttributeDefSchema, FindingSchema, HistoryStateSchema, ID_PATTERN, METHODS as VERDICT_METHODS, NewAnnotationSchema, VERDICTS,
} from './annotations';
import { NativeExportSchema } from './nativeJson';
import { ExportJobSchema, ExportOptionsSchema, IMPORT_FORMATS } from './exportFormats';
import { ForensicsSchema, FrameHashJobSchema } from './forensics';
import { ReportJobSchema, ReportOptionsSchema } from './report';
import { jobSchema, StepProgressSchema } from './jobs';
import { CandidateParamsSchema, DecisionSchema, KeptSignalsSchema, SignalViewSchema } from './candidates';

/**
 * The one contract between the UI and the core, used by every host: Electron
 * IPC, the loopback web host and the CLI. Each method declares its input and
 * output schema; hosts parse inputs here, at the boundary. Frame pixels are
 * not methods: they travel as bytes behind URLs (see frameUrl).
 */
const VideoId = z.number().int().positive();
const LabelId = z.string().regex(ID_PATTERN, 'a label id is lower-case letters, digits and _, starting with a letter');
const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb');
const Hotkey = z.string().regex(/^[0-9a-z]$/, 'a hotkey is one digit or lower-case letter');
const HistoryResultSchema = z.object({
  /** What was undone or redone (null when there was nothing). */
  change: z.object({ title: z.string(), videoIds: z.array(z.number().int()), labels: z.boolean() }).nullable(),
  state: HistoryStateSchema,
});

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
  /** Every annotation of a video (segments, frame tags, region tracks, verdicts), in frame order. */
  'annotations.list': {
    input: z.object({ videoId: VideoId }).strict(),
    output: z.array(AnnotationSchema),
  },
  'annotations.create': {
    input: NewAnnotationSchema,
    output: AnnotationSchema,
  },
  'annotations.update': {
    input: z.object({ id: z.string().min(1).max(100), patch: AnnotationPatchSchema }).strict(),
    output: AnnotationSchema,
  },
  /** Mark an annotation as a finding (status, statement, the frame its stills show) or unmark it (null); undoable. */
  'annotations.setFinding': {
    input: z.object({ id: z.string().min(1).max(100), finding: FindingSchema.nullable() }).strict(),
    output: AnnotationSchema,
  },
  'annotations.delete': {
    input: z.object({ id: z.string().min(1).max(100) }).strict(),
    output: z.object({ id: z.string() }),
  },
  /** The current annotator's verdict on a video; setting it again replaces it. */
  'verdict.set': {
    input: z
      .object({
        videoId: VideoId,
        value: z.enum(VERDICTS),
        method: z.enum(VERDICT_METHODS).nullable().default(null),
        confidence: z.number().min(0).max(1).nullable().default(null),
        note: z.string().max(100_000).default(''),
      })
      .strict(),
    output: AnnotationSchema,
  },
  'labels.create': {
    input: z
      .object({
        id: LabelId,
        name: z.string().min(1).max(200),
        description: z.string().max(2000).default(''),
        color: Colour,
        hotkey: Hotkey.nullable().default(null),
        scope: z.enum(['frame', 'video']).default('frame'),
        attributes: z.array(AttributeDefSchema).max(100).optional(),
      })
      .strict(),
    output: LabelSchema,
  },
  /** Rename, describe, recolour, re-key, reorder or change attributes; the id stays. */
  'labels.update': {
    input: z
      .object({
        id: z.string().min(1).max(64),
        patch: z
          .object({
            name: z.string().min(1).max(200).optional(),
            description: z.string().max(2000).optional(),
            color: Colour.optional(),
            hotkey: Hotkey.nullable().optional(),
            position: z.number().int().min(0).optional(),
            attributes: z.array(AttributeDefSchema).max(100).optional(),
          })
          .strict(),
      })
      .strict(),
    output: LabelSchema,
  },
  /** Retire a label (its annotations stay) or restore it. */
  'labels.retire': {
    input: z.object({ id: z.string().min(1).max(64), retired: z.boolean() }).strict(),
    output: LabelSchema,
  },
  /** Move every annotation of one label to another and retire the first. */
  'labels.merge': {
    input: z.object({ from: z.string().min(1).max(64), into: z.string().min(1).max(64) }).strict(),
    output: z.object({ moved: z.number().int() }),
  },
  'history.state': {
    input: z.object({}).strict(),
    output: HistoryStateSchema,
  },
  'history.undo': {
    input: z.object({}).strict(),
    output: HistoryResultSchema,
  },
  'history.redo': {
    input: z.object({}).strict(),
    output: HistoryResultSchema,
  },
  /** The native annotation JSON (resources/annotations.schema.json) of all videos or the ones named. */
  'annotations.export': {
    input: z.object({ videoIds: z.array(VideoId).max(100_000).optional() }).strict(),
    output: NativeExportSchema,
  },
  /** Add the annotations of a native JSON document: validated, all or nothing, videos matched by sha256. */
  'annotations.import': {
    input: z.object({ document: z.unknown() }).strict(),
    output: z.object({ videos: z.number().int(), annotations: z.number().int(), labels: z.number().int() }),
  },
  /** Add the annotations of a file in another tool's format (read by the host from its path) as pre-annotations marked with their source. */
  'annotations.importFile': {
    input: z.object({ path: z.string().min(1).max(4096), format: z.enum(IMPORT_FORMATS) }).strict(),
    output: z.object({ videos: z.number().int(), annotations: z.number().int(), labels: z.number().int(), links: z.number().int() }),
  },
  /** Link a video to the original it was made from and/or set the identity it shows (null clears). */
  'media.link': {
    input: z
      .object({ id: VideoId, originalId: VideoId.nullable().optional(), identity: z.string().trim().min(1).max(200).nullable().optional() })
      .strict(),
    output: VideoSummarySchema,
  },
  /**
   * Point a video at another copy of its original (moved, or on another
   * drive): accepted only when the file's SHA-256 is the one recorded on
   * import; recorded in the video's custody log.
   */
  'media.relink': {
    input: z.object({ id: VideoId, path: z.string().min(1).max(4096) }).strict(),
    output: VideoSummarySchema,
  },
  /** The media forensics summary: container and streams, timing from the exact index, and flags against a claimed origin. */
  'media.forensics': {
    input: z.object({ id: VideoId }).strict(),
    output: ForensicsSchema,
  },
  /**
   * Hash every decoded picture of a video in the background (a full decode)
   * to find identical consecutive frames; the result is kept in the project
   * and shown by media.forensics. Poll framehash.status.
   */
  'framehash.start': {
    input: z.object({ id: VideoId }).strict(),
    output: z.object({ jobId: z.string() }),
  },
  'framehash.status': {
    input: z.object({ jobId: z.string() }).strict(),
    output: FrameHashJobSchema,
  },
  'framehash.cancel': {
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  /** Re-hash a video's file against the SHA-256 recorded on import; the check is recorded in its custody log. */
  'media.verify': {
    input: z.object({ id: VideoId }).strict(),
    output: z.object({
      id: z.number().int(),
      path: z.string(),
      status: z.enum(['ok', 'missing', 'changed']),
      expected: z.string(),
      /** The file's SHA-256 now (null when it cannot be read). */
      actual: z.string().nullable(),
    }),
  },
  /** Start an export in the background (docs/formats.md); poll export.status for progress. */
  'export.start': {
    input: ExportOptionsSchema,
    output: z.object({ jobId: z.string() }),
  },
  'export.status': {
    input: z.object({ jobId: z.string() }).strict(),
    output: ExportJobSchema,
  },
  'export.cancel': {
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  /**
   * Make the audio view's data of a video (once per file: its audio decoded
   * with ffmpeg, peaks kept in the project); null when it has no audio.
   * Its clock is the video's: time 0 is frame 0, so a time measured from
   * frame 0's pts is a time in the audio.
   */
  'audio.analyse': {
    input: z.object({ id: VideoId }).strict(),
    output: z.object({
      audio: z.object({ sampleRate: z.number().int(), seconds: z.number(), bands: z.number().int(), bandLowHz: z.number(), bandHighHz: z.number() }).nullable(),
    }),
  },
  /**
   * The waveform (min and max, -1..1) and, when asked, the spectrogram
   * (bands × intervals of 0–255, base64, column after column) of the
   * intervals between `edges` (seconds from frame 0, increasing).
   */
  'audio.view': {
    input: z
      .object({
        id: VideoId,
        edges: z.array(z.number().finite()).min(2).max(8193).refine((e) => e.every((t, i) => i === 0 || t >= e[i - 1]!), 'edges must not decrease'),
        spectrogram: z.boolean().default(false),
      })
      .strict(),
    output: z.object({ min: z.array(z.number()), max: z.array(z.number()), spectrogram: z.string().nullable() }),
  },
  /** Each frame's loudness: the RMS (0..1) of the audio within the frame's own pts interval; empty without audio. */
  'audio.envelope': {
    input: z.object({ id: VideoId }).strict(),
    output: z.object({ rms: z.array(z.number()) }),
  },
  /**
   * Compute a video's face signals in the background (every frame: the face
   * model's eye and mouth aspect ratios and face box), kept in the project;
   * asking again while it runs follows the same job. Poll signals.status.
   */
  'signals.start': {
    input: z.object({ id: VideoId }).strict(),
    output: z.object({ jobId: z.string() }),
  },
  'signals.status': {
    input: z.object({ jobId: z.string() }).strict(),
    output: jobSchema(StepProgressSchema, z.object({ frames: z.number().int() })),
  },
  'signals.cancel': {
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  /** A video's kept signals (per frame; null where no face was found), or null before they are computed with this version and settings. */
  'signals.face': {
    input: z.object({ id: VideoId }).strict(),
    output: KeptSignalsSchema.nullable(),
  },
  /**
   * A video's kept face landmarks and boxes, to draw over the frames: the
   * point names, their values (shared/landmarks.ts: base64, x and y per
   * point per frame, eighths of a pixel) and x, y, width, height per frame;
   * null before the signals are computed.
   */
  'signals.landmarks': {
    input: z.object({ id: VideoId }).strict(),
    output: z.object({ frames: z.number().int(), names: z.array(z.string()), data: z.string(), box: z.array(z.number().nullable()) }).nullable(),
  },
  /**
   * A video's signals as the page shows them: plot lanes per frame, blinks,
   * the mouth–audio lag, and candidates (derived with `params`, defaults for
   * any left out) each with the decision taken on it; null before the
   * signals are computed (signals.start).
   */
  'signals.view': {
    input: z.object({ id: VideoId, params: CandidateParamsSchema.optional() }).strict(),
    output: SignalViewSchema.nullable(),
  },
  /**
   * The decisions taken on a video's candidates, by candidate id: what the
   * page reads again after an undo or a deleted annotation, without the
   * lanes (which do not change).
   */
  'signals.decisions': {
    input: z.object({ id: VideoId }).strict(),
    output: z.record(z.string(), DecisionSchema),
  },
  /**
   * Decide on a candidate (derived again from the kept signals with
   * `params`): accept makes the annotation of its label over its frames
   * keeping its provenance; dismiss records that it was looked at and let
   * go; reopen forgets a decision (an accepted candidate's annotation stays).
   * One undoable, audited change.
   */
  'signals.decide': {
    input: z
      .object({ id: VideoId, candidate: z.string().min(1).max(200), decision: z.enum(['accept', 'dismiss', 'reopen']), params: CandidateParamsSchema.optional(), label: LabelId.optional() })
      .strict(),
    output: z.object({ annotation: AnnotationSchema.nullable() }),
  },
  /** Start an evidence report of one video in the background (HTML, PDF, stills, manifest); poll report.status. */
  'report.start': {
    input: ReportOptionsSchema,
    output: z.object({ jobId: z.string() }),
  },
  'report.status': {
    input: z.object({ jobId: z.string() }).strict(),
    output: ReportJobSchema,
  },
  'report.cancel': {
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  'audit.list': {
    input: z.object({}).strict(),
    output: z.array(AuditEntrySchema),
  },
  /** A page of the audit chain, newest first, filtered by action, actor and text in the payload; with the chain head and the choices. */
  'audit.query': {
    input: z
      .object({
        action: z.string().max(200).optional(),
        actor: z.string().max(200).optional(),
        text: z.string().max(500).optional(),
        /** Only this video's custody log: imported, linked, verified, exported. */
        videoId: VideoId.optional(),
        /** Rows with seq below this one (the next page). */
        before: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.object({
      entries: z.array(AuditEntrySchema),
      /** Rows matching the filter in all. */
      total: z.number().int(),
      head: z.string(),
      rows: z.number().int(),
      actions: z.array(z.string()),
      actors: z.array(z.string()),
    }),
  },
  /** Recompute the audit chain and re-hash every video; with `head`, also what was recorded since that head. */
  'project.verify': {
    input: z.object({ head: z.string().regex(/^[0-9a-f]{64}$/, 'a head is 64 hex digits').optional() }).strict(),
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
      /** The annotator's name (asked once, kept in the user's settings), or null before it is given. */
      user: z.string().nullable(),
    }),
  },
  /** Set the annotator's name for this and later sessions. */
  'session.setUser': {
    input: z.object({ name: z.string().trim().min(1).max(200) }).strict(),
    output: z.object({ user: z.string() }),
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
export const SESSION_METHODS = ['session.info', 'session.setUser', 'session.open', 'session.create', 'fs.complete', 'import.start', 'import.status', 'import.cancel'] as const;
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
