import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { normaliseKeyframes, shapeAt, type Annotation, type Keyframe } from '../../shared/annotations';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { buildCvatImages, buildCvatVideo, frameName } from '../../electron/core/export/cvat';
import { videoSlug } from '../../electron/core/export/webvtt';
import type { ExportModel, ExportVideo } from '../../electron/core/export/model';
import { parseCvatVideo } from '../../electron/core/import/cvat';
import { MAX_XML_BYTES, type PreAnnotation } from '../../electron/core/import/types';
import { exportModel, PTS } from './fixtures/exportModel';
import { badInput } from './fixtures/badInput';

const options = ExportOptionsSchema.parse({ formats: ['cvat-video'], out: '/tmp/x' });
type Node = Record<string, unknown>;
// An independent reading of the output: entities decoded by the library, repeated elements always arrays.
const reader = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, trimValues: false,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['track', 'box', 'polygon', 'points', 'attribute', 'label', 'image', 'tag', 'verdict'].includes(name),
});
const read = (xml: string) => (reader.parse(xml) as { annotations: Node }).annotations;
const fileOf = (model: ExportModel, v: ExportVideo, format: 'video' | 'images' = 'video') => {
  const f = (format === 'video' ? buildCvatVideo : buildCvatImages)(model, options).find((x) => x.path === `${videoSlug(v)}/annotations.xml`);
  return String(f!.data);
};
const attrsOf = (shape: Node) => Object.fromEntries((shape.attribute as Node[] ?? []).map((a) => [a.name, a['#text'] ?? '']));
const trackOf = (root: Node, id: string) => (root.track as Node[]).filter((t) => (t.box ?? t.polygon ?? t.points) && attrsOf(((t.box ?? t.polygon ?? t.points) as Node[])[0]!).tellframe_id === id);
const shapesOf = (t: Node) => (t.box ?? t.polygon ?? t.points) as Node[];

