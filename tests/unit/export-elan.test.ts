import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { buildElan } from '../../electron/core/export/elan';
import { videoSlug } from '../../electron/core/export/webvtt';
import type { ExportModel, ExportVideo } from '../../electron/core/export/model';
import { parseElan } from '../../electron/core/import/elan';
import { MAX_XML_BYTES } from '../../electron/core/import/types';
import { referenceDecode } from '../fixtures/videos';
import { makeExportProject, type ExportProject } from '../integration/exportProject';
import { tempDir } from '../integration/helpers';
import { exportModel, PTS } from './fixtures/exportModel';
import { badInput } from './fixtures/badInput';

const XSD = path.resolve(__dirname, '../fixtures/validators/EAFv3.0.xsd');
const SHARED_XSD = path.resolve(__dirname, '../../../shared/validators/EAFv3.0.xsd');
const options = ExportOptionsSchema.parse({ formats: ['elan'], out: '/tmp/x' });
type Node = Record<string, unknown>;
const reader = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, trimValues: false,
  isArray: (name, _p, _leaf, isAttribute) => !isAttribute && ['TIER', 'ANNOTATION', 'TIME_SLOT', 'PROPERTY', 'CV_ENTRY_ML', 'LINGUISTIC_TYPE'].includes(name),
});
const read = (xml: string) => (reader.parse(xml) as { ANNOTATION_DOCUMENT: Node }).ANNOTATION_DOCUMENT;

/** xmllint against the official schema; the test fails (not skips) when xmllint is missing. */
function validate(files: { path: string; data: string | Uint8Array | readonly string[] }[]): void {
  const dir = path.join(tempDir('tellframe-elan-'), 'out');
  const paths = files.map((f) => {
    const p = path.join(dir, f.path);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, typeof f.data === 'string' || f.data instanceof Uint8Array ? f.data : f.data.join(''));
    return p;
  });
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, ...paths], { encoding: 'utf8' });
  expect(r.error, 'xmllint (libxml2-utils) must be installed').toBeUndefined();
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr.trim().split('\n')).toEqual(paths.map((p) => `${p} validates`));
}

/** Each annotation's times from the document: id → [ms, ms]. */
function times(doc: Node): Map<string, { tier: string; value: string; start: number; end: number }> {
  const order = doc.TIME_ORDER;
  const list = typeof order === 'object' ? ((order as Node).TIME_SLOT as Node[] | undefined) : undefined;
  const slots = new Map((list ?? []).map((s) => [s.TIME_SLOT_ID, Number(s.TIME_VALUE)]));
  const out = new Map<string, { tier: string; value: string; start: number; end: number }>();
  for (const t of (doc.TIER as Node[] | undefined) ?? []) {
    for (const a of (t.ANNOTATION as Node[] | undefined) ?? []) {
      const al = a.ALIGNABLE_ANNOTATION as Node | undefined;
      if (!al) continue;
      out.set(al.ANNOTATION_ID as string, { tier: t.TIER_ID as string, value: al.ANNOTATION_VALUE as string, start: slots.get(al.TIME_SLOT_REF1)!, end: slots.get(al.TIME_SLOT_REF2)! });
    }
  }
  return out;
}


