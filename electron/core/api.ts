import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import { AnnotationSchema } from '../../shared/annotations';
import os from 'node:os';
import path from 'node:path';
import { api, isMethod, isSessionMethod, type Method, type Output, type ParsedInput, type ProjectMethod } from '../../shared/api';
import { TellframeError, toErrorInfo, type ErrorCode, type Result } from '../../shared/errors';
import type { ImportItem, VideoSummary } from '../../shared/model';
import { frameSeconds, ptsToSeconds, type Rational } from '../../shared/time';
import { parseProbe } from './media/probe';
import { FRAME_HEADERS, type FrameExt } from '../../shared/frameUrl';
import { i420ToRgba, yuvColour, type YuvColour } from '../../shared/yuv';
import { makeAudioFile } from './media/audio';
import { extractFrame, seeksByDts, type ExtractedFrame, type FrameFormat } from './media/extract';
import { FrameServer, type RawFrame, type VideoSource } from './media/frameServer';
import { analyseMedia } from './media/forensics';
import { hashFrames, repeatRuns } from './media/frameHashes';
import { AUDIO_VERSION, BANDS, bandHz, decodeAudio, frameEnvelope, hasPcm, peaksIn, type AudioPeaks } from './media/audioAnalysis';
import { FrameHashSummarySchema, type Forensics, type FrameHashJob, type FrameHashSummary } from '../../shared/forensics';
import { hashFile } from './media/hash';
import { importPaths, type ImportProgress } from './media/importer';
import { locateFfmpeg, type FfmpegPaths, type LocateOptions } from './media/locate';
import pkg from '../../package.json' with { type: 'json' };
import { SCHEMA_VERSION } from './project/migrations';
import { Annotator } from './annotate/annotations';
import { buildNativeExport } from './export/json';
import type { ExportModel, MediaAccess } from './export/model';
import { snapshotModel } from './export/snapshot';
import { exportRegistry } from './export/registry';
import { needsFrames, runExport, type ExportProgress, type ExportResult } from './export/run';
import { defaultWorkerSpec, sourceWorkerSpec, type WorkerSpec } from './export/pool';
import { computeFaceSignals, SIGNAL_PARAMS, type FaceSignalInput, type FaceSignals } from './signals/faceSignals';
import type { SignalCsvVideo } from './signals/csv';
import { DEFAULT_CANDIDATE_PARAMS, deriveSignals, KeptSignalsSchema, type CandidateParams, type Decision, type DerivedSignals, type KeptSignals, type SeriesName } from '../../shared/candidates';
import { FACE_MODEL_VERSION, LANDMARKS } from './signals/faceModel';
import { encodeLandmarks } from '../../shared/landmarks';
import type { FaceWorkerReply, FaceWorkerRequest } from './signals/faceWorker';
import { Spectrograms } from './media/spectrograms';
import { Slots } from './slots';
import type { ExportOptions } from '../../shared/exportFormats';
import { JobTable } from './jobs';
import type { ReportOptions, ReportProgress, ReportResult } from '../../shared/report';
import { runReport, type PdfPrinter } from './report/run';
import { nodePdfPrinter } from './report/printer';
import { placePreDocument } from './import/apply';
import { parseForeign, readImportFile } from './import/parsers';
import { runProcess } from './media/process';
import { NativeExportSchema, type NativeExport } from '../../shared/nativeJson';
import { ProjectStore, type FrameTable, type MediaRow } from './project/store';

export interface CoreOptions {
  /** Who is acting, for the audit log. */
  actor?: string;
  ffmpeg?: LocateOptions;
  /** Decoded-frame cache bound in bytes (default: defaultFrameCacheBytes(), or TELLFRAME_FRAME_CACHE_MB). */
  frameCacheBytes?: number;
  /** Videos whose signals are measured at once, one face worker each (default: one core left free for the viewer, at least 1). */
  signalConcurrency?: number;
  /**
   * Start an ffmpeg ahead of the first frame request when the videos are
   * listed (hosts with a viewer do; the command line does not).
   */
  prewarmDecoder?: boolean;
  /** How to start an export worker (default: from the TypeScript sources via tsx; null: build on this thread). */
  exportWorker?: WorkerSpec | null;
  /** How the face-signal worker starts (default: from the TypeScript sources via tsx; null: on this thread). */
  faceWorker?: WorkerSpec | null;
  /** How the spectrogram worker starts (default: from the TypeScript sources via tsx; null: on this thread). */
  audioWorker?: WorkerSpec | null;
  /** How reports are printed as PDF (default: headless Chromium; the desktop app passes Electron's printToPDF; null: none). */
  printPdf?: PdfPrinter | null;
}

/** Frame bytes as every host serves them. */
export interface ServedFrame {
  body: Buffer;
  headers: Record<string, string> & { 'content-type': string };
}

/** Per-call context a host may pass: cancellation and progress. */
export interface CallContext {
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Each file's result as soon as it is known (import). */
  onItem?: (item: ImportItem) => void;
}

type Handlers = { [M in ProjectMethod]: (input: ParsedInput<M>, ctx: CallContext) => Promise<Output<M>> };

type ProbeFacts = { rate: Rational | null; audio: VideoSummary['audio']; colour: YuvColour; dtsSeek: boolean; displayRotation: VideoSummary['displayRotation'] };
/** Keyed by content hash: a file's probe never changes, and media.list should not re-parse every probe JSON. */
const probeFactsCache = new Map<string, ProbeFacts>();

function probeFacts(row: MediaRow): ProbeFacts {
  let facts = probeFactsCache.get(row.sha256);
  if (!facts) {
    facts = readProbeFacts(row);
    probeFactsCache.set(row.sha256, facts);
  }
  return facts;
}

function readProbeFacts(row: MediaRow): ProbeFacts {
  try {
    const p = parseProbe(row.probe_json);
    const r = p.video?.avgFrameRate ?? p.video?.rFrameRate ?? null;
    const a = p.streams.find((s) => s.type === 'audio');
    return {
      rate: r && r.num > 0 && r.den > 0 ? r : null,
      audio: a ? { codec: a.codec, startTime: a.startTime ?? p.startTime ?? 0 } : null,
      colour: yuvColour(p.video?.pixFmt ?? row.pix_fmt, p.video?.colorSpace ?? null, p.video?.colorRange ?? null),
      dtsSeek: seeksByDts(p.formatName, p.video?.hasBFrames ?? 0),
      displayRotation: p.video?.displayRotation ?? 0,
    };
  } catch {
    return { rate: null, audio: null, colour: yuvColour(row.pix_fmt, null, null), dtsSeek: true, displayRotation: 0 };
  }
}

