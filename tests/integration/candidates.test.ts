import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../electron/core/api';
import { decodeLandmarks } from '../../shared/landmarks';
import { fromBase64 } from '../../shared/base64';
import { makeMouthClip } from '../fixtures/mouthClip';
import { importVideo, tempDir } from './helpers';
import { untilDone } from './jobs';

/**
 * Mouth–audio lag and candidates end to end in the core: clips of a real
 * face whose jaw drops open on known frames, with a tone a known number of
 * frames after (or before) each opening; the face model, the audio decode
 * and the cross-correlation must find that lag. Then candidates become
 * annotations with their provenance, or are dismissed, and neither is lost.
 */
const dir = tempDir('tellframe-cand-');
let core: Core;
const ids: Record<string, number> = {};
const open: Record<string, boolean[]> = {};

async function importAndMeasure(name: string, lag: number): Promise<void> {
  const clip = await makeMouthClip(dir, { lag, name: `${name}.mkv` });
  open[name] = clip.open;
  ids[name] = await importVideo(core, clip.path);
  const job = await untilDone(core, 'signals.status', (await core.call('signals.start', { id: ids[name]! })).jobId);
  if (job.state !== 'done') throw new Error(job.error?.message ?? job.state);
}

beforeAll(async () => {
  core = Core.create(path.join(dir, 'cand.tellframe'), { actor: 'ana' });
  await importAndMeasure('late', 4);
  await importAndMeasure('early', -2);
  await importAndMeasure('synced', 0);
}, 300_000);
afterAll(() => core?.close());