describe('ELAN EAF 3.0 export', () => {
  const model = exportModel();
  const files = buildElan(model, options);
  const docOf = (v: ExportVideo) => read(String(files.find((f) => f.path === `${videoSlug(v)}.eaf`)!.data));

  it('keeps a byte-identical copy of the official XSD for clean clones', () => {
    expect(existsSync(XSD)).toBe(true);
    if (existsSync(SHARED_XSD)) expect(readFileSync(XSD).equals(readFileSync(SHARED_XSD))).toBe(true);
    expect(readFileSync(XSD, 'utf8')).toContain('VERSION 3.0');
  });

  it('writes one file per video that validates against EAFv3.0.xsd', () => {
    expect(files.map((f) => f.path)).toEqual(['111111111111_clip_one_quoted.eaf', '222222222222_uni.eaf', '333333333333_002_fake.eaf']);
    validate(files);
  });

  it('gives every time in whole milliseconds from the stored pts: [t(s), t(e + 1)) from frame 0', () => {
    for (const v of model.videos) {
      const pts = PTS[v.id]!;
      const t = (f: number) => Math.round((((pts[f]! - pts[0]!) * v.timeBase.num) / v.timeBase.den) * 1000);
      const got = [...times(docOf(v)).values()].sort((a, b) => a.start - b.start || a.end - b.end || (a.value < b.value ? -1 : 1));
      const want = v.annotations.map((a) => ({ value: a.label, start: t(a.startFrame), end: t(a.endFrame + 1) }))
        .sort((a, b) => a.start - b.start || a.end - b.end || (a.value! < b.value! ? -1 : 1));
      expect(got.map(({ value, start, end }) => ({ value, start, end }))).toEqual(want);
    }
    // Spot check on the VFR video with a non-zero first pts: frame 7 is [(36366−12345)/90, (42372−12345)/90) ms.
    const blink = [...times(docOf(model.videos[0]!)).values()].find((x) => x.value === 'blink_anomaly')!;
    expect([blink.start, blink.end]).toEqual([267, 334]);
  });

  it('has one tier per label, per label and annotator when there are several, with the label vocabulary', () => {
    const d1 = docOf(model.videos[0]!);
    const tiers = (d1.TIER as Node[]).filter((t) => !t.PARENT_REF);
    expect(tiers.map((t) => t.TIER_ID).sort()).toEqual([
      'audio_anomaly@bob', 'blink_anomaly@alice', 'edge_artifact@alice', 'facial_distortion@bob', 'lip_sync_mismatch@alice', 'metadata_anomaly@alice', 'skin_tone_anomaly@alice',
    ]);
    for (const t of tiers) {
      expect(t.ANNOTATOR).toBe((t.TIER_ID as string).split('@')[1]);
      expect(t.LINGUISTIC_TYPE_REF).toBe('tellframe_label');
    }
    const d3 = docOf(model.videos[2]!);
    expect((d3.TIER as Node[]).filter((t) => !t.PARENT_REF).map((t) => [t.TIER_ID, t.ANNOTATOR])).toEqual([['blur_anomaly', 'alice']]);
    const cv = d1.CONTROLLED_VOCABULARY as Node;
    const entries = cv.CV_ENTRY_ML as Node[];
    expect(entries.map((e) => (e.CVE_VALUE as Node)['#text'])).toEqual(model.labels.map((l) => l.id));
    expect((entries[0]!.CVE_VALUE as Node).DESCRIPTION).toBe(model.labels[0]!.description);
    expect(d1.LANGUAGE).toMatchObject({ LANG_ID: 'und' });
    expect((d1.LINGUISTIC_TYPE as Node[])[0]).toMatchObject({ CONTROLLED_VOCABULARY_REF: cv.CV_ID, TIME_ALIGNABLE: 'true' });
    // Notes and attributes on dependent tiers.
    const note = (d1.TIER as Node[]).find((t) => t.TIER_ID === 'lip_sync_mismatch@alice/note')!;
    expect(note.PARENT_REF).toBe('lip_sync_mismatch@alice');
    expect(((note.ANNOTATION as Node[])[0]!.REF_ANNOTATION as Node).ANNOTATION_VALUE).toBe('mouth "lags", then\nrecovers; <b>bold</b> & ünï 映像');
  });

  it('records the media, hashes, time base, start pts, container start, audit head and tool', () => {
    const v = model.videos[0]!;
    const d = docOf(v);
    expect(d).toMatchObject({ FORMAT: '3.0', VERSION: '3.0', AUTHOR: 'carol', 'xsi:noNamespaceSchemaLocation': 'http://www.mpi.nl/tools/elan/EAFv3.0.xsd' });
    const header = d.HEADER as Node;
    expect(header.MEDIA_DESCRIPTOR).toMatchObject({ MEDIA_URL: pathToFileURL(v.path).href, MIME_TYPE: 'video/mp4' });
    expect((read(String(files[1]!.data)).HEADER as Node).MEDIA_DESCRIPTOR).toMatchObject({ MIME_TYPE: 'video/x-matroska' });
    const props = Object.fromEntries((header.PROPERTY as Node[]).map((p) => [p.NAME, p['#text']]));
    expect(props).toMatchObject({
      'tellframe:sha256': v.sha256, 'tellframe:time_base': '1/90000', 'tellframe:start_pts': '12345', 'tellframe:end_pts': '48378',
      'tellframe:container_start_time': String(v.containerStartTime), 'tellframe:audit_head': model.exported.auditHead, 'tellframe:tool': model.exported.tool,
    });
    expect(JSON.parse(props['tellframe:verdict'] as string)).toEqual({ value: 'fake', method: 'face_swap', confidence: 0.9, annotator: 'alice', note: 'swap' });
  });

  it('moves overlapping annotations of one tier to extra tiers (#2), which still validate', () => {
    const m: ExportModel = exportModel();
    const v = m.videos[2]!;
    const pts = PTS[3]!;
    const base = v.annotations[0]!;
    v.annotations = [base, { ...base, id: 'b2', startFrame: 2, endFrame: 4, startPts: pts[2]!, endPts: pts[5]! }, { ...base, id: 'b3', startFrame: 4, endFrame: 4, startPts: pts[4]!, endPts: pts[5]! }];
    const out = buildElan(m, options);
    validate(out);
    const d = read(String(out[2]!.data));
    expect((d.TIER as Node[]).filter((t) => !t.PARENT_REF).map((t) => [t.TIER_ID, (t.ANNOTATION as Node[]).length])).toEqual([['blur_anomaly', 2], ['blur_anomaly#2', 1]]);
    const back = parseElan(String(out[2]!.data), 'x.eaf').videos[0]!.annotations;
    expect(back.map((a) => a.kind === 'segment' && [a.label, a.span.start, a.span.end])).toEqual([['blur_anomaly', 0.04, 0.16], ['blur_anomaly', 0.16, 0.2], ['blur_anomaly', 0.08, 0.2]]);
  });
});

