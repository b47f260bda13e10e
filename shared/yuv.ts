/**
 * YUV facts shared by the frame server (which sends 8-bit 4:2:0 frames as
 * planar I420, 1.5 bytes a pixel) and the player (which turns them into RGBA
 * to draw). Pure code: no Node, no DOM.
 */

/** The YUV→RGB matrices a raw frame can name (WebCodecs' VideoMatrixInit names). */
export type YuvMatrix = 'bt709' | 'bt470bg' | 'smpte170m' | 'bt2020-ncl';

export interface YuvColour {
  matrix: YuvMatrix;
  fullRange: boolean;
}

/**
 * The matrix and range of a video from its probe: the stream's colour tags
 * as ffmpeg's own conversion reads them (an untagged or unusual matrix is
 * taken as BT.601, as swscale does), full range for `yuvj*` formats or a
 * `pc` range tag.
 */
export function yuvColour(pixFmt: string | null, colorSpace: string | null, colorRange: string | null): YuvColour {
  const cs = (colorSpace ?? '').toLowerCase();
  const matrix: YuvMatrix =
    cs === 'bt709' ? 'bt709' : cs === 'bt2020nc' || cs === 'bt2020c' ? 'bt2020-ncl' : cs === 'bt470bg' ? 'bt470bg' : 'smpte170m';
  const fullRange = (pixFmt ?? '').startsWith('yuvj') || colorRange === 'pc' || colorRange === 'jpeg';
  return { matrix, fullRange };
}

/** Whether frames of this pixel format and size travel as I420 (8-bit 4:2:0, even size). */
export function sendsI420(pixFmt: string | null, width: number, height: number): boolean {
  return (pixFmt === 'yuv420p' || pixFmt === 'yuvj420p') && width % 2 === 0 && height % 2 === 0 && width > 0 && height > 0;
}

/** The ffmpeg pixel format I420 frames of this source are written in: its own, so no range conversion happens. */
export function i420PixFmt(pixFmt: string | null | undefined): 'yuv420p' | 'yuvj420p' {
  return pixFmt === 'yuvj420p' ? 'yuvj420p' : 'yuv420p';
}

/** Bytes of one I420 frame. */
export function i420Bytes(width: number, height: number): number {
  return width * height + 2 * (Math.ceil(width / 2) * Math.ceil(height / 2));
}

const KR_KB: Record<YuvMatrix, [number, number]> = {
  bt709: [0.2126, 0.0722],
  bt470bg: [0.299, 0.114],
  smpte170m: [0.299, 0.114],
  'bt2020-ncl': [0.2627, 0.0593],
};

/**
 * I420 → RGBA in plain code (about 9 ms for a 1080p frame), for a page
 * without WebCodecs' conversion and for hosts asked for RGBA. Chroma is
 * repeated over each 2×2 block; fixed point with 16 fraction bits.
 */
export function i420ToRgba(src: Uint8Array, width: number, height: number, colour: YuvColour, out?: Uint8Array | Uint8ClampedArray): Uint8ClampedArray {
  const need = i420Bytes(width, height);
  if (src.length < need) throw new RangeError(`An I420 ${width}x${height} frame needs ${need} bytes, got ${src.length}.`);
  const dst = out instanceof Uint8ClampedArray ? out : new Uint8ClampedArray(out ? out.buffer : new ArrayBuffer(width * height * 4));
  const [kr, kb] = KR_KB[colour.matrix];
  const kg = 1 - kr - kb;
  const ys = colour.fullRange ? 1 : 255 / 219;
  const cs = colour.fullRange ? 1 : 255 / 224;
  const y0 = colour.fullRange ? 0 : 16;
  const F = 65536;
  const yMul = Math.round(ys * F);
  const crR = Math.round(2 * (1 - kr) * cs * F);
  const cbB = Math.round(2 * (1 - kb) * cs * F);
  const cbG = Math.round(((2 * kb * (1 - kb)) / kg) * cs * F);
  const crG = Math.round(((2 * kr * (1 - kr)) / kg) * cs * F);
  const cw = Math.ceil(width / 2);
  const uOff = width * height;
  const vOff = uOff + cw * Math.ceil(height / 2);
  const half = F / 2;
  for (let y = 0; y < height; y++) {
    const cRow = (y >> 1) * cw;
    let o = y * width * 4;
    const yRow = y * width;
    for (let x = 0; x < width; x++) {
      const c = cRow + (x >> 1);
      const u = src[uOff + c]! - 128;
      const v = src[vOff + c]! - 128;
      const l = (src[yRow + x]! - y0) * yMul + half;
      dst[o] = (l + crR * v) >> 16;
      dst[o + 1] = (l - cbG * u - crG * v) >> 16;
      dst[o + 2] = (l + cbB * u) >> 16;
      dst[o + 3] = 255;
      o += 4;
    }
  }
  return dst;
}
