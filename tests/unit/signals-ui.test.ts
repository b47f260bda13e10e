import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TellframeClient } from '../../shared/api';
import { DEFAULT_CANDIDATE_PARAMS, type SignalView } from '../../shared/candidates';
import { SignalsModel, type AnnotationsSource } from '../../renderer/features/signals/model';
import { PARAM_FIELDS, loadParams, saveParams, shown, withField } from '../../renderer/features/signals/params';
import { DECISION_COLOUR, drawSignalLanes, laneScale } from '../../renderer/features/signals/draw';

const field = (key: string) => PARAM_FIELDS.find((f) => f.key === key)!;

describe('candidate parameters in the page', () => {
  it('shows and reads each field in its own unit (the shortest blink in ms)', () => {
    const f = field('blinkMinSeconds');
    expect(shown(f, 0.05)).toBe('50');
    const r = withField(DEFAULT_CANDIDATE_PARAMS, f, '120');
    expect('params' in r && r.params.blinkMinSeconds).toBe(0.12);
    expect('params' in r && r.params.blinkThreshold).toBe(DEFAULT_CANDIDATE_PARAMS.blinkThreshold);
  });
  it('refuses what the schema refuses, and what is not a number', () => {
    expect(withField(DEFAULT_CANDIDATE_PARAMS, field('blinkThreshold'), '0.9')).toEqual({ error: 'Blink threshold: between 0.05 and 0.5 EAR' });
    expect(withField(DEFAULT_CANDIDATE_PARAMS, field('blinkThreshold'), '')).toEqual({ error: 'Blink threshold: type a number' });
    expect(withField(DEFAULT_CANDIDATE_PARAMS, field('blinkThreshold'), 'abc')).toEqual({ error: 'Blink threshold: type a number' });
  });
  it('every schema parameter has a field', () => {
    expect(PARAM_FIELDS.map((f) => f.key).sort()).toEqual(Object.keys(DEFAULT_CANDIDATE_PARAMS).sort());
  });
  it('keeps the parameters per project file, and falls back to the defaults on anything it cannot use', () => {
    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    const p = { ...DEFAULT_CANDIDATE_PARAMS, blinkThreshold: 0.3 };
    saveParams('/a.tellframe', p, storage);
    expect(loadParams('/a.tellframe', storage)).toEqual(p);
    expect(loadParams('/b.tellframe', storage)).toEqual(DEFAULT_CANDIDATE_PARAMS);
    mem.set('tellframe.signalParams:/b.tellframe', '{"blinkThreshold": 7}');
    expect(loadParams('/b.tellframe', storage)).toEqual(DEFAULT_CANDIDATE_PARAMS);
    mem.set('tellframe.signalParams:/b.tellframe', 'not json');
    expect(loadParams('/b.tellframe', storage)).toEqual(DEFAULT_CANDIDATE_PARAMS);
    expect(loadParams(null, storage)).toEqual(DEFAULT_CANDIDATE_PARAMS);
  });
});

describe('lane scales', () => {
  const lane = { id: 'lighting', name: 'Lighting', unit: 'luma', values: [100, 110], min: 0, max: 255, thresholds: [], summary: '' };
  it('draws the surroundings on the lane’s own scale, widened to hold both', () => {
    expect(laneScale({ ...lane, overlay: { name: 'surroundings', values: [120, null, 300] } })).toEqual({ lo: 0, hi: 300, overlay: { lo: 0, hi: 300 } });
  });
  it('draws the loudness on its own scale', () => {
    expect(laneScale({ ...lane, id: 'mouth', max: 0.5, overlay: { name: 'loudness', values: [0, 0.4, 1] } })).toEqual({ lo: 0, hi: 0.5, overlay: { lo: 0, hi: 1 } });
  });
});

function candidate(id: string, startFrame: number, endFrame: number, decision: 'accepted' | 'dismissed' | null = null): SignalView['candidates'][number] {
  const [signal] = id.split(':') as [SignalView['candidates'][number]['signal']];
  return {
    id, signal, label: 'lip_sync_mismatch', startFrame, endFrame, text: id, value: 1, params: {},
    decision: decision ? { decision, annotationId: null, annotationExists: decision === 'accepted', actor: 'ana', at: '2026-01-01T00:00:00Z' } : null,
  };
}

function viewWith(candidates: SignalView['candidates'], params = DEFAULT_CANDIDATE_PARAMS): SignalView {
  return { version: 'v', computedAt: '', frames: 200, params, lanes: [], blinks: [], blinkRate: 0, faceSeconds: 8, lipSync: null, candidates };
}