describe('ELAN import', () => {
  it('reads back what the exporter wrote: labels, seconds within 0.5 ms of the pts, annotators, notes, attributes, the video', () => {
    const model = exportModel();
    for (const [i, f] of buildElan(model, options).entries()) {
      const v = model.videos[i]!;
      const pts = PTS[v.id]!;
      const t = (k: number) => ((pts[k]! - pts[0]!) * v.timeBase.num) / v.timeBase.den;
      const doc = parseElan(String(f.data), path.basename(f.path));
      expect(doc.format).toBe('elan');
      expect(doc.videos[0]!.video).toMatchObject({ sha256: v.sha256, file: v.file });
      const got = doc.videos[0]!.annotations;
      expect(got).toHaveLength(v.annotations.length);
      for (const a of v.annotations) {
        const match = got.find((g) => g.kind === 'segment' && g.label === a.label && g.annotator === a.annotator && Math.abs(g.span.start - t(a.startFrame)) <= 0.0005);
        expect(match, `${a.id} ${a.label}`).toBeDefined();
        if (match?.kind !== 'segment') continue;
        expect(match.span.unit).toBe('seconds');
        expect(Math.abs(match.span.end - t(a.endFrame + 1))).toBeLessThanOrEqual(0.0005);
        expect(match.note).toBe(a.note);
        expect(match.attributes).toEqual(a.attributes);
      }
    }
  });

  it('reads a foreign EAF 2.7 file: tiers named after labels, @annotator, values as notes, dependent tiers ignored', () => {
    const doc = parseElan(FOREIGN_EAF, 'session.eaf');
    expect(doc.videos[0]!.video).toEqual({ file: 'clip 1.mp4', where: 'session.eaf: ANNOTATION_DOCUMENT/HEADER' });
    expect(doc.labelNames).toEqual({ lip_sync: 'Lip sync', blink_anomaly: 'blink_anomaly' });
    expect(doc.videos[0]!.annotations.map((a) => a.kind === 'segment' && [a.label, a.span.start, a.span.end, a.annotator, a.note])).toEqual([
      ['lip_sync', 1.2, 2.5, 'dana', 'mouth lags'],
      ['lip_sync', 3, 3.04, 'dana', ''],
      ['blink_anomaly', 0.5, 0.54, 'eve', ''],
    ]);
  });

  it('refuses hostile or broken files with BAD_INPUT naming the element and the field', () => {
    const good = String(buildElan(exportModel(), options)[0]!.data);
    expect(badInput(() => parseElan(`<?xml version="1.0"?>\n<!DOCTYPE x [\n<!ENTITY lol "lol">]><ANNOTATION_DOCUMENT/>`, 'evil.eaf'))).toMatch(/^evil\.eaf: line 2: <!DOCTYPE> declarations are refused/);
    expect(badInput(() => parseElan(good.replace(' TIME_SLOT_REF1="ts9"', ''), 'a.eaf'))).toMatch(/^a\.eaf: ANNOTATION_DOCUMENT\/TIER\[@TIER_ID="blink_anomaly@alice"\]\/ALIGNABLE_ANNOTATION\[@ANNOTATION_ID="a3"\]: the attribute TIME_SLOT_REF1 is missing\.$/);
    expect(badInput(() => parseElan(good.replace('TIME_SLOT_ID="ts9" TIME_VALUE="267"', 'TIME_SLOT_ID="ts9" TIME_VALUE="2.67"'), 'a.eaf'))).toMatch(/TIME_ORDER\/TIME_SLOT\[9\]: attribute TIME_VALUE "2.67" is not whole milliseconds/);
    expect(badInput(() => parseElan(good.replace('TIME_SLOT_REF1="ts9"', 'TIME_SLOT_REF1="ts99"'), 'a.eaf'))).toMatch(/ANNOTATION_ID="a3"\]: attribute TIME_SLOT_REF1 "ts99" names no TIME_SLOT/);
    expect(badInput(() => parseElan(good.replace('TIME_SLOT_ID="ts9" TIME_VALUE="267"', 'TIME_SLOT_ID="ts9"'), 'a.eaf'))).toMatch(/TIME_SLOT_REF1: TIME_SLOT ts9 has no TIME_VALUE/);
    expect(badInput(() => parseElan(good.replace('{&quot;face_region&quot;:&quot;left_eye&quot;}', '{oops'), 'a.eaf'))).toMatch(/REF_ANNOTATION\[@ANNOTATION_ID="a9"\]: ANNOTATION_VALUE is not the JSON object of attributes/);
    expect(badInput(() => parseElan(good.replace('TIME_UNITS="milliseconds"', 'TIME_UNITS="PAL-frames"'), 'a.eaf'))).toMatch(/HEADER: attribute TIME_UNITS "PAL-frames"/);
    expect(badInput(() => parseElan(good.replace('<TIME_ORDER>', '<TIME_ORDER><TIME_ORDER>'), 'a.eaf'))).toMatch(/^a\.eaf: line \d+, column \d+:/);
    expect(badInput(() => parseElan(good.replace('<HEADER', '<HEADER x="&ext;"'), 'a.eaf'))).toMatch(/^a\.eaf: line 3: the entity reference &ext; is not allowed/);
    expect(badInput(() => parseElan('<ANNOTATION_DOCUMENT FORMAT="2.0"/>', 'a.eaf'))).toMatch(/attribute FORMAT 2\.0/);
    expect(badInput(() => parseElan('<ANNOTATION_DOCUMENT/>', 'a.eaf'))).toMatch(/ANNOTATION_DOCUMENT: the element <HEADER> is missing/);
    const big = '<'.repeat(MAX_XML_BYTES + 1);
    expect(badInput(() => parseElan(big, 'big.eaf'))).toMatch(/^big\.eaf: \d+ bytes; XML imports are limited to 67108864 bytes/);
  });
});