export function toSummary(row: MediaRow): VideoSummary {
  const tb = { num: row.tb_num, den: row.tb_den };
  const duration = ptsToSeconds(row.end_pts - row.first_pts, tb);
  const facts = probeFacts(row);
  return {
    id: row.id,
    path: row.path,
    sha256: row.sha256,
    size: row.size,
    codec: row.codec,
    width: row.width,
    height: row.height,
    pixFmt: row.pix_fmt,
    frameCount: row.frame_count,
    duration,
    avgFps: duration > 0 ? row.frame_count / duration : 0,
    frameRate: facts.rate,
    audio: facts.audio,
    displayRotation: facts.displayRotation,
    vfr: row.vfr === 1,
    timeBase: tb,
    startPts: row.first_pts,
    startTime: ptsToSeconds(row.first_pts, tb),
    indexMethod: row.index_method,
    importedAt: row.imported_at,
    originalId: row.original_id,
    identity: row.identity,
    custody: {
      md5: row.md5, mtimeMs: row.mtime_ms, importedBy: row.imported_by, machine: row.machine, tool: row.tool_version, ffmpeg: row.ffmpeg_version,
    },
  };
}

/**
 * The core behind every host: one open project and the method table that
 * implements shared/api. Hosts call `dispatch` with unparsed input; it parses
 * at the boundary and returns a Result, so errors keep their codes.
 */
export class Core {
  readonly store: ProjectStore;
  /** Who is acting: the annotator of new annotations and the actor of audit rows. */
  actor: string;
  readonly annotate: Annotator;
  private readonly prewarmDecoder: boolean;
  private readonly locateOpts: LocateOptions;
  private binsCache: FfmpegPaths | null = null;
  private readonly indexTables = new Map<number, FrameTable>();
  readonly frames: FrameServer;

  constructor(store: ProjectStore, opts: CoreOptions = {}) {
    this.store = store;
    this.actor = opts.actor ?? defaultActor();
    this.locateOpts = opts.ffmpeg ?? {};
    this.prewarmDecoder = opts.prewarmDecoder ?? false;
    this.exportWorker = opts.exportWorker === undefined ? defaultWorkerSpec() : opts.exportWorker;
    this.printPdf = opts.printPdf === undefined ? nodePdfPrinter() : opts.printPdf;
    this.faceWorker = opts.faceWorker === undefined ? sourceWorkerSpec(new URL('./signals/faceWorker.ts', import.meta.url)) : opts.faceWorker;
    this.signalSlots = new Slots(Math.max(1, opts.signalConcurrency ?? os.availableParallelism() - 1));
    this.spectrograms = new Spectrograms(opts.audioWorker === undefined ? sourceWorkerSpec(new URL('./media/audioWorker.ts', import.meta.url)) : opts.audioWorker);
    this.annotate = new Annotator({ store, actor: () => this.actor, frames: (id) => this.frameTable(id) });
    const envMb = Number(process.env.TELLFRAME_FRAME_CACHE_MB);
    this.frames = new FrameServer(() => this.bins, {
      cacheBytes: opts.frameCacheBytes ?? (envMb > 0 ? envMb * 1024 * 1024 : defaultFrameCacheBytes()),
    });
  }

  static open(projectPath: string, opts: CoreOptions = {}): Core {
    return new Core(ProjectStore.open(projectPath), opts);
  }

  static create(projectPath: string, opts: CoreOptions = {}): Core {
    const actor = opts.actor ?? defaultActor();
    return new Core(ProjectStore.create(projectPath, actor), { ...opts, actor });
  }

  close(): void {
    this.exportJobs.abortAll();
    this.reportJobs.abortAll();
    this.frameHashJobs.abortAll();
    this.signalJobs.abortAll();
    this.spectrograms.close();
    this.frames.close();
    this.store.close();
  }

  /** ffmpeg and ffprobe, located on first use (see locate.ts for the order). */
  get bins(): FfmpegPaths {
    this.binsCache ??= locateFfmpeg(this.locateOpts);
    return this.binsCache;
  }

  /** A video by id, or by the path it was imported from. */
  resolveVideo(ref: string | number): MediaRow {
    const s = String(ref);
    if (/^\d+$/.test(s)) {
      const row = this.store.media(Number(s));
      if (row) return row;
    }
    const rows = this.store.mediaByPath(path.resolve(s));
    if (rows.length) return rows[0]!;
    throw new TellframeError('NOT_FOUND', `No video ${s} in this project (use its id or the path it was imported from; see: tellframe info).`);
  }

  private frameTable(id: number): FrameTable {
    let t = this.indexTables.get(id);
    if (!t) {
      t = this.store.frames(id);
      this.indexTables.set(id, t);
      if (this.indexTables.size > 16) this.indexTables.delete(this.indexTables.keys().next().value!);
    }
    return t;
  }

  private source(row: MediaRow): VideoSource {
    const t = this.frameTable(row.id);
    const facts = probeFacts(row);
    return {
      id: row.id,
      path: row.path,
      streamIndex: row.stream_index,
      width: row.width,
      height: row.height,
      timeBase: { num: row.tb_num, den: row.tb_den },
      formatStartUs: row.format_start_us,
      pts: t.pts,
      key: t.key,
      pixFmt: row.pix_fmt,
      colour: facts.colour,
      dtsSeek: facts.dtsSeek,
    };
  }

  /** Exactly frame `index` through the frame server (cache, prefetch, decode runs). */
  async rawFrame(ref: string | number, index: number, signal?: AbortSignal, opts: { prefetch?: boolean; cursor?: number } = {}): Promise<RawFrame> {
    return this.frames.frame(this.source(this.resolveVideo(ref)), index, signal, opts);
  }

  private rawFrameOf(row: MediaRow, index: number, signal?: AbortSignal, opts: { prefetch?: boolean; cursor?: number } = {}): Promise<RawFrame> {
    return this.frames.frame(this.source(row), index, signal, opts);
  }

