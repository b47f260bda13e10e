import http from 'node:http';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { startWebHost, type WebHost } from '../../electron/host/web';
import { ffprobeBin, readCode, referenceDecode, run } from '../fixtures/videos';
import { writeFileSync } from 'node:fs';
import { getFixtures, importVideo, tempDir } from './helpers';

let core: Core;
let host: WebHost;
let videoId: number;
let fx: Awaited<ReturnType<typeof getFixtures>>;

/** Raw request, so Host and Origin can be set to anything. */
function request(opts: { path: string; method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, path: opts.path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}
const api = (method: string, input: unknown, headers: Record<string, string> = {}) =>
  request({
    path: `/api/${method}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tellframe-token': host.token, ...headers },
    body: JSON.stringify(input),
  });

beforeAll(async () => {
  fx = await getFixtures();
  core = Core.create(path.join(tempDir(), 'web.tellframe'), { actor: 'tester' });
  videoId = await importVideo(core, fx.h264_vfr.path);
  host = await startWebHost(core, { staticDir: tempDir() });
});
afterAll(async () => {
  await host?.close();
  core?.close();
});

describe('loopback web host', () => {
  it('binds to 127.0.0.1 and prints a URL with the token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{20,}$`));
  });

  it('serves the API with the token and refuses without it', async () => {
    const ok = await api('media.list', {});
    expect(ok.status).toBe(200);
    const body = JSON.parse(ok.body.toString()) as { ok: boolean; value: { id: number }[] };
    expect(body.ok).toBe(true);
    expect(body.value.map((v) => v.id)).toEqual([videoId]);
    const none = await request({ path: '/api/media.list', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    const last = host.token.at(-1) === 'x' ? 'y' : 'x';
    const wrong = await api('media.list', {}, { 'x-tellframe-token': host.token.slice(0, -1) + last });
    expect(wrong.status).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    expect((await api('media.list', {}, { host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await api('media.list', {}, { host: `localhost:${host.port}` })).status).toBe(421);
    expect((await api('media.list', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('media.list', {}, { origin: host.origin })).status).toBe(200);
  });

  it('parses inputs at the boundary and keeps error codes', async () => {
    const bad = JSON.parse((await api('media.get', { id: -1 })).body.toString()) as { ok: boolean; error: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const unknown = JSON.parse((await api('fs.readFile', { path: '/etc/passwd' })).body.toString()) as { error: { code: string } };
    expect(unknown.error.code).toBe('BAD_INPUT');
    const notFound = JSON.parse((await api('media.get', { id: 999 })).body.toString()) as { error: { code: string } };
    expect(notFound.error.code).toBe('NOT_FOUND');
    const notJson = await request({ path: '/api/media.list', method: 'POST', headers: { 'content-type': 'application/json', 'x-tellframe-token': host.token }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('serves exact frames as PNG bytes behind URLs', async () => {
    const ref = await referenceDecode(fx.h264_vfr.path);
    const i = Math.floor(ref.pts.length / 2);
    const res = await request({ path: `/frame/${videoId}/${i}.png?token=${host.token}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-frame-pts']).toBe(String(ref.pts[i]));
    const png = PNG.sync.read(res.body);
    expect(readCode(png.data, png.width, png.height)).toBe(ref.codes[i]);
    expect((await request({ path: `/frame/${videoId}/99999.png?token=${host.token}` })).status).toBe(404);
    expect((await request({ path: `/frame/${videoId}/1.png` })).status).toBe(401);
  });

  it('never serves files outside the built UI', async () => {
    const res = await request({ path: `/..%2f..%2f..%2fetc%2fpasswd?token=${host.token}` });
    expect([403, 404]).toContain(res.status);
    expect(res.body.toString()).not.toMatch(/root:/);
  });
});

describe('audio for playback', () => {
  it('serves the audio as seekable WebM/Opus, and 404 for a video without sound', async () => {
    const id = await importVideo(core, fx.audio_first.path);
    const whole = await request({ path: `/audio/${id}.webm?token=${host.token}` });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('audio/webm');
    expect(whole.body.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    const part = await request({ path: `/audio/${id}.webm?token=${host.token}`, headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${whole.body.length}`);
    expect(part.body).toEqual(whole.body.subarray(10, 20));
    const file = path.join(tempDir(), 'a.webm');
    writeFileSync(file, whole.body);
    const probe = await run(ffprobeBin(), ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file]);
    const info = JSON.parse(probe.stdout.toString()) as { streams: { codec_name: string }[]; format: { duration: string } };
    expect(info.streams[0]!.codec_name).toBe('opus');
    expect(Number(info.format.duration)).toBeGreaterThan(2.5);
    const v = await core.call('media.get', { id: id });
    expect(v.audio).not.toBeNull();
    expect(v.audio!.startTime).toBeLessThan(v.startTime);
    expect((await request({ path: `/audio/${videoId}.webm?token=${host.token}` })).status).toBe(404);
    expect((await request({ path: `/audio/${id}.webm` })).status).toBe(401);
  });
});
