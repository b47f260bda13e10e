import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { TellframeError, toErrorInfo, type ErrorCode } from '../../../shared/errors';
import type { ImportItem } from '../../../shared/model';
import { frameDurationPts } from '../../../shared/time';
import type { ProjectStore } from '../project/store';
import { hashFile } from './hash';
import { indexFrames } from './indexer';
import type { FfmpegPaths } from './locate';
import { probeFile } from './probe';
import { VIDEO_EXTENSIONS, sniffMedia } from './sniff';

export interface ImportProgress {
  path: string;
  /** 0-based position of this file among the files found. */
  file: number;
  files: number;
  stage: 'hash' | 'probe' | 'index' | 'save' | 'done' | 'error';
  /** 0..1 within this file. */
  fraction: number;
}

export interface ImportContext {
  store: ProjectStore;
  bins: FfmpegPaths;
  actor: string;
  /** Recorded with each new video (chain of custody): the machine, this tool's and ffmpeg's versions. */
  custody?: { machine: string; tool: string; ffmpeg: string };
}

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Index by a full decode instead of packets (slow; for checking). */
  forceDecode?: boolean;
  onItem?: (item: ImportItem) => void;
}

const IMAGE_FORMATS = /^(image2|png_pipe|jpeg_pipe|bmp_pipe|gif|webp_pipe|tiff_pipe|apng|gif_pipe|svg_pipe|ppm_pipe|pgm_pipe)$/;

export function fsError(err: unknown, file: string): TellframeError {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof TellframeError) return err;
  const map: Record<string, [ErrorCode, string]> = {
    ENOENT: ['VANISHED', 'The file is not there (moved or deleted?).'],
    EACCES: ['UNREADABLE', 'The file cannot be read (permission denied).'],
    EPERM: ['UNREADABLE', 'The file cannot be read (operation not permitted).'],
    EISDIR: ['BAD_INPUT', 'This is a folder, not a file.'],
    EIO: ['UNREADABLE', 'The file cannot be read (I/O error).'],
  };
  const hit = e?.code ? map[e.code] : undefined;
  if (hit) return new TellframeError(hit[0], hit[1], { cause: err });
  return new TellframeError('UNREADABLE', `Cannot read ${file}: ${e?.message ?? String(err)}`, { cause: err });
}

async function readHead(file: string, bytes = 4096): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

interface Candidate {
  path: string;
  /** Named by the user (errors are reported) rather than found in a folder (non-videos are skipped). */
  explicit: boolean;
}

async function walk(dir: string, out: Candidate[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, out);
    else if (e.isFile() || e.isSymbolicLink()) {
      // Symlinked folders are not followed (no loops); symlinked files are.
      const st = await stat(full).catch(() => null);
      if (st?.isFile()) out.push({ path: full, explicit: false });
    }
  }
}

/** Files to import from the given paths; folders are searched recursively, videos found by content. */
export async function expandPaths(paths: readonly string[]): Promise<{ candidates: Candidate[]; errors: ImportItem[]; skipped: number }> {
  const candidates: Candidate[] = [];
  const errors: ImportItem[] = [];
  let skipped = 0;
  for (const p of paths) {
    const abs = path.resolve(p);
    let st;
    try {
      st = await stat(abs);
    } catch (err) {
      errors.push({ ok: false, path: abs, error: toErrorInfo(fsError(err, abs)) });
      continue;
    }
    if (!st.isDirectory()) {
      candidates.push({ path: abs, explicit: true });
      continue;
    }
    const found: Candidate[] = [];
    try {
      await walk(abs, found);
    } catch (err) {
      errors.push({ ok: false, path: abs, error: toErrorInfo(fsError(err, abs)) });
      continue;
    }
    for (const c of found) {
      const head = await readHead(c.path).catch(() => null);
      const kind = head ? sniffMedia(head) : 'unknown';
      if (kind === 'video' || VIDEO_EXTENSIONS.has(path.extname(c.path).toLowerCase())) candidates.push(c);
      else skipped++;
    }
  }
  return { candidates, errors, skipped };
}

/** End of the last frame in time-base units: the typical frame step near the end. */
function endPtsOf(pts: readonly number[], fallbackDuration: number): number {
  const last = pts[pts.length - 1]!;
  if (pts.length > 1) return last + frameDurationPts(pts, pts.length - 1);
  return last + Math.max(1, fallbackDuration);
}

/** True when frame steps differ by more than one time-base tick (rounding). */
export function isVfr(pts: readonly number[]): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 1; i < pts.length; i++) {
    const d = pts[i]! - pts[i - 1]!;
    if (d < min) min = d;
    if (d > max) max = d;
  }
  return pts.length > 2 && max - min > 1;
}

