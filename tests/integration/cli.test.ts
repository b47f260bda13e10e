import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCode, referenceDecode } from '../fixtures/videos';
import { getFixtures, tempDir } from './helpers';

const BIN = path.resolve('bin/tellframe.js');
function tf(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let fx: Awaited<ReturnType<typeof getFixtures>>;
beforeAll(async () => {
  fx = await getFixtures();
});

describe('tellframe CLI', () => {
  it('init, import --json, info --json, frame, verify', async () => {
    const dir = tempDir();
    const project = path.join(dir, 'p.tellframe');
    const video = path.join(dir, 'clip.mp4');
    copyFileSync(fx.h264_bframes.path, video);
    expect(tf('init', project).code).toBe(0);

    const imp = tf('import', project, video, path.join(dir, 'nope.mp4'), '--json');
    expect(imp.code).toBe(1); // one file failed
    const { items } = JSON.parse(imp.out) as { items: { ok: boolean; id?: number; path: string; frames?: number; error?: { code: string } }[] };
    expect(items.find((i) => i.path === video)).toMatchObject({ ok: true, id: 1, frames: 60 });
    expect(items.find((i) => i.path.endsWith('nope.mp4'))).toMatchObject({ ok: false, error: { code: 'VANISHED' } });

    const info = tf('info', project, '--json');
    expect(info.code).toBe(0);
    const [v] = JSON.parse(info.out) as Record<string, unknown>[];
    for (const key of ['id', 'path', 'sha256', 'size', 'codec', 'width', 'height', 'frameCount', 'duration', 'avgFps', 'vfr', 'startPts']) {
      expect(v).toHaveProperty(key);
    }
    expect(v!.frameCount).toBe(60);
    expect(tf('info', project).out).toMatch(/frames 60/);

    const ref = await referenceDecode(video);
    for (const [ref_, i] of [['1', 37], [video, 59]] as const) {
      const out = path.join(dir, `f${i}.png`);
      const r = tf('frame', project, ref_, String(i), '--out', out);
      expect(r.code, r.err).toBe(0);
      const png = PNG.sync.read(readFileSync(out));
      expect(png.width).toBe(ref.width);
      expect(png.height).toBe(ref.height);
      expect(readCode(png.data, png.width, png.height)).toBe(ref.codes[i]);
    }

    const good = tf('verify', project);
    expect(good.code).toBe(0);
    // The chain head, for a later reader to compare with the one in an export or report.
    const { Core } = await import('../../electron/core/api');
    const c = Core.open(project);
    const head = c.store.auditHead();
    c.close();
    expect(good.out).toContain(`chain intact; head ${head}.`);
    // Change one byte of the media: verify must fail.
    const bytes = readFileSync(video);
    const at = bytes.length - 10;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    writeFileSync(video, bytes);
    const bad = tf('verify', project);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/changed/);
  });

  it('export --format json and import-annotations carry annotations losslessly to another project', async () => {
    const dir = tempDir();
    const video = path.join(dir, 'clip.mp4');
    copyFileSync(fx.h264_bframes.path, video);
    const a = path.join(dir, 'a.tellframe');
    const b = path.join(dir, 'b.tellframe');
    for (const p of [a, b]) {
      expect(tf('init', p).code).toBe(0);
      expect(tf('import', p, video).code).toBe(0);
    }
    const { Core } = await import('../../electron/core/api');
    const core = Core.open(a, { actor: 'cli-tester' });
    await core.call('annotations.create', { kind: 'segment', videoId: 1, label: 'blur_anomaly', startFrame: 5, endFrame: 9, note: 'smeared cheek' });
    await core.call('annotations.create', { kind: 'region_track', videoId: 1, label: 'edge_artifact', keyframes: [{ frame: 2, shape: 'box', points: [[1, 1], [20, 20]] }, { frame: 30, shape: 'box', points: [[5, 5], [30, 30]], outside: true }] });
    await core.call('verdict.set', { videoId: 1, value: 'fake', method: 'face_swap', confidence: 0.75 });
    core.close();

    const out = path.join(dir, 'export');
    const ex = tf('export', a, '--format', 'json', '--out', out);
    expect(ex.code, ex.err).toBe(0);
    expect(ex.out).toMatch(/: json; 1 videos, 3 annotations, 3 files/);
    const doc = JSON.parse(readFileSync(path.join(out, 'annotations.json'), 'utf8')) as { videos: { annotations: { kind: string; startTime: number; startFrame: number }[] }[] };
    const ref = await referenceDecode(video);
    const seg = doc.videos[0]!.annotations.find((x) => x.kind === 'segment')!;
    // Seconds from frame 0's pts, from the stored pts.
    expect(seg.startTime).toBeCloseTo(ref.ptsTime[5]! - ref.ptsTime[0]!, 5);

    const im = tf('import-annotations', b, path.join(out, 'annotations.json'));
    expect(im.code, im.err).toBe(0);
    expect(im.out).toMatch(/Imported 3 annotations on 1 videos/);
    const out2 = path.join(dir, 'export2');
    expect(tf('export', b, '--format', 'json', '--out', out2).code).toBe(0);
    const strip = (f: string) => ({ ...JSON.parse(readFileSync(f, 'utf8')), exported: null });
    expect(strip(path.join(out2, 'annotations.json'))).toEqual(strip(path.join(out, 'annotations.json')));

    // Again: every annotation already exists, so nothing is added and the error says why.
    const again = tf('import-annotations', b, path.join(out, 'annotations.json'));
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/already exists/);
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"format": "tellframe.annotations",');
    expect(tf('import-annotations', b, broken).err).toMatch(/is not valid JSON/);
    expect(tf('export', a, '--format', 'xml', '--out', path.join(dir, 'x')).err).toMatch(/unknown format "xml"/);
    expect(tf('export', a, '--format', 'json', '--out', out, '--videos', 'x,2').err).toMatch(/--videos takes a positive whole number, got "x"/);
  });

  it('prints one clear line and no stack for errors, the stack with --debug', () => {
    const dir = tempDir();
    const missing = tf('info', path.join(dir, 'none.tellframe'));
    expect(missing.code).not.toBe(0);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toMatch(/^tellframe: No project at/);
    expect(missing.err).not.toMatch(/\n\s+at /);
    const debug = tf('--debug', 'info', path.join(dir, 'none.tellframe'));
    expect(debug.err).toMatch(/\n\s+at /);

    const project = path.join(dir, 'p.tellframe');
    tf('init', project);
    expect(tf('init', project).err).toMatch(/already exists/);
    const range = tf('frame', project, '1', '5', '--out', path.join(dir, 'x.png'));
    expect(range.code).toBe(1);
    expect(range.err).toMatch(/No video 1/);
    const notNumber = tf('frame', project, '1', 'abc', '--out', path.join(dir, 'x.png'));
    expect(notNumber.code).toBe(2);
    expect(notNumber.err).toMatch(/whole number/);
    expect(tf('bogus').code).not.toBe(0);
  });

  it('rejects frame indices past the end with the valid range', async () => {
    const dir = tempDir();
    const project = path.join(dir, 'p.tellframe');
    tf('init', project);
    tf('import', project, fx.odd_size.path);
    const r = tf('frame', project, '1', '100000', '--out', path.join(dir, 'x.png'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/out of range/);
  });
});
