import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TellframeClient } from '../../shared/api';
import { FRAME_HEADERS } from '../../shared/frameUrl';
import { FrameLoader } from '../../renderer/features/player/frameLoader';

describe('frame loader prefetch', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fetches only as far ahead as the reach it is given, and its own depth without one', async () => {
    const fetched: number[] = [];
    vi.stubGlobal('ImageData', class {
      constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {}
    });
    vi.stubGlobal('fetch', async (url: string) => {
      const i = Number(/\/(\d+)\.raw/.exec(url)![1]);
      fetched.push(i);
      return new Response(new Uint8Array(4), {
        headers: { [FRAME_HEADERS.width]: '1', [FRAME_HEADERS.height]: '1', [FRAME_HEADERS.pts]: String(i * 512), [FRAME_HEADERS.format]: 'rgba' },
      });
    });
    const client = { frameUrl: (id: number, i: number, ext = 'png') => `/frames/${id}/${i}.${ext}`, call: vi.fn() } as unknown as TellframeClient;
    const loader = new FrameLoader(client);
    loader.setVideo(1, 1000, 1, 1);
    const settle = () => new Promise((r) => setTimeout(r, 50));

    loader.prefetch(100, 1, 4);
    await settle();
    expect(fetched.sort((a, b) => a - b)).toEqual([101, 102, 103, 104]);
    expect(loader.peek(104)?.pts).toBe(104 * 512);

    fetched.length = 0;
    loader.prefetch(500, -1);
    await settle();
    expect(fetched.sort((a, b) => a - b)).toEqual([...Array(12).keys()].map((d) => 488 + d));
  });
});