/** A client whose signals.view answers are released by the test, in order. */
function rig(candidates: SignalView['candidates']) {
  const pending: { input: { id: number; params: typeof DEFAULT_CANDIDATE_PARAMS }; resolve: (v: SignalView) => void }[] = [];
  const calls: { method: string; input: unknown }[] = [];
  let decideError: string | null = null;
  // What signals.decisions answers (the project's decisions, set by the test).
  const decisions: Record<string, NonNullable<SignalView['candidates'][number]['decision']>> = {};
  const client = {
    frameUrl: () => '',
    call: vi.fn(async (method: string, input: unknown) => {
      calls.push({ method, input });
      if (method === 'project.info') return { path: '/p.tellframe' };
      if (method === 'signals.view') return new Promise((resolve) => pending.push({ input: input as never, resolve }));
      if (method === 'signals.decide') {
        if (decideError) throw new Error(decideError);
        return { annotation: null };
      }
      if (method === 'signals.decisions') return { ...decisions };
      throw new Error(`unexpected ${method}`);
    }),
  } as unknown as TellframeClient;
  type Side = ReturnType<AnnotationsSource['getState']>;
  let side: Side = { videoId: 1, annotations: [], history: { undo: null, redo: null } };
  const listeners = new Set<() => void>();
  const source: AnnotationsSource & { change(patch: Partial<Side>): void; reloads: number; onReload: Partial<Side> } = {
    reloads: 0,
    onReload: {},
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getState: () => side,
    reload: async () => {
      source.reloads++;
      source.change(source.onReload);
    },
    change: (patch) => {
      side = { ...side, annotations: [...side.annotations], ...patch };
      for (const l of listeners) l();
    },
  };
  const model = new SignalsModel(client, source);
  const answer = async (c = candidates) => {
    await vi.waitFor(() => expect(pending.length).toBeGreaterThan(0));
    const p = pending.shift()!;
    p.resolve(viewWith(c, p.input.params));
    await new Promise((r) => setTimeout(r, 0));
    return p.input;
  };
  const failDecide = (message: string) => {
    decideError = message;
  };
  return { model, source, calls, pending, answer, failDecide, decisions };
}

describe('the signals model', () => {
  afterEach(() => vi.useRealTimers());

  it('asks for one view at a time, and for the newest parameters when the answer comes back', async () => {
    const r = rig([]);
    void r.model.open(1);
    await vi.waitFor(() => expect(r.pending.length).toBe(1));
    r.model.setParams({ ...DEFAULT_CANDIDATE_PARAMS, blinkThreshold: 0.25 });
    r.model.setParams({ ...DEFAULT_CANDIDATE_PARAMS, blinkThreshold: 0.3 });
    // Still one out; its answer (for the old parameters) is not shown.
    expect(r.pending.length).toBe(1);
    expect((await r.answer()).params.blinkThreshold).toBe(0.21);
    expect(r.model.getState().view).toBeUndefined();
    expect((await r.answer()).params.blinkThreshold).toBe(0.3);
    expect(r.model.getState().view!.params.blinkThreshold).toBe(0.3);
    expect(r.calls.filter((c) => c.method === 'signals.view').length).toBe(2);
  });

  it('] takes the candidate the frame is in, then the next; [ goes back; the ends say so', async () => {
    const r = rig([candidate('blink:0-9', 0, 9), candidate('lip_sync:0-199', 0, 199), candidate('flicker:50-51', 50, 51)]);
    void r.model.open(1);
    await r.answer();
    expect(r.model.step(1, 30)?.id).toBe('lip_sync:0-199');
    expect(r.model.step(1, 0)?.id).toBe('flicker:50-51');
    expect(r.model.step(1, 50)).toBeNull();
    expect(r.model.getState().status?.text).toBe('No candidate after this one.');
    expect(r.model.getState().selected).toBe('flicker:50-51');
    expect(r.model.step(-1, 50)?.id).toBe('lip_sync:0-199');
    r.model.select(null);
    expect(r.model.step(-1, 40)?.id).toBe('lip_sync:0-199');
    r.model.select(null);
    expect(r.model.step(-1, 0)).toBeNull();
  });

  it('decides with the parameters the view was derived with (and a chosen label), then reads the annotations and the decisions, not the lanes', async () => {
    const r = rig([candidate('lip_sync:0-199', 0, 199)]);
    const stop = r.model.attach();
    void r.model.open(1);
    await r.answer();
    r.model.setLabel('lip_sync:0-199', 'audio_anomaly');
    r.source.onReload = { annotations: [{ id: 'a1', provenance: { signal: 'lip_sync' } }], history: { undo: 'Accept candidate lip_sync:0-199 as segment audio_anomaly', redo: null } };
    r.decisions['lip_sync:0-199'] = candidate('lip_sync:0-199', 0, 199, 'accepted').decision!;
    expect(await r.model.decide('lip_sync:0-199', 'accept')).toBe(true);
    const decide = r.calls.find((c) => c.method === 'signals.decide')!.input;
    expect(decide).toEqual({ id: 1, candidate: 'lip_sync:0-199', decision: 'accept', params: DEFAULT_CANDIDATE_PARAMS, label: 'audio_anomaly' });
    expect(r.source.reloads).toBe(1);
    expect(r.model.getState().view!.candidates[0]!.decision?.decision).toBe('accepted');
    expect(r.model.getState().status?.text).toContain('Accepted');
    // Neither the decision nor the read-back of the annotations asks for the lanes again.
    await new Promise((res) => setTimeout(res, 200));
    expect(r.calls.filter((c) => c.method === 'signals.view').length).toBe(1);
    expect(r.calls.filter((c) => c.method === 'signals.decisions').length).toBe(1);
    stop();
  });

  it('reads the decisions again when a change elsewhere can change one (an undo, a deleted annotation), once per burst, never the lanes', async () => {
    const r = rig([candidate('lip_sync:0-199', 0, 199, 'accepted')]);
    r.source.change({ annotations: [{ id: 'a1', provenance: {} }], history: { undo: 'Accept candidate lip_sync:0-199 as segment lip_sync_mismatch', redo: null } });
    const stop = r.model.attach();
    void r.model.open(1);
    await r.answer();
    const asked = (m: string) => r.calls.filter((c) => c.method === m).length;
    const settle = () => new Promise((res) => setTimeout(res, 200));
    // Ctrl+Z of the accept: the annotation goes and the history moves (two notifications, one read of the decisions).
    r.source.change({ annotations: [], history: { undo: null, redo: 'Accept candidate lip_sync:0-199 as segment lip_sync_mismatch' } });
    r.source.change({});
    await vi.waitFor(() => expect(asked('signals.decisions')).toBe(1));
    await vi.waitFor(() => expect(r.model.getState().view!.candidates[0]!.decision).toBeNull());
    // Redo: the project holds the decision again; the page shows it, whatever the step's title says.
    r.decisions['lip_sync:0-199'] = candidate('lip_sync:0-199', 0, 199, 'accepted').decision!;
    r.source.change({ annotations: [{ id: 'a1', provenance: {} }], history: { undo: 'step 7', redo: null } });
    await vi.waitFor(() => expect(r.model.getState().view!.candidates[0]!.decision?.decision).toBe('accepted'));
    await settle();
    expect(asked('signals.decisions')).toBe(2);
    // The lanes were read once, at opening.
    expect(asked('signals.view')).toBe(1);
    // A notification that changes neither the history nor the annotations from candidates asks nothing.
    r.source.change({});
    await settle();
    expect(asked('signals.decisions')).toBe(2);
    stop();
    r.source.change({ annotations: [], history: { undo: null, redo: null } });
    await settle();
    expect(asked('signals.decisions')).toBe(2);
  });

  it('says why a decision failed', async () => {
    const r = rig([candidate('lip_sync:0-199', 0, 199)]);
    void r.model.open(1);
    await r.answer();
    r.failDecide('Candidate lip_sync:0-199 was accepted; delete that annotation first.');
    expect(await r.model.decide('lip_sync:0-199', 'dismiss')).toBe(false);
    expect(r.model.getState().status).toEqual({ text: 'Candidate lip_sync:0-199 was accepted; delete that annotation first.', error: true });
    expect(await r.model.decide('nope', 'accept')).toBe(false);
    expect(r.model.getState().status?.error).toBe(true);
  });
});

