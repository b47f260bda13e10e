import { z } from 'zod';
import { METHODS, type Verdict } from '../../../shared/annotations';
import { badInput, jsonPath, readForeignJson, zodFail } from './lavdf';
import type { PreDocument, PreVideo } from './types';

/**
 * DFDC metadata.json → verdicts (the reverse of export/dfdc.ts). DFDC
 * (Dolhansky et al., arXiv:2006.07397) keys each training part's
 * metadata.json by file name: `{ "<file>": { "label": "REAL" | "FAKE",
 * "split": "train", "original": "<file>" | null } }`.
 *
 * Per file: REAL → verdict real; FAKE → verdict fake with method unknown
 * (Tellframe's own `method` and `confidence` extras when present);
 * `original` → a link to the original video, by file name; `sha256` (a
 * Tellframe extra) matches the video by hash. DFDC has no time labels, so no
 * segments are made. All or nothing: any wrong field throws BAD_INPUT naming
 * its JSON path.
 */
const EntrySchema = z.looseObject({
  label: z.enum(['REAL', 'FAKE']),
  split: z.string().max(100).optional(),
  original: z.string().max(4096).nullable().optional(),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits').optional(),
  original_sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits').nullable().optional(),
  method: z.enum(METHODS).nullable().optional(),
  confidence: z.number().min(0).max(1).nullable().optional(),
});

export function parseDfdc(text: string, source: string): PreDocument {
  const raw = readForeignJson(text, source);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    badInput(source, 'expected an object keyed by file name, as DFDC metadata.json is');
  }
  const videos: PreVideo[] = [];
  // Object.entries reads own keys only, so a "__proto__" file name is just a name here.
  for (const [file, value] of Object.entries(raw as Record<string, unknown>)) {
    const where = `${source}: ${jsonPath([file])}`;
    if (file.trim() === '') badInput(where, 'a file name must not be empty');
    if (file.length > 4096) badInput(`${source}: [${JSON.stringify(file.slice(0, 40) + '…')}]`, 'the file name is longer than 4096 characters');
    const parsed = EntrySchema.safeParse(value);
    if (!parsed.success) zodFail(source, [file], parsed.error);
    const e = parsed.data;
    if (e.label === 'REAL' && e.method != null) badInput(`${where}.method`, 'a REAL video has no manipulation method');
    const verdict: Verdict = e.label === 'FAKE'
      ? { value: 'fake', method: e.method ?? 'unknown', confidence: e.confidence ?? null }
      : { value: 'real', method: null, confidence: e.confidence ?? null };
    const pv: PreVideo = {
      video: { file, where, ...(e.sha256 ? { sha256: e.sha256.toLowerCase() } : {}) },
      annotations: [{ kind: 'verdict', verdict, note: '', annotator: null, where: `${where}.label` }],
    };
    if (e.original) {
      if (e.original === file) badInput(`${where}.original`, 'a video cannot be its own original');
      pv.originalFile = e.original;
      if (e.original_sha256) pv.originalSha256 = e.original_sha256.toLowerCase();
    }
    videos.push(pv);
  }
  return { format: 'dfdc', source, videos };
}
