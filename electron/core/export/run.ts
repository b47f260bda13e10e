import { createHash } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TellframeError } from '../../../shared/errors';
import { FRAME_FORMATS, type ExportFormat, type ExportOptions } from '../../../shared/exportFormats';
import type { ExportModel, FileExporter, FramePts, MediaAccess, TextBuilder } from './model';
import { buildTextFormats, startWorkers, stopWorkers, type WorkerSpec } from './pool';
import { writeOutFiles } from './write';
import { checkDestination, listFiles, makeStaging, placeStaged, sha256File } from './staged';

export { writeOutFiles } from './write';

/**
 * Runs an export: snapshot, optional split, every format asked for, the
 * dataset card and MANIFEST.sha256, all written into a temporary folder
 * beside the destination and moved into place only when complete. A failed
 * or cancelled export leaves nothing behind.
 */
export interface ExportRegistry {
  text: Partial<Record<ExportFormat, TextBuilder>>;
  files: Partial<Record<ExportFormat, FileExporter>>;
  assignSplits(model: ExportModel, options: ExportOptions): void;
  card(model: ExportModel, options: ExportOptions): string;
  manifest(files: { path: string; sha256: string }[]): string;
}

export interface ExportProgress {
  /** The format being written (or 'card' / 'manifest' / 'move' for the last steps). */
  step: string;
  /** Which step of how many. */
  index: number;
  steps: number;
  /** Units within the step (frames for frame formats), when known. */
  done: number;
  total: number;
  what: string;
  /** Overall progress 0–1. */
  fraction: number;
}

export interface ExportResult {
  out: string;
  formats: ExportFormat[];
  videos: number;
  annotations: number;
  files: number;
  bytes: number;
  /** SHA-256 of MANIFEST.sha256: one hash that stands for every file of the export. */
  manifestSha256: string;
  auditHead: string;
}

export interface ExportRun {
  model(options: ExportOptions): ExportModel;
  /** The project file (export workers read per-frame pts from it), and how to start a worker (null: this thread). */
  projectFile?: string | null;
  worker?: WorkerSpec | null;
  media(): MediaAccess;
  /** Each video's per-frame pts from the project (text formats that list every frame; no ffmpeg needed). */
  framePts: FramePts;
  registry: ExportRegistry;
  signal?: AbortSignal;
  onProgress?(p: ExportProgress): void;
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new TellframeError('ABORTED', 'The export was cancelled.');
}

export async function runExport(options: ExportOptions, run: ExportRun): Promise<ExportResult> {
  const out = path.resolve(options.out);
  const formats = [...new Set(options.formats)];
  for (const f of formats) {
    if (!run.registry.text[f] && !run.registry.files[f]) throw new TellframeError('BAD_INPUT', `Export format ${f} is not available.`);
  }
  await checkDestination(out, options.overwrite, run.projectFile ? path.resolve(run.projectFile) : null);
  const text = formats.filter((f) => run.registry.text[f]);
  // Workers load their code while this thread takes the snapshot.
  const started = startWorkers(run.worker ?? null, text.length);
  let model: ExportModel;
  try {
    model = run.model(options);
    if (options.split) run.registry.assignSplits(model, options);
  } catch (err) {
    await stopWorkers(started);
    throw err;
  }

  const steps = formats.length + 2;
  const report = (index: number, step: string, done: number, total: number, what: string) => {
    const within = total > 0 ? Math.min(1, done / total) : 0;
    run.onProgress?.({ step, index, steps, done, total, what, fraction: (index + within) / steps });
  };

  let tmp: string;
  try {
    tmp = await makeStaging(out);
  } catch (err) {
    await stopWorkers(started);
    throw err;
  }
  const known = new Map<string, { sha256: string; bytes: number }>();
  try {
    const dirOf = (format: ExportFormat) => (formats.length > 1 ? path.join(tmp, format) : tmp);
    let finished = 0;
    report(0, text[0] ?? formats[0]!, 0, 1, `Writing ${text.length ? text.join(', ') : formats[0]}`);
    const written = await buildTextFormats({
      jobs: text.map((format) => ({ format, dir: dirOf(format) })),
      model, options, projectFile: run.projectFile ?? null, worker: run.worker ?? null, started, signal: run.signal,
      framePts: run.framePts,
      onDone: (format) => {
        finished++;
        report(finished, format, 1, 1, `Wrote ${format}`);
      },
    });
    for (const [k, v] of written) known.set(k, v);
    for (const format of formats.filter((f) => !run.registry.text[f])) {
      checkAborted(run.signal);
      const i = finished;
      const dir = dirOf(format);
      await mkdir(dir, { recursive: true });
      report(i, format, 0, 1, `Writing ${format}`);
      await run.registry.files[format]!({
        model, options, dir, media: run.media(), signal: run.signal ?? new AbortController().signal,
        progress: (done, total, what) => report(i, format, done, total, what),
      });
      finished++;
      report(finished, format, 1, 1, `Wrote ${format}`);
    }
    checkAborted(run.signal);
    report(formats.length, 'card', 0, 1, 'Writing the dataset card');
    for (const [k, v] of await writeOutFiles(tmp, [{ path: 'README.md', data: run.registry.card(model, options) }])) known.set(k, v);
    const files = (await listFiles(tmp)).sort();
    const hashed: { path: string; sha256: string }[] = [];
    let bytes = 0;
    for (const [k, f] of files.entries()) {
      checkAborted(run.signal);
      const abs = path.join(tmp, f);
      const k0 = known.get(abs) ?? { sha256: await sha256File(abs), bytes: (await stat(abs)).size };
      hashed.push({ path: f, sha256: k0.sha256 });
      bytes += k0.bytes;
      if (k % 50 === 0) report(formats.length + 1, 'manifest', k, files.length, 'Hashing files');
    }
    const manifest = run.registry.manifest(hashed);
    await writeFile(path.join(tmp, 'MANIFEST.sha256'), manifest);
    checkAborted(run.signal);
    await placeStaged(tmp, out, options.overwrite, run.projectFile ? path.resolve(run.projectFile) : null);
    report(steps - 1, 'done', 1, 1, 'Done');
    return {
      out, formats, videos: model.videos.length,
      annotations: model.videos.reduce((n, v) => n + v.annotations.length + v.verdicts.length, 0),
      files: files.length + 1, bytes: bytes + Buffer.byteLength(manifest),
      manifestSha256: createHash('sha256').update(manifest).digest('hex'),
      auditHead: model.exported.auditHead,
    };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Whether the export needs ffmpeg (for recording its version in the card). */
export function needsFrames(formats: readonly ExportFormat[]): boolean {
  return formats.some((f) => FRAME_FORMATS.includes(f));
}
