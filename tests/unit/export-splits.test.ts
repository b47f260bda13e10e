import { describe, expect, it } from 'vitest';
import type { Split, SplitOptions } from '../../shared/exportFormats';
import type { Annotation } from '../../shared/annotations';
import type { ExportVideo } from '../../electron/core/export/model';
import { assignSplits, linkGroups, mulberry32 } from '../../electron/core/export/splits';

type V = Pick<ExportVideo, 'id' | 'sha256' | 'original' | 'identity' | 'verdict'>;

function verdict(value: 'real' | 'fake' | 'uncertain' | null): Annotation | null {
  if (!value) return null;
  return {
    id: 'v', videoId: 0, kind: 'verdict', label: null, startFrame: 0, endFrame: 0, startPts: 0, endPts: 1, attributes: {}, note: '',
    annotator: 'a', createdAt: '', updatedAt: '', verdict: { value, method: null, confidence: null },
  };
}

function vid(id: number, extra: Partial<V> = {}): V {
  return { id, sha256: id.toString(16).padStart(64, '0'), original: null, identity: null, verdict: verdict('real'), ...extra };
}

/**
 * 300 videos, like a real build: originals (real) with 0–3 fakes each, some
 * fakes of originals that are not exported, identities shared across
 * originals, uncertain and unlabelled videos.
 */
function randomModel(seed: number): V[] {
  const r = mulberry32(seed);
  const out: V[] = [];
  let id = 1;
  while (out.length < 300) {
    const identity = r() < 0.5 ? `person_${Math.floor(r() * 40)}` : null;
    const exported = r() < 0.85;
    const origId = id++;
    if (exported) out.push(vid(origId, { identity, verdict: verdict(r() < 0.1 ? 'uncertain' : r() < 0.1 ? null : 'real') }));
    const fakes = Math.floor(r() * 4);
    for (let k = 0; k < fakes && out.length < 300; k++) {
      out.push(vid(id++, { identity, original: { id: origId, file: `${origId}.mp4`, sha256: origId.toString(16).padStart(64, '0') }, verdict: verdict(r() < 0.9 ? 'fake' : 'uncertain') }));
    }
  }
  return out;
}

const RATIOS: SplitOptions = { train: 0.7, val: 0.15, test: 0.15, seed: 42 };

function stratum(g: V[]): string {
  const vs = g.map((v) => v.verdict?.verdict?.value);
  return vs.includes('fake') ? 'fake' : vs.includes('real') ? 'real' : 'other';
}

describe('assignSplits', () => {
  const videos = randomModel(7);
  const splits = assignSplits(videos, RATIOS);

  it('gives every video a split', () => {
    expect(splits.size).toBe(300);
    for (const v of videos) expect(['train', 'val', 'test']).toContain(splits.get(v.id));
  });

  it('never lets an original and its fakes, or one identity, straddle two splits', () => {
    const byKey = new Map<string, Set<Split>>();
    const note = (key: string, s: Split) => byKey.set(key, (byKey.get(key) ?? new Set()).add(s));
    for (const v of videos) {
      const s = splits.get(v.id)!;
      note(`orig:${v.original?.id ?? v.id}`, s);
      if (v.identity) note(`identity:${v.identity}`, s);
    }
    // The model has linked videos, so this is a real check.
    expect([...byKey.values()].length).toBeLessThan(300);
    for (const [key, set] of byKey) expect(set.size, key).toBe(1);
  });

  it('groups fakes of an original that is not exported', () => {
    const vs = [vid(10, { original: { id: 99, file: 'o.mp4', sha256: 'f'.repeat(64) }, verdict: verdict('fake') }), vid(11, { original: { id: 99, file: 'o.mp4', sha256: 'f'.repeat(64) }, verdict: verdict('fake') }), vid(12), vid(13)];
    expect(linkGroups(vs).map((g) => g.length).sort()).toEqual([1, 1, 2]);
    for (let seed = 0; seed < 20; seed++) {
      const m = assignSplits(vs, { train: 1, val: 1, test: 1, seed });
      expect(m.get(10)).toBe(m.get(11));
    }
  });

  it('joins the same content (sha256) and chains of links', () => {
    const vs = [vid(1, { identity: 'a' }), vid(2, { identity: 'b', original: { id: 1, file: '1', sha256: '' } }), vid(3, { identity: 'b' }), vid(4, { sha256: vid(3).sha256 }), vid(5)];
    const groups = linkGroups(vs).map((g) => g.map((i) => vs[i]!.id));
    expect(groups).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('lands each split within a group of its target, in every stratum', () => {
    for (let m = 0; m < 10; m++) {
      const vs = m === 0 ? videos : randomModel(100 + m);
      const sp = m === 0 ? splits : assignSplits(vs, { ...RATIOS, seed: m });
      const groups = linkGroups(vs).map((g) => g.map((i) => vs[i]!));
      for (const st of ['fake', 'real', 'other']) {
        const gs = groups.filter((g) => stratum(g) === st);
        if (!gs.length) continue;
        const size = gs.reduce((n, g) => n + g.length, 0);
        const maxGroup = Math.max(...gs.map((g) => g.length));
        for (const s of ['train', 'val', 'test'] as const) {
          const count = gs.flat().filter((v) => sp.get(v.id) === s).length;
          expect(Math.abs(count - RATIOS[s] * size), `model ${m} ${st} ${s}`).toBeLessThanOrEqual(maxGroup);
        }
      }
    }
  });

  it('keeps the share of fakes about the same in every split', () => {
    const fakeShare = (vs: V[]) => vs.filter((v) => v.verdict?.verdict?.value === 'fake').length / vs.length;
    const overall = fakeShare(videos);
    for (const s of ['train', 'val', 'test'] as const) {
      const these = videos.filter((v) => splits.get(v.id) === s);
      expect(Math.abs(fakeShare(these) - overall), s).toBeLessThan(0.08);
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    expect([...assignSplits(videos, RATIOS)]).toEqual([...splits]);
    expect([...assignSplits([...videos], { ...RATIOS })]).toEqual([...splits]);
    const other = assignSplits(videos, { ...RATIOS, seed: 43 });
    expect(videos.some((v) => other.get(v.id) !== splits.get(v.id))).toBe(true);
  });

  it('gives nothing to a split with ratio 0', () => {
    for (const seed of [0, 1, 2]) {
      const m = assignSplits(videos, { train: 3, val: 0, test: 1, seed });
      expect([...m.values()].filter((s) => s === 'val')).toHaveLength(0);
      expect([...m.values()].filter((s) => s === 'test').length).toBeGreaterThan(40);
    }
    const allTest = assignSplits(videos, { train: 0, val: 0, test: 1, seed: 5 });
    expect(new Set(allTest.values())).toEqual(new Set(['test']));
  });

  it('normalises ratios and refuses all zeros', () => {
    expect([...assignSplits(videos, { train: 70, val: 15, test: 15, seed: 42 })]).toEqual([...splits]);
    expect(() => assignSplits(videos, { train: 0, val: 0, test: 0, seed: 1 })).toThrow(/must not all be 0/);
  });

  it('mulberry32 gives the reference sequence', () => {
    // First outputs of mulberry32(1) × 2^32, computed with the C reference's uint32 arithmetic (in Python, independently).
    const r = mulberry32(1);
    expect([r(), r(), r()].map((x) => Math.round(x * 4294967296))).toEqual([2693262067, 11749833, 2265367787]);
  });
});
