import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { shapeAt } from '../../shared/annotations';
import { ExportOptionsSchema, type ExportOptionsInput } from '../../shared/exportFormats';
import { exportCoco, type CocoDocument } from '../../electron/core/export/coco';
import {
  clusterFrames, cropRect, encodeJpeg, exportFrames, FRAMES_INDEX_CSV, FRAMES_INDEX_JSON, jpegQscale, planFrames, ptsRanges,
  rangeExpr, writeStills, type FrameRow,
} from '../../electron/core/export/frames';
import type { ExportContext, ExportModel, MediaAccess } from '../../electron/core/export/model';
import { keyFrameAtOrBefore } from '../../electron/core/media/extract';
import { processRegistry } from '../../electron/core/media/process';
import { ffmpegBin, readCode, referenceDecode } from '../fixtures/videos';
import { makeExportProject, type ExportProject } from './exportProject';
import { tempDir } from './helpers';

let p: ExportProject;
let model: ExportModel;
let media: MediaAccess;

beforeAll(async () => {
  p = await makeExportProject();
  model = p.model();
  media = p.core.mediaAccess();
}, 240_000);

afterAll(() => {
  p?.core.close?.();
});

function context(frames: ExportOptionsInput['frames'], extra: Partial<ExportContext> = {}): ExportContext & { events: [number, number][] } {
  const dir = tempDir('tellframe-frames-');
  const events: [number, number][] = [];
  return {
    model, dir, media, signal: new AbortController().signal,
    options: ExportOptionsSchema.parse({ formats: ['frames'], out: dir, frames, split: { train: 1, val: 0, test: 0, seed: 7 } }),
    progress: (d, t) => events.push([d, t]),
    events,
    ...extra,
  };
}

