import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TellframeClient } from '../../shared/api';
import { FRAME_HEADERS } from '../../shared/frameUrl';
import { PlayerController } from '../../renderer/features/player/controller';
import { FrameLoader } from '../../renderer/features/player/frameLoader';
import type { VideoSummary } from '../../shared/model';

/** fetch answering /frames/ID/N.raw with a 1×1 RGBA frame after `delayMs`. */
function stubFrames(delayMs = 0): number[] {
  const fetched: number[] = [];
  vi.stubGlobal('ImageData', class {
    constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {}
  });
  vi.stubGlobal('fetch', async (url: string) => {
    const i = Number(/\/(\d+)\.raw/.exec(url)![1]);
    fetched.push(i);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    return new Response(new Uint8Array(4), {
      headers: { [FRAME_HEADERS.width]: '1', [FRAME_HEADERS.height]: '1', [FRAME_HEADERS.pts]: String(i * 512), [FRAME_HEADERS.format]: 'rgba' },
    });
  });
  return fetched;
}

const fakeClient = (call = vi.fn(async () => [])) =>
  ({ frameUrl: (id: number, i: number, ext = 'png') => `/frames/${id}/${i}.${ext}`, call }) as unknown as TellframeClient;

describe('frame loader prefetch', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fetches only as far ahead as the reach it is given, and its own depth without one', async () => {
    const fetched = stubFrames();
    const client = fakeClient();
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

describe('player: the panels wait for the first picture', () => {
  afterEach(() => vi.unstubAllGlobals());

  const video = { id: 3, frameCount: 100, width: 1, height: 1, audio: null } as unknown as VideoSummary;
  const canvas = { width: 0, height: 0, getContext: () => ({ putImageData: () => undefined }) } as unknown as HTMLCanvasElement;

  it('whenShown resolves once the video shows a frame, not before', async () => {
    stubFrames(60);
    const player = new PlayerController(fakeClient());
    player.attach(canvas);
    void player.open(video, 7);
    let shownAt: number | null = null;
    const t0 = Date.now();
    const waited = player.whenShown(video.id, 5000).then(() => {
      shownAt = player.getState().shown;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(shownAt).toBeNull();
    await waited;
    expect(shownAt).toBe(7);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('whenShown gives up after its bound, and at once for a video no longer open', async () => {
    stubFrames(1000);
    const player = new PlayerController(fakeClient());
    player.attach(canvas);
    void player.open(video, 0);
    const t0 = Date.now();
    await player.whenShown(video.id, 100);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    expect(player.getState().shown).toBeNull();
    const t1 = Date.now();
    await player.whenShown(99, 5000);
    expect(Date.now() - t1).toBeLessThan(1000);
  });

  it('a time typed before the frame index has arrived is gone to once it arrives (by the stored pts)', async () => {
    stubFrames();
    // 100 frames 1/25 s apart in a 1/12800 time base; the index arrives 150 ms after it is asked for.
    const call = vi.fn(async (method: string) => {
      if (method !== 'media.frames') return [];
      await new Promise((r) => setTimeout(r, 150));
      return Array.from({ length: 100 }, (_, n) => ({ n, pts: n * 512, key: n % 25 === 0 }));
    });
    const player = new PlayerController(fakeClient(call as never));
    player.attach(canvas);
    const v = { ...video, timeBase: { num: 1, den: 12800 }, startPts: 0, frameRate: { num: 25, den: 1 } } as VideoSummary;
    const opened = player.open(v, 0);
    await player.whenShown(v.id, 5000);
    expect(player.goToInput('1.0s')).toBeNull();
    await opened;
    await vi.waitFor(() => expect(player.getState().shown).toBe(25));
  });
});