  /**
   * What a host sends for a frame URL: PNG (single verified extraction), the
   * frame server's raw pixels (I420 or RGBA, see shared/frameUrl), or RGBA
   * (converted from I420 here when that is what the server holds).
   */
  async frameBytes(id: number, index: number, ext: FrameExt, signal?: AbortSignal, opts: { prefetch?: boolean; cursor?: number } = {}): Promise<ServedFrame> {
    if (ext === 'thumb') return this.thumbnail(id, index, signal);
    const headers = (f: { index: number; pts: number; width: number; height: number }, type: string): ServedFrame['headers'] => ({
      'content-type': type,
      [FRAME_HEADERS.index]: String(f.index),
      [FRAME_HEADERS.pts]: String(f.pts),
      [FRAME_HEADERS.width]: String(f.width),
      [FRAME_HEADERS.height]: String(f.height),
    });
    if (ext === 'png') {
      const f = await this.frame(id, index, 'png', signal);
      return { body: f.data, headers: headers(f, 'image/png') };
    }
    // One lookup of the video per request: this is the path every step takes.
    const row = this.resolveVideo(id);
    const f = await this.rawFrameOf(row, index, signal, opts);
    const colour = probeFacts(row).colour;
    if (ext === 'rgba') {
      const body = f.format === 'rgba' ? f.data : Buffer.from(i420ToRgba(f.data, f.width, f.height, colour).buffer);
      return { body, headers: { ...headers(f, 'application/octet-stream'), [FRAME_HEADERS.format]: 'rgba' } };
    }
    const h: ServedFrame['headers'] = { ...headers(f, 'application/octet-stream'), [FRAME_HEADERS.format]: f.format };
    if (f.format === 'i420') {
      h[FRAME_HEADERS.matrix] = colour.matrix;
      h[FRAME_HEADERS.range] = colour.fullRange ? 'full' : 'limited';
    }
    return { body: f.data, headers: h };
  }

  private readonly audioJobs = new Map<number, Promise<string>>();
  private readonly exportJobs = new JobTable<ExportProgress, ExportResult>('export');
  private readonly reportJobs = new JobTable<ReportProgress, ReportResult>('report');
  private readonly frameHashJobs = new JobTable<FrameHashJob['progress'] & object, FrameHashSummary>('frame hash');
  private readonly signalCache = new Map<number, { stamp: string; k: KeptSignals }>();
  /** How many videos' signals are measured at once (the rest wait). */
  readonly signalSlots: Slots;
  private readonly derivedCache = new Map<string, DerivedSignals>();
  private readonly signalJobs = new JobTable<{ done: number; total: number; what: string; fraction: number }, { frames: number }>('signals');
  private readonly faceWorker: WorkerSpec | null;
  private readonly spectrograms: Spectrograms;
  private ffmpegInfo: { version: string; configuration: string } | null = null;
  private readonly exportWorker: WorkerSpec | null;
  private readonly printPdf: PdfPrinter | null;

  /** `ffmpeg -version`'s first line ('' when ffmpeg cannot be found or run), as exports record it. */
  async ffmpegVersion(): Promise<string> {
    return (await this.ffmpegBuild()).version;
  }

  /** `ffmpeg -version`'s first line and its `configuration:` line (the build), read once. */
  async ffmpegBuild(): Promise<{ version: string; configuration: string }> {
    if (this.ffmpegInfo === null) {
      try {
        const r = await runProcess(this.bins.ffmpeg, ['-version'], { timeoutMs: 10_000 });
        const lines = r.code === 0 ? r.stdout.toString('utf8').split('\n').map((l) => l.trim()) : [];
        this.ffmpegInfo = { version: lines[0] ?? '', configuration: lines.find((l) => l.startsWith('configuration:'))?.slice(14).trim() ?? '' };
      } catch {
        this.ffmpegInfo = { version: '', configuration: '' };
      }
    }
    return this.ffmpegInfo;
  }

  /** Run an export to its end (the CLI, and the jobs behind export.start). */
  async exportRun(options: ExportOptions, hooks: { signal?: AbortSignal; onProgress?: (p: ExportProgress) => void } = {}): Promise<ExportResult> {
    // Only exports that decode frames use (and so record) ffmpeg.
    const ffmpeg = needsFrames(options.formats) ? await this.ffmpegVersion() : '';
    const result = await runExport(options, {
      model: (o) => this.exportModel({ videoIds: o.videoIds, audioLabels: o.audioLabels, ffmpeg }),
      media: () => this.mediaAccess(),
      framePts: (id) => this.frameTable(id).pts,
      registry: exportRegistry,
      projectFile: this.store.file,
      worker: this.exportWorker,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
    });
    // The custody trail: what was exported, where, and the one hash that stands for all its files.
    this.store.appendAudit(this.actor, 'export', {
      formats: result.formats, out: result.out, videos: options.videoIds ?? 'all', files: result.files,
      manifestSha256: result.manifestSha256, auditHead: result.auditHead, split: options.split ?? null,
    });
    return result;
  }

  /**
   * The video's first audio stream as a seekable Opus/WebM file (made once
   * per content hash, in the temp folder), for playback in sync with frames.
   * Its time 0 is frame 0, whenever the audio starts and whatever gaps it has.
   */
  audioFile(id: number, signal?: AbortSignal): Promise<string> {
    const row = this.resolveVideo(id);
    const facts = probeFacts(row);
    if (!facts.audio) return Promise.reject(new TellframeError('NOT_FOUND', 'This video has no audio stream.'));
    let job = this.audioJobs.get(row.id);
    if (!job) {
      job = makeAudioFile(this.bins, row.path, row.sha256, ptsToSeconds(row.first_pts, { num: row.tb_num, den: row.tb_den }), signal);
      this.audioJobs.set(row.id, job);
      job.catch(() => this.audioJobs.delete(row.id));
    }
    return job;
  }

  private readonly thumbs = new Map<string, ServedFrame>();

  /** A small PNG of a frame for lists, kept in memory (a few KB each). */
  private async thumbnail(id: number, index: number, signal?: AbortSignal): Promise<ServedFrame> {
    const key = `${id}:${index}`;
    const hit = this.thumbs.get(key);
    if (hit) return hit;
    const f = await extractFrame(this.bins, this.source(this.resolveVideo(id)), index, { format: 'png', maxWidth: 160, signal });
    const served: ServedFrame = {
      body: f.data,
      headers: { 'content-type': 'image/png', [FRAME_HEADERS.index]: String(f.index), [FRAME_HEADERS.pts]: String(f.pts) },
    };
    if (this.thumbs.size > 2000) this.thumbs.clear();
    this.thumbs.set(key, served);
    return served;
  }

  /** Exactly frame `index` of a video, as RGBA or PNG bytes (one verified extraction). */
  async frame(ref: string | number, index: number, format: FrameFormat = 'png', signal?: AbortSignal): Promise<ExtractedFrame> {
    return extractFrame(this.bins, this.source(this.resolveVideo(ref)), index, { format, signal });
  }

