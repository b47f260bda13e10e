import { pathToFileURL } from 'node:url';
import type { Annotation } from '../../../shared/annotations';
import { attrSafe, buildXml, xmlSafe } from '../import/xml';
import { spanMs, videoSlug, type ExportModel, type ExportVideo, type OutFile, type TextBuilder } from './model';

/**
 * ELAN Annotation Format 3.0 (EAFv3.0.xsd, "VERSION 3.0, December 2016";
 * docs/formats.md): one .eaf per video. Times are whole milliseconds
 * from frame 0, rounded from the stored pts (spanMs), an annotation over
 * frames [s, e] spanning [t(s), t(e + 1)). One tier per label (per label and
 * annotator when the video has several annotators) whose annotation values
 * come from a controlled vocabulary of the taxonomy; notes and attributes go
 * on dependent Symbolic_Association tiers, which ELAN shows under the label
 * tier and keeps on save.
 */

export const CV_ID = 'tellframe_labels';
export const LABEL_TYPE = 'tellframe_label';
export const DETAIL_TYPE = 'tellframe_detail';
export const LANG = 'und';
/** Suffixes of the dependent tiers: `<tier>/note` holds the note, `<tier>/attributes` the attributes as JSON. */
export const NOTE_SUFFIX = '/note';
export const ATTRS_SUFFIX = '/attributes';
/** PROPERTY names Tellframe writes in the HEADER (ELAN keeps HEADER properties on save). */
export const PROP = {
  sha256: 'tellframe:sha256', file: 'tellframe:file', frameCount: 'tellframe:frame_count', timeBase: 'tellframe:time_base',
  startPts: 'tellframe:start_pts', endPts: 'tellframe:end_pts', containerStart: 'tellframe:container_start_time',
  formatName: 'tellframe:format_name', verdict: 'tellframe:verdict', auditHead: 'tellframe:audit_head', tool: 'tellframe:tool',
  exportedBy: 'tellframe:exported_by', exportedAt: 'tellframe:exported_at',
} as const;

