import type { Attributes } from '../../../shared/annotations';
import { ATTRS_SUFFIX, NOTE_SUFFIX, PROP } from '../export/elan';
import { labelId } from './cvat';
import type { PreAnnotation, PreDocument, PreSpan, PreVideoRef } from './types';
import { parseXml, type XmlEl } from './xml';

/**
 * ELAN EAF 2.7–3.0 (EAFv3.0.xsd and its predecessors): top-level tiers
 * become segments in seconds (TIME_VALUE / 1000; the project snaps them to
 * frames through the stored pts). A tier whose linguistic type has a
 * controlled vocabulary gives each annotation's label by its value;
 * otherwise the tier id names the label (before any `@annotator` or `#lane`
 * suffix) and the value, when it says something else, becomes the note.
 * Dependent `<tier>/note` and `<tier>/attributes` tiers (what buildElan
 * writes) give notes and attributes back. All or nothing: the first problem
 * throws BAD_INPUT naming the element and the field.
 */

function timeValue(slot: XmlEl): number | null {
  const s = slot.attr('TIME_VALUE');
  if (s === undefined) return null;
  if (!/^\s*\d{1,10}\s*$/.test(s)) slot.fail(`attribute TIME_VALUE "${s.slice(0, 40)}" is not whole milliseconds`);
  return Number(s);
}