  readonly handlers: Handlers = {
    'project.info': async () => {
      const created = this.store.db.prepare("SELECT value FROM meta WHERE key = 'created_at'").get() as { value: string };
      const videos = (this.store.db.prepare('SELECT count(*) AS n FROM media').get() as { n: number }).n;
      let ffmpeg: { ffmpeg: string; ffprobe: string; source: string };
      try {
        ffmpeg = this.bins;
      } catch (err) {
        ffmpeg = { ffmpeg: '', ffprobe: '', source: `missing: ${(err as Error).message}` };
      }
      return { path: this.store.file, schemaVersion: SCHEMA_VERSION, createdAt: created.value, videos, ffmpeg };
    },
    'media.import': async (input, ctx) =>
      importPaths({ store: this.store, bins: this.bins, actor: this.actor, custody: { machine: os.hostname(), tool: `tellframe ${TOOL_VERSION}`, ffmpeg: await this.ffmpegVersion() } }, input.paths, {
        signal: ctx.signal,
        onProgress: ctx.onProgress,
        onItem: ctx.onItem,
        forceDecode: input.forceDecode,
      }),
    'media.list': async () => {
      // Someone is about to open a video: have an ffmpeg started and waiting.
      if (this.prewarmDecoder) this.frames.prewarm();
      return this.store.listMedia().map(toSummary);
    },
    'media.get': async ({ id }) => toSummary(this.resolveVideo(id)),
    'media.frames': async ({ id, from, count }) => {
      const row = this.resolveVideo(id);
      const t = this.frameTable(row.id);
      const tb = { num: row.tb_num, den: row.tb_den };
      const out = [];
      for (let i = from; i < Math.min(t.pts.length, from + count); i++) {
        out.push({ index: i, pts: t.pts[i]!, time: frameSeconds(t.pts, i, tb), key: t.key[i]! });
      }
      return out;
    },
    'media.prefetch': async ({ id, index }, ctx) => {
      const row = this.resolveVideo(id);
      if (this.frames.cache.has(row.id, index)) return { cached: true };
      // A warm-up: it must not move the cursor or start prefetching around it.
      await this.frames.frame(this.source(row), Math.min(index, row.frame_count - 1), ctx.signal, { prefetch: true });
      return { cached: true };
    },
    'labels.list': async () => this.store.labels(),
    'annotations.list': async ({ videoId }) => this.annotate.list(videoId),
    'annotations.create': async (input) => this.annotate.create(input),
    'annotations.update': async ({ id, patch }) => this.annotate.update(id, patch),
    'annotations.setFinding': async ({ id, finding }) => this.annotate.setFinding(id, finding),
    'annotations.delete': async ({ id }) => {
      this.annotate.delete(id);
      return { id };
    },
    'verdict.set': async ({ videoId, value, method, confidence, note }) => this.annotate.setVerdict(videoId, { value, method, confidence }, note),
    'labels.create': async (input) => this.annotate.createLabel(input),
    'labels.update': async ({ id, patch }) => this.annotate.updateLabel(id, patch),
    'labels.retire': async ({ id, retired }) => this.annotate.retireLabel(id, retired),
    'labels.merge': async ({ from, into }) => this.annotate.mergeLabel(from, into),
    'history.state': async () => this.annotate.historyState(),
    'history.undo': async () => ({ change: this.annotate.undo(), state: this.annotate.historyState() }),
    'history.redo': async () => ({ change: this.annotate.redo(), state: this.annotate.historyState() }),
    'annotations.export': async ({ videoIds }) => this.exportNative(videoIds),
    'annotations.import': async ({ document }) => this.annotate.importDocument(parseNativeDocument(document)),
    'annotations.importFile': async ({ path: file, format }) => {
      const text = await readImportFile(file);
      if (format === 'json') {
        let doc: unknown;
        try {
          doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
        } catch (err) {
          throw new TellframeError('BAD_INPUT', `${path.basename(file)} is not valid JSON: ${(err as Error).message}.`);
        }
        try {
          return { ...this.annotate.importDocument(parseNativeDocument(doc)), links: 0 };
        } catch (err) {
          // Name the file, as the foreign formats' errors do.
          if (err instanceof TellframeError && err.code === 'BAD_INPUT') throw new TellframeError('BAD_INPUT', `${path.basename(file)}: ${err.message}`);
          throw err;
        }
      }
      const placed = placePreDocument(parseForeign(format, text, file), { store: this.store, frames: (id) => this.frameTable(id), actor: this.actor });
      const r = this.store.db.transaction(() => {
        const summary = this.annotate.importDocument(placed.document);
        for (const l of placed.links) this.store.setLinks(l.videoId, { originalId: l.originalId }, this.actor);
        return summary;
      })();
      return { ...r, links: placed.links.length };
    },
    'media.forensics': async ({ id }) => this.forensicsOf(this.resolveVideo(id)),
    'framehash.start': async ({ id }) => {
      const row = this.resolveVideo(id);
      return { jobId: this.frameHashJobs.startFor(row.id, (signal, onProgress) => this.hashAllFrames(row, signal, onProgress)) };
    },
    'framehash.status': async ({ jobId }) => this.frameHashJobs.status(jobId),
    'framehash.cancel': async ({ jobId }) => this.frameHashJobs.cancel(jobId),
    'media.verify': async ({ id }, ctx) => {
      const row = this.resolveVideo(id);
      const { status, actual } = await checkMedia(row, ctx.signal);
      this.store.appendAudit(this.actor, 'media.verify', { id: row.id, path: row.path, status, expected: row.sha256, actual });
      return { id: row.id, path: row.path, status, expected: row.sha256, actual };
    },
    'media.relink': async ({ id, path: file }, ctx) => {
      const row = this.resolveVideo(id);
      const abs = path.resolve(file);
      let size: number;
      try {
        const st = statSync(abs);
        if (!st.isFile()) throw new TellframeError('BAD_INPUT', `${abs} is not a file.`);
        size = st.size;
      } catch (err) {
        if (err instanceof TellframeError) throw err;
        throw new TellframeError('NOT_FOUND', `Cannot read ${abs}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
      }
      const refuse = (why: string) => new TellframeError('BAD_INPUT', `${abs} is not the file imported as video ${row.id}: ${why}. Nothing was changed.`);
      if (size !== row.size) throw refuse(`it has ${size} bytes, the original ${row.size}`);
      const { sha256 } = await hashFile(abs, { signal: ctx.signal, chunkBytes: 1 << 20 });
      if (sha256 !== row.sha256) throw refuse(`its SHA-256 is ${sha256}, the original's ${row.sha256}`);
      return toSummary(this.store.relink(row.id, abs, this.actor));
    },
    'media.link': async ({ id, originalId, identity }) => {
      this.resolveVideo(id);
      return toSummary(this.store.setLinks(id, { originalId, identity }, this.actor));
    },
    'audio.analyse': async ({ id }) => {
      const row = this.resolveVideo(id);
      const a = await this.audioPeaks(row);
      if (!a) return { audio: null };
      return { audio: { sampleRate: a.sampleRate, seconds: a.samples / a.sampleRate, bands: BANDS, bandLowHz: bandHz(-0.5), bandHighHz: bandHz(BANDS - 0.5) } };
    },
    'audio.view': async ({ id, edges, spectrogram }) => {
      const row = this.resolveVideo(id);
      const a = await this.audioPeaks(row);
      if (!a) throw new TellframeError('NOT_FOUND', 'This video has no audio stream.');
      const { min, max } = peaksIn(a, edges);
      return { min, max, spectrogram: spectrogram ? Buffer.from(await this.spectrograms.compute(row.sha256, a.samples, edges)).toString('base64') : null };
    },
    'audio.envelope': async ({ id }) => ({ rms: await this.envelopeOf(this.resolveVideo(id)) }),
    'signals.start': async ({ id }) => {
      const row = this.resolveVideo(id);
      const jobId = this.signalJobs.startFor(row.id, async (signal, onProgress) => {
        const k = await this.measureSignals(row, {
          signal,
          onProgress: (done, total) => onProgress({ done, total, what: `Measured faces in ${done} of ${total} frames`, fraction: total ? done / total : 0 }),
          onWaiting: () => onProgress({ done: 0, total: row.frame_count, what: "Waiting for another video's signals to finish", fraction: 0 }),
        });
        return { frames: k.frames };
      });
      return { jobId };
    },
    'signals.status': async ({ jobId }) => this.signalJobs.status(jobId),
    'signals.cancel': async ({ jobId }) => this.signalJobs.cancel(jobId),
    'signals.face': async ({ id }) => this.keptSignals(this.resolveVideo(id)),
    'signals.landmarks': async ({ id }) => {
      const k = this.keptSignals(this.resolveVideo(id));
      return k ? { frames: k.frames, names: k.landmarkNames, data: k.landmarks, box: k.box } : null;
    },
    'signals.view': async ({ id, params }) => {
      const row = this.resolveVideo(id);
      const k = this.keptSignals(row);
      if (!k) return null;
      const p = params ?? DEFAULT_CANDIDATE_PARAMS;
      const d = await this.derivedSignals(row, k, p);
      const decisions = this.decisionsOf(row.id);
      return {
        version: k.version, computedAt: k.computedAt, frames: k.frames, params: p, lanes: d.lanes, blinks: d.blinks, blinkRate: d.blinkRate, faceSeconds: d.faceSeconds, lipSync: d.lipSync,
        candidates: d.candidates.map((c) => ({ ...c, decision: decisions[c.id] ?? null })),
      };
    },
    'signals.decisions': async ({ id }) => this.decisionsOf(this.resolveVideo(id).id),
    'signals.decide': async ({ id, candidate, decision, params, label }) => {
      const row = this.resolveVideo(id);
      if (decision === 'reopen') {
        this.annotate.decideCandidate(row.id, candidate, decision);
        return { annotation: null };
      }
      const k = this.keptSignals(row);
      if (!k) throw new TellframeError('NOT_FOUND', 'This video has no signals yet: compute them first.');
      const p = params ?? DEFAULT_CANDIDATE_PARAMS;
      const c = (await this.derivedSignals(row, k, p)).candidates.find((x) => x.id === candidate);
      if (!c) throw new TellframeError('NOT_FOUND', `No candidate ${candidate} in this video's signals with these parameters.`);
      if (decision === 'dismiss') {
        this.annotate.decideCandidate(row.id, candidate, decision);
        return { annotation: null };
      }
      const annotation = this.annotate.acceptCandidate(row.id, { ...c, label: label ?? c.label }, {
        signal: c.signal, version: k.version, candidate: c.id, params: { ...k.params, ...c.params }, value: c.value, text: c.text,
      });
      return { annotation };
    },
    'report.start': async (options) => ({ jobId: this.reportJobs.start((signal, onProgress) => this.reportRun(options, { signal, onProgress })) }),
    'report.status': async ({ jobId }) => this.reportJobs.status(jobId),
    'report.cancel': async ({ jobId }) => this.reportJobs.cancel(jobId),
    'export.start': async (options) => ({ jobId: this.exportJobs.start((signal, onProgress) => this.exportRun(options, { signal, onProgress })) }),
    'export.status': async ({ jobId }) => this.exportJobs.status(jobId),
    'export.cancel': async ({ jobId }) => this.exportJobs.cancel(jobId),
    'audit.list': async () => this.store.auditEntries(),
    'audit.query': async (q) => ({ ...this.store.auditQuery(q), head: this.store.auditHead() }),
    'project.verify': async ({ head }, ctx) => {
      const audit = this.store.verifyAudit();
      const media = [];
      for (const row of this.store.listMedia()) {
        const { status } = await checkMedia(row, ctx.signal);
        media.push({ id: row.id, path: row.path, status });
      }
      const auditOk = audit.brokenAt === null;
      // A head the chain does not hold means the project is not the one the report or export came from.
      const since = head ? { head, ...this.store.auditSince(head) } : null;
      return {
        ok: auditOk && since?.seq !== null && media.every((m) => m.status === 'ok'),
        auditRows: audit.rows,
        auditOk,
        brokenAt: audit.brokenAt,
        head: this.store.auditHead(),
        since,
        media,
      };
    },
  };

  /**
   * Write an evidence report of one video (report/run.ts) and record it in
   * the video's custody log: the only change a report makes to the project.
   */
  async reportRun(options: ReportOptions, hooks: { signal?: AbortSignal; onProgress?: (p: ReportProgress) => void } = {}): Promise<ReportResult> {
    // Before any slow work: a PDF needs a printer.
    if (options.pdf) {
      const missing = this.printPdf ? await this.printPdf.unavailable?.() : 'No PDF printer is available here.';
      if (missing) throw new TellframeError('BAD_INPUT', `${missing} Ask for the HTML report alone (--no-pdf).`);
    }
    // One read of everything the report states, so the chain head it prints covers exactly what it shows
    // (edits made while the stills are decoded come after that head).
    const snap = this.store.db.transaction(() => {
      const row = this.resolveVideo(options.videoId);
      const custody = this.store.auditQuery({ videoId: row.id, limit: 1000 }).entries.reverse();
      return {
        row, source: this.source(row),
        annotations: parseStored(z.array(AnnotationSchema), this.annotate.list(row.id), `the annotations of video ${row.id}`),
        labels: this.store.labels(),
        forensics: this.forensicsOf(row),
        verify: this.store.verifyAudit(),
        audit: { ...this.store.auditSummary(), head: this.store.auditHead(), custody },
      };
    })();
    const result = await runReport(options, {
      ...snap, summary: toSummary(snap.row), bins: this.bins,
      analyst: options.analyst || this.actor, tool: `tellframe ${TOOL_VERSION}`, ffmpeg: await this.ffmpegVersion(),
      ffmpegConfiguration: (await this.ffmpegBuild()).configuration, projectFile: this.store.file,
      checkMedia: (signal) => checkMedia(snap.row, signal),
      printPdf: this.printPdf,
      signal: hooks.signal, onProgress: hooks.onProgress,
    });
    const row = snap.row;
    this.store.appendAudit(this.actor, 'report', {
      id: row.id, path: row.path, sha256: row.sha256, out: result.out, caseNumber: options.caseNumber, findings: result.findings,
      media: result.media, auditOk: result.auditOk, manifestSha256: result.manifestSha256, auditHead: result.auditHead,
    });
    return result;
  }

  private readonly audioAnalyses = new Map<number, Promise<AudioPeaks | null>>();
  private readonly envelopes = new Map<string, number[]>();

  /**
   * The audio view's peaks of a video, made once per file (decoded with
   * ffmpeg; kept in the project, the PCM beside it in the temp folder and
   * made again whenever that is gone); null without audio.
   */
  private async audioPeaks(row: MediaRow, again = false): Promise<AudioPeaks | null> {
    if (!probeFacts(row).audio) return null;
    let job = this.audioAnalyses.get(row.id);
    if (!job) {
      job = (async () => {
        const kept = this.store.analysis(row.id, 'audio');
        if (kept) {
          const k = JSON.parse(kept.data) as { version?: number; sha256: string; sampleRate: number; samples: number; peaks: string };
          if (k.version === AUDIO_VERSION && k.sha256 === row.sha256 && hasPcm(row.sha256, k.samples)) {
            return { sampleRate: k.sampleRate, samples: k.samples, peaks: new Int8Array(Buffer.from(k.peaks, 'base64')) };
          }
        }
        const a = await decodeAudio(this.bins, row.path, row.sha256, ptsToSeconds(row.first_pts, { num: row.tb_num, den: row.tb_den }));
        this.store.putAnalysis(row.id, 'audio', JSON.stringify({
          version: AUDIO_VERSION, sha256: row.sha256, sampleRate: a.sampleRate, samples: a.samples,
          peaks: Buffer.from(a.peaks.buffer, a.peaks.byteOffset, a.peaks.byteLength).toString('base64'),
        }));
        return a;
      })();
      this.audioAnalyses.set(row.id, job);
      if (this.audioAnalyses.size > 16) this.audioAnalyses.delete(this.audioAnalyses.keys().next().value!);
      job.catch(() => this.audioAnalyses.delete(row.id));
    }
    const a = await job;
    // The PCM lives in the temp folder, which the system may clean: made again when it is gone.
    if (a && !again && !hasPcm(row.sha256, a.samples)) {
      if (this.audioAnalyses.get(row.id) === job) this.audioAnalyses.delete(row.id);
      this.envelopes.delete(row.sha256);
      return this.audioPeaks(row, true);
    }
    return a;
  }

  /** The decisions on a video's candidates, by candidate id. */
  private decisionsOf(videoId: number): Record<string, Decision> {
    const out: Record<string, Decision> = {};
    for (const [id, x] of this.annotate.decisions(videoId)) out[id] = { decision: x.decision, annotationId: x.annotation_id, annotationExists: x.exists, actor: x.actor, at: x.at };
    return out;
  }

  /** Each frame's loudness (RMS over the frame's own pts interval on the audio clock); empty without audio. */
  private async envelopeOf(row: MediaRow): Promise<number[]> {
    const a = await this.audioPeaks(row);
    if (!a) return [];
    let env = this.envelopes.get(row.sha256);
    if (!env) {
      // The audio clock is time from frame 0; the last frame ends at the video's end.
      env = (await frameEnvelope(row.sha256, a.samples, this.frameTimes(row))).map((v) => Math.round(v * 1e5) / 1e5);
      this.envelopes.set(row.sha256, env);
      if (this.envelopes.size > 16) this.envelopes.delete(this.envelopes.keys().next().value!);
    }
    return env;
  }

  /** Each frame's start in seconds from frame 0, from the stored pts, and the end of the last frame. */
  private frameTimes(row: MediaRow): number[] {
    const t = this.frameTable(row.id);
    const tb = { num: row.tb_num, den: row.tb_den };
    const times = t.pts.map((p) => ptsToSeconds(p - row.first_pts, tb));
    times.push(ptsToSeconds(row.end_pts - row.first_pts, tb));
    return times;
  }

  /** Lanes and candidates of kept signals (with the audio's per-frame loudness when there is audio). */
  private async derivedSignals(row: MediaRow, k: KeptSignals, p: CandidateParams): Promise<DerivedSignals> {
    // Derived once per kept signals and parameters (an hour takes about 0.6 s): a decision right after a view reuses it.
    const key = `${row.id}|${this.store.analysisStamp(row.id, 'face')}|${k.computedAt}|${JSON.stringify(p)}`;
    const hit = this.derivedCache.get(key);
    if (hit) return hit;
    const d = deriveSignals(k, this.frameTimes(row), await this.envelopeOf(row), p);
    this.derivedCache.set(key, d);
    if (this.derivedCache.size > 4) this.derivedCache.delete(this.derivedCache.keys().next().value!);
    return d;
  }

  /**
   * A video's kept signals, if they were measured from the file it has now,
   * with this model version and these settings (otherwise they are as good
   * as none and are measured again).
   */
  keptSignals(row: MediaRow): KeptSignals | null {
    // Parsed once and kept while the stored row is the same (an hour of video is tens of MB of JSON).
    const stamp = this.store.analysisStamp(row.id, 'face');
    const cached = this.signalCache.get(row.id);
    let k: KeptSignals;
    if (cached && cached.stamp === stamp) k = cached.k;
    else {
      const kept = this.store.analysis(row.id, 'face');
      if (!kept || !stamp) return null;
      let data: unknown;
      try {
        data = JSON.parse(kept.data);
      } catch {
        return null;
      }
      const parsed = KeptSignalsSchema.safeParse(data);
      if (!parsed.success) return null;
      k = parsed.data;
      this.signalCache.set(row.id, { stamp, k });
      if (this.signalCache.size > 8) this.signalCache.delete(this.signalCache.keys().next().value!);
    }
    return k.version === FACE_MODEL_VERSION && sameParams(k.params, SIGNAL_PARAMS) && k.sha256 === row.sha256 && k.frames === row.frame_count ? k : null;
  }

  /** Measure a video's signals (on the face worker) and keep them in the project. */
  async measureSignals(
    row: MediaRow,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; onWaiting?: () => void } = {},
  ): Promise<KeptSignals> {
    // Queued behind other videos' measuring beyond signalConcurrency.
    if (!this.signalSlots.free) opts.onWaiting?.();
    const release = await this.signalSlots.acquire(opts.signal);
    let s: FaceSignals;
    try {
      s = await this.faceSignals(row, opts.signal ?? new AbortController().signal, opts.onProgress ?? (() => {}));
    } finally {
      release();
    }
    // JSON has no NaN: frames without a face are kept as null. Values are rounded well below what they can tell apart.
    const { landmarks, ...series } = roundedSignals(s);
    const kept = KeptSignalsSchema.parse(JSON.parse(JSON.stringify({
      ...series, sha256: row.sha256, computedAt: new Date().toISOString(),
      landmarkNames: LANDMARKS.map((l) => l.name), landmarks: Buffer.from(encodeLandmarks(landmarks)).toString('base64'),
    }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))));
    this.store.putAnalysis(row.id, 'face', JSON.stringify(kept));
    return kept;
  }

