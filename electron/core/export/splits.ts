import type { Split, SplitOptions } from '../../../shared/exportFormats';
import type { ExportVideo } from './model';

/**
 * Train / val / test assignment for a dataset build, without leakage.
 *
 * Grouping: videos that share something a detector could memorise never
 * straddle two splits (the leakage FaceForensics++ and DFDC avoid by splitting
 * on source videos and on actors). A union-find joins
 * - the same video (same id or the same sha256),
 * - an original and every fake made from it (by the original's id, also when
 *   the original itself is not exported),
 * - every video of the same non-null source identity.
 *
 * Stratification: a group's stratum is fake if any member's verdict is fake,
 * else real if any is real, else "other" (uncertain or no verdict). Each
 * stratum is split on its own, so every split gets about the same share of
 * fakes as the whole.
 *
 * Within a stratum the groups are shuffled with the seed (mulberry32, a
 * 32-bit PRNG small enough to re-implement anywhere), then stably ordered
 * largest first, so that the small groups fill what the large ones leave and
 * each split lands within one group's size of its target; each group goes to
 * the split whose count of videos is furthest below its target (ratio ×
 * stratum size), ties to train, then val, then test. A split with ratio 0
 * gets nothing. Same videos and seed → same splits.
 */

/** mulberry32 (Tommy Ettinger, public domain): uniform floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Stratum = 'fake' | 'real' | 'other';
const STRATA: readonly Stratum[] = ['fake', 'real', 'other'];
const ORDER: readonly Split[] = ['train', 'val', 'test'];

type SplitVideo = Pick<ExportVideo, 'id' | 'sha256' | 'original' | 'identity' | 'verdict'>;

/** Groups of video indices that must share a split (see above), each in input order, ordered by first member. */
export function linkGroups(videos: readonly SplitVideo[]): number[][] {
  const parent = videos.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const first = new Map<string, number>();
  const join = (key: string, i: number) => {
    const j = first.get(key);
    if (j === undefined) first.set(key, i);
    else union(i, j);
  };
  videos.forEach((v, i) => {
    // The key `video:<id>` is shared by a video and by every fake naming it as original.
    join(`video:${v.id}`, i);
    join(`sha:${v.sha256}`, i);
    if (v.original) join(`video:${v.original.id}`, i);
    if (v.identity !== null && v.identity !== '') join(`identity:${v.identity}`, i);
  });
  const groups = new Map<number, number[]>();
  videos.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  return [...groups.values()];
}

function stratumOf(group: readonly number[], videos: readonly SplitVideo[]): Stratum {
  const values = group.map((i) => videos[i]!.verdict?.verdict?.value);
  if (values.includes('fake')) return 'fake';
  if (values.includes('real')) return 'real';
  return 'other';
}

/** Each video's split, by video id (pure: the same videos and options give the same map). */
export function assignSplits(videos: readonly SplitVideo[], split: SplitOptions): Map<number, Split> {
  const total = split.train + split.val + split.test;
  if (!(total > 0)) throw new RangeError('split ratios must not all be 0');
  const ratio: Record<Split, number> = { train: split.train / total, val: split.val / total, test: split.test / total };
  const rand = mulberry32(split.seed);
  const groups = linkGroups(videos);
  const out = new Map<number, Split>();
  for (const stratum of STRATA) {
    const these = groups.filter((g) => stratumOf(g, videos) === stratum);
    // Fisher–Yates with the seeded PRNG, then largest first (Array.prototype.sort is stable).
    for (let i = these.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [these[i], these[j]] = [these[j]!, these[i]!];
    }
    these.sort((a, b) => b.length - a.length);
    const size = these.reduce((n, g) => n + g.length, 0);
    const count: Record<Split, number> = { train: 0, val: 0, test: 0 };
    for (const g of these) {
      let best: Split | null = null;
      let bestDeficit = -Infinity;
      for (const s of ORDER) {
        if (ratio[s] === 0) continue;
        const deficit = ratio[s] * size - count[s];
        if (deficit > bestDeficit) {
          best = s;
          bestDeficit = deficit;
        }
      }
      count[best!] += g.length;
      for (const i of g) out.set(videos[i]!.id, best!);
    }
  }
  return out;
}
