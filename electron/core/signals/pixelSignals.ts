/**
 * Measures of the pixels in and around a face, per frame: brightness and
 * colour of the face against the band around it (lighting), sharpness
 * (variance of the Laplacian) of both (blur and blending boundaries), and a
 * small grey copy of the face whose change from the previous frame is the
 * flicker. Pure: an RGB picture (3 bytes a pixel) and the face box in its
 * pixels.
 */

/** How far the band around the face reaches, as a fraction of the face box's size on each side. */
export const RING_FRACTION = 0.4;
/** The grey copy of the face compared between frames is CROP × CROP. */
export const CROP = 32;

export interface PixelMeasure {
  /** Mean luma (BT.601, 0–255) and chroma (Cb, Cr) of the face box and of the band around it. */
  faceLuma: number;
  ringLuma: number;
  faceCb: number;
  faceCr: number;
  ringCb: number;
  ringCr: number;
  /** Variance of the 4-neighbour Laplacian of the luma inside the face box and inside the band. */
  sharpFace: number;
  sharpRing: number;
  /** The face box's luma averaged down to CROP × CROP. */
  crop: Float32Array;
}

type Rect = { x0: number; y0: number; x1: number; y1: number };

/** Measure the face box (x, y, width, height) and its band in an RGB picture; null when the box has no pixels in it. */
export function measurePixels(rgb: Uint8Array, width: number, height: number, box: readonly [number, number, number, number]): PixelMeasure | null {
  const clamp = (r: Rect): Rect => ({
    x0: Math.max(0, Math.floor(r.x0)), y0: Math.max(0, Math.floor(r.y0)), x1: Math.min(width, Math.ceil(r.x1)), y1: Math.min(height, Math.ceil(r.y1)),
  });
  const face = clamp({ x0: box[0], y0: box[1], x1: box[0] + box[2], y1: box[1] + box[3] });
  if (face.x1 - face.x0 < 3 || face.y1 - face.y0 < 3) return null;
  const dx = box[2] * RING_FRACTION;
  const dy = box[3] * RING_FRACTION;
  const outer = clamp({ x0: box[0] - dx, y0: box[1] - dy, x1: box[0] + box[2] + dx, y1: box[1] + box[3] + dy });
  const inFace = (x: number, y: number) => x >= face.x0 && x < face.x1 && y >= face.y0 && y < face.y1;

  // Luma of the outer rectangle (the face and its band), and the colour sums.
  const ow = outer.x1 - outer.x0;
  const oh = outer.y1 - outer.y0;
  const luma = new Float32Array(ow * oh);
  const s = { f: [0, 0, 0, 0], r: [0, 0, 0, 0] }; // n, Y, Cb, Cr
  for (let y = outer.y0; y < outer.y1; y++) {
    for (let x = outer.x0; x < outer.x1; x++) {
      const i = (y * width + x) * 3;
      const R = rgb[i]!;
      const G = rgb[i + 1]!;
      const B = rgb[i + 2]!;
      const Y = 0.299 * R + 0.587 * G + 0.114 * B;
      luma[(y - outer.y0) * ow + (x - outer.x0)] = Y;
      const acc = inFace(x, y) ? s.f : s.r;
      acc[0]!++;
      acc[1]! += Y;
      acc[2]! += 128 - 0.168736 * R - 0.331264 * G + 0.5 * B;
      acc[3]! += 128 + 0.5 * R - 0.418688 * G - 0.081312 * B;
    }
  }
  // Laplacian at pixels whose four neighbours are inside the outer rectangle.
  const lap = { f: [0, 0, 0], r: [0, 0, 0] }; // n, sum, sum of squares
  for (let y = 1; y < oh - 1; y++) {
    for (let x = 1; x < ow - 1; x++) {
      const k = y * ow + x;
      const v = luma[k - 1]! + luma[k + 1]! + luma[k - ow]! + luma[k + ow]! - 4 * luma[k]!;
      const acc = inFace(x + outer.x0, y + outer.y0) ? lap.f : lap.r;
      acc[0]!++;
      acc[1]! += v;
      acc[2]! += v * v;
    }
  }
  const mean = (a: number[], j: number) => (a[0]! > 0 ? a[j]! / a[0]! : NaN);
  const variance = (a: number[]) => (a[0]! > 1 ? a[2]! / a[0]! - (a[1]! / a[0]!) ** 2 : NaN);

  // The face's luma averaged over CROP × CROP cells.
  const crop = new Float32Array(CROP * CROP);
  const fw = face.x1 - face.x0;
  const fh = face.y1 - face.y0;
  for (let cy = 0; cy < CROP; cy++) {
    const ya = face.y0 + Math.floor((cy * fh) / CROP);
    const yb = Math.max(ya + 1, face.y0 + Math.floor(((cy + 1) * fh) / CROP));
    for (let cx = 0; cx < CROP; cx++) {
      const xa = face.x0 + Math.floor((cx * fw) / CROP);
      const xb = Math.max(xa + 1, face.x0 + Math.floor(((cx + 1) * fw) / CROP));
      let sum = 0;
      for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) sum += luma[(y - outer.y0) * ow + (x - outer.x0)]!;
      crop[cy * CROP + cx] = sum / ((yb - ya) * (xb - xa));
    }
  }
  return {
    faceLuma: mean(s.f, 1), ringLuma: mean(s.r, 1), faceCb: mean(s.f, 2), faceCr: mean(s.f, 3), ringCb: mean(s.r, 2), ringCr: mean(s.r, 3),
    sharpFace: variance(lap.f), sharpRing: variance(lap.r), crop,
  };
}

/** Mean absolute difference of two face copies, 0–1. */
export function cropChange(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length / 255;
}