describe('CVAT for video 1.1 export', () => {
  const model = exportModel();
  const v1 = model.videos[0]!;
  const root = read(fileOf(model, v1));

  it('writes one annotations.xml per video (a CVAT task is one video) and the labels for CVAT’s raw label editor', () => {
    const paths = buildCvatVideo(model, options).map((f) => f.path);
    expect(paths).toEqual(['labels.json', '111111111111_clip_one_quoted/annotations.xml', '222222222222_uni/annotations.xml', '333333333333_002_fake/annotations.xml']);
    const raw = JSON.parse(String(buildCvatVideo(model, options)[0]!.data)) as { name: string; attributes: { name: string; input_type: string; values: string[] }[] }[];
    expect(raw.map((l) => l.name)).toEqual(model.labels.map((l) => l.id));
    const edge = raw.find((l) => l.name === 'edge_artifact')!;
    expect(edge.attributes.find((a) => a.name === 'seam_visible')).toMatchObject({ input_type: 'checkbox', values: ['false'] });
    expect(edge.attributes.find((a) => a.name === 'severity')).toMatchObject({ input_type: 'select', values: ['subtle', 'noticeable', 'obvious'] });
  });

  it('describes the task as CVAT does and records what CVAT has no place for', () => {
    expect(root.version).toBe('1.1');
    const meta = root.meta as Node;
    const task = meta.task as Node;
    expect(task).toMatchObject({ id: '1', name: v1.file, size: '10', mode: 'interpolation', start_frame: '0', stop_frame: '9', original_size: { width: '160', height: '120' } });
    expect(meta.source).toBe(v1.file);
    expect(meta.dumped).toBe(model.exported.at);
    const labels = (task.labels as Node).label as Node[];
    expect(labels.map((l) => l.name)).toEqual(model.labels.map((l) => l.id));
    const attrs = ((labels.find((l) => l.name === 'edge_artifact')!.attributes as Node).attribute as Node[]);
    const byName = Object.fromEntries(attrs.map((a) => [a.name, a]));
    expect(byName.severity).toMatchObject({ input_type: 'select', values: 'subtle\nnoticeable\nobvious' });
    expect(byName.confidence).toMatchObject({ input_type: 'number', values: '0;1;0.01' });
    expect(byName.seam_visible).toMatchObject({ input_type: 'checkbox' });
    expect(byName.face_region).toMatchObject({ input_type: 'select' });
    expect(byName.tellframe_id).toMatchObject({ input_type: 'text' });
    const tf = meta.tellframe as Node;
    expect(tf).toMatchObject({
      sha256: v1.sha256, time_base: '1/90000', start_pts: '12345', end_pts: '48378', audit_head: model.exported.auditHead, tool: model.exported.tool,
    });
    expect(Number(tf.container_start_time)).toBe(v1.containerStartTime);
    expect((tf.verdict as Node[])[0]).toMatchObject({ value: 'fake', method: 'face_swap', confidence: '0.9', '#text': 'swap' });
  });

  it('writes every frame of a region track from shapeAt, keyframe=1 on keyframes and outside=1 on the frame after it ends', () => {
    for (const a of v1.annotations.filter((x) => x.kind === 'region_track')) {
      const [t, ...more] = trackOf(root, a.id);
      expect(more).toEqual([]);
      expect(t!.label).toBe(a.label);
      expect(t!.source).toBe('manual');
      const shapes = shapesOf(t!);
      const ks = normaliseKeyframes(a.keyframes!);
      const inside = shapes.filter((s) => s.outside === '0').map((s) => Number(s.frame));
      const range = Array.from({ length: a.endFrame - a.startFrame + 1 }, (_, i) => a.startFrame + i);
      expect(inside).toEqual(range);
      for (const s of shapes) {
        const f = Number(s.frame);
        expect(s.keyframe).toBe(ks.some((k) => k.frame === f) ? '1' : '0');
        expect(s.occluded).toBe('0');
        const want = shapeAt(ks, f);
        if (s.outside === '1') {
          expect(want).toBeNull();
          continue;
        }
        if (want!.shape === 'box') {
          expect([s.xtl, s.ytl, s.xbr, s.ybr].map(Number)).toEqual([want!.points[0]![0], want!.points[0]![1], want!.points[1]![0], want!.points[1]![1]].map((x) => Math.round(x * 1e4) / 1e4));
        } else expect(s.points).toBe(want!.points.map((p) => p.join(',')).join(';'));
      }
      const last = ks[ks.length - 1]!;
      const outside = shapes.filter((s) => s.outside === '1').map((s) => Number(s.frame));
      expect(outside).toEqual(last.outside ? [a.endFrame + 1] : []);
    }
    // The box track: keyframes 1 and 4, interpolated between, outside on 6.
    const box = shapesOf(trackOf(root, 'a4')[0]!);
    expect(box.map((s) => [s.frame, s.keyframe, s.outside])).toEqual([['1', '1', '0'], ['2', '0', '0'], ['3', '0', '0'], ['4', '1', '0'], ['5', '0', '0'], ['6', '1', '1']]);
    expect([box[1]!.xtl, box[1]!.ybr]).toEqual(['12', '84']);
    expect(attrsOf(box[0]!)).toEqual({ seam_visible: 'true', face_region: 'jaw', tellframe_id: 'a4', tellframe_kind: 'region_track', tellframe_annotator: 'alice' });
    // Immutable attributes: on the track's first element only.
    expect(box.slice(1).some((s) => s.attribute)).toBe(false);
  });

  it('writes a segment as a track of the full-frame box from start, outside on end+1 only when that frame exists', () => {
    const lip = shapesOf(trackOf(root, 'a1')[0]!);
    expect(lip.map((s) => [s.frame, s.keyframe, s.outside])).toEqual([['2', '1', '0'], ['6', '1', '1']]);
    for (const s of lip) expect([s.xtl, s.ytl, s.xbr, s.ybr]).toEqual(['0', '0', '160', '120']);
    expect(attrsOf(lip[0]!)).toEqual({
      severity: 'obvious', confidence: '0.8', tellframe_id: 'a1', tellframe_kind: 'segment', tellframe_annotator: 'alice',
      tellframe_note: 'mouth "lags", then\nrecovers; <b>bold</b> & ünï 映像',
    });
    const audio = shapesOf(trackOf(root, 'a2')[0]!);
    expect(audio.map((s) => [s.frame, s.keyframe, s.outside])).toEqual([['0', '1', '0']]);
    expect(attrsOf(audio[0]!)).toEqual({ severity: 'subtle', tellframe_id: 'a2', tellframe_kind: 'segment', tellframe_annotator: 'bob' });
    const tag = shapesOf(trackOf(root, 'a3')[0]!);
    expect(tag.map((s) => [s.frame, s.keyframe, s.outside])).toEqual([['7', '1', '0'], ['8', '1', '1']]);
    expect(attrsOf(tag[0]!).tellframe_kind).toBe('frame_tag');
    // Verdicts are not tracks.
    expect((root.track as Node[]).length).toBe(v1.annotations.length);
  });
});

