import { createInterface } from 'node:readline';
import { TellframeError } from '../../../shared/errors';
import { decodeThreads } from '../media/extract';
import { parseShowinfoLine } from '../media/frameIndex';
import { spawnTracked } from '../media/process';
import { createFaceModel, FACE_MODEL_VERSION, LANDMARKS, MIN_CONFIDENCE, type FaceModel } from './faceModel';
import { CROP, cropChange, measurePixels, RING_FRACTION } from './pixelSignals';

/**
 * Face signals of every frame: ffmpeg decodes the video in order, scaled to
 * MEASURE_WIDTH (the model measures faces as well there and at a fraction of
 * the cost), each picture's pts checked against the stored index, and the
 * face model measures it. Values are per frame, NaN where no face was found;
 * boxes are in the original picture's pixels.
 */

/** The width frames are measured at (height keeps the aspect ratio, even). */
export const MEASURE_WIDTH = 640;

/**
 * The settings the signals are measured with. Kept with them: signals kept
 * with other settings (or another FACE_MODEL_VERSION) are measured again.
 */
export const SIGNAL_PARAMS = { measureWidth: MEASURE_WIDTH, minConfidence: MIN_CONFIDENCE, ringFraction: RING_FRACTION, crop: CROP } as const;

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
  params: typeof SIGNAL_PARAMS;
  measureWidth: number;
  frames: number;
  /** Per frame; NaN where no face was found. */
  earRight: number[];
  earLeft: number[];
  mar: number[];
  score: number[];
  /** Per frame x, y, width, height in the original's pixels (NaN without a face). */
  box: number[];
  /** Face and surrounding band: mean luma and chroma (0–255), Laplacian variances (pixelSignals). */
  faceLuma: number[];
  ringLuma: number[];
  faceCb: number[];
  faceCr: number[];
  ringCb: number[];
  ringCr: number[];
  sharpFace: number[];
  sharpRing: number[];
  /** Change of the face from the previous frame (0–1); NaN unless both have a face. */
  flicker: number[];
  /** Per frame x, y of each of LANDMARKS in the original's pixels (NaN without a face). */
  landmarks: number[];
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
  const series = () => new Array<number>(n).fill(NaN);
  const out: FaceSignals = {
    version: FACE_MODEL_VERSION, params: SIGNAL_PARAMS, measureWidth: w, frames: n,
    earRight: series(), earLeft: series(), mar: series(), score: series(), box: new Array<number>(n * 4).fill(NaN),
    faceLuma: series(), ringLuma: series(), faceCb: series(), faceCr: series(), ringCb: series(), ringCr: series(),
    sharpFace: series(), sharpRing: series(), flicker: series(), landmarks: new Array<number>(n * LANDMARKS.length * 2).fill(NaN),
  };
  let lastCrop: Float32Array | null = null;
  const proc = spawnTracked(input.ffmpeg, [
    // -noautorotate: the stored pictures, as the viewer shows them, so boxes and landmarks land on its pixels.
    '-nostdin', '-hide_banner', '-nostats', '-threads', String(decodeThreads()), '-noautorotate', '-copyts', '-i', input.path,
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
        const px = m && measurePixels(frame, w, h, m.box);
        if (m) {
          out.earRight[i] = m.earRight;
          out.earLeft[i] = m.earLeft;
          out.mar[i] = m.mar;
          out.score[i] = m.score;
          for (let k = 0; k < 4; k++) out.box[i * 4 + k] = m.box[k]! * scale;
          for (let k = 0; k < m.points.length; k++) out.landmarks[i * m.points.length + k] = m.points[k]! * scale;
        }
        if (px) {
          out.faceLuma[i] = px.faceLuma;
          out.ringLuma[i] = px.ringLuma;
          out.faceCb[i] = px.faceCb;
          out.faceCr[i] = px.faceCr;
          out.ringCb[i] = px.ringCb;
          out.ringCr[i] = px.ringCr;
          out.sharpFace[i] = px.sharpFace;
          out.sharpRing[i] = px.sharpRing;
          if (lastCrop) out.flicker[i] = cropChange(lastCrop, px.crop);
        }
        lastCrop = px ? px.crop : null;
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
