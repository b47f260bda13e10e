import { withAnnotation } from '../../renderer/features/annotate/model';
import type { Annotation } from '../../shared/annotations';
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

describe('annotation list updates', () => {
  const ann = (id: string, startFrame: number, endFrame: number, createdAt = '2026-01-01T00:00:00.000Z'): Annotation => ({
    id, videoId: 1, kind: 'segment', label: 'blink_anomaly', startFrame, endFrame, startPts: 0, endPts: 0, attributes: {}, note: '', annotator: 'a',
    createdAt, updatedAt: createdAt,
  });
  it('puts a stored annotation where annotations.list would, replaces a changed one, and drops a deleted one', () => {
    const list = [ann('a', 1, 5), ann('b', 3, 3), ann('c', 3, 9), ann('d', 10, 12)];
    expect(withAnnotation(list, 'x', ann('x', 3, 4)).map((a) => a.id)).toEqual(['a', 'b', 'x', 'c', 'd']);
    // Same frames: the older first, then by id.
    expect(withAnnotation(list, 'e', ann('e', 3, 3, '2025-12-31T00:00:00.000Z')).map((a) => a.id)).toEqual(['a', 'e', 'b', 'c', 'd']);
    expect(withAnnotation(list, 'a', ann('a', 11, 11)).map((a) => a.id)).toEqual(['b', 'c', 'd', 'a']);
    expect(withAnnotation(list, 'c', null).map((a) => a.id)).toEqual(['a', 'b', 'd']);
    expect(list.map((a) => a.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('annotate model', () => {
  it('adds what a change stored without reading the whole list again', async () => {
    const { AnnotateModel } = await import('../../renderer/features/annotate/model');
    const calls: string[] = [];
    const stored: Annotation = {
      id: 'n1', videoId: 1, kind: 'frame_tag', label: 'blink_anomaly', startFrame: 7, endFrame: 7, startPts: 7, endPts: 8, attributes: {}, note: '',
      annotator: 'a', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const client = {
      call: async (method: string) => {
        calls.push(method);
        if (method === 'labels.list') return [{ id: 'blink_anomaly', name: 'Blink', description: '', scope: 'frame', color: '#ff0000', hotkey: '1', position: 0, retired: false, attributes: [], mergedInto: null }];
        if (method === 'annotations.list') return [];
        if (method === 'history.state') return { undo: null, redo: null };
        if (method === 'annotations.create') return stored;
        throw new Error(method);
      },
      frameUrl: () => '',
    } as unknown as TellframeClient;
    const model = new AnnotateModel(client);
    await model.open(1);
    calls.length = 0;
    await model.applyLabel('blink_anomaly', 7);
    expect(calls).toEqual(['annotations.create', 'history.state']);
    expect(model.getState().annotations).toEqual([stored]);
  });

  it('refuses a label key the player or the candidates use (A accepts, X dismisses) before asking the host', async () => {
    const { AnnotateModel } = await import('../../renderer/features/annotate/model');
    const calls: string[] = [];
    const client = { call: async (method: string) => (calls.push(method), null), frameUrl: () => '' } as unknown as TellframeClient;
    const model = new AnnotateModel(client);
    for (const key of ['a', 'x', 'i']) {
      expect(await model.changeLabels('labels.update', { id: 'blink_anomaly', patch: { hotkey: key } }, 'saved')).toMatch(new RegExp(`Key ${key.toUpperCase()} is taken`));
      expect(await model.changeLabels('labels.create', { id: 'new_one', name: 'New', description: '', color: '#000000', hotkey: key, scope: 'frame' }, 'added')).toMatch(/is taken/);
    }
    expect(calls).toEqual([]);
    expect(model.getState().status).toMatchObject({ error: true });
  });
});