  /**
   * Keep signals measured elsewhere (`tellframe signals --save` on another
   * machine, or a shard of a cluster job) for the videos with the same
   * SHA-256. All or nothing: every file is checked first (schema, a video
   * with that hash, the same frame count, measured with this version and
   * these settings), then all are kept in one transaction.
   */
  mergeSignals(files: readonly { data: unknown; where: string }[]): { videoId: number; sha256: string; where: string }[] {
    const seen = new Map<string, string>();
    const checked = files.map(({ data, where }) => {
      const parsed = KeptSignalsSchema.safeParse(data);
      if (!parsed.success) {
        const first = parsed.error.issues[0]!;
        throw new TellframeError('BAD_INPUT', `${where}: ${first.path.join('.') || 'file'}: ${first.message}.`);
      }
      const k = parsed.data;
      const row = this.store.mediaBySha(k.sha256);
      if (!row) throw new TellframeError('NOT_FOUND', `${where}: no video with SHA-256 ${k.sha256} in this project.`);
      if (k.version !== FACE_MODEL_VERSION || !sameParams(k.params, SIGNAL_PARAMS)) {
        throw new TellframeError('BAD_INPUT', `${where}: measured with ${k.version} ${JSON.stringify(k.params)}; this Tellframe measures with ${FACE_MODEL_VERSION} ${JSON.stringify(SIGNAL_PARAMS)}.`);
      }
      if (k.frames !== row.frame_count) throw new TellframeError('FRAME_MISMATCH', `${where}: ${k.frames} frames; the project's index of video ${row.id} has ${row.frame_count}.`);
      const twice = seen.get(k.sha256);
      if (twice) throw new TellframeError('BAD_INPUT', `${where} and ${twice} are both signals of SHA-256 ${k.sha256}; merge one.`);
      seen.set(k.sha256, where);
      return { row, k, where };
    });
    this.store.db.transaction(() => {
      for (const { row, k } of checked) this.store.putAnalysis(row.id, 'face', JSON.stringify(k));
    })();
    return checked.map(({ row, k, where }) => ({ videoId: row.id, sha256: k.sha256, where }));
  }

