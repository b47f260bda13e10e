import { z } from 'zod';
import { VerdictSchema, type Verdict } from '../../../shared/annotations';
import { TellframeError } from '../../../shared/errors';
import { MAX_IMPORT_BYTES, type PreAnnotation, type PreDocument, type PreVideo } from './types';

/**
 * LAV-DF / AV-Deepfake1M metadata → pre-annotations (the reverse of
 * export/lavdf.ts). Accepts LAV-DF's metadata.json / metadata.min.json
 * (Cai et al., DICTA 2022: file, n_fakes, fake_periods, modify_video,
 * modify_audio, original, ...) and AV-Deepfake1M's {split}_metadata.json
 * (Cai et al., ACM MM 2024: fake_segments, visual_fake_segments,
 * audio_fake_segments, modify_type, ...), including Tellframe's own
 * metadata.json with its extras (sha256, verdict).
 *
 * Per video:
 * - Periods become segments in seconds from frame 0; the project turns them
 *   into exact frames through its stored pts.
 * - Which label: visual_fake_segments → `visual_fake` and audio_fake_segments
 *   → `audio_anomaly` when the entry has them (AV-Deepfake1M); otherwise each
 *   fake period gets `visual_fake` if modify_video / modify_type says the
 *   picture was changed and `audio_anomaly` if the sound was (both when both:
 *   LAV-DF replaces the same words in both streams); a period whose modality
 *   the entry does not say gets `fake_period`. None of the dataset's periods
 *   name a tell, so no tell label of the taxonomy is guessed.
 * - The verdict: Tellframe's `verdict` extra when present (null: none);
 *   otherwise fake (method unknown) when there is any period, else real.
 * - `original` links the video to its original (by file name).
 * All or nothing: any wrong field throws BAD_INPUT naming its JSON path.
 */

export interface LavdfImportOptions {
  /** Label for visual fake periods (default `visual_fake`). */
  visualLabel?: string;
  /** Label for audio fake periods (default `audio_anomaly`, the default taxonomy's audio label). */
  audioLabel?: string;
  /** Label for periods whose modality the file does not give (default `fake_period`). */
  unknownLabel?: string;
}

const DEFAULT_NAMES: Record<string, string> = { visual_fake: 'Visual fake', audio_anomaly: 'Audio anomaly', fake_period: 'Fake period' };

/** Throw BAD_INPUT for `where` (e.g. `metadata.json: [3].fake_periods[0]`). */
export function badInput(where: string, message: string): never {
  throw new TellframeError('BAD_INPUT', `${where}: ${message}`);
}

/** A JSON path as people read it: `[3].fake_periods[1][0]`, `["a.mp4"].label` (a top-level key is always quoted). */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && out && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

/** The first problem zod found, as a BAD_INPUT naming the path and the field. */
export function zodFail(source: string, prefix: readonly PropertyKey[], error: z.ZodError): never {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path];
  const at = jsonPath(path);
  // The path ends with the field's name, or with an index into it: then name the field too.
  const field = typeof path[path.length - 1] === 'number' ? [...path].reverse().find((p) => typeof p === 'string') : undefined;
  badInput(at ? `${source}: ${at}` : source, field !== undefined ? `${String(field)}: ${issue.message}` : issue.message);
}

/** Parse a foreign JSON file, refusing it when it is over the import limit or not JSON. */
export function readForeignJson(text: string, source: string): unknown {
  // A string longer than the limit is over it in UTF-8 too; only a shorter one needs counting.
  if (text.length > MAX_IMPORT_BYTES || (text.length * 3 > MAX_IMPORT_BYTES && Buffer.byteLength(text, 'utf8') > MAX_IMPORT_BYTES)) {
    badInput(source, `the file is larger than the import limit of ${MAX_IMPORT_BYTES} bytes`);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return badInput(source, `not valid JSON (${(err as Error).message})`);
  }
}

const Seconds = z.number().min(0, 'a time must not be negative').max(1e9);
const PeriodSchema = z
  .tuple([Seconds, Seconds])
  .refine(([s, e]) => e > s, { message: 'a period [start, end] must end after it starts' });
const Periods = z.array(PeriodSchema).max(1_000_000);