describe('CVAT for images 1.1 export', () => {
  it('lists each frame that carries a frame tag as frame_NNNNNN with a <tag> per frame tag', () => {
    const model = exportModel();
    const v1 = model.videos[0]!;
    const tag = v1.annotations.find((a) => a.kind === 'frame_tag')!;
    const pts = PTS[1]!;
    v1.annotations.push({ ...tag, id: 'b1', label: 'lip_sync_mismatch', attributes: { severity: 'subtle' }, note: '' });
    v1.annotations.push({ ...tag, id: 'b2', startFrame: 2, endFrame: 2, startPts: pts[2]!, endPts: pts[3]!, annotator: 'bob' });
    const root = read(fileOf(model, v1, 'images'));
    expect(root.track).toBeUndefined();
    const images = root.image as Node[];
    expect(images.map((i) => [i.id, i.name, i.width, i.height])).toEqual([['2', 'frame_000002', '160', '120'], ['7', 'frame_000007', '160', '120']]);
    expect((images[0]!.tag as Node[]).map((t) => [t.label, t.source, attrsOf(t).tellframe_annotator])).toEqual([['blink_anomaly', 'manual', 'bob']]);
    const seven = images[1]!.tag as Node[];
    expect(seven.map((t) => t.label)).toEqual(['blink_anomaly', 'lip_sync_mismatch']);
    expect(attrsOf(seven[0]!)).toEqual({ face_region: 'left_eye', tellframe_id: 'a3', tellframe_kind: 'frame_tag', tellframe_note: 'one-eyed blink', tellframe_annotator: 'alice' });
    expect(attrsOf(seven[1]!)).toEqual({ severity: 'subtle', tellframe_id: 'b1', tellframe_kind: 'frame_tag', tellframe_annotator: 'alice' });
    expect([frameName(123), frameName(1_234_567)]).toEqual(['frame_000123', 'frame_1234567']);
    // A video without frame tags still describes its task.
    const none = read(fileOf(model, model.videos[2]!, 'images'));
    expect(none.image).toBeUndefined();
    expect((none.meta as Node).source).toBe('002_fake.mp4');
  });
});

/** What the parser gives back, by Tellframe kind and label, comparable with the model. */
function summary(a: PreAnnotation): unknown {
  if (a.kind === 'segment') return { kind: a.kind, label: a.label, span: a.span, attributes: a.attributes, note: a.note, annotator: a.annotator };
  if (a.kind === 'frame_tag') return { kind: a.kind, label: a.label, frame: a.frame, attributes: a.attributes, note: a.note, annotator: a.annotator };
  if (a.kind === 'region_track') return { kind: a.kind, label: a.label, keyframes: a.keyframes.map((k) => ({ ...k, points: k.outside ? null : k.points })), attributes: a.attributes, note: a.note, annotator: a.annotator };
  return a;
}
function expected(a: Annotation): unknown {
  const base = { kind: a.kind, label: a.label, attributes: a.attributes, note: a.note, annotator: a.annotator };
  if (a.kind === 'segment') return { ...base, span: { unit: 'frame', start: a.startFrame, end: a.endFrame } };
  if (a.kind === 'frame_tag') return { ...base, frame: a.startFrame };
  return { ...base, keyframes: normaliseKeyframes(a.keyframes!).map((k) => ({ ...k, points: k.outside ? null : k.points })) };
}