describe('ELAN export of a real project (ffmpeg fixtures)', () => {
  let p: ExportProject;
  beforeAll(async () => {
    p = await makeExportProject('tellframe-elan-');
  }, 300_000);
  afterAll(() => p?.core.close());

  it('validates against EAFv3.0.xsd and every TIME_VALUE is round(ms) of the decoded frames’ pts', async () => {
    const model = p.model();
    const files = buildElan(model, options);
    validate(files);
    for (const [i, f] of files.entries()) {
      const v = model.videos[i]!;
      const ref = await referenceDecode(v.path);
      const [num, den] = ref.timeBase.split('/').map(Number) as [number, number];
      expect(ref.pts.length).toBe(v.frameCount);
      const t = (k: number) => Math.round((((k < v.frameCount ? ref.pts[k]! : v.endPts) - ref.pts[0]!) * num) / den * 1000);
      const got = [...times(read(String(f.data))).values()].map(({ value, start, end }) => `${value} ${start}-${end}`).sort();
      const want = v.annotations.map((a) => `${a.label} ${t(a.startFrame)}-${t(a.endFrame + 1)}`).sort();
      expect(got).toEqual(want);
    }
  }, 300_000);
});

/** Shaped like a file ELAN 5 writes (EAF 2.7): no vocabulary, a transcription child tier, an old MEDIA_FILE. */
const FOREIGN_EAF = `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2019-05-01T12:00:00+01:00" FORMAT="2.7" VERSION="2.7" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv2.7.xsd">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <MEDIA_DESCRIPTOR MEDIA_URL="file:///C:/Users/dana/clip%201.mp4" MIME_TYPE="video/mp4" RELATIVE_MEDIA_URL="./clip%201.mp4"/>
        <PROPERTY NAME="URN">urn:nl-mpi-tools-elan-eaf:0a8b</PROPERTY>
        <PROPERTY NAME="lastUsedAnnotationId">5</PROPERTY>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="500"/>
        <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="540"/>
        <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="1200"/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="2500"/>
        <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="3000"/>
        <TIME_SLOT TIME_SLOT_ID="ts6" TIME_VALUE="3040"/>
        <TIME_SLOT TIME_SLOT_ID="ts7"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="Lip sync" ANNOTATOR="dana" PARTICIPANT="speaker A">
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
                <ANNOTATION_VALUE>mouth lags</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts5" TIME_SLOT_REF2="ts6">
                <ANNOTATION_VALUE></ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="words" PARENT_REF="Lip sync" TIER_ID="words">
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts7">
                <ANNOTATION_VALUE>hello</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="blink_anomaly@eve">
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a4" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
                <ANNOTATION_VALUE>blink_anomaly</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="empty tier 説明"/>
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Time_Subdivision" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="words" TIME_ALIGNABLE="true"/>
    <CONSTRAINT DESCRIPTION="Time subdivision of parent annotation's time interval, no time gaps allowed within this interval" STEREOTYPE="Time_Subdivision"/>
</ANNOTATION_DOCUMENT>
`;

