import { createInterface } from 'node:readline';
import { TellframeError } from '../../../shared/errors';
import { decodeThreads } from '../media/extract';
import { parseShowinfoLine } from '../media/frameIndex';
import { spawnTracked } from '../media/process';
import { createFaceModel, FACE_MODEL_VERSION, type FaceModel } from './faceModel';

/**
 * Face signals of every frame: ffmpeg decodes the video in order, scaled to
 * MEASURE_WIDTH (the model measures faces as well there and at a fraction of
 * the cost), each picture's pts checked against the stored index, and the
 * face model measures it. Values are per frame, NaN where no face was found;
 * boxes are in the original picture's pixels.
 */

/** The width frames are measured at (height keeps the aspect ratio, even). */
export const MEASURE_WIDTH = 640;

export interface FaceSignalInput {
  ffmpeg: string;
  path: string;
  streamIndex: number;
  width: number;
  height: number;
  /** The stored index's pts of every frame, in order. */
  pts: readonly number[];
}

export interface FaceSignals {
  version: string;
  measureWidth: number;
  frames: number;
  /** Per frame; NaN where no face was found. */
  earRight: number[];
  earLeft: number[];
  mar: number[];
  score: number[];
  /** Per frame x, y, width, height in the original's pixels (NaN without a face). */
  box: number[];
}

export async function computeFaceSignals(
  input: FaceSignalInput,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; model?: FaceModel } = {},
): Promise<FaceSignals> {
  const model = opts.model ?? (await createFaceModel());
  const w = Math.min(MEASURE_WIDTH, input.width - (input.width % 2));
  const h = Math.max(2, Math.round((input.height * w) / input.width / 2) * 2);
  const scale = input.width / w;
  const n = input.pts.length;
  const out: FaceSignals = {
    version: FACE_MODEL_VERSION, measureWidth: w, frames: n,
    earRight: new Array<number>(n).fill(NaN), earLeft: new Array<number>(n).fill(NaN), mar: new Array<number>(n).fill(NaN),
    score: new Array<number>(n).fill(NaN), box: new Array<number>(n * 4).fill(NaN),
  };
  const proc = spawnTracked(input.ffmpeg, [
    '-nostdin', '-hide_banner', '-nostats', '-threads', String(decodeThreads()), '-copyts', '-i', input.path,
    '-map', `0:${input.streamIndex}`, '-an', '-sn', '-dn', '-fps_mode', 'passthrough',
    '-vf', `scale=${w}:${h}:flags=area,showinfo`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ], { signal: opts.signal });
  const seen: (number | null)[] = [];
  const lines = createInterface({ input: proc.child.stderr! });
  lines.on('line', (line) => {
    const f = parseShowinfoLine(line);
    if (f) seen.push(f.pts);
  });
  const frameBytes = w * h * 3;
  // One picture's bytes, filled from the pipe's chunks as they come (no concatenation per chunk).
  const frame = Buffer.alloc(frameBytes);
  let have = 0;
  let i = 0;
  try {
    for await (const chunk of proc.child.stdout! as AsyncIterable<Buffer>) {
      for (let off = 0; off < chunk.length; ) {
        const n0 = Math.min(chunk.length - off, frameBytes - have);
        chunk.copy(frame, have, off, off + n0);
        have += n0;
        off += n0;
        if (have < frameBytes) break;
        have = 0;
        if (i >= n) throw new TellframeError('FRAME_MISMATCH', `ffmpeg decoded more frames than the project's index has (${n}).`);
        // showinfo speaks of a picture before ffmpeg writes it; its line is in unless stderr lags, which the final check catches.
        if (seen[i] !== undefined && seen[i] !== input.pts[i]) {
          throw new TellframeError('FRAME_MISMATCH', `Frame ${i}: ffmpeg decoded pts ${seen[i]}, the project's index has ${input.pts[i]}.`);
        }
        const m = await model.measure(frame, w, h);
        if (m) {
          out.earRight[i] = m.earRight;
          out.earLeft[i] = m.earLeft;
          out.mar[i] = m.mar;
          out.score[i] = m.score;
          for (let k = 0; k < 4; k++) out.box[i * 4 + k] = m.box[k]! * scale;
        }
        i++;
        if (i % 10 === 0) opts.onProgress?.(i, n);
      }
    }
    const code = await proc.exited;
    if (opts.signal?.aborted) throw new TellframeError('ABORTED', 'Cancelled.');
    if (code !== 0) throw new TellframeError('FFMPEG_FAILED', `ffmpeg could not decode the video for face signals (exit ${code}).`);
    if (i !== n) throw new TellframeError('FRAME_MISMATCH', `ffmpeg decoded ${i} frames, the project's index has ${n}.`);
    for (let k = 0; k < n; k++) {
      if (seen[k] !== input.pts[k]) throw new TellframeError('FRAME_MISMATCH', `Frame ${k}: ffmpeg decoded pts ${seen[k]}, the project's index has ${input.pts[k]}.`);
    }
    opts.onProgress?.(n, n);
    return out;
  } catch (err) {
    proc.kill();
    if (opts.signal?.aborted) throw new TellframeError('ABORTED', 'Cancelled.');
    throw err;
  } finally {
    lines.close();
  }
}
