import { ipcMain, net, protocol, type IpcMainInvokeEvent } from 'electron';
import { pathToFileURL } from 'node:url';
import { FRAME_HEADERS, frameQuery, parseAudioPath, parseFramePath } from '../../shared/frameUrl';
import { toErrorInfo, type ErrorInfo, type Result } from '../../shared/errors';
import type { Dispatcher } from '../core/session';

/**
 * The Electron transport: API calls over one IPC channel, frame bytes over the
 * privileged `tellframe:` scheme. Both reach whichever Core is open now (the
 * user can switch projects), and both refuse anything that did not come from
 * the app's own page. The preload mirrors these names (checked by its types).
 */
export const CALL_CHANNEL = 'tellframe:call';
export const MENU_CHANNEL = 'tellframe:menu';
export const MEDIA_SCHEME = 'tellframe';
/** Frame URLs are `tellframe://media/frame/ID/N.png`, audio `tellframe://media/audio/ID.webm` (shared/frameUrl). */
export const MEDIA_HOST = 'media';

export interface HostOptions {
  /** Who answers calls and frame requests: the session (which knows whether a project is open). */
  core(): Dispatcher | null;
  /** Aborted when the open project is closed, so its long calls stop. */
  signal?(): AbortSignal | undefined;
  /** Whether a document URL is the app's own page (electron/main/window.ts). */
  isAppUrl(url: string): boolean;
  /** Whether a request Origin is the app's own page, for CORS on frame bytes. */
  isAppOrigin(origin: string): boolean;
}

const NO_PROJECT: ErrorInfo = {
  code: 'NOT_FOUND',
  message: 'No project is open. Use File › New Project… or File › Open Project….',
};

/**
 * Privileges must be registered before the app is ready, so index.ts calls
 * this at load time. `standard` gives the scheme an origin and URL parsing
 * like https, `secure` keeps it out of mixed-content blocking, `corsEnabled`
 * lets the page fetch or draw frames onto a canvas without tainting it.
 */
export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true },
    },
  ]);
}

/** A call is accepted only from the top frame of the app's own page. */
function trustedSender(event: IpcMainInvokeEvent, opts: HostOptions): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return opts.isAppUrl(frame.url);
}

export function registerIpc(opts: HostOptions): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!trustedSender(event, opts)) {
      console.warn(`[tellframe] refused an IPC call from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return { ok: false, error: { code: 'BAD_INPUT', message: 'Refused: the call did not come from the Tellframe window.' } };
    }
    const core = opts.core();
    if (!core) return { ok: false, error: NO_PROJECT };
    try {
      // dispatch parses the input against shared/api and never throws; the
      // catch is for a Core closed under our feet while switching projects.
      return await core.dispatch(method, input, { signal: opts.signal?.() });
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  });
  return () => ipcMain.removeHandler(CALL_CHANNEL);
}

function textResponse(status: number, message: string, code?: string): Response {
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
  if (code) headers['x-tellframe-error'] = code;
  return new Response(message + '\n', { status, headers });
}

/**
 * Serves `tellframe://media/frame/ID/N.png`: frame N of registered video ID,
 * by id only. No path from the page ever reaches the file system here.
 */
export function registerMediaProtocol(opts: HostOptions): () => void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return textResponse(404, 'Not found.');
    }
    const audioId = url.hostname === MEDIA_HOST && request.method === 'GET' ? parseAudioPath(url.pathname) : null;
    if (audioId !== null) {
      const host = opts.core();
      if (!host) return textResponse(404, NO_PROJECT.message, NO_PROJECT.code);
      try {
        // The file is made by the core from a registered video id; Chromium's
        // file loader answers the Range requests the <audio> element makes.
        const file = await host.audioFile(audioId, request.signal);
        return net.fetch(pathToFileURL(file).toString(), { headers: request.headers });
      } catch (err) {
        const info = toErrorInfo(err);
        return textResponse(info.code === 'NOT_FOUND' ? 404 : 500, info.message, info.code);
      }
    }
    const target = url.hostname === MEDIA_HOST && request.method === 'GET' ? parseFramePath(url.pathname) : null;
    if (!target) return textResponse(404, 'Not found.');
    const core = opts.core();
    if (!core) return textResponse(404, NO_PROJECT.message, NO_PROJECT.code);

    const headers: Record<string, string> = {
      // Video ids are per project and the user can switch projects in place,
      // so the same URL can name another picture later: never cache it.
      'cache-control': 'no-store',
    };
    const origin = request.headers.get('origin');
    if (origin && opts.isAppOrigin(origin)) {
      headers['access-control-allow-origin'] = origin;
      headers['access-control-expose-headers'] = Object.values(FRAME_HEADERS).join(', ');
      headers['vary'] = 'origin';
    }
    try {
      const served = await core.frameBytes(target.id, target.index, target.ext, request.signal, frameQuery(url.searchParams));
      // No copy: a frame is 8 MB at 1080p and this is the stepping path. The
      // bytes come from ffmpeg pipes (ArrayBuffer-backed) and are never mutated.
      return new Response(served.body as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: { ...headers, ...served.headers },
      });
    } catch (err) {
      const info = toErrorInfo(err);
      const status = info.code === 'NOT_FOUND' || info.code === 'FRAME_OUT_OF_RANGE' ? 404 : 500;
      return textResponse(status, info.message, info.code);
    }
  });
  return () => protocol.unhandle(MEDIA_SCHEME);
}
