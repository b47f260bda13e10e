import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TellframeError, type Result } from '../../shared/errors';
import type { Dispatcher } from '../../electron/core/session';
import {
  CALL_CHANNEL,
  MEDIA_SCHEME,
  registerIpc,
  registerMediaProtocol,
  registerSchemePrivileges,
  type HostOptions,
} from '../../electron/host/ipc';

type CallHandler = (event: unknown, method: unknown, input: unknown) => Promise<Result<unknown>>;
type ProtocolHandler = (request: Request) => Promise<Response>;

const h = vi.hoisted(() => ({
  ipcHandlers: new Map<string, unknown>(),
  protocolHandlers: new Map<string, unknown>(),
}));

vi.mock('electron', () => ({
  ipcMain: {
    handle: vi.fn((channel: string, fn: unknown) => h.ipcHandlers.set(channel, fn)),
    removeHandler: vi.fn((channel: string) => h.ipcHandlers.delete(channel)),
  },
  protocol: {
    handle: vi.fn((scheme: string, fn: unknown) => h.protocolHandlers.set(scheme, fn)),
    unhandle: vi.fn((scheme: string) => h.protocolHandlers.delete(scheme)),
    registerSchemesAsPrivileged: vi.fn(),
  },
}));

const electron = await import('electron');

const APP = 'file:///opt/tellframe/out/renderer/index.html';

function fakeCore() {
  return {
    dispatch: vi.fn(async (): Promise<Result<unknown>> => ({ ok: true, value: { answer: 42 } })),
    frameBytes: vi.fn(async () => ({
      body: Buffer.from([1, 2, 3, 4]),
      headers: { 'content-type': 'image/png', 'x-frame-index': '2', 'x-frame-pts': '2002' },
    })),
    audioFile: vi.fn(async () => '/tmp/a.wav'),
  };
}

let core: ReturnType<typeof fakeCore> | null;
let signal: AbortSignal | undefined;
const opts: HostOptions = {
  core: () => core as unknown as Dispatcher | null,
  signal: () => signal,
  isAppUrl: (url) => url.split('#')[0] === APP,
  isAppOrigin: (origin) => origin === 'null',
};

beforeEach(() => {
  h.ipcHandlers.clear();
  h.protocolHandlers.clear();
  core = fakeCore();
  signal = undefined;
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe('registerSchemePrivileges', () => {
  it('registers tellframe: as a standard, secure, fetchable scheme', () => {
    registerSchemePrivileges();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'tellframe', privileges: expect.objectContaining({ standard: true, secure: true, corsEnabled: true }) }),
    ]);
  });
});

describe('registerIpc', () => {
  function handler(): CallHandler {
    registerIpc(opts);
    const fn = h.ipcHandlers.get(CALL_CHANNEL);
    expect(typeof fn).toBe('function');
    return fn as CallHandler;
  }
  const from = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } });

  it('refuses a call from a page that is not the app page and never dispatches it', async () => {
    const call = handler();
    for (const event of [
      from('https://evil.example/'),
      from('file:///tmp/index.html'),
      from(`${APP}#ok`, { url: APP }), // a subframe, even of the app page
      { senderFrame: null }, // a destroyed frame
    ]) {
      const res = await call(event, 'project.info', {});
      expect(res.ok).toBe(false);
      expect(!res.ok && res.error.code).toBe('BAD_INPUT');
    }
    expect(core!.dispatch).not.toHaveBeenCalled();
  });

  it('forwards a call from the app page to the current core with the project signal', async () => {
    const call = handler();
    signal = new AbortController().signal;
    const res = await call(from(`${APP}#/player`), 'video.list', { limit: 5 });
    expect(res).toEqual({ ok: true, value: { answer: 42 } });
    expect(core!.dispatch).toHaveBeenCalledExactlyOnceWith('video.list', { limit: 5 }, { signal });
  });

  it('answers NOT_FOUND when no project is open', async () => {
    const call = handler();
    core = null;
    const res = await call(from(APP), 'project.info', {});
    expect(res).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('turns a throwing core into an error result', async () => {
    const call = handler();
    core!.dispatch.mockRejectedValueOnce(new TellframeError('ABORTED', 'closed'));
    await expect(call(from(APP), 'project.info', {})).resolves.toEqual({ ok: false, error: { code: 'ABORTED', message: 'closed' } });
  });

  it('returns a function that removes the handler', () => {
    const off = registerIpc(opts);
    expect(h.ipcHandlers.has(CALL_CHANNEL)).toBe(true);
    off();
    expect(h.ipcHandlers.has(CALL_CHANNEL)).toBe(false);
  });
});

