import type { Annotation, Verdict } from '../../../shared/annotations';
import type { Split } from '../../../shared/exportFormats';
import { labelOf, seconds, type ExportModel, type ExportVideo, type OutFile, type TextBuilder } from './model';

/**
 * LAV-DF / AV-Deepfake1M temporal-localisation metadata.
 *
 * LAV-DF (Cai et al., "Do You Really Mean That? Content Driven Audio-Visual
 * Deepfake Dataset and Multimodal Method for Temporal Forgery Localization",
 * DICTA 2022; github.com/ControlNet/LAV-DF) ships `metadata.json` and
 * `metadata.min.json`: an array with, per video, file, n_fakes, fake_periods
 * ([[start, end]] seconds), duration, original, modify_video, modify_audio,
 * split (train / dev / test), video_frames, audio_channels, audio_frames.
 * Its loader (dataset/lavdf.py) builds `Metadata(**entry)` from
 * metadata.min.json, a dataclass that rejects any key it does not declare,
 * so metadata.min.json carries exactly those keys.
 *
 * AV-Deepfake1M (Cai et al., ACM MM 2024; github.com/ControlNet/AV-Deepfake1M)
 * reads `{train,val}_metadata.json` (test: `test_files.txt`) for the file
 * lists and `{split}_metadata/<name>.json` per item, and calls
 * `Metadata(**entry, fps=...)`, which needs fake_segments,
 * visual_fake_segments, audio_fake_segments, audio_model, modify_type,
 * video_frames and audio_frames, takes other keys through **kwargs, and
 * fails on a key named `fps`. Those files are written too.
 *
 * `metadata.json` holds everything: the LAV-DF keys, the AV-Deepfake1M keys
 * and Tellframe's own (sha256, time_base, start_pts, end_pts,
 * container_start_time, verdict), so nothing about frame truth is lost.
 *
 * Decisions:
 * - Periods come only from annotations: the union (touching spans merged) of
 *   every segment, frame tag and region track of a frame-scope label, each
 *   spanning [t(start), t(end + 1)) from its stored pts. Labels in
 *   model.audioLabels are audio fakes, other frame-scope labels visual fakes;
 *   video-scope labels (metadata_anomaly) are neither.
 * - The verdict does not make periods: a fake verdict without marked periods
 *   gives n_fakes 0 / modify_type "real", as LAV-DF's loaders read a video with
 *   no period as real. Such videos (and real verdicts with periods) are listed
 *   in metadata.tellframe.json under `inconsistent`; the verdict itself is in
 *   every full entry.
 * - Without a dataset build every video's split is "train" (as every entry of
 *   DFDC's public metadata is); a null split would make the loaders, which
 *   filter on split, drop the video silently. Build a split with ratios 0/0/1
 *   to mark everything as test. Tellframe's "val" is LAV-DF's "dev".
 * - Audio stream facts (audio_channels, audio_frames) are not in the project
 *   and are written as null; the loaders only store them.
 */

/** LAV-DF's name for each split (its dev is Tellframe's val). */
export const LAVDF_SPLIT: Record<Split, string> = { train: 'train', val: 'dev', test: 'test' };

/** The keys of LAV-DF's `Metadata` dataclass, in its order: metadata.min.json has exactly these. */
export const LAVDF_KEYS = [
  'file', 'n_fakes', 'fake_periods', 'duration', 'original', 'modify_video', 'modify_audio', 'split', 'video_frames', 'audio_channels', 'audio_frames',
] as const;

export type ModifyType = 'real' | 'visual_modified' | 'audio_modified' | 'both_modified';
export type Period = [number, number];

export interface LavdfEntry {
  file: string;
  n_fakes: number;
  fake_periods: Period[];
  duration: number;
  original: string | null;
  modify_video: boolean;
  modify_audio: boolean;
  split: string;
  video_frames: number;
  audio_channels: number | null;
  audio_frames: number | null;
  fake_segments: Period[];
  visual_fake_segments: Period[];
  audio_fake_segments: Period[];
  modify_type: ModifyType;
  audio_model: string | null;
  sha256: string;
  original_sha256: string | null;
  time_base: string;
  start_pts: number;
  end_pts: number;
  container_start_time: number;
  verdict: Verdict | null;
}

/**
 * The name each video has in a dataset's metadata: its base name, or, when
 * another exported video has the same name (compared case-insensitively, as
 * some file systems do), `<first 16 hex of sha256>_<name>`, falling back to
 * the whole hash. The sha256 beside each entry ties the name to the content.
 */
export function datasetFileNames(videos: readonly Pick<ExportVideo, 'id' | 'file' | 'sha256'>[]): Map<number, string> {
  const count = new Map<string, number>();
  for (const v of videos) count.set(v.file.toLowerCase(), (count.get(v.file.toLowerCase()) ?? 0) + 1);
  const out = new Map<number, string>();
  const used = new Set<string>();
  for (const v of videos) {
    let name = v.file;
    if (count.get(v.file.toLowerCase())! > 1) {
      name = `${v.sha256.slice(0, 16)}_${v.file}`;
      if (used.has(name.toLowerCase())) name = `${v.sha256}_${v.file}`;
      if (used.has(name.toLowerCase())) name = `${v.sha256}_${v.id}_${v.file}`;
    }
    used.add(name.toLowerCase());
    out.set(v.id, name);
  }
  return out;
}

/** The name of a video's original: its dataset name when exported with it, else its own base name. */
export function originalName(v: ExportVideo, names: Map<number, string>): string | null {
  if (!v.original) return null;
  return names.get(v.original.id) ?? v.original.file;
}

