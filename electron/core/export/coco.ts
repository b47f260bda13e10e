import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { normaliseKeyframes, shapeAt, type Attributes, type Point } from '../../../shared/annotations';
import { TellframeError } from '../../../shared/errors';
import type { ExtractSource } from '../media/extract';
import { coveredIntervals, frameStem, imageExt, removeWritten, shapeBBox, videoError, writeStills, type StillRequest } from './frames';
import { seconds, type ExportContext, type ExportModel, type ExportVideo, type FileExporter } from './model';

/**
 * `coco`: extracted frames in `images/` and `annotations.json` in the COCO
 * object-detection layout (docs/formats.md). An image is every frame
 * that carries a region shape (box, polygon or point) or a frame tag; boxes
 * and polygons are COCO annotations, frame tags, the segments covering the
 * frame and points are image-level `attributes` (every COCO annotation needs
 * a real bbox and area, which a point has not).
 */

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  video_file: string;
  video_id: number;
  video_sha256: string;
  frame_index: number;
  pts: number;
  time_base: string;
  time: number;
  split: string | null;
  attributes: {
    tags: { id: string; label: string; attributes: Attributes }[];
    segments: { id: string; label: string }[];
    points: { track_id: string; label: string; x: number; y: number; keyframe: boolean }[];
  };
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  segmentation: number[][];
  area: number;
  iscrowd: 0;
  attributes: Attributes & { track_id: string; keyframe: boolean; shape: 'box' | 'polygon' };
}

export interface CocoCategory {
  id: number;
  name: string;
  supercategory: 'tell';
  display_name: string;
  retired: boolean;
}

export interface CocoDocument {
  info: Record<string, string | number>;
  licenses: never[];
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Shoelace area of a closed polygon. */
export function polygonArea(points: readonly Point[]): number {
  let s = 0;
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i]!;
    const [x1, y1] = points[(i + 1) % points.length]!;
    s += x0 * y1 - x1 * y0;
  }
  return Math.abs(s) / 2;
}

/** The images and annotations of one video (ids assigned by the caller's counters). Pure: no pixels. */
export function cocoForVideo(
  v: ExportVideo,
  framePts: (frame: number) => number,
  categoryOf: (label: string) => number,
  ext: 'png' | 'jpg',
  next: { image: number; annotation: number },
): { images: CocoImage[]; annotations: CocoAnnotation[] } {
  const n = v.frameCount;
  type Entry = { tags: CocoImage['attributes']['tags']; points: CocoImage['attributes']['points']; anns: Omit<CocoAnnotation, 'id' | 'image_id'>[] };
  const byFrame = new Map<number, Entry>();
  const at = (f: number): Entry => {
    let e = byFrame.get(f);
    if (!e) byFrame.set(f, (e = { tags: [], points: [], anns: [] }));
    return e;
  };
  for (const a of v.annotations) {
    if (a.kind === 'frame_tag' && a.label) {
      for (const [s, e] of coveredIntervals(a, n)) for (let f = s; f <= e; f++) at(f).tags.push({ id: a.id, label: a.label, attributes: a.attributes });
    }
    if (a.kind !== 'region_track' || !a.label || !a.keyframes?.length) continue;
    const ks = normaliseKeyframes(a.keyframes);
    for (const [s, e] of coveredIntervals(a, n)) {
      for (let f = s; f <= e; f++) {
        const sh = shapeAt(ks, f);
        if (!sh) continue;
        if (sh.shape === 'point') {
          at(f).points.push({ track_id: a.id, label: a.label, x: round3(sh.points[0]![0]), y: round3(sh.points[0]![1]), keyframe: sh.keyframe });
          continue;
        }
        // Shapes are clamped to the picture: COCO boxes and polygons lie inside the image.
        const pts = sh.points.map(([x, y]) => [round3(clamp(x, 0, v.width)), round3(clamp(y, 0, v.height))] as Point);
        const b = shapeBBox({ shape: sh.shape, points: pts })!;
        const w = round3(b[2] - b[0]);
        const h = round3(b[3] - b[1]);
        if (w <= 0 || h <= 0) continue;
        const poly = sh.shape === 'box' ? [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]] as Point[] : pts;
        at(f).anns.push({
          category_id: categoryOf(a.label),
          bbox: [b[0], b[1], w, h],
          segmentation: [poly.flat()],
          area: round3(sh.shape === 'box' ? w * h : polygonArea(pts)),
          iscrowd: 0,
          attributes: { ...a.attributes, track_id: a.id, keyframe: sh.keyframe, shape: sh.shape },
        });
      }
    }
  }
  const images: CocoImage[] = [];
  const annotations: CocoAnnotation[] = [];
  const segs = v.annotations.filter((a) => a.kind === 'segment' && a.label);
  for (const f of [...byFrame.keys()].sort((a, b) => a - b)) {
    const e = byFrame.get(f)!;
    const id = next.image++;
    const pts = framePts(f);
    images.push({
      id,
      file_name: `${frameStem(v.sha256, f)}.${ext}`,
      width: v.width,
      height: v.height,
      video_file: v.file,
      video_id: v.id,
      video_sha256: v.sha256,
      frame_index: f,
      pts,
      time_base: `${v.timeBase.num}/${v.timeBase.den}`,
      time: seconds(v, pts),
      split: v.split,
      attributes: {
        tags: e.tags,
        segments: segs.filter((a) => a.startFrame <= f && f <= a.endFrame).map((a) => ({ id: a.id, label: a.label! })),
        points: e.points,
      },
    });
    for (const a of e.anns) annotations.push({ id: next.annotation++, image_id: id, ...a });
  }
  return { images, annotations };
}