/** Frames an annotation covers, computed here independently of frames.ts. */
function coveredSet(v: ExportModel['videos'][number]): Set<number> {
  const s = new Set<number>();
  for (const a of v.annotations) {
    if (a.kind === 'segment' || a.kind === 'frame_tag') for (let f = a.startFrame; f <= a.endFrame; f++) s.add(f);
    if (a.kind === 'region_track') for (let f = 0; f < v.frameCount; f++) if (shapeAt(a.keyframes!, f)) s.add(f);
  }
  return s;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

function readPng(file: string): { data: Buffer; width: number; height: number } {
  const png = PNG.sync.read(readFileSync(file));
  return { data: png.data, width: png.width, height: png.height };
}

const jpegCache = new Map<string, Buffer>();
/** Decode JPEGs with ffmpeg to RGB (one ffmpeg per file, memoised). */
function decodeJpegs(files: string[], width: number, height: number): Buffer[] {
  return files.map((f) => {
    let raw = jpegCache.get(f);
    if (!raw) {
      raw = execFileSync(ffmpegBin(), ['-v', 'error', '-i', f, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 28 });
      jpegCache.set(f, raw);
    }
    expect(raw.length, f).toBe(width * height * 3);
    return raw;
  });
}

/** All JPEG stills of one folder in name order (= frame order), decoded by one ffmpeg run. */
function decodeJpegFolder(dir: string, count: number, width: number, height: number): Buffer[] {
  const raw = execFileSync(ffmpegBin(), ['-v', 'error', '-pattern_type', 'glob', '-i', path.join(dir, '*.jpg'), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 28 });
  const size = width * height * 3;
  expect(raw.length).toBe(count * size);
  return Array.from({ length: count }, (_, k) => raw.subarray(k * size, (k + 1) * size));
}

function jpegSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  for (let i = 2; i < b.length; ) {
    const marker = b[i + 1]!;
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error(`${file}: no SOF`);
}

async function checkFrames(image: 'png' | 'jpeg') {
  const ctx = context({ image, every: 10, negatives: 3, crops: true, margin: 0.25, quality: 90 });
  const files = await exportFrames(ctx);
  const index = JSON.parse(readFileSync(path.join(ctx.dir, FRAMES_INDEX_JSON), 'utf8')) as { images: FrameRow[] };
  const rows = index.images;
  const ext = image === 'png' ? 'png' : 'jpg';
  // Every file claimed exists, nothing else was left behind (scratch folders removed).
  expect(listFiles(ctx.dir)).toEqual([...files].sort());
  expect(files).toContain(FRAMES_INDEX_CSV);
  const csv = readFileSync(path.join(ctx.dir, FRAMES_INDEX_CSV), 'utf8').trim().split('\r\n');
  expect(csv.length - 1).toBe(rows.length);

  for (const v of model.videos) {
    const ref = await referenceDecode(v.path);
    const src = media.source(v.id);
    const sha = v.sha256.slice(0, 12);
    const mine = rows.filter((r) => r.video_id === v.id && r.kind === 'frame');
    const covered = coveredSet(v);
    const expectedAnnotatedOrEvery = new Set([...covered, ...Array.from({ length: Math.ceil(v.frameCount / 10) }, (_, k) => k * 10)]);
    const negatives = mine.filter((r) => r.reasons.includes('negative'));
    expect(negatives.length).toBe(Math.min(3, v.frameCount - covered.size));
    for (const r of negatives) expect(covered.has(r.frame)).toBe(false);
    expect(new Set(mine.map((r) => r.frame))).toEqual(new Set([...expectedAnnotatedOrEvery, ...negatives.map((r) => r.frame)]));
    const decoded = image === 'jpeg' ? decodeJpegFolder(path.join(ctx.dir, 'frames', sha), mine.length, v.width, v.height) : null;
    if (decoded) mine.forEach((r, k) => jpegCache.set(path.join(ctx.dir, r.file), decoded[k]!));
    mine.forEach((r, k) => {
      expect(r.file).toBe(`frames/${sha}/${sha}_${String(r.frame).padStart(6, '0')}.${ext}`);
      expect(r.pts).toBe(ref.pts[r.frame]);
      expect(r.pts).toBe(src.pts[r.frame]);
      expect(r.time).toBeCloseTo((ref.pts[r.frame]! - ref.pts[0]!) * (v.timeBase.num / v.timeBase.den), 9);
      let code: number;
      if (image === 'png') {
        const img = readPng(path.join(ctx.dir, r.file));
        expect([img.width, img.height]).toEqual([v.width, v.height]);
        code = readCode(img.data, img.width, img.height, 4);
      } else {
        code = readCode(decoded![k]!, v.width, v.height, 3);
      }
      expect(code, `${v.file} frame ${r.frame}`).toBe(ref.codes[r.frame]);
      if (covered.has(r.frame)) expect(r.labels.length).toBeGreaterThan(0);
      else expect(r.labels).toEqual([]);
    });
    // Crops: every box/polygon on every frame it covers, with the margin, clamped.
    const crops = rows.filter((r) => r.video_id === v.id && r.kind === 'crop');
    let expectedCrops = 0;
    for (const a of v.annotations) {
      if (a.kind !== 'region_track') continue;
      for (let f = 0; f < v.frameCount; f++) {
        const s = shapeAt(a.keyframes!, f);
        if (!s || s.shape === 'point') continue;
        expectedCrops++;
        const row = crops.find((c) => c.frame === f && c.track_id === a.id);
        expect(row, `crop of ${a.id} on ${f}`).toBeTruthy();
        const xs = s.points.map((q) => q[0]);
        const ys = s.points.map((q) => q[1]);
        const [bx0, bx1, by0, by1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
        const mw = (bx1 - bx0) * 0.25;
        const mh = (by1 - by0) * 0.25;
        const x0 = Math.max(0, Math.floor(bx0 - mw));
        const y0 = Math.max(0, Math.floor(by0 - mh));
        const want = { x: x0, y: y0, w: Math.min(v.width, Math.ceil(bx1 + mw)) - x0, h: Math.min(v.height, Math.ceil(by1 + mh)) - y0 };
        expect(row!.crop).toEqual(want);
        expect(row!.file).toBe(`crops/${sha}/${sha}_${String(f).padStart(6, '0')}_${a.id}.${ext}`);
        const file = path.join(ctx.dir, row!.file);
        if (image === 'png') {
          const c = readPng(file);
          expect([c.width, c.height]).toEqual([want.w, want.h]);
          // The crop is that frame's pixels: the same as the full still's region, byte for byte.
          const full = readPng(path.join(ctx.dir, `frames/${sha}/${sha}_${String(f).padStart(6, '0')}.png`));
          for (let y = 0; y < want.h; y += Math.max(1, want.h >> 3)) {
            for (let x = 0; x < want.w; x += Math.max(1, want.w >> 3)) {
              const a4 = ((want.y + y) * v.width + want.x + x) * 4;
              const c4 = (y * want.w + x) * 4;
              expect([...c.data.subarray(c4, c4 + 3)]).toEqual([...full.data.subarray(a4, a4 + 3)]);
            }
          }
        } else {
          expect(jpegSize(file)).toEqual({ width: want.w, height: want.h });
          const raw = decodeJpegs([file], want.w, want.h)[0]!;
          const full = decodeJpegs([path.join(ctx.dir, `frames/${sha}/${sha}_${String(f).padStart(6, '0')}.jpg`)], v.width, v.height)[0]!;
          let diff = 0;
          for (let y = 0; y < want.h; y++) for (let x = 0; x < want.w; x++) for (let ch = 0; ch < 3; ch++) diff += Math.abs(raw[(y * want.w + x) * 3 + ch]! - full[((want.y + y) * v.width + want.x + x) * 3 + ch]!);
          expect(diff / (want.w * want.h * 3)).toBeLessThan(12);
        }
      }
    }
    expect(crops.length).toBe(expectedCrops);
  }
  // Progress ran from 0 to the total and never went back.
  const total = ctx.events[0]![1];
  expect(ctx.events[ctx.events.length - 1]).toEqual([total, total]);
  for (let i = 1; i < ctx.events.length; i++) expect(ctx.events[i]![0]).toBeGreaterThanOrEqual(ctx.events[i - 1]![0]);
  expect(processRegistry.size).toBe(0);
}

describe('frames export', () => {
  it('pure parts: plan, clusters, pts ranges, crops, qscale', () => {
    const v = model.videos[0]!;
    const plan = planFrames(v, { every: 0, negatives: 0, margin: 0, crops: false });
    expect(plan.map((x) => x.frame)).toEqual([...coveredSet(v)].sort((a, b) => a - b));
    const key = [true, false, false, false, true, false, false, false, true, false];
    expect(clusterFrames(key, [1, 2, 9], 3)).toEqual([{ start: 0, frames: [1, 2] }, { start: 8, frames: [9] }]);
    expect(clusterFrames(key, [1, 2, 9], 100)).toEqual([{ start: 0, frames: [1, 2, 9] }]);
    expect(ptsRanges([0, 10, 20, 30, 40], [0, 1, 2, 4])).toEqual([[0, 20], [40, 40]]);
    expect(ptsRanges([0, 10, 10, 30], [1, 2])).toEqual([[10, 10], [10, 10]]);
    expect(rangeExpr('pts', [[0, 20], [40, 40]])).toBe('between(pts,0,20)+eq(pts,40)');
    expect(cropRect({ shape: 'box', points: [[10, 10], [30, 20]] }, 0.5, 100, 100)).toEqual({ x: 0, y: 5, w: 40, h: 20 });
    expect(cropRect({ shape: 'box', points: [[90, 90], [99.5, 99.5]] }, 1, 100, 100)).toEqual({ x: 80, y: 80, w: 20, h: 20 });
    expect(cropRect({ shape: 'point', points: [[5, 5]] }, 1, 100, 100)).toBeNull();
    expect(jpegQscale(100)).toBe(2);
    expect(jpegQscale(1)).toBe(31);
  });

  it('the built-in JPEG encoder (crops) decodes in ffmpeg to the same picture', () => {
    const w = 37;
    const h = 21;
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) rgb.set([(i * 7) & 255, (i * 3) & 255, i % w < w / 2 ? 250 : 5], i * 3);
    const raw = execFileSync(ffmpegBin(), ['-v', 'error', '-f', 'jpeg_pipe', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input: encodeJpeg(rgb, w, h, 95) });
    expect(raw.length).toBe(w * h * 3);
    let diff = 0;
    for (let i = 0; i < raw.length; i++) diff += Math.abs(raw[i]! - rgb[i]!);
    expect(diff / raw.length).toBeLessThan(3);
  });

  it('writes PNG stills that are exactly frame i, crops and the index', () => checkFrames('png'), 240_000);
  it('writes JPEG stills that are exactly frame i, and crops', () => checkFrames('jpeg'), 240_000);

  it('seeks per frame (cluster gap 0) and still writes exactly frame i, on every fixture', async () => {
    for (const v of model.videos) {
      const src = media.source(v.id);
      const ref = await referenceDecode(v.path);
      const n = v.frameCount;
      const keys = Array.from({ length: n }, (_, i) => i).filter((i) => src.key[i]);
      const wanted = [...new Set([0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 2, n - 1, ...keys, ...keys.map((k) => k - 1), ...keys.map((k) => k + 1)])]
        .filter((i) => i >= 0 && i < n)
        .sort((a, b) => a - b);
      const dir = tempDir('tellframe-stills-');
      const stats = { runs: 0, fallbacks: 0 };
      await writeStills(media.bins, src, wanted.map((f) => ({ frame: f, file: path.join(dir, `${f}.png`) })), { image: 'png', quality: 90, scratch: path.join(dir, 'tmp'), gap: 0, stats });
      // One run per GOP with a wanted frame, and every seek landed where it should.
      expect(stats.runs).toBe(new Set(wanted.map((f) => keyFrameAtOrBefore(src.key, f))).size);
      expect(stats.fallbacks, v.file).toBe(0);
      for (const f of wanted) {
        const img = readPng(path.join(dir, `${f}.png`));
        expect(readCode(img.data, img.width, img.height, 4), `${v.file} frame ${f}`).toBe(ref.codes[f]);
      }
      expect(listFiles(dir)).toHaveLength(wanted.length);
    }
  }, 240_000);

  it('cancels mid-export: ABORTED, no ffmpeg left, no file left claimed', async () => {
    const ac = new AbortController();
    const ctx = context({ image: 'png', every: 1 }, { signal: ac.signal });
    ctx.progress = (done) => {
      if (done > 0) ac.abort();
    };
    await expect(exportFrames(ctx)).rejects.toMatchObject({ code: 'ABORTED' });
    await new Promise((r) => setTimeout(r, 100));
    expect(processRegistry.size).toBe(0);
    expect(listFiles(ctx.dir)).toEqual([]);
  }, 120_000);

  it('names the video when its decode fails', async () => {
    const broken: MediaAccess = { bins: media.bins, source: (id) => ({ ...media.source(id), path: path.join(tempDir(), 'gone.mp4') }) };
    const ctx = context({ image: 'png' }, { media: broken });
    const err = await exportFrames(ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FFMPEG_FAILED' });
    expect(String((err as Error).message)).toContain(model.videos[0]!.file);
    expect(listFiles(ctx.dir)).toEqual([]);
  }, 60_000);
});

const CocoSchema = z.object({
  info: z.object({ tool: z.string(), exported_at: z.string(), audit_head: z.string() }).passthrough(),
  licenses: z.array(z.unknown()),
  images: z.array(z.object({
    id: z.number().int().positive(), file_name: z.string().min(1), width: z.number().int().positive(), height: z.number().int().positive(),
    video_sha256: z.string().regex(/^[0-9a-f]{64}$/), frame_index: z.number().int().min(0), pts: z.number().int(), time: z.number(),
    attributes: z.object({ tags: z.array(z.unknown()), segments: z.array(z.unknown()), points: z.array(z.unknown()) }),
  }).passthrough()),
  annotations: z.array(z.object({
    id: z.number().int().positive(), image_id: z.number().int().positive(), category_id: z.number().int().positive(),
    bbox: z.tuple([z.number(), z.number(), z.number().positive(), z.number().positive()]),
    segmentation: z.array(z.array(z.number()).min(6)).min(1), area: z.number().positive(), iscrowd: z.literal(0),
    attributes: z.object({ track_id: z.string(), keyframe: z.boolean() }).passthrough(),
  }).strict()),
  categories: z.array(z.object({ id: z.number().int().positive(), name: z.string(), supercategory: z.string() }).passthrough()).min(1),
}).strict();

describe('coco export', () => {
  it('writes images of exact frames and an annotations.json COCO tools load', async () => {
    const ctx = context({ image: 'png' });
    const files = await exportCoco(ctx);
    expect(listFiles(ctx.dir)).toEqual([...files].sort());
    const raw = readFileSync(path.join(ctx.dir, 'annotations.json'), 'utf8');
    const doc = CocoSchema.parse(JSON.parse(raw)) as unknown as CocoDocument;
    expect(doc.categories.map((c) => c.name)).toEqual(model.labels.map((l) => l.id));
    expect(doc.categories.map((c) => c.id)).toEqual(model.labels.map((_, i) => i + 1));
    const imageIds = new Set(doc.images.map((i) => i.id));
    expect(imageIds.size).toBe(doc.images.length);
    expect(new Set(doc.annotations.map((a) => a.id)).size).toBe(doc.annotations.length);
    expect(new Set(doc.images.map((i) => i.file_name)).size).toBe(doc.images.length);
    const byId = new Map(doc.images.map((i) => [i.id, i]));
    for (const a of doc.annotations) {
      const im = byId.get(a.image_id)!;
      expect(im).toBeTruthy();
      expect(a.category_id).toBeLessThanOrEqual(doc.categories.length);
      const [x, y, w, h] = a.bbox;
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(im.width + 1e-9);
      expect(y + h).toBeLessThanOrEqual(im.height + 1e-9);
      expect(a.area).toBeLessThanOrEqual(w * h + 1e-6);
    }
    for (const v of model.videos) {
      const ref = await referenceDecode(v.path);
      const imgs = doc.images.filter((i) => i.video_id === v.id);
      // Images are the frames with a region shape or a frame tag.
      const want = new Set<number>();
      for (const a of v.annotations) {
        if (a.kind === 'frame_tag') want.add(a.startFrame);
        if (a.kind === 'region_track') for (let f = 0; f < v.frameCount; f++) if (shapeAt(a.keyframes!, f)) want.add(f);
      }
      expect(new Set(imgs.map((i) => i.frame_index))).toEqual(want);
      for (const im of imgs) {
        const file = path.join(ctx.dir, 'images', im.file_name);
        expect(statSync(file).size).toBeGreaterThan(0);
        const png = readPng(file);
        expect(readCode(png.data, png.width, png.height, 4), `${v.file} frame ${im.frame_index}`).toBe(ref.codes[im.frame_index]);
        expect(im.pts).toBe(ref.pts[im.frame_index]);
      }
      // The point track lives on its image as an image-level point, the polygon as an annotation with its polygon.
      expect(imgs.find((i) => i.frame_index === 0)!.attributes.points).toHaveLength(1);
      const poly = doc.annotations.find((a) => a.image_id === imgs.find((i) => i.frame_index === 4)!.id && a.attributes.shape === 'polygon');
      expect(poly!.segmentation[0]!.length).toBe(6);
    }
    // The same checks pycocotools' COCO() index makes on load, in the system Python.
    const py = `
import json, sys, collections
d = json.load(open(sys.argv[1]))
imgs = {i['id']: i for i in d['images']}
cats = {c['id']: c for c in d['categories']}
img_to_anns = collections.defaultdict(list)
for a in d['annotations']:
    assert a['image_id'] in imgs and a['category_id'] in cats
    assert len(a['bbox']) == 4 and a['area'] > 0 and a['iscrowd'] == 0
    assert all(len(p) >= 6 and len(p) % 2 == 0 for p in a['segmentation'])
    img_to_anns[a['image_id']].append(a)
print(len(imgs), len(d['annotations']), len(cats))
`;
    const out = execFileSync('/usr/bin/python3', ['-c', py, path.join(ctx.dir, 'annotations.json')], { encoding: 'utf8' }).trim();
    expect(out).toBe(`${doc.images.length} ${doc.annotations.length} ${doc.categories.length}`);
    expect(processRegistry.size).toBe(0);
  }, 240_000);
});
