import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { TellframeError } from '../../../shared/errors';
import { hashFrames } from '../media/frameHashes';
import { seconds, videoSlug, type ExportContext, type ExportVideo, type FileExporter } from './model';
import { videoError } from './frames';

/**
 * `framemd5`: the per-frame hash list of each video (ffmpeg's framemd5 of
 * every decoded frame, in the stream's own time base), as TSV, with the
 * exact frame index, pts, seconds from frame 0 and whether a frame is
 * identical to the one before (a duplicated frame). The decode's pts must
 * equal the stored index frame for frame, or the export fails: the list is
 * evidence that frame i is what the project calls frame i.
 */

/** Hash every frame of one video into `file` (TSV), line by line. */
export async function hashFramesToFile(
  ctx: Pick<ExportContext, 'media' | 'signal' | 'model'>,
  v: ExportVideo,
  file: string,
  onFrame: (done: number) => void,
): Promise<{ frames: number; repeated: number }> {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, framemd5Header(ctx.model.exported.ffmpeg, v));
    return await hashFrames(ctx.media.bins, ctx.media.source(v.id), ctx.signal, (h) => {
      writeSync(fd, `${h.frame}\t${h.pts}\t${seconds(v, h.pts)}\t${h.duration}\t${h.size}\t${h.md5}\t${h.same ? 1 : 0}\n`);
      if ((h.frame + 1) % 100 === 0) onFrame(h.frame + 1);
    });
  } catch (err) {
    if (err instanceof TellframeError && err.code === 'ABORTED') throw new TellframeError('ABORTED', 'The export was cancelled.');
    throw err;
  } finally {
    closeSync(fd);
  }
}

export const FRAMEMD5_COLUMNS = ['frame', 'pts', 'time', 'duration', 'size', 'md5', 'same_as_previous'] as const;

/** `#` lines naming the file, what the hashes are of and how to reproduce them, then the column header. */
export function framemd5Header(ffmpeg: string, v: ExportVideo): string {
  return [
    `# tellframe framemd5: ${v.file.replace(/[\r\n\t]/g, ' ')}`,
    `# sha256 ${v.sha256}; frames are exact decode indices; pts and duration in time base ${v.timeBase.num}/${v.timeBase.den}; time in seconds from frame 0's pts`,
    `# md5 of each decoded picture (pixel format ${v.pixFmt ?? 'as decoded'}) as ffmpeg's framemd5 computes it; ${ffmpeg || 'ffmpeg'}`,
    FRAMEMD5_COLUMNS.join('\t'),
  ].join('\n') + '\n';
}

export const exportFramemd5: FileExporter = async (ctx) => {
  const written: string[] = [];
  const total = ctx.model.videos.reduce((n, v) => n + v.frameCount, 0);
  let done = 0;
  mkdirSync(ctx.dir, { recursive: true });
  for (const v of ctx.model.videos) {
    if (ctx.signal.aborted) throw new TellframeError('ABORTED', 'The export was cancelled.');
    const rel = `${videoSlug(v)}.tsv`;
    try {
      const r = await hashFramesToFile(ctx, v, path.join(ctx.dir, rel), (n) => ctx.progress(done + n, total, `Hashing the frames of ${v.file}`));
      done += v.frameCount;
      ctx.progress(done, total, `Hashed ${v.file}: ${r.repeated} frames repeat the one before`);
    } catch (err) {
      throw videoError(err, v);
    }
    written.push(rel);
  }
  return written;
};
