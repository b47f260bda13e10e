import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Annotator } from '../../electron/core/annotate/annotations';
import { Core } from '../../electron/core/api';
import type { NewMedia } from '../../electron/core/project/store';
import { shapeAt, trackRange, type Keyframe } from '../../shared/annotations';
import type { NativeExport } from '../../shared/nativeJson';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'tellframe-annotate-'));

/** A 100-frame video at 1/90000 with 3600-tick frames, first pts 900 (so times start at 0 from frame 0, not from pts 0). */
function media(sha: string, frames = 100): NewMedia {
  const pts = Array.from({ length: frames }, (_, i) => 900 + i * 3600);
  return {
    path: `/videos/${sha.slice(0, 4)} clip.mp4`, sha256: sha, size: 10, mtimeMs: 1, probeJson: '{}', formatName: 'mp4', formatStartUs: 0,
    streamIndex: 0, codec: 'h264', pixFmt: 'yuv420p', width: 640, height: 480, tbNum: 1, tbDen: 90000, pts,
    key: pts.map((_, i) => i % 25 === 0), endPts: 900 + frames * 3600, vfr: false, indexMethod: 'packets', indexNotes: [],
  };
}

const SHA = 'a'.repeat(64);

function project(actor = 'ana'): { core: Core; file: string; id: number } {
  const file = path.join(tmp(), 'p.tellframe');
  const core = Core.create(file, { actor });
  const id = core.store.addMedia(media(SHA), actor);
  return { core, file, id };
}

const box = (frame: number, x: number, y: number, outside = false): Keyframe => ({ frame, shape: 'box', points: [[x, y], [x + 100, y + 50]], outside });

