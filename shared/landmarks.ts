/**
 * Face landmarks as they are kept and sent: per frame, x and y of each kept
 * point in the original's pixels, as unsigned 16-bit little-endian integers
 * in eighths of a pixel (pictures up to 8191 pixels wide), 0xFFFF where
 * there is no value; base64 in JSON. An hour at 30 frames/s is about 9.5 MB.
 */
export const LANDMARK_UNIT = 8;
const NONE = 0xffff;

export function encodeLandmarks(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 2);
  const dv = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    const q = Number.isFinite(v) ? Math.round(v * LANDMARK_UNIT) : NONE;
    dv.setUint16(i * 2, q >= 0 && q < NONE ? q : NONE, true);
  });
  return bytes;
}

/** The values of encodeLandmarks' bytes (NaN where there was none). */
export function decodeLandmarks(bytes: Uint8Array): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) {
    const q = dv.getUint16(i * 2, true);
    out[i] = q === NONE ? NaN : q / LANDMARK_UNIT;
  }
  return out;
}