/** The union of spans given as [startPts, endPts): sorted, overlapping or touching ones merged. */
export function mergePts(spans: readonly { startPts: number; endPts: number }[]): [number, number][] {
  const sorted = spans.map((s) => [s.startPts, s.endPts] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

function periods(v: ExportVideo, anns: readonly Annotation[]): Period[] {
  return mergePts(anns).map(([s, e]) => [seconds(v, s), seconds(v, e)]);
}

/** The fake periods of one video: all, visual and audio (see the decisions above). */
export function videoPeriods(model: ExportModel, v: ExportVideo): { all: Period[]; visual: Period[]; audio: Period[] } {
  const audioIds = new Set(model.audioLabels);
  const marks = v.annotations.filter((a) => a.kind !== 'verdict' && a.label !== null && labelOf(model, a.label).scope === 'frame');
  const audio = marks.filter((a) => audioIds.has(a.label!));
  const visual = marks.filter((a) => !audioIds.has(a.label!));
  return { all: periods(v, marks), visual: periods(v, visual), audio: periods(v, audio) };
}

export function modifyType(visual: boolean, audio: boolean): ModifyType {
  if (visual && audio) return 'both_modified';
  if (visual) return 'visual_modified';
  if (audio) return 'audio_modified';
  return 'real';
}

/** One video's full entry, its split named as `splitName` gives. */
export function lavdfEntry(model: ExportModel, v: ExportVideo, names: Map<number, string>, splitName: (s: Split) => string): LavdfEntry {
  const p = videoPeriods(model, v);
  const visual = p.visual.length > 0;
  const audio = p.audio.length > 0;
  return {
    file: names.get(v.id)!,
    n_fakes: p.all.length,
    fake_periods: p.all,
    duration: v.duration,
    original: originalName(v, names),
    modify_video: visual,
    modify_audio: audio,
    split: splitName(v.split ?? 'train'),
    video_frames: v.frameCount,
    audio_channels: null,
    audio_frames: null,
    fake_segments: p.all,
    visual_fake_segments: p.visual,
    audio_fake_segments: p.audio,
    modify_type: modifyType(visual, audio),
    audio_model: null,
    sha256: v.sha256,
    original_sha256: v.original?.sha256 ?? null,
    time_base: `${v.timeBase.num}/${v.timeBase.den}`,
    start_pts: v.startPts,
    end_pts: v.endPts,
    container_start_time: v.containerStartTime,
    verdict: v.verdict?.verdict ?? null,
  };
}

function pick(e: LavdfEntry): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of LAVDF_KEYS) o[k] = e[k];
  return o;
}

/** A JSON array with one entry per line: still one JSON document, and easy to read and diff. */
function jsonLines(items: readonly unknown[]): string {
  return items.length ? `[\n${items.map((x) => JSON.stringify(x)).join(',\n')}\n]\n` : '[]\n';
}

export const buildLavdf: TextBuilder = (model) => {
  const names = datasetFileNames(model.videos);
  const full = model.videos.map((v) => lavdfEntry(model, v, names, (s) => LAVDF_SPLIT[s]));
  const files: OutFile[] = [
    { path: 'metadata.json', data: jsonLines(full) },
    { path: 'metadata.min.json', data: JSON.stringify(full.map(pick)) },
  ];
  // AV-Deepfake1M's layout: one metadata file per split, named as it names them (val, not dev).
  const av = model.videos.map((v) => lavdfEntry(model, v, names, (s) => s));
  // Its Dataset reads each item's labels from `<split>_metadata/<file with .mp4 replaced by .json>`.
  const perFile = new Set<string>();
  const perFileClash: string[] = [];
  for (const s of ['train', 'val', 'test'] as const) {
    const these = av.filter((e) => e.split === s);
    files.push({ path: `${s}_metadata.json`, data: jsonLines(these) });
    if (s === 'test') files.push({ path: 'test_files.txt', data: these.map((e) => e.file + '\n').join('') });
    for (const e of these) {
      const p = `${s}_metadata/${e.file.replaceAll('.mp4', '.json')}`;
      if (perFile.has(p.toLowerCase())) {
        perFileClash.push(e.file);
        continue;
      }
      perFile.add(p.toLowerCase());
      files.push({ path: p, data: JSON.stringify(e) + '\n' });
    }
  }
  const inconsistent = model.videos.flatMap((v, i): { file: string; sha256: string; verdict: string; problem: string }[] => {
    const e = full[i]!;
    const value = v.verdict?.verdict?.value;
    if (value === 'fake' && e.n_fakes === 0) return [{ file: e.file, sha256: v.sha256, verdict: value, problem: 'fake verdict but no fake period: reads as real' }];
    if (value === 'real' && e.n_fakes > 0) return [{ file: e.file, sha256: v.sha256, verdict: value, problem: 'real verdict but fake periods: reads as fake' }];
    return [];
  });
  const side = {
    format: 'tellframe.lavdf',
    version: 1,
    exported: model.exported,
    audioLabels: model.audioLabels,
    visualLabels: model.labels.filter((l) => l.scope === 'frame' && !model.audioLabels.includes(l.id)).map((l) => l.id),
    splitBuilt: model.videos.some((v) => v.split !== null),
    timeRule: 'fake periods are [t(start), t(end + 1)) seconds from frame 0, from the stored pts of exact decode indices',
    videos: model.videos.map((v) => ({ file: names.get(v.id)!, sourceFile: v.file, sha256: v.sha256 })),
    inconsistent,
    // Videos whose per-file AV-Deepfake1M metadata would overwrite another's (e.g. x.json and x.mp4): left out there.
    perFileClash,
  };
  files.push({ path: 'metadata.tellframe.json', data: JSON.stringify(side, null, 2) + '\n' });
  return files;
};
