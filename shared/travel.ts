/**
 * How a move between frames reads, for prefetching (the page's and the
 * host's frame server use the same rule).
 *
 * Moves of at most STEP_SPAN frames are steps (arrow keys, Shift+arrows,
 * shuttle); longer ones are jumps (go to, timeline clicks, next candidate).
 */
export const STEP_SPAN = 10;

/**
 * Frames fetched ahead right after a jump. People jump around (a timeline
 * click, the next candidate) as often as they step on from where they
 * landed, and frames decoded ahead of a place they leave at once only
 * take the CPU from the next jump; the reach grows as they step on.
 */
export const JUMP_REACH = 4;

/** Whether moving from frame `from` (none: nothing shown yet) to `to` is a jump. */
export function isJump(from: number | null | undefined, to: number): boolean {
  return from === null || from === undefined || Math.abs(to - from) > STEP_SPAN;
}

/**
 * The direction a move travels in, which is where prefetching looks: a
 * step keeps its own direction, and a jump reads forward. A jump backward
 * is not the start of a backward walk, and decoding the stretch behind it
 * would decode its GOP a second time.
 */
export function travelDirection(from: number | null | undefined, to: number): 1 | -1 {
  return !isJump(from, to) && to < (from as number) ? -1 : 1;
}

/** How far to prefetch after a move: JUMP_REACH after a jump, doubling with each step up to `max`. */
export function nextReach(reach: number, from: number | null | undefined, to: number, max: number): number {
  if (isJump(from, to)) return Math.min(max, JUMP_REACH);
  return Math.min(max, Math.max(JUMP_REACH, reach * 2));
}