  /** What the per-frame CSV needs of a video with kept signals. */
  async signalCsvVideo(row: MediaRow, k: KeptSignals): Promise<SignalCsvVideo> {
    return { videoId: row.id, signals: k, pts: this.frameTable(row.id).pts, times: this.frameTimes(row), loudness: await this.envelopeOf(row) };
  }

  /**
   * A video's face signals, computed on the face worker (or on this thread
   * without one); a cancel stops its ffmpeg and model.
   */
  private faceSignals(row: MediaRow, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<FaceSignals> {
    const input: FaceSignalInput = { ffmpeg: this.bins.ffmpeg, path: row.path, streamIndex: row.stream_index, width: row.width, height: row.height, pts: this.frameTable(row.id).pts };
    if (!this.faceWorker) return computeFaceSignals(input, { signal, onProgress });
    const worker = this.faceWorker.start();
    return new Promise<FaceSignals>((resolve, reject) => {
      const onAbort = () => worker.postMessage({ abort: true } satisfies FaceWorkerRequest);
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        void worker.terminate();
      };
      worker.on('message', (m: FaceWorkerReply) => {
        if ('progress' in m) onProgress(m.progress.done, m.progress.total);
        else if ('result' in m) {
          done();
          resolve(m.result);
        } else {
          done();
          reject(new TellframeError(m.error.code as ErrorCode, m.error.message));
        }
      });
      worker.on('error', (err) => {
        done();
        reject(new TellframeError('INTERNAL', `The face worker failed: ${err.message}`));
      });
      worker.postMessage({ run: input } satisfies FaceWorkerRequest);
      if (signal.aborted) onAbort();
    });
  }