/** The video a document is about: sha256 from Tellframe's PROPERTY, file from the first MEDIA_DESCRIPTOR (or the old MEDIA_FILE). */
function videoRef(header: XmlEl, source: string): PreVideoRef {
  const ref: PreVideoRef = { where: `${source}: ${header.path}` };
  for (const p of header.all('PROPERTY')) {
    if (p.attr('NAME') === PROP.sha256) ref.sha256 = p.text().trim().toLowerCase();
  }
  const md = header.one('MEDIA_DESCRIPTOR');
  const url = md?.attr('MEDIA_URL') ?? md?.attr('RELATIVE_MEDIA_URL') ?? header.attr('MEDIA_FILE') ?? '';
  if (url) {
    let name = url.replace(/[?#].*$/, '').split(/[\\/]/).pop() ?? '';
    try {
      name = decodeURIComponent(name);
    } catch {
      (md ?? header).fail(`MEDIA_URL "${url.slice(0, 80)}" is not a valid URL`);
    }
    if (name) ref.file = name;
  }
  if (!ref.file) {
    const f = header.all('PROPERTY').find((p) => p.attr('NAME') === PROP.file);
    if (f) ref.file = f.text().trim();
  }
  if (!ref.file && !ref.sha256) header.fail('names no media file (MEDIA_DESCRIPTOR MEDIA_URL)');
  return ref;
}

/** Parse an EAF document into pre-annotations for its one video. */
export function parseElan(text: string, source: string): PreDocument {
  const root = parseXml(text, source, 'ANNOTATION_DOCUMENT');
  const format = root.attr('FORMAT') ?? root.attr('VERSION') ?? '';
  if (format && !/^(2\.[7-9]|3\.\d+)$/.test(format.trim())) root.fail(`attribute FORMAT ${format.slice(0, 20)}: EAF 2.7 to 3.0 are read`);
  const header = root.need('HEADER');
  const units = header.attr('TIME_UNITS');
  if (units !== undefined && units !== 'milliseconds') header.fail(`attribute TIME_UNITS "${units.slice(0, 40)}": only milliseconds are read`);
  const video = videoRef(header, source);
  // Whether Tellframe wrote it (its properties name the content): then times count from frame 0.
  const fromTellframe = header.all('PROPERTY').some((p) => p.attr('NAME') === PROP.sha256);
  const originAttr = header.one('MEDIA_DESCRIPTOR')?.attr('TIME_ORIGIN');
  const origin = originAttr === undefined ? 0 : Number(originAttr) / 1000;
  if (!Number.isFinite(origin)) header.need('MEDIA_DESCRIPTOR').fail(`attribute TIME_ORIGIN "${String(originAttr).slice(0, 40)}" is not a number of milliseconds`);

  const slots = new Map<string, number | null>();
  for (const s of root.need('TIME_ORDER').all('TIME_SLOT')) slots.set(s.needAttr('TIME_SLOT_ID'), timeValue(s));

  // Linguistic types with a controlled vocabulary: their tiers' values are labels.
  const cvTypes = new Set<string>();
  for (const t of root.all('LINGUISTIC_TYPE')) {
    if (t.attr('CONTROLLED_VOCABULARY_REF')) cvTypes.add(t.needAttr('LINGUISTIC_TYPE_ID'));
  }

  const labelNames: Record<string, string> = {};
  const tiers = root.all('TIER').map((t) => t.as(`ANNOTATION_DOCUMENT/TIER[@TIER_ID="${t.needAttr('TIER_ID').slice(0, 80)}"]`));
  // Notes and attributes on dependent tiers, by the id of the annotation they belong to.
  const notes = new Map<string, string>();
  const attrs = new Map<string, { value: string; el: XmlEl }>();
  for (const t of tiers) {
    if (!t.attr('PARENT_REF')) continue;
    const id = t.needAttr('TIER_ID');
    const into = id.endsWith(NOTE_SUFFIX) ? 'note' : id.endsWith(ATTRS_SUFFIX) ? 'attrs' : null;
    if (!into) continue;
    for (const a of t.all('ANNOTATION')) {
      const r = a.one('REF_ANNOTATION');
      if (!r) continue;
      const ref = r.needAttr('ANNOTATION_REF');
      const value = r.one('ANNOTATION_VALUE')?.text() ?? '';
      if (into === 'note') notes.set(ref, value);
      else attrs.set(ref, { value, el: r.as(`${t.path}/REF_ANNOTATION[@ANNOTATION_ID="${r.attr('ANNOTATION_ID') ?? ''}"]`) });
    }
  }

  const annotations: PreAnnotation[] = [];
  for (const t of tiers) {
    if (t.attr('PARENT_REF')) continue;
    const tierId = t.needAttr('TIER_ID');
    const at = tierId.indexOf('@');
    const base = (at >= 0 ? tierId.slice(0, at) : tierId).replace(/#\d+$/, '');
    const annotator = t.attr('ANNOTATOR')?.trim() || (at >= 0 ? tierId.slice(at + 1).replace(/#\d+$/, '') : '') || null;
    const byValue = cvTypes.has(t.needAttr('LINGUISTIC_TYPE_REF'));
    let tierLabel: string | null = null;
    for (const wrap of t.all('ANNOTATION')) {
      const al = wrap.one('ALIGNABLE_ANNOTATION');
      if (!al) continue;
      if (!byValue && tierLabel === null) {
        // Only a tier that marks something must name a label.
        tierLabel = labelId(base.trim(), t);
        labelNames[tierLabel] ??= base.trim();
      }
      const annId = al.needAttr('ANNOTATION_ID');
      const el = al.as(`${t.path}/ALIGNABLE_ANNOTATION[@ANNOTATION_ID="${annId.slice(0, 40)}"]`);
      const value = (el.one('ANNOTATION_VALUE')?.text() ?? '').trim();
      const time = (ref: string): number => {
        const id = el.needAttr(ref);
        if (!slots.has(id)) el.fail(`attribute ${ref} "${id.slice(0, 40)}" names no TIME_SLOT`);
        const ms = slots.get(id);
        if (ms === null || ms === undefined) return el.fail(`attribute ${ref}: TIME_SLOT ${id} has no TIME_VALUE`);
        return ms / 1000;
      };
      const start = time('TIME_SLOT_REF1');
      const end = time('TIME_SLOT_REF2');
      if (end < start) el.fail(`ends (${end * 1000} ms) before it starts (${start * 1000} ms)`);
      let label: string;
      let note = notes.get(annId) ?? '';
      if (tierLabel) {
        label = tierLabel;
        if (value && value !== tierLabel && !notes.has(annId)) note = value;
      } else {
        if (!value) el.fail('ANNOTATION_VALUE is empty (a tier with a controlled vocabulary names the label in each value)');
        label = labelId(value, el);
        labelNames[label] ??= value;
      }
      let attributes: Attributes = {};
      const raw = attrs.get(annId);
      if (raw) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.value);
        } catch {
          raw.el.fail('ANNOTATION_VALUE is not the JSON object of attributes');
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) raw.el.fail('ANNOTATION_VALUE is not a JSON object');
        for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
          if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) raw.el.fail(`attribute "${k.slice(0, 40)}" is not text, a number or true/false`);
        }
        attributes = parsed as Attributes;
      }
      // Tellframe's own EAFs count from frame 0; any other EAF counts on the media clock, shifted by TIME_ORIGIN.
      const span: PreSpan = fromTellframe ? { unit: 'seconds', start, end } : { unit: 'media', start: start + origin, end: end + origin };
      annotations.push({ kind: 'segment', label, span, attributes, note, annotator, where: `${source}: ${el.path}` });
    }
  }
  return { format: 'elan', source, videos: [{ video, annotations }], labelNames };
}