describe('CVAT for video 1.1 import', () => {
  it('reads back what the exporter wrote: kinds, labels, frames, keyframes, attributes, notes, the video', () => {
    const model = exportModel();
    for (const v of model.videos) {
      const doc = parseCvatVideo(fileOf(model, v), 'annotations.xml');
      expect(doc.format).toBe('cvat-video');
      expect(doc.videos).toHaveLength(1);
      expect(doc.videos[0]!.video).toMatchObject({ sha256: v.sha256, file: v.file });
      expect(doc.videos[0]!.annotations.map(summary)).toEqual(v.annotations.map(expected));
      expect(doc.videos[0]!.annotations.every((a) => a.where.startsWith('annotations.xml: annotations/track[id='))).toBe(true);
    }
  });

  it('keeps a track that changes shape type (two CVAT tracks, one Tellframe track) and a track with a gap', () => {
    const model = exportModel();
    const v = model.videos[0]!;
    const pts = PTS[1]!;
    const mixed: Keyframe[] = [
      { frame: 0, shape: 'box', points: [[1, 2], [30, 40]], outside: false },
      { frame: 3, shape: 'polygon', points: [[5, 5], [40, 8], [22, 30]], outside: false },
      { frame: 5, shape: 'polygon', points: [[6, 6], [41, 9], [23, 31]], outside: true },
      { frame: 7, shape: 'polygon', points: [[7, 7], [42, 10], [24, 32]], outside: false },
    ];
    v.annotations = [{
      id: 'mix', videoId: 1, kind: 'region_track', label: 'edge_artifact', startFrame: 0, endFrame: 9, startPts: pts[0]!, endPts: pts[10]!,
      attributes: {}, note: '', annotator: 'alice', createdAt: '', updatedAt: '', keyframes: mixed,
    }];
    const xml = fileOf(model, v);
    const root = read(xml);
    expect((root.track as Node[]).map((t) => Object.keys(t).find((k) => ['box', 'polygon', 'points'].includes(k)))).toEqual(['box', 'polygon']);
    const poly = shapesOf((root.track as Node[])[1]!);
    expect(poly.map((s) => [s.frame, s.keyframe, s.outside])).toEqual([['3', '1', '0'], ['4', '0', '0'], ['5', '1', '1'], ['7', '1', '0'], ['8', '0', '0'], ['9', '0', '0']]);
    const back = parseCvatVideo(xml, 'mixed.xml').videos[0]!.annotations;
    expect(back).toHaveLength(1);
    expect(back[0]!.kind === 'region_track' && back[0]!.keyframes.map((k) => [k.frame, k.shape, k.outside])).toEqual([[0, 'box', false], [3, 'polygon', false], [5, 'polygon', true], [7, 'polygon', false]]);
  });

  it('reads a task dump as CVAT writes it (segments, owner, occluded, z_order, interpolated shapes, source="auto", group_id)', () => {
    const doc = parseCvatVideo(CVAT_TASK_DUMP, 'task_12.xml');
    expect(doc.videos).toHaveLength(1);
    expect(doc.videos[0]!.video).toEqual({ file: 'interview.mp4', where: 'task_12.xml: meta' });
    expect(doc.labelNames).toEqual({ face_swap_seam: 'Face Swap Seam', mouth: 'mouth' });
    const [seam, mouth, tag] = doc.videos[0]!.annotations;
    expect(seam).toMatchObject({
      kind: 'region_track', label: 'face_swap_seam', attributes: { visible: true, strength: 0.5, kind: 'blend & halo' }, note: '', annotator: null,
      keyframes: [
        { frame: 10, shape: 'box', points: [[100, 50], [200, 170.5]], outside: false },
        { frame: 12, shape: 'box', points: [[110, 60], [210, 180]], outside: false },
        { frame: 14, shape: 'box', points: [[110, 60], [210, 180]], outside: true },
      ],
    });
    expect(mouth).toMatchObject({ kind: 'region_track', label: 'mouth', keyframes: [{ frame: 3, shape: 'polygon', points: [[1, 2], [3, 4], [5, 6.25]], outside: false }] });
    expect(tag).toMatchObject({ kind: 'frame_tag', label: 'mouth', frame: 7 });
    // A task that starts later or keeps every Nth frame numbers frames otherwise: refused, not shifted.
    expect(badInput(() => parseCvatVideo(CVAT_TASK_DUMP.replace('<start_frame>0</start_frame>', '<start_frame>25</start_frame>'), 'task_12.xml'))).toMatch(/task_12\.xml: annotations\/meta\/task: start_frame is 25/);
    expect(badInput(() => parseCvatVideo(CVAT_TASK_DUMP.replace('<start_frame>0</start_frame>', '<start_frame>0</start_frame><frame_filter>step=5</frame_filter>'), 'task_12.xml'))).toMatch(/frame_filter "step=5"/);
  });

  it('reads a project dump: one video per task, tracks placed by task_id', () => {
    const doc = parseCvatVideo(CVAT_PROJECT_DUMP, 'project.xml');
    expect(doc.videos.map((v) => [v.video.file, v.annotations.map((a) => a.kind === 'region_track' && a.keyframes[0]!.frame)])).toEqual([
      ['b.mp4', [4]], ['a.mp4', [0]],
    ]);
  });

  it('refuses hostile or broken files with BAD_INPUT naming the element and the field', () => {
    const good = fileOf(exportModel(), exportModel().videos[0]!);
    const doctype = `<?xml version="1.0"?>\n<!DOCTYPE annotations [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<annotations>&x;</annotations>`;
    expect(badInput(() => parseCvatVideo(doctype, 'evil.xml'))).toMatch(/^evil\.xml: line 2: <!DOCTYPE> declarations are refused/);
    expect(badInput(() => parseCvatVideo('<annotations><version>1.1</version><!ENTITY a "b"></annotations>', 'e.xml'))).toMatch(/line 1: <!ENTITY>/);
    expect(badInput(() => parseCvatVideo(good.replace(' xtl="0"', ''), 'a.xml'))).toMatch(/^a\.xml: annotations\/track\[id=0\]\/box\[frame=2\]: the attribute xtl is missing\.$/);
    expect(badInput(() => parseCvatVideo(good.replace('xbr="62"', 'xbr="6x2"'), 'a.xml'))).toMatch(/track\[id=3\]\/box\[frame=4\]: attribute xbr "6x2" is not a number/);
    expect(badInput(() => parseCvatVideo(good.replace('<box frame="3"', '<box frame="-3"'), 'a.xml'))).toMatch(/track\[id=3\]\/box\[3\]: attribute frame "-3" is not a whole number/);
    expect(badInput(() => parseCvatVideo(good.replace('points="5,5;40,8;22,30"', 'points="5,5;40"'), 'a.xml'))).toMatch(/polygon\[frame=8\]: attribute points: "40" is not x,y/);
    expect(badInput(() => parseCvatVideo(good.replace('<attribute name="confidence">0.8', '<attribute name="confidence">high'), 'a.xml'))).toMatch(/track\[id=0\]\/box\[frame=2\]: attribute "confidence" "high" is not a number/);
    expect(badInput(() => parseCvatVideo(good.replace('<attribute name="seam_visible">true', '<attribute name="seam_visible">yes'), 'a.xml'))).toMatch(/box\[frame=1\]: attribute "seam_visible": "yes" is not true or false/);
    expect(badInput(() => parseCvatVideo(good.replace('keyframe="1"', 'keyframe="maybe"'), 'a.xml'))).toMatch(/box\[frame=2\]: attribute keyframe "maybe" is not 0 or 1/);
    expect(badInput(() => parseCvatVideo(good.replace('<track id="0"', '<track id="0" label="x" '), 'a.xml'))).toMatch(/^a\.xml: line \d+, column \d+: .*label/i);
    expect(badInput(() => parseCvatVideo(good.replace('</track>', '</tracks>'), 'a.xml'))).toMatch(/^a\.xml: line \d+, column \d+:/);
    expect(badInput(() => parseCvatVideo(good.replace('<attribute name="tellframe_note">one-eyed', '<attribute name="tellframe_note">&bogus; one-eyed'), 'a.xml'))).toMatch(/^a\.xml: line \d+: the entity reference &bogus; is not allowed/);
    expect(badInput(() => parseCvatVideo('<annotation/>', 'a.xml'))).toMatch(/root element is <annotation>, expected <annotations>/);
    expect(badInput(() => parseCvatVideo('<annotations><track id="1" label="x"><polyline frame="0" points="1,2;3,4" keyframe="1" outside="0"/></track></annotations>', 'a.xml'))).toMatch(/track\[id=1\]\/polyline: <polyline> shapes are not supported/);
    expect(badInput(() => parseCvatVideo('<annotations><meta><source>x.mp4</source></meta><image id="0" name="frame_000000"/></annotations>', 'a.xml'))).toMatch(/image: this is CVAT for images/);
    expect(badInput(() => parseCvatVideo('<annotations><version>2.0</version></annotations>', 'a.xml'))).toMatch(/version 2\.0 is not CVAT XML 1\.x/);
    expect(badInput(() => parseCvatVideo('<annotations><version>1.1</version></annotations>', 'a.xml'))).toMatch(/names no video/);
    const big = ' '.repeat(MAX_XML_BYTES + 1);
    expect(badInput(() => parseCvatVideo(big, 'big.xml'))).toMatch(/^big\.xml: \d+ bytes; XML imports are limited to 67108864 bytes/);
  });
});