  /** The forensics summary: from the stored probe and index, and the frame hashes when they were computed. */
  private forensicsOf(row: MediaRow): Forensics {
    const t = this.frameTable(row.id);
    return analyseMedia({
      probeJson: row.probe_json, streamIndex: row.stream_index, pts: t.pts, key: t.key, endPts: row.end_pts, timeBase: { num: row.tb_num, den: row.tb_den },
      frameHashes: this.keptFrameHashes(row),
    });
  }

  /** The frame hashes kept for a video, if they were computed from the file it has now. */
  private keptFrameHashes(row: MediaRow): FrameHashSummary | null {
    const kept = this.store.analysis(row.id, 'frame_hashes');
    if (!kept) return null;
    const parsed = FrameHashSummarySchema.safeParse(JSON.parse(kept.data));
    return parsed.success && parsed.data.sha256 === row.sha256 ? parsed.data : null;
  }

  /**
   * Hash every decoded picture (checked pts by pts against the index) and
   * keep which are identical to the one before: runs of repeated pictures.
   */
  async hashAllFrames(row: MediaRow, signal: AbortSignal, onProgress?: (p: NonNullable<FrameHashJob['progress']>) => void): Promise<FrameHashSummary> {
    const src = this.source(row);
    const total = row.frame_count;
    // The hashes describe the file as imported, or nothing: checked before and after the decode.
    const sameFile = async (when: string) => {
      const { status, actual } = await checkMedia(row, signal);
      if (status !== 'ok') {
        throw new TellframeError('BAD_INPUT', `${row.path} ${status === 'missing' ? 'cannot be read' : `has changed since import (SHA-256 ${actual})`} ${when}; relink or restore the original first.`);
      }
    };
    onProgress?.({ done: 0, total, what: "Checking the file's SHA-256", fraction: 0 });
    await sameFile('before hashing its frames');
    const runs = repeatRuns();
    onProgress?.({ done: 0, total, what: 'Decoding and hashing every frame', fraction: 0 });
    const r = await hashFrames(this.bins, src, signal, (h) => {
      runs.add(h);
      if ((h.frame + 1) % 200 === 0) onProgress?.({ done: h.frame + 1, total, what: `Hashed ${h.frame + 1} of ${total} frames`, fraction: (h.frame + 1) / total });
    });
    await sameFile('after hashing its frames');
    const summary: FrameHashSummary = { computedAt: new Date().toISOString(), ffmpeg: await this.ffmpegVersion(), sha256: row.sha256, frames: r.frames, repeated: r.repeated, runs: runs.runs, runCount: runs.count() };
    this.store.putAnalysis(row.id, 'frame_hashes', JSON.stringify(summary));
    onProgress?.({ done: total, total, what: `Hashed ${total} frames`, fraction: 1 });
    return summary;
  }