async function importOne(ctx: ImportContext, file: string, report: (stage: ImportProgress['stage'], f: number) => void, opts: ImportOptions): Promise<ImportItem> {
  const before = await stat(file).catch((err: unknown) => {
    throw fsError(err, file);
  });
  if (!before.isFile()) throw new TellframeError('BAD_INPUT', 'Not a regular file.');
  if (before.size === 0) throw new TellframeError('EMPTY_FILE', 'The file is empty (0 bytes).');
  const head = await readHead(file).catch((err: unknown) => {
    throw fsError(err, file);
  });
  if (sniffMedia(head) === 'image') throw new TellframeError('NOT_A_VIDEO', 'This is a still image, not a video.');

  // Hash alongside probing and indexing: they read the same bytes, on the other core.
  const work = new AbortController();
  const onAbort = () => work.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    report('hash', 0);
    // MD5 beside SHA-256 in the same read, for the custody record.
    const hashing = hashFile(file, { signal: work.signal, md5: ctx.custody !== undefined }).then((h) => {
      const dup = ctx.store.mediaBySha(h.sha256);
      if (dup) work.abort(); // nothing more to learn about this file
      return { h, dup };
    });
    hashing.catch(() => undefined);
    const indexing = (async () => {
      const probe = await probeFile(ctx.bins.ffprobe, file, work.signal).catch((err: unknown) => {
        // "Truncated" only for a file that starts like a video; a text file named .mp4 is not a video at all.
        if (err instanceof TellframeError && err.code === 'TRUNCATED' && sniffMedia(head) !== 'video') {
          throw new TellframeError('NOT_A_VIDEO', 'Not a video: its content is not a known video container.');
        }
        throw err;
      });
      report('probe', 0.3);
      const { info } = probe;
      if (IMAGE_FORMATS.test(info.formatName)) throw new TellframeError('NOT_A_VIDEO', 'This is a still image, not a video.');
      if (!info.video) {
        const kinds = info.streams.map((s) => `${s.type} ${s.codec}`).join(', ') || 'none';
        throw new TellframeError('NO_VIDEO_STREAM', `The file has no video stream (streams: ${kinds}).`);
      }
      report('index', 0.4);
      const index = await indexFrames(ctx.bins, file, info.video, {
        signal: work.signal,
        forceDecode: opts.forceDecode,
        onProgress: (f) => report('index', 0.4 + 0.5 * f),
      });
      return { probe, index };
    })();
    indexing.catch(() => undefined);

    const { h, dup } = await hashing.catch((err: unknown) => {
      throw fsError(err, file);
    });
    if (dup) {
      report('done', 1);
      return { ok: true, path: file, id: dup.id, frames: dup.frame_count, duplicate: true };
    }
    const { probe, index } = await indexing;
    const video = probe.info.video!;
    const after = await stat(file).catch((err: unknown) => {
      throw fsError(err, file);
    });
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || h.size !== before.size) {
      throw new TellframeError('UNREADABLE', 'The file changed while it was being imported; import it again once it is complete.');
    }
    report('save', 0.95);
    // Only a one-frame video needs this: its duration from the stream header.
    const oneFrameTicks = video.duration ? Math.round((video.duration * video.timeBase.den) / video.timeBase.num) : 1;
    const id = ctx.store.addMedia(
      {
        path: file,
        sha256: h.sha256,
        size: h.size,
        mtimeMs: before.mtimeMs,
        probeJson: probe.rawJson,
        formatName: probe.info.formatName,
        formatStartUs: Math.round((probe.info.startTime ?? 0) * 1e6),
        streamIndex: video.index,
        codec: video.codec,
        pixFmt: video.pixFmt,
        width: video.width,
        height: video.height,
        tbNum: index.timeBase.num,
        tbDen: index.timeBase.den,
        pts: index.pts,
        key: index.key,
        endPts: endPtsOf(index.pts, oneFrameTicks),
        vfr: isVfr(index.pts),
        indexMethod: index.method,
        indexNotes: index.notes,
        ...(ctx.custody ? { custody: { md5: h.md5 ?? null, importedBy: ctx.actor, ...ctx.custody } } : {}),
      },
      ctx.actor,
    );
    report('done', 1);
    return { ok: true, path: file, id, frames: index.pts.length, duplicate: false };
  } finally {
    work.abort();
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Import files and folders. Each file stands alone: a bad one yields an error
 * item and writes nothing; the others still import. Only cancelling stops the
 * whole run.
 */
export async function importPaths(ctx: ImportContext, paths: readonly string[], opts: ImportOptions = {}): Promise<{ items: ImportItem[]; skipped: number }> {
  const { candidates, errors, skipped } = await expandPaths(paths);
  const items: ImportItem[] = [...errors];
  for (const e of errors) opts.onItem?.(e);
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (opts.signal?.aborted) throw new TellframeError('ABORTED', 'Import cancelled.');
    const report = (stage: ImportProgress['stage'], fraction: number) =>
      opts.onProgress?.({ path: c.path, file: i, files: candidates.length, stage, fraction });
    let item: ImportItem;
    try {
      item = await importOne(ctx, c.path, report, opts);
    } catch (err) {
      if (opts.signal?.aborted) throw new TellframeError('ABORTED', 'Import cancelled.');
      report('error', 1);
      item = { ok: false, path: c.path, error: toErrorInfo(err) };
    }
    items.push(item);
    opts.onItem?.(item);
  }
  return { items, skipped };
}
