import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TellframeClient } from '../../shared/api';
import { loopBounds } from '../../renderer/features/player/controller';
import { createStore } from '../../renderer/state/store';

describe('loopBounds', () => {
  it('is the whole video without a loop', () => {
    expect(loopBounds(null, null, 60)).toEqual({ lo: 0, hi: 59, looping: false });
  });
  it('clamps the loop to the video and accepts one open end', () => {
    expect(loopBounds(5, 500, 60)).toEqual({ lo: 5, hi: 59, looping: true });
    expect(loopBounds(null, 10, 60)).toEqual({ lo: 0, hi: 10, looping: true });
    expect(loopBounds(-3, 10, 60)).toEqual({ lo: 0, hi: 10, looping: true });
  });
  it('ignores reversed points (half typed) instead of playing nothing', () => {
    expect(loopBounds(40, 4, 60)).toEqual({ lo: 0, hi: 59, looping: false });
  });
});

describe('app store import polling', () => {
  afterEach(() => vi.useRealTimers());

  it('re-reads the video list once per newly imported file, not on every poll', async () => {
    vi.useFakeTimers();
    const item = (n: number) => ({ ok: true as const, path: `/v/${n}.mp4`, id: n, frames: 10, duplicate: false });
    // Five polls: nothing yet, one file, still one, two files, done.
    const states = [
      { state: 'running', items: [] },
      { state: 'running', items: [item(1)] },
      { state: 'running', items: [item(1)] },
      { state: 'running', items: [item(1), item(2)] },
      { state: 'done', items: [item(1), item(2)] },
    ];
    let polls = 0;
    let lists = 0;
    const client = {
      frameUrl: () => '',
      call: vi.fn(async (method: string) => {
        if (method === 'import.start') return { jobId: 'j' };
        if (method === 'media.list') {
          lists++;
          return [];
        }
        if (method === 'import.status') {
          const s = states[Math.min(polls++, states.length - 1)]!;
          return { jobId: 'j', progress: null, skipped: 0, error: null, ...s };
        }
        throw new Error(`unexpected ${method}`);
      }),
    } as unknown as TellframeClient;
    const store = createStore(client);
    expect(await store.importPaths(['/v'])).toBeNull();
    for (let k = 0; k < 10; k++) await vi.advanceTimersByTimeAsync(250);
    expect(polls).toBe(5);
    expect(store.getState().job?.state).toBe('done');
    // Two files appeared while running (2 reads) and the end of the job (1 read).
    expect(lists).toBe(3);
  });
});
