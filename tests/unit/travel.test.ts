import { describe, expect, it } from 'vitest';
import { JUMP_REACH, STEP_SPAN, isJump, nextReach, travelDirection } from '../../shared/travel';

describe('how a move between frames reads', () => {
  it('calls moves of up to STEP_SPAN frames steps and longer ones jumps', () => {
    expect(isJump(undefined, 0)).toBe(true);
    expect(isJump(null, 7)).toBe(true);
    expect(isJump(100, 100 + STEP_SPAN)).toBe(false);
    expect(isJump(100, 100 - STEP_SPAN)).toBe(false);
    expect(isJump(100, 101 + STEP_SPAN)).toBe(true);
    expect(isJump(100, 99 - STEP_SPAN)).toBe(true);
  });

  it('keeps a step’s direction and reads forward after a jump, backward ones included', () => {
    expect(travelDirection(100, 101)).toBe(1);
    expect(travelDirection(100, 99)).toBe(-1);
    expect(travelDirection(100, 90)).toBe(-1);
    expect(travelDirection(100, 89)).toBe(1);
    expect(travelDirection(100, 3)).toBe(1);
    expect(travelDirection(undefined, 50)).toBe(1);
  });

  it('prefetches a little after a jump and doubles the reach with each step, up to the bound', () => {
    expect(nextReach(24, 0, 500, 24)).toBe(JUMP_REACH);
    let r = nextReach(24, 0, 500, 24);
    const seen: number[] = [];
    for (let i = 500; i < 505; i++) seen.push((r = nextReach(r, i, i + 1, 24)));
    expect(seen).toEqual([JUMP_REACH * 2, JUMP_REACH * 4, 24, 24, 24]);
    // A bound below the jump reach wins (4K: few frames fit).
    expect(nextReach(2, 0, 500, 2)).toBe(2);
    expect(nextReach(2, 500, 501, 2)).toBe(2);
    // Steps back grow it too; a jump back resets it.
    expect(nextReach(8, 500, 499, 24)).toBe(16);
    expect(nextReach(16, 500, 100, 24)).toBe(JUMP_REACH);
  });
});