describe('annotations', () => {
  it('creates each kind keyed by exact frame with pts beside, annotator and times', async () => {
    const { core, id } = project();
    const seg = await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'lip_sync_mismatch', startFrame: 10, endFrame: 19, attributes: { severity: 'obvious', confidence: 0.8 }, note: 'mouth lags' });
    expect(seg).toMatchObject({ kind: 'segment', label: 'lip_sync_mismatch', startFrame: 10, endFrame: 19, startPts: 900 + 36000, endPts: 900 + 72000, annotator: 'ana', note: 'mouth lags' });
    const tag = await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blink_anomaly', frame: 99 });
    // The end of the last frame is the video's end pts.
    expect(tag).toMatchObject({ startFrame: 99, endFrame: 99, startPts: 900 + 99 * 3600, endPts: 900 + 100 * 3600 });
    const track = await core.call('annotations.create', { kind: 'region_track', videoId: id, label: 'edge_artifact', keyframes: [box(30, 10, 10), box(20, 0, 0), box(40, 0, 0, true)] });
    expect(track).toMatchObject({ startFrame: 20, endFrame: 39 });
    expect(track.keyframes!.map((k) => k.frame)).toEqual([20, 30, 40]);
    const verdict = await core.call('verdict.set', { videoId: id, value: 'fake', method: 'face_swap', confidence: 0.9, note: 'seams' });
    expect(verdict).toMatchObject({ kind: 'verdict', label: null, startFrame: 0, endFrame: 99, verdict: { value: 'fake', method: 'face_swap', confidence: 0.9 } });
    // Setting it again replaces the annotator's verdict.
    const again = await core.call('verdict.set', { videoId: id, value: 'uncertain' });
    expect(again.id).toBe(verdict.id);
    const list = await core.call('annotations.list', { videoId: id });
    // In frame order: the verdict covers the whole video from frame 0.
    expect(list.map((a) => a.kind)).toEqual(['verdict', 'segment', 'region_track', 'frame_tag']);
    core.close();
  });

  it('refuses what does not fit the video or the taxonomy, naming the problem', async () => {
    const { core, id } = project();
    const bad = (input: unknown) => core.dispatch('annotations.create', input);
    expect(await bad({ kind: 'segment', videoId: id, label: 'nope', startFrame: 1, endFrame: 2 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('nope') } });
    expect(await bad({ kind: 'segment', videoId: id, label: 'blink_anomaly', startFrame: 5, endFrame: 100 })).toMatchObject({ ok: false, error: { code: 'FRAME_OUT_OF_RANGE' } });
    expect(await bad({ kind: 'segment', videoId: id, label: 'blink_anomaly', startFrame: 5, endFrame: 4 })).toMatchObject({ ok: false, error: { code: 'FRAME_OUT_OF_RANGE' } });
    expect(await bad({ kind: 'segment', videoId: id, label: 'blink_anomaly', startFrame: 1, endFrame: 2, attributes: { severity: 'huge' } })).toMatchObject({ ok: false, error: { message: expect.stringContaining('severity must be one of subtle') } });
    expect(await bad({ kind: 'segment', videoId: id, label: 'blink_anomaly', startFrame: 1, endFrame: 2, attributes: { confidence: 2 } })).toMatchObject({ ok: false, error: { message: expect.stringContaining('at most 1') } });
    expect(await bad({ kind: 'region_track', videoId: id, label: 'blink_anomaly', keyframes: [{ frame: 1, shape: 'box', points: [[0, 0]] }] })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('two corner points') } });
    expect(await bad({ kind: 'region_track', videoId: id, label: 'blink_anomaly', keyframes: [box(1, 600, 0)] })).toMatchObject({ ok: false, error: { message: expect.stringContaining('outside the 640x480 picture') } });
    expect(await bad({ kind: 'frame_tag', videoId: 999, label: 'blink_anomaly', frame: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.call('annotations.list', { videoId: id })).toEqual([]);
    core.close();
  });

  it('moves, resizes and deletes, and undoes and redoes every kind, each change one audited transaction', async () => {
    const { core, id } = project();
    const auditBefore = core.store.auditEntries().length;
    const seg = await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'blur_anomaly', startFrame: 10, endFrame: 20 });
    const moved = await core.call('annotations.update', { id: seg.id, patch: { startFrame: 15, endFrame: 30 } });
    expect(moved).toMatchObject({ startFrame: 15, endFrame: 30, startPts: 900 + 15 * 3600 });
    const tag = await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blink_anomaly', frame: 3 });
    const tagMoved = await core.call('annotations.update', { id: tag.id, patch: { startFrame: 7 } });
    expect([tagMoved.startFrame, tagMoved.endFrame]).toEqual([7, 7]);
    const track = await core.call('annotations.create', { kind: 'region_track', videoId: id, label: 'edge_artifact', keyframes: [box(0, 0, 0)] });
    await core.call('annotations.update', { id: track.id, patch: { keyframes: [box(0, 0, 0), box(50, 100, 100, true)] } });
    await core.call('verdict.set', { videoId: id, value: 'real' });
    await core.call('annotations.delete', { id: seg.id });
    expect(core.store.auditEntries().length - auditBefore).toBe(8);
    expect((await core.call('history.state', {})).undo).toBe('Delete segment blur_anomaly');

    // Undo everything, step by step, back to an empty video.
    const titles: string[] = [];
    for (;;) {
      const r = await core.call('history.undo', {});
      if (!r.change) break;
      titles.push(r.change.title);
      expect(r.change.videoIds).toEqual([id]);
    }
    expect(titles).toEqual([
      'Delete segment blur_anomaly', 'Set verdict real', 'Change region track edge_artifact', 'Add region track edge_artifact',
      'Change frame tag blink_anomaly', 'Add frame tag blink_anomaly', 'Change segment blur_anomaly', 'Add segment blur_anomaly',
    ]);
    expect(await core.call('annotations.list', { videoId: id })).toEqual([]);
    // Redo three steps: the segment is back where it was moved to.
    for (let i = 0; i < 3; i++) await core.call('history.redo', {});
    const after = await core.call('annotations.list', { videoId: id });
    expect(after.map((a) => [a.kind, a.startFrame, a.endFrame])).toEqual([['frame_tag', 3, 3], ['segment', 15, 30]]);
    // A new change drops what was left to redo.
    await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'skin_tone_anomaly', frame: 1 });
    expect((await core.call('history.state', {})).redo).toBeNull();
    // The new step takes the place of the dropped ones: undo goes back through it to the steps kept.
    expect((await core.call('history.undo', {})).change?.title).toBe('Add frame tag skin_tone_anomaly');
    expect(await core.call('history.state', {})).toEqual({ undo: 'Add frame tag blink_anomaly', redo: 'Add frame tag skin_tone_anomaly' });
    await core.call('history.undo', {});
    expect((await core.call('annotations.list', { videoId: id })).map((a) => a.kind)).toEqual(['segment']);
    expect(core.store.verifyAudit().brokenAt).toBeNull();
    core.close();
  });

  it('keeps the newest steps: trimmed on a session\'s first change and again when the history has grown to twice the limit', async () => {
    const { core, id } = project();
    for (let f = 0; f < 5; f++) await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blur_anomaly', frame: f });
    const steps = () => (core.store.db.prepare('SELECT count(*) AS n FROM history').get() as { n: number }).n;
    expect(steps()).toBe(5);
    const session = new Annotator({ store: core.store, actor: () => 'ana', frames: (v) => core.store.frames(v), historyLimit: 3 });
    const counts: number[] = [];
    for (let f = 10; f < 15; f++) {
      session.create({ kind: 'frame_tag', videoId: id, label: 'lighting_inconsistency', frame: f, attributes: {}, note: '' });
      counts.push(steps());
    }
    expect(counts).toEqual([3, 4, 5, 3, 4]);
    // What is kept undoes, newest first, and then there is nothing more to undo.
    for (let i = 0; i < 4; i++) expect(session.undo()?.title).toMatch(/^Add frame tag/);
    expect(session.undo()).toBeNull();
    expect((await core.call('annotations.list', { videoId: id })).map((a) => a.startFrame)).toEqual([0, 1, 2, 3, 4, 10]);
    core.close();
  });

  it('keeps the undo history in the project: a reopened project undoes what the last session did', async () => {
    const { core, file, id } = project();
    const a = await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'audio_anomaly', startFrame: 1, endFrame: 2 });
    await core.call('annotations.update', { id: a.id, patch: { note: 'robotic voice' } });
    core.close();
    const again = Core.open(file, { actor: 'ana' });
    expect(await again.call('history.state', {})).toEqual({ undo: 'Change segment audio_anomaly', redo: null });
    await again.call('history.undo', {});
    expect((await again.call('annotations.list', { videoId: id }))[0]!.note).toBe('');
    again.close();
    const third = Core.open(file);
    expect(await third.call('history.state', {})).toEqual({ undo: 'Add segment audio_anomaly', redo: 'Change segment audio_anomaly' });
    await third.call('history.redo', {});
    expect((await third.call('annotations.list', { videoId: id }))[0]!.note).toBe('robotic voice');
    expect(third.store.verifyAudit().brokenAt).toBeNull();
    third.close();
  });

  it('edits the taxonomy: the id stays, a label in use is retired or merged explicitly and keeps its annotations', async () => {
    const { core, id } = project();
    const custom = await core.call('labels.create', { id: 'teeth_artifact', name: 'Teeth artifact', color: '#123456', hotkey: 't', attributes: [{ id: 'count', name: 'Teeth', type: 'number', min: 0, max: 40 }, { id: 'blurry', name: 'Blurry', type: 'bool' }] });
    expect(custom).toMatchObject({ id: 'teeth_artifact', position: 9, retired: false, mergedInto: null });
    expect(await core.dispatch('labels.create', { id: 'x_dup', name: 'x', color: '#000000', hotkey: '1' })).toMatchObject({ ok: false, error: { message: 'Key 1 already applies blink_anomaly.' } });
    const renamed = await core.call('labels.update', { id: 'blink_anomaly', patch: { name: 'Blinking', color: '#ff0000', hotkey: 'b' } });
    expect(renamed).toMatchObject({ id: 'blink_anomaly', name: 'Blinking', color: '#ff0000', hotkey: 'b' });
    const t1 = await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'teeth_artifact', frame: 5, attributes: { count: 3, blurry: true } });
    await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'teeth_artifact', startFrame: 6, endFrame: 8 });
    expect(await core.dispatch('annotations.create', { kind: 'frame_tag', videoId: id, label: 'teeth_artifact', frame: 5, attributes: { blurry: 'yes' } })).toMatchObject({ ok: false });

    const retired = await core.call('labels.retire', { id: 'teeth_artifact', retired: true });
    expect(retired).toMatchObject({ retired: true, hotkey: null });
    expect((await core.call('annotations.list', { videoId: id })).filter((a) => a.label === 'teeth_artifact')).toHaveLength(2);
    expect(await core.dispatch('annotations.create', { kind: 'frame_tag', videoId: id, label: 'teeth_artifact', frame: 9 })).toMatchObject({ ok: false, error: { message: 'Label teeth_artifact is retired.' } });
    await core.call('labels.retire', { id: 'teeth_artifact', retired: false });

    expect(await core.call('labels.merge', { from: 'teeth_artifact', into: 'facial_distortion' })).toEqual({ moved: 2 });
    // The audit row of a change of several rows says what it was.
    const merged = core.store.auditEntries().at(-1)!;
    expect(merged.action).toBe('label.merge');
    expect(JSON.parse(merged.payload)).toEqual({ from: 'teeth_artifact', into: 'facial_distortion', moved: 2, changes: 3 });
    const list = await core.call('annotations.list', { videoId: id });
    expect(list.map((a) => a.label)).toEqual(['facial_distortion', 'facial_distortion']);
    expect((await core.call('labels.list', {})).find((l) => l.id === 'teeth_artifact')).toMatchObject({ retired: true, mergedInto: 'facial_distortion' });
    // Undo the merge: the annotations go back to their label.
    await core.call('history.undo', {});
    expect((await core.call('annotations.list', { videoId: id })).find((a) => a.id === t1.id)!.label).toBe('teeth_artifact');
    expect((await core.call('labels.list', {})).find((l) => l.id === 'teeth_artifact')).toMatchObject({ retired: false, mergedInto: null });
    core.close();
  });

  it('checks each write against the taxonomy as it is now, also when another connection to the file changed it', async () => {
    const { core, file, id } = project();
    const other = Core.open(file, { actor: 'ben' });
    await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blur_anomaly', frame: 1 });
    await other.call('labels.retire', { id: 'blur_anomaly', retired: true });
    expect(await core.dispatch('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blur_anomaly', frame: 2 })).toMatchObject({ ok: false, error: { message: 'Label blur_anomaly is retired.' } });
    await other.call('labels.retire', { id: 'blur_anomaly', retired: false });
    await other.call('labels.update', { id: 'blur_anomaly', patch: { attributes: [{ id: 'smeared', name: 'Smeared', type: 'bool' }] } });
    expect(await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blur_anomaly', frame: 3, attributes: { smeared: true } })).toMatchObject({ attributes: { smeared: true } });
    expect(await core.dispatch('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blur_anomaly', frame: 4, attributes: { severity: 'subtle' } })).toMatchObject({ ok: false });
    // Its own undo of a label change counts too.
    await core.call('labels.retire', { id: 'blur_anomaly', retired: true });
    await core.call('history.undo', {});
    expect(await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blur_anomaly', frame: 5 })).toMatchObject({ label: 'blur_anomaly' });
    other.close();
    core.close();
  });

  it('marks an annotation as a finding: status, statement and still frame within it; follows moves; undoable and audited', async () => {
    const { core, id } = project();
    const seg = await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'blur_anomaly', startFrame: 10, endFrame: 20 });
    const marked = await core.call('annotations.setFinding', { id: seg.id, finding: { status: 'warning', statement: 'Blur band at the jaw <b>only</b>.', frame: 18 } });
    expect(marked.finding).toEqual({ status: 'warning', statement: 'Blur band at the jaw <b>only</b>.', frame: 18 });
    expect(core.store.auditEntries().at(-1)!.action).toBe('finding.set');
    // The still frame must lie within the annotation.
    const outside = await core.dispatch('annotations.setFinding', { id: seg.id, finding: { status: 'ok', statement: '', frame: 21 } });
    expect(outside).toMatchObject({ ok: false, error: { code: 'FRAME_OUT_OF_RANGE', message: expect.stringContaining('10–20') } });
    expect(await core.dispatch('annotations.setFinding', { id: seg.id, finding: { status: 'bad', statement: '', frame: 12 } })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    // Shrinking the segment keeps the still frame inside it.
    const shrunk = await core.call('annotations.update', { id: seg.id, patch: { endFrame: 15 } });
    expect(shrunk.finding!.frame).toBe(15);
    await core.call('history.undo', {});
    expect((await core.call('annotations.list', { videoId: id }))[0]!.finding!.frame).toBe(18);
    await core.call('history.undo', {});
    expect((await core.call('annotations.list', { videoId: id }))[0]!.finding).toBeUndefined();
    await core.call('history.redo', {});
    expect((await core.call('annotations.list', { videoId: id }))[0]!.finding!.status).toBe('warning');
    const cleared = await core.call('annotations.setFinding', { id: seg.id, finding: null });
    expect(cleared.finding).toBeUndefined();
    // A verdict keeps its finding when set again.
    const v = await core.call('verdict.set', { videoId: id, value: 'fake' });
    await core.call('annotations.setFinding', { id: v.id, finding: { status: 'to_check', statement: 'overall', frame: 0 } });
    expect((await core.call('verdict.set', { videoId: id, value: 'uncertain' })).finding).toMatchObject({ status: 'to_check' });
    core.close();
  });

  it('undoes and redoes steps recorded before findings (and sources) existed: their rows lack those columns', async () => {
    const { core, id } = project();
    const seg = await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'blur_anomaly', startFrame: 1, endFrame: 5 });
    await core.call('annotations.update', { id: seg.id, patch: { endFrame: 9 } });
    // Rewrite the stored steps as a project from before migrations 005 and 007 holds them.
    for (const h of core.store.db.prepare('SELECT id, undo, redo FROM history').all() as { id: number; undo: string; redo: string }[]) {
      const strip = (ops: string) => JSON.stringify((JSON.parse(ops) as { row: Record<string, unknown> | null }[]).map((op) => {
        if (op.row) {
          delete op.row.finding;
          delete op.row.source;
        }
        return op;
      }));
      core.store.db.prepare('UPDATE history SET undo = ?, redo = ? WHERE id = ?').run(strip(h.undo), strip(h.redo), h.id);
    }
    expect((await core.call('history.undo', {})).change?.title).toMatch(/^Change segment/);
    expect((await core.call('annotations.list', { videoId: id }))[0]).toMatchObject({ endFrame: 5 });
    expect((await core.call('annotations.list', { videoId: id }))[0]!.finding).toBeUndefined();
    await core.call('history.undo', {});
    expect(await core.call('annotations.list', { videoId: id })).toEqual([]);
    await core.call('history.redo', {});
    await core.call('history.redo', {});
    expect((await core.call('annotations.list', { videoId: id }))[0]).toMatchObject({ endFrame: 9 });
    core.close();
  });

  it('interpolates region tracks linearly between keyframes, holds across shape changes, and stops at outside', () => {
    const ks: Keyframe[] = [box(10, 0, 0), box(20, 100, 50), { frame: 30, shape: 'polygon', points: [[0, 0], [10, 0], [0, 10]], outside: false }, box(40, 0, 0, true)];
    expect(shapeAt(ks, 9)).toBeNull();
    expect(shapeAt(ks, 10)).toEqual({ shape: 'box', points: [[0, 0], [100, 50]], keyframe: true });
    expect(shapeAt(ks, 15)).toEqual({ shape: 'box', points: [[50, 25], [150, 75]], keyframe: false });
    expect(shapeAt(ks, 25)).toEqual({ shape: 'box', points: [[100, 50], [200, 100]], keyframe: false });
    expect(shapeAt(ks, 35)!.shape).toBe('polygon');
    expect(shapeAt(ks, 40)).toBeNull();
    expect(trackRange(ks, 100)).toEqual({ start: 10, end: 39 });
    expect(trackRange([box(5, 0, 0)], 100)).toEqual({ start: 5, end: 99 });
    // Out of order, with a frame given twice (the later wins): the same answers as in order.
    const shuffled = [ks[2]!, box(20, 7, 7), ks[0]!, ks[3]!, ks[1]!];
    for (const f of [9, 10, 15, 25, 35, 40]) expect(shapeAt(shuffled, f)).toEqual(shapeAt(ks, f));
  });
});

