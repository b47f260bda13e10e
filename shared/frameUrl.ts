/**
 * Frame bytes travel behind URLs, never as JSON. Each host prefixes its own
 * origin (tellframe://media in Electron, the loopback origin in the browser).
 * Kept free of zod so the sandboxed preload bundle stays small.
 */
export function framePath(id: number, index: number): string {
  return `/frame/${id}/${index}.png`;
}

const FRAME_PATH = /^\/frame\/(\d{1,12})\/(\d{1,12})\.png$/;

/** Parse a frame URL path back into its numbers; null for anything else. */
export function parseFramePath(p: string): { id: number; index: number } | null {
  const m = FRAME_PATH.exec(p);
  if (!m) return null;
  return { id: Number(m[1]), index: Number(m[2]) };
}
