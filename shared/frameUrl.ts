/**
 * Frame bytes travel behind URLs, never as JSON. Each host prefixes its own
 * origin (tellframe://media in Electron, the loopback origin in the browser).
 * `png` is a full-resolution PNG; `rgba` is raw RGBA (width × height × 4
 * bytes, sizes in the x-frame-width / x-frame-height headers) for the player;
 * `thumb` is a PNG at most 160 pixels wide for lists.
 * A `prefetch=1` query marks a request that only warms a client cache; its
 * `cursor=N` says which frame the user is on.
 * Kept free of zod so the sandboxed preload bundle stays small.
 */
export type FrameExt = 'png' | 'rgba' | 'thumb';

export function framePath(id: number, index: number, ext: FrameExt = 'png'): string {
  return `/frame/${id}/${index}.${ext}`;
}

const FRAME_PATH = /^\/frame\/(\d{1,12})\/(\d{1,12})\.(png|rgba|thumb)$/;

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
} as const;

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
