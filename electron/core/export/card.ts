import { EXPORT_FORMAT_TITLES, SPLITS, type ExportOptions } from '../../../shared/exportFormats';
import type { AttributeDef } from '../../../shared/annotations';
import { mergePts } from './lavdf';
import { seconds, type ExportModel } from './model';

/**
 * The dataset card (README.md) and the checksum manifest (MANIFEST.sha256)
 * of a dataset build. The card follows the spirit of "Datasheets for
 * Datasets" (Gebru et al., 2021) and Hugging Face dataset cards: what is in
 * it, how it was made, by whom and with what. Every count is computed from
 * the export model; every duration from stored pts.
 *
 * Label names, descriptions, annotator names and the like are user input:
 * they are escaped so they cannot break a table or inject markup.
 */

/** User text for Markdown: HTML and Markdown punctuation escaped; in a table cell, newlines become <br>, elsewhere spaces. */
export function mdEscape(text: string, inTable = false): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Enough to stop emphasis, code, links and images (their brackets), strike-through and table cells.
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, inTable ? '<br>' : ' ');
}

const cell = (s: string) => mdEscape(s, true);

function table(head: string[], rows: string[][]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Seconds with millisecond precision, and h:mm:ss.mmm beside them for long totals. */
function secs(s: number): string {
  return s.toFixed(3);
}
function clock(s: number): string {
  const ms = Math.round(s * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sec = (ms % 60_000) / 1000;
  return `${h}:${String(m).padStart(2, '0')}:${sec.toFixed(3).padStart(6, '0')}`;
}

function attrText(a: AttributeDef): string {
  switch (a.type) {
    case 'choice':
      return `${a.id} (choice: ${a.options.join(', ')})`;
    case 'number':
      return `${a.id} (number${a.min !== null || a.max !== null ? ` ${a.min ?? '−∞'}–${a.max ?? '∞'}` : ''})`;
    default:
      return `${a.id} (${a.type})`;
  }
}

export interface CardStats {
  videos: number;
  frames: number;
  duration: number;
  byVerdict: Record<'real' | 'fake' | 'uncertain' | 'none', number>;
  bySplit: Record<string, { videos: number; duration: number; real: number; fake: number; uncertain: number; none: number }>;
  byLabel: Map<string, { annotations: number; videos: number; seconds: number }>;
  byKind: Record<'segment' | 'frame_tag' | 'region_track', number>;
  byAnnotator: Map<string, { annotations: number; verdicts: number }>;
}

/** The counts the card shows (exported for tests and for other reports). */
export function cardStats(model: ExportModel): CardStats {
  const st: CardStats = {
    videos: model.videos.length, frames: 0, duration: 0,
    byVerdict: { real: 0, fake: 0, uncertain: 0, none: 0 },
    bySplit: {},
    byLabel: new Map(model.labels.map((l) => [l.id, { annotations: 0, videos: 0, seconds: 0 }])),
    byKind: { segment: 0, frame_tag: 0, region_track: 0 },
    byAnnotator: new Map(),
  };
  const annotator = (name: string) => {
    let a = st.byAnnotator.get(name);
    if (!a) st.byAnnotator.set(name, (a = { annotations: 0, verdicts: 0 }));
    return a;
  };
  for (const v of model.videos) {
    st.frames += v.frameCount;
    st.duration += v.duration;
    const verdict = v.verdict?.verdict?.value ?? 'none';
    st.byVerdict[verdict]++;
    const key = v.split ?? 'none';
    const s = (st.bySplit[key] ??= { videos: 0, duration: 0, real: 0, fake: 0, uncertain: 0, none: 0 });
    s.videos++;
    s.duration += v.duration;
    s[verdict]++;
    const perLabel = new Map<string, { startPts: number; endPts: number }[]>();
    for (const a of v.annotations) {
      if (a.kind === 'verdict' || a.label === null) continue;
      st.byKind[a.kind]++;
      annotator(a.annotator).annotations++;
      const spans = perLabel.get(a.label) ?? [];
      spans.push(a);
      perLabel.set(a.label, spans);
    }
    for (const [label, spans] of perLabel) {
      let l = st.byLabel.get(label);
      if (!l) st.byLabel.set(label, (l = { annotations: 0, videos: 0, seconds: 0 }));
      l.annotations += spans.length;
      l.videos++;
      // Covered time: the union of the label's spans on this video, so overlaps count once.
      for (const [a, b] of mergePts(spans)) l.seconds += seconds(v, b) - seconds(v, a);
    }
    const verdicts = v.verdicts ?? (v.verdict ? [v.verdict] : []);
    for (const a of verdicts) annotator(a.annotator).verdicts++;
  }
  return st;
}

export function buildDatasetCard(model: ExportModel, info: { formats: string[]; options: ExportOptions; files?: never }): string {
  const st = cardStats(model);
  const e = model.exported;
  const out: string[] = [];
  out.push('# Dataset card', '');
  out.push(
    `Exported ${mdEscape(e.at)} by ${mdEscape(e.by)} with ${mdEscape(e.tool)}.`,
    `ffmpeg: ${e.ffmpeg ? mdEscape(e.ffmpeg) : 'not used (no frame was decoded for this export)'}.`,
    `Audit chain head when the snapshot was taken: \`${e.auditHead.replace(/[^0-9a-fA-F]/g, '')}\`.`,
    '',
  );

  out.push('## Summary', '');
  out.push(
    `- Videos: ${st.videos}`,
    `- Total duration: ${secs(st.duration)} s (${clock(st.duration)}), from stored pts`,
    `- Frames: ${st.frames}`,
    `- Annotations: ${st.byKind.segment + st.byKind.frame_tag + st.byKind.region_track} (segments ${st.byKind.segment}, frame tags ${st.byKind.frame_tag}, region tracks ${st.byKind.region_track})`,
    `- Videos with a verdict: ${st.videos - st.byVerdict.none}`,
    '',
  );

  out.push('## Verdicts', '');
  out.push(table(['verdict', 'videos'], (['fake', 'real', 'uncertain', 'none'] as const).map((k) => [k === 'none' ? 'no verdict' : k, String(st.byVerdict[k])])), '');

  out.push('## Splits', '');
  const splitKeys = [...SPLITS, 'none'].filter((k) => st.bySplit[k]);
  if (!info.options.split) out.push('No split was built: every video is unassigned (formats that need a split name write "train").', '');
  out.push(
    table(
      ['split', 'videos', 'duration (s)', 'fake', 'real', 'uncertain', 'no verdict'],
      splitKeys.map((k) => {
        const s = st.bySplit[k]!;
        return [k === 'none' ? 'unassigned' : k, String(s.videos), secs(s.duration), String(s.fake), String(s.real), String(s.uncertain), String(s.none)];
      }),
    ),
    '',
  );

  out.push('## Labels', '');
  out.push('Covered seconds: per video the union of the label\'s spans, each [t(start), t(end + 1)) from stored pts; summed over videos.', '');
  out.push(
    table(
      ['label', 'name', 'annotations', 'videos', 'covered seconds'],
      model.labels
        .filter((l) => !l.retired || (st.byLabel.get(l.id)?.annotations ?? 0) > 0)
        .map((l) => {
          const c = st.byLabel.get(l.id)!;
          return [`\`${l.id}\``, cell(l.name), String(c.annotations), String(c.videos), secs(c.seconds)];
        }),
    ),
    '',
  );

  out.push('## Annotators', '');
  const annotators = [...st.byAnnotator.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  out.push(annotators.length ? table(['annotator', 'annotations', 'verdicts'], annotators.map(([n, c]) => [cell(n), String(c.annotations), String(c.verdicts)])) : 'No annotations.', '');

  out.push('## Taxonomy', '');
  out.push(
    table(
      ['id', 'name', 'scope', 'description', 'attributes', 'status'],
      model.labels.map((l) => [
        `\`${l.id}\``, cell(l.name), l.scope, cell(l.description), cell(l.attributes.map(attrText).join('; ')),
        l.mergedInto ? `merged into \`${l.mergedInto}\`` : l.retired ? 'retired' : 'active',
      ]),
    ),
    '',
  );

  out.push('## How it was made', '');
  out.push('- Formats:');
  for (const f of info.formats) {
    const title = (EXPORT_FORMAT_TITLES as Record<string, string>)[f];
    out.push(`  - \`${mdEscape(f)}\`${title ? `: ${mdEscape(title)}` : ''}`);
  }
  out.push(
    '- Frame truth: frame i is the i-th frame (0-based) ffmpeg decodes from the first video stream with `-fps_mode passthrough`. ' +
      'Every time is measured in seconds from frame 0\'s presentation timestamp and comes from the stored timestamps (never index × fps); ' +
      'a span of frames [s, e] covers [t(s), t(e + 1)), where t(frameCount) is the end of the last frame. ' +
      'Each video\'s time base and the container\'s start time are kept in the formats that have a place for them.',
  );
  const sp = info.options.split;
  if (sp) {
    const total = sp.train + sp.val + sp.test;
    const pct = (x: number) => `${((100 * x) / total).toFixed(1)} %`;
    out.push(
      `- Splits: train ${pct(sp.train)}, val ${pct(sp.val)}, test ${pct(sp.test)} (ratios ${sp.train} / ${sp.val} / ${sp.test}), seed ${sp.seed}. ` +
        'Videos are grouped so that one video (by id or content hash), an original and every fake made from it, and one source identity ' +
        'never straddle two splits. Groups are stratified by verdict (fake if any member is fake, else real if any is real, else the rest); ' +
        'within each stratum they are shuffled with the seed (mulberry32), ordered largest first and each given to the split furthest below ' +
        'its target. The same videos and seed give the same splits.',
    );
  } else {
    out.push('- Splits: none built.');
  }
  if (info.formats.includes('lavdf')) {
    out.push(`- LAV-DF / AV-Deepfake1M: audio labels ${model.audioLabels.map((l) => `\`${mdEscape(l)}\``).join(', ') || '(none)'}; every other frame-scope label counts as visual.`);
  }
  out.push('- Integrity: `MANIFEST.sha256` lists the SHA-256 of every file; check it with `sha256sum -c MANIFEST.sha256` in this folder.', '');
  return out.join('\n');
}

/**
 * MANIFEST.sha256 in the format `sha256sum -c` reads: "<hex>  <path>" per
 * line, paths sorted and '/'-separated. A path with a newline or a
 * backslash is written as GNU coreutils does: the line starts with '\' and
 * the name has them escaped as "\n" and "\\".
 */
export function buildManifest(files: { path: string; sha256: string }[]): string {
  const rows = files.map((f) => {
    if (!/^[0-9a-fA-F]{64}$/.test(f.sha256)) throw new RangeError(`not a SHA-256 for ${f.path}: ${f.sha256}`);
    // Paths come '/'-separated; a backslash is part of a file name (legal on POSIX) and is escaped below, GNU style.
    const p = f.path;
    if (p === '' || p.startsWith('/') || p.split('/').includes('..')) throw new RangeError(`manifest paths must be relative, inside the folder: ${f.path}`);
    return { path: p, sha256: f.sha256.toLowerCase() };
  });
  rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return rows
    .map((r) => {
      if (/[\n\r\\]/.test(r.path)) return `\\${r.sha256}  ${r.path.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}\n`;
      return `${r.sha256}  ${r.path}\n`;
    })
    .join('');
}