describe('registerMediaProtocol', () => {
  function handler(): ProtocolHandler {
    registerMediaProtocol(opts);
    const fn = h.protocolHandlers.get(MEDIA_SCHEME);
    expect(typeof fn).toBe('function');
    return fn as ProtocolHandler;
  }

  it('serves tellframe://media/frame/1/2.png from core().frameBytes with its headers', async () => {
    const serve = handler();
    const res = await serve(new Request('tellframe://media/frame/1/2.png'));
    expect(res.status).toBe(200);
    expect(core!.frameBytes).toHaveBeenCalledExactlyOnceWith(1, 2, 'png', expect.any(AbortSignal), { prefetch: false });
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-frame-index')).toBe('2');
    expect(res.headers.get('x-frame-pts')).toBe('2002');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // No Origin header, no CORS grant.
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('passes the ext and the prefetch query through', async () => {
    const serve = handler();
    await serve(new Request('tellframe://media/frame/7/30.rgba?prefetch=1&cursor=28'));
    expect(core!.frameBytes).toHaveBeenCalledWith(7, 30, 'rgba', expect.any(AbortSignal), { prefetch: true, cursor: 28 });
  });

  it('grants CORS to the app origin only', async () => {
    const serve = handler();
    const ok = await serve(new Request('tellframe://media/frame/1/2.png', { headers: { origin: 'null' } }));
    expect(ok.headers.get('access-control-allow-origin')).toBe('null');
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-frame-width');
    const other = await serve(new Request('tellframe://media/frame/1/2.png', { headers: { origin: 'https://evil.example' } }));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('returns 404 for anything that is not a frame URL, without asking the core', async () => {
    const serve = handler();
    for (const url of [
      'tellframe://media/../../etc/passwd',
      'tellframe://media/frame/1/../../../etc/passwd',
      'tellframe://media/frame/1/%2e%2e%2fpasswd.png',
      'tellframe://media/etc/passwd',
      'tellframe://media/',
      'tellframe://media/frame/1/2.jpg',
      'tellframe://media/frame/-1/2.png',
      'tellframe://media/frame/1/2.png/extra',
      'tellframe://other/frame/1/2.png',
    ]) {
      const res = await serve(new Request(url));
      expect(res.status, url).toBe(404);
    }
    const post = await serve(new Request('tellframe://media/frame/1/2.png', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(404);
    expect(core!.frameBytes).not.toHaveBeenCalled();
  });

  it('answers 404 with NOT_FOUND when no project is open', async () => {
    const serve = handler();
    core = null;
    const res = await serve(new Request('tellframe://media/frame/1/2.png'));
    expect(res.status).toBe(404);
    expect(res.headers.get('x-tellframe-error')).toBe('NOT_FOUND');
  });

  it('maps core errors to 404 for missing frames and 500 otherwise', async () => {
    const serve = handler();
    core!.frameBytes.mockRejectedValueOnce(new TellframeError('FRAME_OUT_OF_RANGE', 'past the end'));
    const missing = await serve(new Request('tellframe://media/frame/1/99999.png'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-tellframe-error')).toBe('FRAME_OUT_OF_RANGE');
    core!.frameBytes.mockRejectedValueOnce(new TellframeError('FFMPEG_FAILED', 'boom'));
    const failed = await serve(new Request('tellframe://media/frame/1/2.png'));
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('boom\n');
  });
});