describe('mouth–audio lag', () => {
  it('the face model sees the jaw open on exactly the frames it was opened', async () => {
    const f = (await core.call('signals.face', { id: ids.late! }))!;
    const mar = f.mar as number[];
    expect(mar.every((v) => v !== null)).toBe(true);
    const o = open.late!;
    const openMar = mar.filter((_, i) => o[i]);
    const closedMar = mar.filter((_, i) => !o[i]);
    // Every open frame reads wider than every closed one.
    expect(Math.min(...openMar)).toBeGreaterThan(Math.max(...closedMar));
    // The new per-frame measures are there for every frame with a face.
    for (const s of [f.faceLuma, f.ringLuma, f.sharpFace, f.sharpRing]) expect(s.every((v) => v !== null && v > 0)).toBe(true);
    expect(f.flicker[0]).toBeNull();
    expect(f.flicker.slice(1).every((v) => v !== null)).toBe(true);
    // The kept mesh points: the lips part on the open frames (upper middle 13 over lower middle 14), the eyes sit above the mouth.
    const lm = (await core.call('signals.landmarks', { id: ids.late! }))!;
    expect(lm.names).toHaveLength(22);
    const pts = decodeLandmarks(fromBase64(lm.data));
    const at = (frame: number, name: string) => {
      const k = lm.names.indexOf(name);
      return [pts[frame * 44 + k * 2]!, pts[frame * 44 + k * 2 + 1]!];
    };
    const gap = (i: number) => at(i, 'mouth_lower2')[1]! - at(i, 'mouth_upper2')[1]!;
    const openGaps = o.map((x, i) => (x ? gap(i) : NaN)).filter(Number.isFinite);
    const closedGaps = o.map((x, i) => (x ? NaN : gap(i))).filter(Number.isFinite);
    expect(Math.min(...openGaps)).toBeGreaterThan(Math.max(...closedGaps));
    for (let i = 0; i < 200; i += 37) {
      expect(at(i, 'iris_right')[1]).toBeLessThan(at(i, 'mouth_upper2')[1]!);
      // Inside the face box.
      const [bx, by, bw, bh] = f.box.slice(i * 4, i * 4 + 4) as number[];
      const [x, y] = at(i, 'r_eye_p1') as [number, number];
      expect(x >= bx! - 1 && x <= bx! + bw! + 1 && y >= by! - 1 && y <= by! + bh! + 1).toBe(true);
    }
  }, 60_000);

  it.each([
    ['late', 4, 160],
    ['early', -2, -80],
    ['synced', 0, 0],
  ])('finds the lag of the %s clip: %i frames (%i ms)', async (name, lag, ms) => {
    const v = (await core.call('signals.view', { id: ids[name]! }))!;
    expect(v.lipSync).not.toBeNull();
    expect(v.lipSync!.lag).toBe(lag);
    expect(v.lipSync!.ms).toBeCloseTo(ms, 6);
    expect(v.lipSync!.correlation).toBeGreaterThan(0.9);
    const lip = v.candidates.filter((c) => c.signal === 'lip_sync');
    if (lag === 0) {
      expect(lip).toEqual([]);
    } else {
      // Beyond what people notice (sound over 125 ms late, or over 45 ms early): one candidate over the whole clip.
      expect(lip).toHaveLength(1);
      expect(lip[0]).toMatchObject({ label: 'lip_sync_mismatch', startFrame: 0, endFrame: 199, value: lag, decision: null });
      expect(lip[0]!.text).toContain(lag > 0 ? 'late' : 'early');
    }
    const lanes = v.lanes.map((l) => l.id);
    expect(lanes).toEqual(['ear', 'mouth', 'lighting', 'colour', 'sharpness', 'flicker']);
    for (const l of v.lanes) expect(l.values).toHaveLength(200);
    // The mouth lane carries the loudness as its overlay, 1 where the tone sounds.
    const mouth = v.lanes.find((l) => l.id === 'mouth')!;
    expect(mouth.overlay!.values.filter((x) => x! > 0.9).length).toBe(open[name]!.filter((x, i) => i + lag >= 0 && i + lag < 200 && x).length);
  });

  it('a stricter correlation bound or another window changes the candidates, not the measured signals', async () => {
    const strict = (await core.call('signals.view', { id: ids.late!, params: { lipMinCorrelation: 1 } }))!;
    expect(strict.candidates.filter((c) => c.signal === 'lip_sync')).toEqual([]);
    expect(strict.params.lipMinCorrelation).toBe(1);
    expect(strict.params.blinkThreshold).toBe(0.21);
    const windows = (await core.call('signals.view', { id: ids.late!, params: { lipWindowSeconds: 4 } }))!;
    const lip = windows.candidates.filter((c) => c.signal === 'lip_sync');
    // Windows of 4 s with the same lag merge into one candidate; its parameters are the ones used.
    expect(lip.map((c) => [c.startFrame, c.endFrame])).toEqual([[0, 199]]);
    expect(lip[0]!.params).toEqual({ lipWindowSeconds: 4, lipMinCorrelation: 0.3 });
    await expect(core.call('signals.view', { id: ids.late!, params: { blinkThreshold: 2 } as never })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('candidates', () => {
  it('accept makes the label over its frames with provenance, in one undoable step that remembers the decision', async () => {
    const id = ids.late!;
    const cand = (await core.call('signals.view', { id }))!.candidates.find((c) => c.signal === 'lip_sync')!;
    const { annotation } = await core.call('signals.decide', { id, candidate: cand.id, decision: 'accept' });
    expect(annotation).toMatchObject({
      kind: 'segment', label: 'lip_sync_mismatch', startFrame: 0, endFrame: 199, note: cand.text, annotator: 'ana',
      provenance: { signal: 'lip_sync', candidate: cand.id, value: 4, text: cand.text, params: expect.objectContaining({ lipWindowSeconds: 10, measureWidth: 640 }) },
    });
    expect(annotation!.provenance!.version).toMatch(/^human-/);
    const after = (await core.call('signals.view', { id }))!.candidates.find((c) => c.id === cand.id)!;
    expect(after.decision).toMatchObject({ decision: 'accepted', annotationId: annotation!.id, annotationExists: true, actor: 'ana' });
    // Accepting twice is refused; the audit chain has the step.
    await expect(core.call('signals.decide', { id, candidate: cand.id, decision: 'accept' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const audit = core.store.auditEntries();
    // The audit row says what was made: the annotation's row (label, frames, pts, provenance) and the decision.
    expect(audit[audit.length - 1]).toMatchObject({ action: 'candidate.accept' });
    expect(JSON.parse(audit[audit.length - 1]!.payload as unknown as string)).toMatchObject({
      candidate: cand.id, annotation: { id: annotation!.id, label_id: 'lip_sync_mismatch', start_frame: 0, end_frame: 199 }, decision: { decision: 'accepted', annotation_id: annotation!.id },
    });
    // Undo takes back the annotation and the decision together; redo brings both.
    expect((await core.call('history.undo', {})).change?.title).toContain(`Accept candidate ${cand.id}`);
    expect((await core.call('annotations.list', { videoId: id }))).toEqual([]);
    expect((await core.call('signals.view', { id }))!.candidates.find((c) => c.id === cand.id)!.decision).toBeNull();
    await core.call('history.redo', {});
    expect((await core.call('annotations.list', { videoId: id }))).toEqual([annotation]);
    // Kept across a restart, and in the native JSON with its provenance.
    const fresh = Core.open(core.store.file, { actor: 'ana' });
    try {
      expect((await fresh.call('signals.view', { id }))!.candidates.find((c) => c.id === cand.id)!.decision?.decision).toBe('accepted');
    } finally {
      fresh.close();
    }
    const doc = await core.call('annotations.export', { videoIds: [id] });
    const a = doc.videos.flatMap((v) => v.annotations).find((x) => x.id === annotation!.id)!;
    expect(a.provenance).toEqual(annotation!.provenance);
    // Imported into a fresh project with the same video: the same annotation, provenance included.
    const other = Core.create(path.join(dir, 'other.tellframe'), { actor: 'bo' });
    try {
      const v = (await other.call('media.import', { paths: [core.store.media(id)!.path] })).items[0]!;
      expect(v.ok).toBe(true);
      await other.call('annotations.import', { document: doc });
      const back = await other.call('annotations.export', {});
      expect(back.videos[0]!.annotations).toEqual(doc.videos[0]!.annotations);
    } finally {
      other.close();
    }
  }, 60_000);

  it('dismiss is remembered and can be reopened; a missing label or candidate is refused with nothing written', async () => {
    const id = ids.early!;
    const cand = (await core.call('signals.view', { id }))!.candidates.find((c) => c.signal === 'lip_sync')!;
    await core.call('signals.decide', { id, candidate: cand.id, decision: 'dismiss' });
    expect((await core.call('signals.view', { id }))!.candidates.find((c) => c.id === cand.id)!.decision).toMatchObject({ decision: 'dismissed', annotationId: null });
    // The decisions alone (what the page reads after an undo), the same as the view's.
    expect(await core.call('signals.decisions', { id })).toEqual({ [cand.id]: expect.objectContaining({ decision: 'dismissed', actor: 'ana' }) });
    await core.call('signals.decide', { id, candidate: cand.id, decision: 'reopen' });
    expect((await core.call('signals.view', { id }))!.candidates.find((c) => c.id === cand.id)!.decision).toBeNull();
    const head = core.store.auditHead();
    await expect(core.call('signals.decide', { id, candidate: 'lip_sync:0-5', decision: 'accept' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(core.call('signals.decide', { id, candidate: cand.id, decision: 'reopen' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(core.call('signals.decide', { id, candidate: cand.id, decision: 'accept', label: 'no_such_label' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(core.store.auditHead()).toEqual(head);
    // Dismissing a candidate the signals do not have is refused too.
    await expect(core.call('signals.decide', { id, candidate: 'nonsense', decision: 'dismiss' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(core.store.auditHead()).toEqual(head);
    // Accepted under another label when asked.
    const { annotation } = await core.call('signals.decide', { id, candidate: cand.id, decision: 'accept', label: 'audio_anomaly' });
    expect(annotation).toMatchObject({ label: 'audio_anomaly', provenance: { signal: 'lip_sync', value: -2 } });
    // Reopened, its annotation stays; accepting again would make a second one from the same candidate: refused until it is deleted.
    await core.call('signals.decide', { id, candidate: cand.id, decision: 'reopen' });
    await expect(core.call('signals.decide', { id, candidate: cand.id, decision: 'accept' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining(annotation!.id) });
    await core.call('annotations.delete', { id: annotation!.id });
    expect((await core.call('signals.decide', { id, candidate: cand.id, decision: 'accept' })).annotation).toMatchObject({ label: 'lip_sync_mismatch' });
  });
});