/** Shaped like CVAT's own "CVAT for video 1.1" task dump (cvat/apps/dataset_manager/formats/cvat.py). */
const CVAT_TASK_DUMP = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task>
      <id>12</id>
      <name>interview batch</name>
      <size>20</size>
      <mode>interpolation</mode>
      <overlap>5</overlap>
      <bugtracker></bugtracker>
      <created>2024-03-01 10:00:00.000000+00:00</created>
      <updated>2024-03-02 10:00:00.000000+00:00</updated>
      <subset>Train</subset>
      <start_frame>0</start_frame>
      <stop_frame>19</stop_frame>
      <frame_filter></frame_filter>
      <segments>
        <segment>
          <id>31</id>
          <start>0</start>
          <stop>19</stop>
          <url>http://localhost:8080/api/jobs/31</url>
        </segment>
      </segments>
      <owner>
        <username>admin</username>
        <email>admin@example.com</email>
      </owner>
      <assignee></assignee>
      <labels>
        <label>
          <name>Face Swap Seam</name>
          <color>#fa3253</color>
          <type>rectangle</type>
          <attributes>
            <attribute>
              <name>visible</name>
              <mutable>True</mutable>
              <input_type>checkbox</input_type>
              <default_value>false</default_value>
              <values>false</values>
            </attribute>
            <attribute>
              <name>strength</name>
              <mutable>False</mutable>
              <input_type>number</input_type>
              <default_value>0</default_value>
              <values>0;1;0.5</values>
            </attribute>
            <attribute>
              <name>kind</name>
              <mutable>False</mutable>
              <input_type>text</input_type>
              <default_value></default_value>
              <values></values>
            </attribute>
          </attributes>
        </label>
        <label>
          <name>mouth</name>
          <color>#33ddff</color>
          <type>any</type>
          <attributes>
          </attributes>
        </label>
      </labels>
      <original_size>
        <width>640</width>
        <height>360</height>
      </original_size>
    </task>
    <dumped>2024-03-03 09:00:00.000000+00:00</dumped>
    <source>interview.mp4</source>
  </meta>
  <track id="0" label="Face Swap Seam" source="manual" group_id="2">
    <box frame="10" keyframe="1" outside="0" occluded="1" xtl="100.00" ytl="50.00" xbr="200.00" ybr="170.50" z_order="1">
      <attribute name="visible">true</attribute>
      <attribute name="strength">0.5</attribute>
      <attribute name="kind">blend &amp; halo</attribute>
    </box>
    <box frame="11" keyframe="0" outside="0" occluded="0" xtl="105.00" ytl="55.00" xbr="205.00" ybr="175.25" z_order="1">
      <attribute name="visible">true</attribute>
      <attribute name="strength">0.5</attribute>
      <attribute name="kind">blend &amp; halo</attribute>
    </box>
    <box frame="12" keyframe="1" outside="0" occluded="0" xtl="110.00" ytl="60.00" xbr="210.00" ybr="180.00" z_order="1">
      <attribute name="visible">false</attribute>
      <attribute name="strength">0.5</attribute>
      <attribute name="kind">blend &amp; halo</attribute>
    </box>
    <box frame="13" keyframe="0" outside="0" occluded="0" xtl="110.00" ytl="60.00" xbr="210.00" ybr="180.00" z_order="1">
      <attribute name="visible">false</attribute>
      <attribute name="strength">0.5</attribute>
      <attribute name="kind">blend &amp; halo</attribute>
    </box>
    <box frame="14" keyframe="1" outside="1" occluded="0" xtl="110.00" ytl="60.00" xbr="210.00" ybr="180.00" z_order="1">
      <attribute name="visible">false</attribute>
      <attribute name="strength">0.5</attribute>
      <attribute name="kind">blend &amp; halo</attribute>
    </box>
  </track>
  <track id="1" label="mouth" source="auto">
    <polygon frame="3" keyframe="1" outside="0" occluded="0" points="1.00,2.00;3.00,4.00;5.00,6.25" z_order="0">
    </polygon>
  </track>
  <tag frame="7" label="mouth" source="manual"></tag>
