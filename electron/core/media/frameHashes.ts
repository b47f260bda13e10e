import { TellframeError } from '../../../shared/errors';
import { parseRational, type Rational } from '../../../shared/time';
import { decodeThreads, type ExtractSource } from './extract';
import type { FfmpegPaths } from './locate';
import { lastErrorLine, runProcess } from './process';

/**
 * ffmpeg's framemd5 of every decoded picture, in the stream's own time base,
 * at its exact index: the per-frame hash list of the framemd5 export and the
 * forensics panel's identical-consecutive-frames check.
 */
export function framemd5Args(src: Pick<ExtractSource, 'path' | 'streamIndex'>): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-threads', String(decodeThreads()), '-copyts', '-i', src.path,
    '-map', `0:${src.streamIndex}`, '-an', '-sn', '-dn', '-fps_mode', 'passthrough',
    // The stream's own time base, so each line's pts compares with the stored index as it is.
    '-enc_time_base:v', '-1', '-f', 'framemd5', '-hash', 'md5', 'pipe:1',
  ];
}


/** One decoded picture's hash, as ffmpeg's framemd5 prints it, at its exact index. */
export interface FrameHash {
  frame: number;
  pts: number;
  /** Duration and size as ffmpeg prints them (time-base units; bytes of the picture). */
  duration: string;
  size: string;
  md5: string;
  /** Identical to the picture before. */
  same: boolean;
}

/**
 * Hash every decoded picture of a video, in order, handing each to `onHash`
 * as ffmpeg prints it: each pts is checked against the stored index as it
 * arrives (ffmpeg is stopped at the first mismatch), and memory stays flat
 * however long the video is. Used by the framemd5 export and the forensics
 * panel's duplicate-frame check.
 */
export async function hashFrames(
  bins: Pick<FfmpegPaths, 'ffmpeg'>,
  src: Pick<ExtractSource, 'path' | 'streamIndex' | 'pts' | 'timeBase'>,
  signal: AbortSignal,
  onHash: (h: FrameHash) => void,
): Promise<{ frames: number; repeated: number }> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let failure: TellframeError | null = null;
  let partial = '';
  let frame = 0;
  let repeated = 0;
  let prev = '';
  let timeBase: Rational | null = null;
  const fail = (e: TellframeError) => {
    failure ??= e;
    stop.abort();
  };
  const onLine = (line: string) => {
    if (failure) return;
    if (line.startsWith('#tb 0:')) {
      timeBase = parseRational(line.slice(6).trim());
      // ffmpeg is told to keep the stream's time base; anything else would make the pts incomparable.
      if (timeBase.num * src.timeBase.den !== timeBase.den * src.timeBase.num) {
        fail(new TellframeError('FRAME_MISMATCH', `ffmpeg hashed in time base ${timeBase.num}/${timeBase.den}, not the stream's ${src.timeBase.num}/${src.timeBase.den}.`));
      }
      return;
    }
    if (!line || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length < 6 || cells[0] !== '0') return;
    const pts = Number(cells[2]);
    if (frame >= src.pts.length) return fail(new TellframeError('FRAME_MISMATCH', `ffmpeg decoded more frames than the project's index has (${src.pts.length}).`));
    if (pts !== src.pts[frame]) return fail(new TellframeError('FRAME_MISMATCH', `Frame ${frame}: ffmpeg decoded pts ${pts}, the project's index has ${src.pts[frame]}.`));
    const md5 = cells[5]!;
    const same = frame > 0 && md5 === prev;
    if (same) repeated++;
    onHash({ frame, pts, duration: cells[3]!, size: cells[4]!, md5, same });
    prev = md5;
    frame++;
  };
  try {
    const res = await runProcess(bins.ffmpeg, framemd5Args(src), {
      signal: stop.signal,
      timeoutMs: 6 * 3600_000,
      onStdout: (chunk) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) onLine(l);
      },
    }).catch((err: unknown) => {
      if (failure) return null;
      throw err;
    });
    if (failure) throw failure;
    if (signal.aborted) throw new TellframeError('ABORTED', 'Cancelled.');
    if (res && res.code !== 0) throw new TellframeError('FFMPEG_FAILED', `ffmpeg could not hash the frames: ${lastErrorLine(res.stderr)}`);
    if (partial) onLine(partial);
    if (failure) throw failure;
    if (frame !== src.pts.length) throw new TellframeError('FRAME_MISMATCH', `ffmpeg decoded ${frame} frames, the project's index has ${src.pts.length}.`);
    return { frames: frame, repeated };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs of identical consecutive pictures as hashes arrive: frame `from` and
 * the frames after it up to `to` that repeat it. Keeps the first `max` runs
 * and counts all.
 */
export function repeatRuns(max = 1000): { add(h: Pick<FrameHash, 'frame' | 'same'>): void; runs: { from: number; to: number }[]; count(): number } {
  const runs: { from: number; to: number }[] = [];
  let count = 0;
  let open: { from: number; to: number } | null = null;
  return {
    runs,
    count: () => count,
    add(h) {
      if (!h.same) return;
      if (open && open.to === h.frame - 1) open.to = h.frame;
      else {
        open = { from: h.frame - 1, to: h.frame };
        count++;
        if (runs.length < max) runs.push(open);
      }
    },
  };
}