const MIME: Record<string, string> = {
  mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', mkv: 'video/x-matroska', webm: 'video/webm', avi: 'video/x-msvideo',
  ts: 'video/mp2t', mts: 'video/mp2t', m2ts: 'video/mp2t', mpg: 'video/mpeg', mpeg: 'video/mpeg', wmv: 'video/x-ms-wmv', ogv: 'video/ogg', flv: 'video/x-flv',
};
/** The MIME type ELAN is told for the media; ELAN's own fallback for unknown video is "video/*". */
export function mimeType(file: string): string {
  const ext = /\.([^.]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  return MIME[ext] ?? 'video/*';
}

/** The tier an annotation goes to: its label, or label@annotator when the video has several annotators. */
export function tierBase(a: Pick<Annotation, 'label' | 'annotator'>, several: boolean): string {
  return several ? `${a.label}@${a.annotator}` : a.label!;
}

interface Placed { a: Annotation; start: number; end: number; id: string }

/**
 * Annotations of one tier split into lanes that do not overlap: ELAN expects
 * the annotations of a top-level tier not to overlap, so an overlapping one
 * goes to `<tier>#2`, `#3`, … (greedy, by start time).
 */
function lanes(items: Placed[]): Placed[][] {
  const out: { end: number; items: Placed[] }[] = [];
  for (const p of [...items].sort((x, y) => x.start - y.start || x.end - y.end)) {
    const lane = out.find((l) => l.end <= p.start);
    if (lane) {
      lane.items.push(p);
      lane.end = p.end;
    } else out.push({ end: p.end, items: [p] });
  }
  return out.map((l) => l.items);
}

/** The document of one video. */
export function eafXml(model: ExportModel, v: ExportVideo): string {
  const marks = v.annotations.filter((a) => a.label !== null && a.kind !== 'verdict');
  const several = new Set(marks.map((a) => a.annotator)).size > 1;
  const slots: { id: string; value: number }[] = [];
  const placed: Placed[] = [];
  let annId = 0;
  for (const a of marks) {
    const { start, end } = spanMs(v, a);
    placed.push({ a, start, end, id: `a${++annId}` });
  }
  // Time slots in time order (ELAN's own files list them so), two per annotation.
  const bounds = placed.flatMap((p) => [{ p, which: 1 as const, value: p.start }, { p, which: 2 as const, value: p.end }]);
  bounds.sort((x, y) => x.value - y.value || x.which - y.which);
  const slotOf = new Map<Placed, { ref1: string; ref2: string }>();
  bounds.forEach((b, i) => {
    const id = `ts${i + 1}`;
    slots.push({ id, value: b.value });
    const s = slotOf.get(b.p) ?? { ref1: '', ref2: '' };
    if (b.which === 1) s.ref1 = id;
    else s.ref2 = id;
    slotOf.set(b.p, s);
  });

  const byTier = new Map<string, Placed[]>();
  for (const p of placed) {
    const t = tierBase(p.a, several);
    byTier.set(t, [...(byTier.get(t) ?? []), p]);
  }
  // Tiers in taxonomy order, then by annotator.
  const order = new Map(model.labels.map((l, i) => [l.id, i]));
  const tierNames = [...byTier.keys()].sort((x, y) => {
    const lx = order.get(byTier.get(x)![0]!.a.label!) ?? 0;
    const ly = order.get(byTier.get(y)![0]!.a.label!) ?? 0;
    return lx - ly || (x < y ? -1 : x > y ? 1 : 0);
  });
  const tiers: Record<string, unknown>[] = [];
  for (const base of tierNames) {
    lanes(byTier.get(base)!).forEach((lane, li) => {
      const tierId = li === 0 ? base : `${base}#${li + 1}`;
      const annotator = attrSafe(lane[0]!.a.annotator);
      tiers.push({
        '@_TIER_ID': attrSafe(tierId), '@_LINGUISTIC_TYPE_REF': LABEL_TYPE, '@_ANNOTATOR': annotator, '@_LANG_REF': LANG,
        ANNOTATION: lane.map((p) => ({
          ALIGNABLE_ANNOTATION: {
            '@_ANNOTATION_ID': p.id, '@_TIME_SLOT_REF1': slotOf.get(p)!.ref1, '@_TIME_SLOT_REF2': slotOf.get(p)!.ref2,
            '@_CVE_REF': `cve_${p.a.label}`, ANNOTATION_VALUE: p.a.label,
          },
        })),
      });
      const dependent = (suffix: string, value: (a: Annotation) => string) => {
        const refs = lane.filter((p) => value(p.a) !== '');
        if (!refs.length) return;
        tiers.push({
          '@_TIER_ID': attrSafe(tierId + suffix), '@_LINGUISTIC_TYPE_REF': DETAIL_TYPE, '@_PARENT_REF': attrSafe(tierId), '@_ANNOTATOR': annotator,
          ANNOTATION: refs.map((p) => ({
            REF_ANNOTATION: { '@_ANNOTATION_ID': `a${++annId}`, '@_ANNOTATION_REF': p.id, ANNOTATION_VALUE: xmlSafe(value(p.a)) },
          })),
        });
      };
      dependent(NOTE_SUFFIX, (a) => a.note);
      dependent(ATTRS_SUFFIX, (a) => (Object.keys(a.attributes).length ? JSON.stringify(a.attributes) : ''));
    });
  }

  const { exported } = model;
  const verdicts = v.verdicts ?? (v.verdict ? [v.verdict] : []);
  const props: [string, string][] = [
    ['URN', `urn:sha256:${v.sha256}`],
    ['lastUsedAnnotationId', String(annId)],
    [PROP.sha256, v.sha256], [PROP.file, v.file], [PROP.frameCount, String(v.frameCount)],
    [PROP.timeBase, `${v.timeBase.num}/${v.timeBase.den}`], [PROP.startPts, String(v.startPts)], [PROP.endPts, String(v.endPts)],
    [PROP.containerStart, String(v.containerStartTime)], [PROP.formatName, v.formatName],
    ...verdicts.map((d): [string, string] => [PROP.verdict, JSON.stringify({ ...d.verdict, annotator: d.annotator, note: d.note })]),
    [PROP.auditHead, exported.auditHead], [PROP.tool, exported.tool], [PROP.exportedBy, exported.by], [PROP.exportedAt, exported.at],
  ];
  // TIME_ORIGIN: where annotation time 0 (frame 0) lies in the media as a player counts it (from the container's start).
  const frame0 = (v.startPts * v.timeBase.num) / v.timeBase.den;
  const origin = Math.round((frame0 - v.containerStartTime) * 1000);
  const media: Record<string, string> = { '@_MEDIA_URL': pathToFileURL(v.path).href, '@_MIME_TYPE': mimeType(v.file) };
  if (origin > 0) media['@_TIME_ORIGIN'] = String(origin);

  return buildXml('ANNOTATION_DOCUMENT', {
    '@_AUTHOR': attrSafe(exported.by), '@_DATE': exported.at, '@_FORMAT': '3.0', '@_VERSION': '3.0',
    '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', '@_xsi:noNamespaceSchemaLocation': 'http://www.mpi.nl/tools/elan/EAFv3.0.xsd',
    HEADER: {
      '@_MEDIA_FILE': '', '@_TIME_UNITS': 'milliseconds',
      MEDIA_DESCRIPTOR: media,
      PROPERTY: props.map(([name, value]) => ({ '@_NAME': name, '#text': xmlSafe(value) })),
    },
    TIME_ORDER: { TIME_SLOT: slots.map((s) => ({ '@_TIME_SLOT_ID': s.id, '@_TIME_VALUE': String(s.value) })) },
    TIER: tiers,
    LINGUISTIC_TYPE: [
      { '@_LINGUISTIC_TYPE_ID': LABEL_TYPE, '@_TIME_ALIGNABLE': 'true', '@_GRAPHIC_REFERENCES': 'false', '@_CONTROLLED_VOCABULARY_REF': CV_ID },
      { '@_LINGUISTIC_TYPE_ID': DETAIL_TYPE, '@_TIME_ALIGNABLE': 'false', '@_CONSTRAINTS': 'Symbolic_Association', '@_GRAPHIC_REFERENCES': 'false' },
    ],
    LANGUAGE: { '@_LANG_ID': LANG, '@_LANG_DEF': 'http://cdb.iso.org/lg/CDB-00130975-001', '@_LANG_LABEL': 'undetermined (und)' },
    CONSTRAINT: { '@_STEREOTYPE': 'Symbolic_Association', '@_DESCRIPTION': '1-1 association with a parent annotation' },
    CONTROLLED_VOCABULARY: {
      '@_CV_ID': CV_ID,
      DESCRIPTION: { '@_LANG_REF': LANG, '#text': 'Tellframe taxonomy: deepfake tells' },
      CV_ENTRY_ML: model.labels.map((l) => ({
        '@_CVE_ID': `cve_${l.id}`,
        CVE_VALUE: { '@_LANG_REF': LANG, '@_DESCRIPTION': attrSafe(l.description || l.name), '#text': l.id },
      })),
    },
  });
}

/** ELAN EAF 3.0: `<sha12>_<stem>.eaf` per video (in `elan/` beside other formats). */
export const buildElan: TextBuilder = (model) => {
  const out: OutFile[] = [];
  for (const v of model.videos) out.push({ path: `${videoSlug(v)}.eaf`, data: eafXml(model, v) });
  return out;
};
