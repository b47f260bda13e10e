import { CandidateParamsSchema, DEFAULT_CANDIDATE_PARAMS, type CandidateParams } from '../../../shared/candidates';

/**
 * The candidate parameters as the page edits them: one field each, shown in
 * the unit people think in (milliseconds for a blink), with the schema's
 * bounds. `scale` turns the stored value (seconds, fractions) into the
 * shown one. The first fields are always in view; the rest fold away.
 */
export interface ParamField {
  key: keyof CandidateParams;
  label: string;
  unit: string;
  scale: number;
  step: number;
  min: number;
  max: number;
  /** Shown without opening "More parameters". */
  main?: boolean;
}

export const PARAM_FIELDS: ParamField[] = [
  { key: 'blinkThreshold', label: 'Blink threshold', unit: 'EAR', scale: 1, step: 0.01, min: 0.05, max: 0.5, main: true },
  { key: 'blinkMinSeconds', label: 'Shortest blink', unit: 'ms', scale: 1000, step: 10, min: 0, max: 1000, main: true },
  { key: 'noBlinkSeconds', label: 'No blink for', unit: 's', scale: 1, step: 1, min: 2, max: 600 },
  { key: 'lipWindowSeconds', label: 'Lip-sync window', unit: 's', scale: 1, step: 1, min: 2, max: 120 },
  { key: 'lipMinCorrelation', label: 'Lip-sync correlation at least', unit: 'r', scale: 1, step: 0.05, min: 0, max: 1 },
  { key: 'lightingJump', label: 'Lighting jump', unit: '%', scale: 100, step: 1, min: 2, max: 100 },
  { key: 'colourJump', label: 'Colour jump', unit: 'Cb/Cr', scale: 1, step: 1, min: 1, max: 100 },
  { key: 'sharpnessDrop', label: 'Blurred below', unit: '% of usual', scale: 100, step: 5, min: 5, max: 100 },
  { key: 'sharpnessMinSeconds', label: 'Blurred for at least', unit: 's', scale: 1, step: 0.05, min: 0, max: 10 },
  { key: 'flickerFactor', label: 'Flicker factor', unit: '× deviation', scale: 1, step: 1, min: 1, max: 100 },
  { key: 'flickerFloor', label: 'Flicker floor', unit: '0–1', scale: 1, step: 0.01, min: 0, max: 1 },
];

/** A stored value as the field shows it (no float noise: 0.05 s shows as 50 ms, not 50.00000001). */
export function shown(f: ParamField, value: number): string {
  return String(Math.round(value * f.scale * 1e6) / 1e6);
}

/** The parameters with one field set from what was typed; the schema's message when it is not a valid value. */
export function withField(params: CandidateParams, f: ParamField, text: string): { params: CandidateParams } | { error: string } {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v)) return { error: `${f.label}: type a number` };
  const parsed = CandidateParamsSchema.safeParse({ ...params, [f.key]: v / f.scale });
  if (!parsed.success) return { error: `${f.label}: between ${f.min} and ${f.max} ${f.unit}` };
  return { params: parsed.data };
}

const KEY = 'tellframe.signalParams:';

/** The parameters last chosen in this project (kept in the page, per project file); the defaults otherwise. */
export function loadParams(project: string | null, storage: Pick<Storage, 'getItem'> | null = safeStorage()): CandidateParams {
  if (!project || !storage) return DEFAULT_CANDIDATE_PARAMS;
  try {
    const raw = storage.getItem(KEY + project);
    if (!raw) return DEFAULT_CANDIDATE_PARAMS;
    // Unknown or out-of-range values (an older page, a hand edit) fall back to the defaults as a whole.
    const parsed = CandidateParamsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : DEFAULT_CANDIDATE_PARAMS;
  } catch {
    return DEFAULT_CANDIDATE_PARAMS;
  }
}

export function saveParams(project: string | null, params: CandidateParams, storage: Pick<Storage, 'setItem'> | null = safeStorage()): void {
  if (!project || !storage) return;
  try {
    storage.setItem(KEY + project, JSON.stringify(params));
  } catch {
    // A full or disabled storage only loses the choice for the next visit.
  }
}

const AUTO_KEY = 'tellframe.signals.auto';

/** Whether a video's signals are computed as soon as it is opened without them (on unless turned off in this browser). */
export function loadAutoCompute(storage: Pick<Storage, 'getItem'> | null = safeStorage()): boolean {
  try {
    return storage?.getItem(AUTO_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function saveAutoCompute(on: boolean, storage: Pick<Storage, 'setItem'> | null = safeStorage()): void {
  try {
    storage?.setItem(AUTO_KEY, on ? 'on' : 'off');
  } catch {
    // Only the choice for the next visit is lost.
  }
}

/** The page's localStorage, or null where it is unavailable (disabled, sandboxed). */
export function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function sameParams(a: CandidateParams, b: CandidateParams): boolean {
  return (Object.keys(DEFAULT_CANDIDATE_PARAMS) as (keyof CandidateParams)[]).every((k) => a[k] === b[k]);
}