</annotations>
`;

/** Shaped like a CVAT project dump: `<meta><project>` with its tasks; tracks say which task they belong to. */
const CVAT_PROJECT_DUMP = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <project>
      <id>3</id>
      <name>tells</name>
      <created>2024-03-01 10:00:00+00:00</created>
      <labels>
        <label><name>blur_anomaly</name><color>#ff0000</color><type>any</type><attributes/></label>
      </labels>
      <tasks>
        <task><id>7</id><name>a.mp4</name><size>10</size><mode>interpolation</mode><subset>train</subset></task>
        <task><id>8</id><name>b.mp4</name><size>10</size><mode>interpolation</mode><subset>test</subset></task>
      </tasks>
    </project>
    <dumped>2024-03-03 09:00:00+00:00</dumped>
  </meta>
  <track id="0" label="blur_anomaly" source="manual" task_id="8" subset="test">
    <box frame="4" keyframe="1" outside="0" occluded="0" xtl="1" ytl="2" xbr="3" ybr="4" z_order="0"/>
  </track>
  <track id="1" label="blur_anomaly" source="manual" task_id="7" subset="train">
    <box frame="0" keyframe="1" outside="0" occluded="0" xtl="1" ytl="2" xbr="3" ybr="4" z_order="0"/>
  </track>
</annotations>
`;

describe('XML writing', () => {
  it('escapes the five predefined entities in every text and attribute value, and leaves numbers alone', async () => {
    const { buildXml, parseXml } = await import('../../electron/core/import/xml');
    const hostile = `a & b < c > d ' e " f &amp;`;
    const xml = buildXml('root', { item: { '@_name': hostile, '@_n': 12.5, '#text': hostile }, other: 7 });
    expect(xml).toContain('name="a &amp; b &lt; c &gt; d &apos; e &quot; f &amp;amp;"');
    expect(xml).toContain('n="12.5"');
    expect(xml).toContain('<other>7</other>');
    const back = parseXml(xml, 'test.xml', 'root');
    const item = back.need('item');
    expect(item.attr('name')).toBe(hostile);
    expect(item.text()).toBe(hostile);
  });
});
