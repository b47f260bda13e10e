/**
 * Frame bytes travel behind URLs, never as JSON. Each host prefixes its own
 * origin (tellframe://media in Electron, the loopback origin in the browser).
 * `png` is a full-resolution PNG; `rgba` is raw RGBA (width × height × 4
 * bytes, sizes in the x-frame-width / x-frame-height headers); `raw` is the
 * frame server's own pixels, which the player asks for: planar I420
 * (width × height luma, then the two half-size chroma planes; 1.5 bytes a
 * pixel) for 8-bit 4:2:0 video of even size, otherwise RGBA, named by the
 * x-frame-format header with the colour matrix and range beside it;
 * `thumb` is a PNG at most 160 pixels wide for lists.
 * A `prefetch=1` query marks a request that only warms a client cache; its
 * `cursor=N` says which frame the user is on.
 * Kept free of zod so the sandboxed preload bundle stays small.
 */
export type FrameExt = 'png' | 'rgba' | 'raw' | 'thumb';

export function framePath(id: number, index: number, ext: FrameExt = 'png'): string {
  return `/frame/${id}/${index}.${ext}`;
}

const FRAME_PATH = /^\/frame\/(\d{1,12})\/(\d{1,12})\.(png|rgba|raw|thumb)$/;

/** Parse a frame URL path back into its parts; null for anything else. */
export function parseFramePath(p: string): { id: number; index: number; ext: FrameExt } | null {
  const m = FRAME_PATH.exec(p);
  if (!m) return null;
  return { id: Number(m[1]), index: Number(m[2]), ext: m[3] as FrameExt };
}

/** Response headers that describe a served frame. */
export const FRAME_HEADERS = {
  index: 'x-frame-index',
  pts: 'x-frame-pts',
  width: 'x-frame-width',
  height: 'x-frame-height',
  /** `rgba` or `i420` (raw frames). */
  format: 'x-frame-format',
  /** The YUV→RGB matrix of an i420 frame: `bt709`, `bt470bg`, `smpte170m` or `bt2020-ncl`. */
  matrix: 'x-frame-matrix',
  /** `full` or `limited` (video) range of an i420 frame. */
  range: 'x-frame-range',
} as const;

/** How raw frame bytes are laid out. */
export type RawFormat = 'rgba' | 'i420';

/** The frame-server options a frame URL's query carries. */
export function frameQuery(params: URLSearchParams): { prefetch: boolean; cursor?: number } {
  const c = params.get('cursor');
  return { prefetch: params.get('prefetch') === '1', ...(c && /^\d{1,12}$/.test(c) ? { cursor: Number(c) } : {}) };
}

/** The audio of a video as a seekable WebM/Opus file (for playback beside the frames). */
export function audioPath(id: number): string {
  return `/audio/${id}.webm`;
}

const AUDIO_PATH = /^\/audio\/(\d{1,12})\.webm$/;

export function parseAudioPath(p: string): number | null {
  const m = AUDIO_PATH.exec(p);
  return m ? Number(m[1]) : null;
}
