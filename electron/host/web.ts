import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { frameQuery, parseAudioPath, parseFramePath } from '../../shared/frameUrl';
import { TellframeError, toErrorInfo } from '../../shared/errors';
import type { Dispatcher } from '../core/session';

/**
 * The loopback web host: the same API and frame bytes as Electron's IPC and
 * protocol, over HTTP, for the browser mode and end-to-end tests. It binds to
 * 127.0.0.1 only and refuses any request without the per-run token, with a
 * Host other than the address it bound (DNS rebinding), or with a foreign
 * Origin.
 */
export interface WebHostOptions {
  port?: number;
  /** Built renderer (vite.web.config.ts → out/web). */
  staticDir?: string;
  /** Fixed token (tests); random per run otherwise. */
  token?: string;
}

export interface WebHost {
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
const COOKIE = 'tellframe_token';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};
const CSP = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function defaultStaticDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/web');
}

function sameToken(a: string | undefined | null, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'content-security-policy': CSP,
    ...extra,
  });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', { 'cache-control': 'no-store' });
}

/** A file with HTTP Range support (media elements seek with ranges). */
async function sendFileRange(req: http.IncomingMessage, res: http.ServerResponse, file: string, type: string): Promise<void> {
  const size = (await stat(file)).size;
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  const base = { 'content-type': type, 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=3600', 'x-content-type-options': 'nosniff' };
  if (!m || (!m[1] && !m[2])) {
    res.writeHead(200, { ...base, 'content-length': size });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
    return;
  }
  let start = m[1] ? Number(m[1]) : size - Number(m[2]);
  let end = m[1] && m[2] ? Number(m[2]) : size - 1;
  start = Math.max(0, start);
  end = Math.min(size - 1, end);
  if (start > end || start >= size) {
    res.writeHead(416, { 'content-range': `bytes */${size}` });
    return void res.end();
  }
  res.writeHead(206, { ...base, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file, { start, end }).pipe(res);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new TellframeError('BAD_INPUT', 'Request body too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWebHost(core: Dispatcher, opts: WebHostOptions = {}): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const staticDir = path.resolve(opts.staticDir ?? defaultStaticDir());
  let origin = '';
  let hostHeader = '';

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toErrorInfo(err) });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.headers.host !== hostHeader) return send(res, 421, 'Wrong host.\n', 'text/plain');
    const reqOrigin = req.headers.origin;
    if (reqOrigin !== undefined && reqOrigin !== origin) return send(res, 403, 'Foreign origin.\n', 'text/plain');
    const url = new URL(req.url ?? '/', origin);
    const given = url.searchParams.get('token') ?? (req.headers['x-tellframe-token'] as string | undefined) ?? cookieToken(req.headers.cookie);
    if (!sameToken(given, token)) return send(res, 401, 'Missing or wrong token.\n', 'text/plain');
    const cookie = `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'Use POST.\n', 'text/plain', { allow: 'POST' });
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
        return sendJson(res, 415, { ok: false, error: { code: 'BAD_INPUT', message: 'Send JSON.' } });
      }
      let input: unknown;
      try {
        const body = await readBody(req);
        input = body ? JSON.parse(body) : {};
      } catch (err) {
        return sendJson(res, 400, { ok: false, error: toErrorInfo(err instanceof TellframeError ? err : new TellframeError('BAD_INPUT', 'Body is not valid JSON.')) });
      }
      const result = await core.dispatch(decodeURIComponent(url.pathname.slice('/api/'.length)), input);
      return sendJson(res, result.ok ? 200 : 400, result);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed.\n', 'text/plain');

    const frame = parseFramePath(url.pathname);
    if (frame) {
      const ac = new AbortController();
      res.on('close', () => ac.abort());
      try {
        const served = await core.frameBytes(frame.id, frame.index, frame.ext, ac.signal, frameQuery(url.searchParams));
        return send(res, 200, served.body, served.headers['content-type'], { ...served.headers, 'cache-control': 'no-store' });
      } catch (err) {
        const info = toErrorInfo(err);
        if (info.code === 'ABORTED') return;
        const status = info.code === 'NOT_FOUND' || info.code === 'FRAME_OUT_OF_RANGE' ? 404 : 500;
        return sendJson(res, status, { ok: false, error: info });
      }
    }

    const audioId = parseAudioPath(url.pathname);
    if (audioId !== null) {
      let file: string;
      try {
        file = await core.audioFile(audioId);
      } catch (err) {
        const info = toErrorInfo(err);
        return sendJson(res, info.code === 'NOT_FOUND' ? 404 : 500, { ok: false, error: info });
      }
      return sendFileRange(req, res, file, 'audio/webm');
    }

    // The built renderer. Paths are resolved inside staticDir only.
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(staticDir, rel);
    if (!file.startsWith(staticDir + path.sep)) return send(res, 404, 'Not found.\n', 'text/plain');
    if (!existsSync(file)) {
      if (rel === 'index.html') return send(res, 503, 'The web UI is not built yet: run npm run build:web\n', 'text/plain');
      return send(res, 404, 'Not found.\n', 'text/plain');
    }
    const body = await readFile(file);
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    return send(res, 200, body, type, {
      'cache-control': rel === 'index.html' ? 'no-store' : 'private, max-age=3600',
      ...(rel === 'index.html' ? { 'set-cookie': cookie } : {}),
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hostHeader = `127.0.0.1:${port}`;
  origin = `http://${hostHeader}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