describe('native annotation JSON', () => {
  async function filled(): Promise<{ core: Core; id: number }> {
    const { core, id } = project();
    await core.call('labels.create', { id: 'teeth_artifact', name: 'Teeth', color: '#123456', attributes: [{ id: 'count', name: 'Teeth', type: 'number', min: 0, max: null }] });
    await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'lip_sync_mismatch', startFrame: 10, endFrame: 19, attributes: { severity: 'subtle' }, note: 'a "quoted", <b>note</b>' });
    await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'teeth_artifact', frame: 0, attributes: { count: 2 } });
    await core.call('annotations.create', { kind: 'region_track', videoId: id, label: 'edge_artifact', keyframes: [box(20, 1.5, 2), box(40, 10, 20, true)] });
    await core.call('verdict.set', { videoId: id, value: 'fake', method: 'lip_sync', confidence: 0.7, note: '' });
    const seg = (await core.call('annotations.list', { videoId: id })).find((a) => a.kind === 'segment')!;
    await core.call('annotations.setFinding', { id: seg.id, finding: { status: 'to_check', statement: 'Lips trail the audio by 3 frames.', frame: 12 } });
    return { core, id };
  }

  it('writes frames, pts and seconds from frame 0, with the taxonomy and the audit head', async () => {
    const { core } = await filled();
    const doc = await core.call('annotations.export', {});
    expect(doc.format).toBe('tellframe.annotations');
    expect(doc.exported.auditHead).toBe(core.store.auditEntries().at(-1)!.hash);
    const v = doc.videos[0]!;
    expect(v).toMatchObject({ sha256: SHA, frameCount: 100, timeBase: { num: 1, den: 90000 }, startPts: 900, endPts: 900 + 360000 });
    const seg = v.annotations.find((a) => a.kind === 'segment')!;
    // Frame 10 starts 0.4 s after frame 0; the segment ends at the end of frame 19.
    expect([seg.startFrame, seg.endFrame, seg.startTime, seg.endTime]).toEqual([10, 19, 0.4, 0.8]);
    const track = v.annotations.find((a) => a.kind === 'region_track')!;
    expect(track.keyframes).toEqual([box(20, 1.5, 2), box(40, 10, 20, true)]);
    expect(doc.taxonomy.find((l) => l.id === 'teeth_artifact')!.attributes).toEqual([{ id: 'count', name: 'Teeth', type: 'number', min: 0, max: null }]);
    core.close();
  });

  it('round-trips: export, import into a fresh project with the same video, export again gives the same document', async () => {
    const { core } = await filled();
    const doc = await core.call('annotations.export', {});
    core.close();
    const fresh = project('bo');
    expect(await fresh.core.call('annotations.import', { document: JSON.parse(JSON.stringify(doc)) })).toEqual({ videos: 1, annotations: 4, labels: 10 });
    const back = await fresh.core.call('annotations.export', {});
    expect({ ...back, exported: null }).toEqual({ ...doc, exported: null });
    // One undo step takes the whole import back.
    await fresh.core.call('history.undo', {});
    expect(await fresh.core.call('annotations.list', { videoId: fresh.id })).toEqual([]);
    fresh.core.close();
  });

  it('imports all or nothing, with errors that name the path and field', async () => {
    const { core } = await filled();
    const doc = await core.call('annotations.export', {});
    core.close();
    const fresh = project();
    const attempt = async (mutate: (d: NativeExport) => unknown) => {
      const d = JSON.parse(JSON.stringify(doc)) as NativeExport;
      const res = await fresh.core.dispatch('annotations.import', { document: mutate(d) ?? d });
      return res.ok ? 'ok' : res.error.message;
    };
    expect(await attempt(() => ({ hello: 1 }))).toMatch(/^Not a Tellframe annotation document: format: /);
    expect(await attempt((d) => { d.videos[0]!.annotations[1]!.startFrame = -1; })).toMatch(/videos\[0\]\.annotations\[1\]\.startFrame/);
    expect(await attempt((d) => { d.videos[0]!.annotations[0]!.label = 'ghost'; })).toMatch(/annotations\[0\] .*unknown label ghost/);
    expect(await attempt((d) => { d.videos[0]!.annotations[0]!.endFrame = 100; })).toMatch(/annotations\[0\] .*out of range/);
    expect(await attempt((d) => { d.videos[0]!.sha256 = 'b'.repeat(64); })).toMatch(/videos\[0\] .*no video with sha256 b{64}/);
    expect(await attempt((d) => { d.videos[0]!.frameCount = 101; })).toMatch(/not the same video/);
    expect(await attempt((d) => { d.videos[0]!.annotations[0]!.startPts += 1; })).toMatch(/is not the pts of frame/);
    expect(await attempt((d) => { d.videos[0]!.annotations[0]!.endPts -= 1; })).toMatch(/is not the end of frame/);
    const segAt = doc.videos[0]!.annotations.findIndex((a) => a.finding);
    expect(await attempt((d) => { d.videos[0]!.annotations[segAt]!.finding!.frame = 30; })).toMatch(new RegExp(`annotations\\[${segAt}\\].*finding\\.frame: frame 30 is not within`));
    // Nothing of the failed attempts was written.
    expect(await fresh.core.call('annotations.list', { videoId: fresh.id })).toEqual([]);
    expect((await fresh.core.call('labels.list', {})).map((l) => l.id)).not.toContain('teeth_artifact');
    expect(await attempt(() => undefined)).toBe('ok');
    expect(await attempt(() => undefined)).toMatch(/already exists/);
    fresh.core.close();
  });
});

describe('published JSON Schema', () => {
  it('is current with the code (npm run schemas) and accepts an export, rejecting a broken one', async () => {
    const { readFileSync } = await import('node:fs');
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const { nativeJsonSchema } = await import('../../shared/schemas');
    const file = path.join(import.meta.dirname, '..', '..', 'resources', 'annotations.schema.json');
    const published = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(published).toEqual(JSON.parse(JSON.stringify(nativeJsonSchema())));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(published);

    const { core, id } = project();
    await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'lip_sync_mismatch', startFrame: 1, endFrame: 2 });
    await core.call('annotations.create', { kind: 'region_track', videoId: id, label: 'edge_artifact', keyframes: [box(3, 0, 0), box(9, 5, 5, true)] });
    await core.call('verdict.set', { videoId: id, value: 'uncertain' });
    const doc = JSON.parse(JSON.stringify(await core.call('annotations.export', {}))) as NativeExport;
    core.close();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    (doc.videos[0]!.annotations[0] as { kind: string }).kind = 'scribble';
    expect(validate(doc)).toBe(false);
    expect(validate.errors!.some((e) => e.instancePath === '/videos/0/annotations/0/kind')).toBe(true);
  });
});