  /** A snapshot of the project (or of the videos named) for the exporters. */
  exportModel(opts: { videoIds?: number[]; audioLabels?: string[]; ffmpeg?: string } = {}): ExportModel {
    return snapshotModel(
      { store: this.store, annotations: (id) => this.annotate.list(id), actor: this.actor, tool: `tellframe ${TOOL_VERSION}` },
      opts,
    );
  }

  /** ffmpeg and each video's frame index, for the exporters that decode frames. */
  mediaAccess(): MediaAccess {
    return { bins: this.bins, source: (id) => this.source(this.resolveVideo(id)) };
  }

  /** The native annotation JSON of the project (or of the videos named). */
  exportNative(videoIds?: number[]): NativeExport {
    const rows = videoIds ? videoIds.map((id) => this.resolveVideo(id)) : this.store.listMedia();
    return buildNativeExport({
      labels: this.store.labels(),
      videos: rows.map((m) => ({ media: m, containerStartTime: m.format_start_us / 1e6, annotations: this.annotate.list(m.id) })),
      exported: { at: new Date().toISOString(), by: this.actor, tool: `tellframe ${TOOL_VERSION}`, auditHead: this.store.auditHead() },
    });
  }

  /** Parse the input, run the method, parse the output: the boundary every host uses. */
  async dispatch(method: unknown, rawInput: unknown, ctx: CallContext = {}): Promise<Result<unknown>> {
    try {
      if (!isMethod(method)) throw new TellframeError('BAD_INPUT', `Unknown method ${String(method).slice(0, 80)}.`);
      return { ok: true, value: await this.call(method, rawInput, ctx) };
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  }

  async call<M extends Method>(method: M, rawInput: unknown, ctx: CallContext = {}): Promise<Output<M>> {
    if (isSessionMethod(method)) throw new TellframeError('BAD_INPUT', `${method} is answered by the session, not by a project.`);
    const handler = this.handlers[method as ProjectMethod] as (input: unknown, ctx: CallContext) => Promise<unknown>;
    const out = await handler(parseInput(method, rawInput), ctx);
    return api[method].output.parse(out) as Output<M>;
  }
}

/**
 * Whether a video's file still is what was imported: SHA-256 alone decides
 * (MD5 is recorded for older workflows and would double the work). 1 MiB
 * reads, because checks run while the viewer serves frames and each read's
 * hashing then holds the thread under 1 ms. A cancel passes through as
 * ABORTED; any other failure to read is "missing".
 */
export async function checkMedia(row: Pick<MediaRow, 'path' | 'sha256'>, signal?: AbortSignal): Promise<{ status: 'ok' | 'missing' | 'changed'; actual: string | null }> {
  if (!existsSync(row.path)) return { status: 'missing', actual: null };
  try {
    const h = await hashFile(row.path, { signal, chunkBytes: 1 << 20 });
    return { status: h.sha256 === row.sha256 ? 'ok' : 'changed', actual: h.sha256 };
  } catch (err) {
    if (err instanceof TellframeError && err.code === 'ABORTED') throw err;
    return { status: 'missing', actual: null };
  }
}

/** Where a zod issue is, as a reader writes it: `videos[0].annotations[1].startFrame`. */
function issuePath(path: readonly PropertyKey[] | undefined): string {
  return (path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

/**
 * Data read back from the project, checked before it goes where a reader
 * relies on it (a report): a file edited outside the app must not become
 * markup or wrong numbers there.
 */
function parseStored<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TellframeError('PROJECT_INVALID', `The project holds malformed data in ${what} at ${issuePath(first?.path) || 'the top'}: ${first?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

/** A native annotation document from outside, checked field by field; the error names the path. */
export function parseNativeDocument(doc: unknown): NativeExport {
  const parsed = NativeExportSchema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TellframeError('BAD_INPUT', `Not a Tellframe annotation document: ${issuePath(first?.path) || 'document'}: ${first?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

/** Parse a method's input at the boundary; a BAD_INPUT error names the field. Used by Core and Session. */
export function parseInput<M extends Method>(method: M, rawInput: unknown): ParsedInput<M> {
  const parsed = api[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? ` at ${issuePath(first.path)}` : '';
    throw new TellframeError('BAD_INPUT', `Invalid input for ${method}${where}: ${first?.message ?? 'invalid'}.`);
  }
  return parsed.data as ParsedInput<M>;
}

/**
 * An eighth of the machine's memory, between 512 MiB and 2 GiB: at 1080p a
 * decoded frame is 8 MB, at 4K 33 MB, and backward stepping keeps a stretch
 * of frames behind the cursor.
 */
export function defaultFrameCacheBytes(): number {
  const MiB = 1024 * 1024;
  return Math.min(2048 * MiB, Math.max(512 * MiB, Math.floor(os.totalmem() / 8)));
}

/** This build's version, as exports and reports record it. */
export const TOOL_VERSION: string = pkg.version;

export function defaultActor(): string {
  return process.env.TELLFRAME_USER || process.env.USER || process.env.USERNAME || 'unknown';
}

/** Whether two settings objects hold the same values. */
function sameParams(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** Decimals each kept series is rounded to: pixels to 0.1, ratios to 1e-4, 0–255 means to 0.01, flicker (0–1) to 1e-5. */
const DECIMALS: Record<SeriesName | 'box', number> = {
  box: 1, score: 3, earRight: 4, earLeft: 4, mar: 4, faceLuma: 2, ringLuma: 2, faceCb: 2, faceCr: 2, ringCb: 2, ringCr: 2, sharpFace: 2, sharpRing: 2, flicker: 5,
};

function roundedSignals(s: FaceSignals): FaceSignals {
  const out = { ...s };
  for (const [name, d] of Object.entries(DECIMALS) as [SeriesName | 'box', number][]) {
    const f = 10 ** d;
    out[name] = s[name].map((v) => (Number.isFinite(v) ? Math.round(v * f) / f : v));
  }
  return out;
}
