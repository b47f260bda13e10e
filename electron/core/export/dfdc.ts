import { datasetFileNames, originalName } from './lavdf';
import type { TextBuilder } from './model';

/**
 * DFDC-style `metadata.json` (Dolhansky et al., "The DeepFake Detection
 * Challenge (DFDC) Dataset", arXiv:2006.07397; the Kaggle release puts one
 * metadata.json in each training part): an object keyed by file name,
 * `{ "<file>": { "label": "REAL" | "FAKE", "split": "train", "original": "<file>" | null } }`.
 * Loaders read it with `json.load` or `pandas.read_json(..., orient='index')`
 * and look only at label, split and original, so Tellframe's extras
 * (sha256, method, confidence) sit beside them under their own keys.
 *
 * Decisions:
 * - The label comes from the verdict alone (fake → FAKE, real → REAL), not from
 *   annotations. Videos whose verdict is uncertain, or that have none, are left
 *   out of metadata.json (DFDC has no third label, and guessing one would put
 *   wrong labels into training) and listed in metadata.tellframe.json under
 *   `excluded`.
 * - `original` names the linked original: by its dataset name when it is in the
 *   export, else by its own file name; null when no original is linked.
 * - Two exported videos with the same file name get the sha256-prefixed names
 *   of datasetFileNames (lavdf.ts), so no entry overwrites another.
 * - Without a dataset build every split is "train", as in DFDC's own metadata.
 */
export const buildDfdc: TextBuilder = (model) => {
  const names = datasetFileNames(model.videos);
  const meta: Record<string, unknown> = {};
  const excluded: { file: string; sha256: string; verdict: 'uncertain' | null }[] = [];
  for (const v of model.videos) {
    const file = names.get(v.id)!;
    const verdict = v.verdict?.verdict ?? null;
    if (!verdict || verdict.value === 'uncertain') {
      excluded.push({ file, sha256: v.sha256, verdict: verdict ? 'uncertain' : null });
      continue;
    }
    // defineProperty: a file called "__proto__" must become a key, not the object's prototype.
    Object.defineProperty(meta, file, {
      value: {
        label: verdict.value === 'fake' ? 'FAKE' : 'REAL',
        split: v.split ?? 'train',
        original: originalName(v, names),
        sha256: v.sha256,
        // The original by content too, so re-importing finds it even when two videos share a file name.
        original_sha256: v.original?.sha256 ?? null,
        method: verdict.method,
        confidence: verdict.confidence,
      },
      enumerable: true, writable: true, configurable: true,
    });
  }
  const side = {
    format: 'tellframe.dfdc',
    version: 1,
    exported: model.exported,
    splitBuilt: model.videos.some((v) => v.split !== null),
    videos: model.videos.map((v) => ({ file: names.get(v.id)!, sourceFile: v.file, sha256: v.sha256 })),
    excluded,
  };
  return [
    { path: 'metadata.json', data: JSON.stringify(meta, null, 2) + '\n' },
    { path: 'metadata.tellframe.json', data: JSON.stringify(side, null, 2) + '\n' },
  ];
};