describe('drawing a lane zoomed far out', () => {
  it('keeps a one-frame spike among 10,000 frames in its pixel column, and draws candidates by decision', () => {
    const rects: { x: number; y: number; w: number; h: number; fill: string }[] = [];
    let fill = '';
    const ctx = new Proxy({} as Record<string, unknown>, {
      get: (_t, k) => {
        if (k === 'fillRect') return (x: number, y: number, w: number, h: number) => rects.push({ x, y, w, h, fill });
        if (k === 'measureText') return (t: string) => ({ width: t.length * 5 });
        if (k === 'fillStyle') return fill;
        return () => {};
      },
      set: (_t, k, v) => {
        if (k === 'fillStyle') fill = v as string;
        return true;
      },
    }) as unknown as CanvasRenderingContext2D;
    const values: (number | null)[] = Array.from({ length: 10_000 }, () => 0.1);
    values[7_777] = 0.45;
    const lane = { id: 'flicker', name: 'Face flicker', unit: '', values, overlay: null, min: 0, max: 0.5, thresholds: [], summary: '' };
    drawSignalLanes(ctx, 100, { start: 0, frames: 10_000 }, { lanes: [lane], blinks: [], candidates: [candidate('flicker:7776-7777', 7776, 7777, 'dismissed')] }, null);
    const series = rects.filter((r) => r.fill === '#7fb3ff');
    // 100 columns of 100 frames; the spike's column (77) reaches far higher than the rest.
    expect(series.length).toBe(100);
    const top = (x: number) => series.find((r) => r.x === x)!.y;
    expect(top(77)).toBeLessThan(top(50) - 20);
    expect(Math.abs(top(50) - top(20))).toBeLessThan(0.01);
    // The candidate, 2 frames wide, still shows (at least 3 px) at its place, in the dismissed colour.
    const span = rects.find((r) => r.fill === DECISION_COLOUR.dismissed)!;
    expect(span.x).toBeCloseTo(77.76, 1);
    expect(span.w).toBeGreaterThanOrEqual(3);
  });
});
