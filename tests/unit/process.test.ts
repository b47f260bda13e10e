import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsError } from '../../electron/core/media/importer';
import { locateFfmpeg } from '../../electron/core/media/locate';
import { processRegistry, runProcess } from '../../electron/core/media/process';

const node = process.execPath;

describe('runProcess', () => {
  it('collects stdout and stderr and the exit code', async () => {
    const r = await runProcess(node, ['-e', 'process.stdout.write("abc"); process.stderr.write("x\\ny\\n"); process.exit(3)']);
    expect(r.code).toBe(3);
    expect(r.stdout.toString()).toBe('abc');
    expect(r.stderr).toBe('x\ny\n');
  });

  it('streams stderr lines and grows past a preallocated stdout', async () => {
    const lines: string[] = [];
    const r = await runProcess(node, ['-e', 'process.stdout.write("0123456789"); console.error("one"); console.error("two")'], {
      expectedStdoutBytes: 4,
      onStderrLine: (l) => lines.push(l),
    });
    expect(r.stdout.toString()).toBe('0123456789');
    expect(lines).toEqual(['one', 'two']);
  });

  it('kills on timeout and on abort, and forgets the child', async () => {
    const hang = ['-e', 'setTimeout(() => {}, 60000)'];
    await expect(runProcess(node, hang, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const ac = new AbortController();
    const p = runProcess(node, hang, { signal: ac.signal });
    expect(processRegistry.size).toBe(1);
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
    expect(processRegistry.size).toBe(0);
  });

  it('reports a missing binary', async () => {
    await expect(runProcess('/nonexistent/ffmpeg', [])).rejects.toMatchObject({ code: 'FFMPEG_MISSING' });
  });

  it('passes arguments verbatim, never through a shell', async () => {
    const arg = `it's "$(touch pwned)" ; rm -rf / ünï`;
    const r = await runProcess(node, ['-e', 'process.stdout.write(process.argv[1])', arg]);
    expect(r.stdout.toString()).toBe(arg);
  });
});

describe('locateFfmpeg', () => {
  const fakeBin = (dir: string, name: string) => {
    mkdirSync(dir, { recursive: true });
    const f = path.join(dir, name);
    writeFileSync(f, '#!/bin/sh\nexit 0\n');
    chmodSync(f, 0o755);
    return f;
  };

  it('prefers explicit settings, then TELLFRAME_FFMPEG/FFPROBE, then PATH', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'tellframe-locate-'));
    const onPath = path.join(root, 'path');
    fakeBin(onPath, 'ffmpeg');
    fakeBin(onPath, 'ffprobe');
    const envDir = path.join(root, 'env');
    const envFfmpeg = fakeBin(envDir, 'ffmpeg');
    const envFfprobe = fakeBin(envDir, 'ffprobe');
    const setDir = path.join(root, 'set');
    const setFfmpeg = fakeBin(setDir, 'ffmpeg');
    const setFfprobe = fakeBin(setDir, 'ffprobe');

    const env = { PATH: onPath, TELLFRAME_FFMPEG: envFfmpeg };
    expect(locateFfmpeg({ env, ffmpeg: setFfmpeg, ffprobe: setFfprobe })).toMatchObject({ source: 'setting', ffmpeg: setFfmpeg, ffprobe: setFfprobe });
    // Only TELLFRAME_FFMPEG set: its sibling ffprobe is used, not the PATH one.
    expect(locateFfmpeg({ env })).toMatchObject({ source: 'env', ffmpeg: envFfmpeg, ffprobe: envFfprobe });
  });

  it('falls back to PATH, and says clearly when nothing is found', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'tellframe-locate-'));
    const onPath = path.join(root, 'path');
    fakeBin(onPath, 'ffmpeg');
    fakeBin(onPath, 'ffprobe');
    const found = locateFfmpeg({ env: { PATH: onPath } });
    // The bundled packages may or may not be installed here; either way it is a matched pair.
    expect(['bundled', 'path']).toContain(found.source);
    if (found.source === 'path') expect(found.ffmpeg).toBe(path.join(onPath, 'ffmpeg'));
    expect(() => locateFfmpeg({ env: { PATH: root, TELLFRAME_FFMPEG: path.join(root, 'nope') } })).toThrow(/ffmpeg was not found at .*nope.*TELLFRAME_FFMPEG/);
  });
});

describe('file errors', () => {
  it('maps file-system failures to clear, coded errors', () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    expect(fsError(e('ENOENT'), 'x')).toMatchObject({ code: 'VANISHED' });
    expect(fsError(e('EACCES'), 'x')).toMatchObject({ code: 'UNREADABLE', message: expect.stringMatching(/permission denied/) });
    expect(fsError(e('EPERM'), 'x')).toMatchObject({ code: 'UNREADABLE' });
    expect(fsError(e('EIO'), 'x')).toMatchObject({ code: 'UNREADABLE' });
    expect(fsError(e('EWEIRD'), 'x')).toMatchObject({ code: 'UNREADABLE' });
  });
});