export function cocoCategories(model: ExportModel): CocoCategory[] {
  return model.labels.map((l, i) => ({ id: i + 1, name: l.id, supercategory: 'tell', display_name: l.name, retired: l.retired }));
}

export const exportCoco: FileExporter = async (ctx: ExportContext): Promise<string[]> => {
  const fo = ctx.options.frames;
  const ext = imageExt(fo.image);
  const categories = cocoCategories(ctx.model);
  const catId = new Map(categories.map((c) => [c.name, c.id]));
  const categoryOf = (label: string) => {
    const id = catId.get(label);
    if (id === undefined) throw new TellframeError('INTERNAL', `label ${label} is not in the taxonomy`);
    return id;
  };
  const next = { image: 1, annotation: 1 };
  const doc: CocoDocument = {
    info: {
      description: 'Tellframe export: frames carrying deepfake-tell regions or frame tags',
      version: '1.0',
      year: Number(ctx.model.exported.at.slice(0, 4)),
      contributor: ctx.model.exported.by,
      date_created: ctx.model.exported.at,
      tool: ctx.model.exported.tool,
      exported_at: ctx.model.exported.at,
      audit_head: ctx.model.exported.auditHead,
      ffmpeg: ctx.model.exported.ffmpeg,
    },
    licenses: [],
    images: [],
    annotations: [],
    categories,
  };
  const perVideo: { v: ExportVideo; src: ExtractSource; images: CocoImage[] }[] = [];
  for (const v of ctx.model.videos) {
    let src: ExtractSource;
    try {
      src = ctx.media.source(v.id);
    } catch (err) {
      throw videoError(err, v);
    }
    const { images, annotations } = cocoForVideo(v, (f) => src.pts[f]!, categoryOf, ext, next);
    doc.images.push(...images);
    doc.annotations.push(...annotations);
    if (images.length) perVideo.push({ v, src, images });
  }
  const total = doc.images.length;
  const written: string[] = [];
  const scratch = path.join(ctx.dir, '.coco-tmp');
  let before = 0;
  ctx.progress(0, total, 'images');
  try {
    mkdirSync(path.join(ctx.dir, 'images'), { recursive: true });
    for (const { v, src, images } of perVideo) {
      const requests: StillRequest[] = images.map((im) => ({ frame: im.frame_index, file: path.join(ctx.dir, 'images', im.file_name) }));
      written.push(...images.map((im) => `images/${im.file_name}`));
      try {
        await writeStills(ctx.media.bins, src, requests, {
          image: fo.image, quality: fo.quality, signal: ctx.signal, scratch,
          onProgress: (done) => ctx.progress(before + done, total, `images of ${v.file}`),
        });
      } catch (err) {
        throw videoError(err, v);
      }
      before += images.length;
    }
    if (ctx.signal.aborted) throw new TellframeError('ABORTED', 'Cancelled.');
    writeFileSync(path.join(ctx.dir, 'annotations.json'), JSON.stringify(doc) + '\n');
    ctx.progress(total, total, 'images');
    return [...written, 'annotations.json'];
  } catch (err) {
    removeWritten(ctx.dir, written);
    throw err;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};