/** One entry; keys the datasets add that Tellframe does not use pass through unchecked. */
const EntrySchema = z.looseObject({
  file: z.string().min(1, 'must not be empty').max(4096),
  n_fakes: z.number().int().min(0).optional(),
  fake_periods: Periods.optional(),
  fake_segments: Periods.optional(),
  visual_fake_segments: Periods.optional(),
  audio_fake_segments: Periods.optional(),
  modify_video: z.boolean().optional(),
  modify_audio: z.boolean().optional(),
  // AV-Deepfake1M's loader spells one value 'both-modified'; accept both spellings.
  modify_type: z.enum(['real', 'visual_modified', 'audio_modified', 'both_modified', 'both-modified']).optional(),
  original: z.string().max(4096).nullable().optional(),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits').optional(),
  original_sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits').nullable().optional(),
  verdict: VerdictSchema.nullable().optional(),
});
type Entry = z.infer<typeof EntrySchema>;

function modality(e: Entry): { visual: boolean; audio: boolean } | null {
  if (e.modify_type !== undefined) {
    return { visual: e.modify_type !== 'real' && e.modify_type !== 'audio_modified', audio: e.modify_type !== 'real' && e.modify_type !== 'visual_modified' };
  }
  if (e.modify_video !== undefined || e.modify_audio !== undefined) return { visual: e.modify_video === true, audio: e.modify_audio === true };
  return null;
}

export function parseLavdf(text: string, source: string, options: LavdfImportOptions = {}): PreDocument {
  const visualLabel = options.visualLabel ?? 'visual_fake';
  const audioLabel = options.audioLabel ?? 'audio_anomaly';
  const unknownLabel = options.unknownLabel ?? 'fake_period';
  const raw = readForeignJson(text, source);
  if (!Array.isArray(raw)) badInput(source, 'expected an array of videos, as LAV-DF and AV-Deepfake1M metadata are');
  const videos: PreVideo[] = [];
  const used = new Set<string>();
  const seen = new Map<string, number>();
  raw.forEach((item, i) => {
    const parsed = EntrySchema.safeParse(item);
    if (!parsed.success) zodFail(source, [i], parsed.error);
    const e = parsed.data;
    const where = `${source}: [${i}]`;
    const key = e.sha256 ? `sha:${e.sha256.toLowerCase()}` : `file:${e.file}`;
    const before = seen.get(key);
    if (before !== undefined) badInput(where, `${e.sha256 ? `sha256 ${e.sha256}` : `file ${e.file}`} is already given by entry [${before}]`);
    seen.set(key, i);

    const all = e.fake_periods ?? e.fake_segments;
    const allKey = e.fake_periods ? 'fake_periods' : 'fake_segments';
    if (!all) badInput(where, 'fake_periods (LAV-DF) or fake_segments (AV-Deepfake1M) is missing');
    if (e.n_fakes !== undefined && e.n_fakes !== all.length) {
      badInput(`${where}.n_fakes`, `n_fakes is ${e.n_fakes} but ${allKey} has ${all.length} period${all.length === 1 ? '' : 's'}`);
    }
    const annotations: PreAnnotation[] = [];
    const segment = (label: string, p: [number, number], at: string) => {
      used.add(label);
      annotations.push({ kind: 'segment', label, span: { unit: 'seconds', start: p[0], end: p[1] }, attributes: {}, note: '', annotator: null, where: at });
    };
    if (e.visual_fake_segments !== undefined || e.audio_fake_segments !== undefined) {
      (e.visual_fake_segments ?? []).forEach((p, j) => segment(visualLabel, p, `${where}.visual_fake_segments[${j}]`));
      (e.audio_fake_segments ?? []).forEach((p, j) => segment(audioLabel, p, `${where}.audio_fake_segments[${j}]`));
    } else {
      const m = modality(e);
      all.forEach((p, j) => {
        const at = `${where}.${allKey}[${j}]`;
        if (!m || (!m.visual && !m.audio)) segment(unknownLabel, p, at);
        if (m?.visual) segment(visualLabel, p, at);
        if (m?.audio) segment(audioLabel, p, at);
      });
    }
    let verdict: Verdict | null;
    if (e.verdict !== undefined) verdict = e.verdict;
    else verdict = all.length > 0 ? { value: 'fake', method: 'unknown', confidence: null } : { value: 'real', method: null, confidence: null };
    if (verdict) annotations.push({ kind: 'verdict', verdict, note: '', annotator: null, where: e.verdict !== undefined ? `${where}.verdict` : where });

    const pv: PreVideo = { video: { file: e.file, where, ...(e.sha256 ? { sha256: e.sha256.toLowerCase() } : {}) }, annotations };
    if (e.original) pv.originalFile = e.original;
    if (e.original && e.original_sha256) pv.originalSha256 = e.original_sha256.toLowerCase();
    videos.push(pv);
  });
  const labelNames: Record<string, string> = {};
  for (const l of used) labelNames[l] = DEFAULT_NAMES[l] ?? l;
  return { format: 'lavdf', source, videos, labelNames };
}
