import { z } from 'zod';

/**
 * Annotations: what a person marks on a video. Every one is keyed by exact
 * frame index (DESIGN.md frame truth); times are derived from the stored pts.
 * Pure model code shared by the core, the hosts and the renderer.
 */

export const ANNOTATION_KINDS = ['segment', 'frame_tag', 'region_track', 'verdict'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

export const VERDICTS = ['real', 'fake', 'uncertain'] as const;
export const METHODS = ['face_swap', 'reenactment', 'lip_sync', 'full_synthesis', 'voice_clone', 'unknown'] as const;
export const SEVERITIES = ['subtle', 'noticeable', 'obvious'] as const;
export const FACE_REGIONS = ['left_eye', 'right_eye', 'mouth', 'jaw', 'hairline', 'skin', 'whole_face', 'background'] as const;
export const SHAPES = ['box', 'polygon', 'point'] as const;
export type ShapeType = (typeof SHAPES)[number];

/** Label and attribute ids: lower-case letters, digits and _, starting with a letter (they name tiers, columns and files in exports). */
export const ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
const Id = z.string().regex(ID_PATTERN, 'use lower-case letters, digits and _ (starting with a letter)');

/** A label attribute's definition. Built in: severity, confidence, face_region; others are custom. */
export const AttributeDefSchema = z.discriminatedUnion('type', [
  z.object({ id: Id, name: z.string().min(1).max(200), type: z.literal('choice'), options: z.array(z.string().min(1).max(200)).min(1).max(100) }).strict(),
  z.object({ id: Id, name: z.string().min(1).max(200), type: z.literal('number'), min: z.number().nullable(), max: z.number().nullable() }).strict(),
  z.object({ id: Id, name: z.string().min(1).max(200), type: z.literal('text') }).strict(),
  z.object({ id: Id, name: z.string().min(1).max(200), type: z.literal('bool') }).strict(),
]);
export type AttributeDef = z.infer<typeof AttributeDefSchema>;

/** The attributes every label starts with (issue: severity, confidence 0–1, face region). */
export const DEFAULT_ATTRIBUTES: AttributeDef[] = [
  { id: 'severity', name: 'Severity', type: 'choice', options: [...SEVERITIES] },
  { id: 'confidence', name: 'Confidence', type: 'number', min: 0, max: 1 },
  { id: 'face_region', name: 'Face region', type: 'choice', options: [...FACE_REGIONS] },
];

export const AttributeValueSchema = z.union([z.string().max(10_000), z.number().finite(), z.boolean()]);
export type AttributeValue = z.infer<typeof AttributeValueSchema>;
export const AttributesSchema = z.record(z.string().max(64), AttributeValueSchema);
export type Attributes = z.infer<typeof AttributesSchema>;

/** A point in frame pixels (x right, y down; may be fractional). */
export const PointSchema = z.tuple([z.number().finite(), z.number().finite()]);
export type Point = z.infer<typeof PointSchema>;

/**
 * One keyframe of a region track: a box (two corners), a polygon (three or
 * more points) or a point, at an exact frame; `outside` ends the track there
 * (the object left the picture) until the next keyframe, as in CVAT.
 */
export const KeyframeSchema = z
  .object({
    frame: z.number().int().min(0),
    shape: z.enum(SHAPES),
    points: z.array(PointSchema).min(1).max(10_000),
    outside: z.boolean().default(false),
  })
  .strict()
  .superRefine((k, ctx) => {
    const n = k.points.length;
    if (k.shape === 'box' && n !== 2) ctx.addIssue({ code: 'custom', message: 'a box has two corner points', path: ['points'] });
    if (k.shape === 'point' && n !== 1) ctx.addIssue({ code: 'custom', message: 'a point has one point', path: ['points'] });
    if (k.shape === 'polygon' && n < 3) ctx.addIssue({ code: 'custom', message: 'a polygon has at least three points', path: ['points'] });
  });
export type Keyframe = z.output<typeof KeyframeSchema>;

export const VerdictSchema = z
  .object({
    value: z.enum(VERDICTS),
    method: z.enum(METHODS).nullable(),
    confidence: z.number().min(0).max(1).nullable(),
  })
  .strict();
export type Verdict = z.infer<typeof VerdictSchema>;

export const FINDING_STATUSES = ['ok', 'to_check', 'warning'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
/** How the page and reports name each status. */
export const FINDING_STATUS_NAMES: Record<FindingStatus, string> = { ok: 'OK', to_check: 'To check', warning: 'Warning' };

/**
 * An annotation marked as a finding for a report: how the analyst rates it
 * (ok / to check / warning), their statement, and the exact frame its stills
 * are rendered from (within the annotation's frames).
 */
export const FindingSchema = z
  .object({
    status: z.enum(FINDING_STATUSES),
    statement: z.string().max(100_000),
    frame: z.number().int().min(0),
  })
  .strict();
export type Finding = z.infer<typeof FindingSchema>;

/**
 * Where an annotation made from a detection-signal candidate came from: the
 * signal, the signals' version (model and measures), the parameters the
 * candidate was derived with, its id, and what it measured and said.
 */
export const ProvenanceSchema = z
  .object({
    signal: z.string().max(64),
    version: z.string().max(200),
    candidate: z.string().max(200),
    params: z.record(z.string().max(64), z.number().finite()),
    value: z.number().finite(),
    text: z.string().max(1000),
  })
  .strict();
export type Provenance = z.infer<typeof ProvenanceSchema>;

/** An annotation as the core returns it. */
export const AnnotationSchema = z.object({
  id: z.string(),
  videoId: z.number().int(),
  kind: z.enum(ANNOTATION_KINDS),
  /** The label id; null for a verdict. */
  label: z.string().nullable(),
  startFrame: z.number().int(),
  endFrame: z.number().int(),
  /** pts of startFrame and the end of endFrame (the next frame's pts, or the video's end), time-base units. */
  startPts: z.number().int(),
  endPts: z.number().int(),
  attributes: AttributesSchema,
  note: z.string(),
  annotator: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  keyframes: z.array(KeyframeSchema).optional(),
  verdict: VerdictSchema.optional(),
  /** Where an imported pre-annotation came from (`format:file`); absent when made in Tellframe. */
  source: z.string().optional(),
  /** Present when the annotation is marked as a finding. */
  finding: FindingSchema.optional(),
  /** Present when the annotation was made from a detection-signal candidate. */
  provenance: ProvenanceSchema.optional(),
});
export type Annotation = z.infer<typeof AnnotationSchema>;

const Note = z.string().max(100_000);

export const NewAnnotationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('segment'), videoId: z.number().int().positive(), label: z.string(), startFrame: z.number().int().min(0), endFrame: z.number().int().min(0), attributes: AttributesSchema.default({}), note: Note.default('') }).strict(),
  z.object({ kind: z.literal('frame_tag'), videoId: z.number().int().positive(), label: z.string(), frame: z.number().int().min(0), attributes: AttributesSchema.default({}), note: Note.default('') }).strict(),
  z.object({ kind: z.literal('region_track'), videoId: z.number().int().positive(), label: z.string(), keyframes: z.array(KeyframeSchema).min(1).max(100_000), attributes: AttributesSchema.default({}), note: Note.default('') }).strict(),
]);
export type NewAnnotation = z.input<typeof NewAnnotationSchema>;
export type ParsedNewAnnotation = z.output<typeof NewAnnotationSchema>;

export const AnnotationPatchSchema = z
  .object({
    label: z.string().optional(),
    startFrame: z.number().int().min(0).optional(),
    endFrame: z.number().int().min(0).optional(),
    attributes: AttributesSchema.optional(),
    note: Note.optional(),
    keyframes: z.array(KeyframeSchema).min(1).max(100_000).optional(),
  })
  .strict();
export type AnnotationPatch = z.input<typeof AnnotationPatchSchema>;
export type ParsedAnnotationPatch = z.output<typeof AnnotationPatchSchema>;

export const HistoryStateSchema = z.object({
  /** What Undo would undo / Redo would redo (e.g. "Add segment lip_sync_mismatch"), or null. */
  undo: z.string().nullable(),
  redo: z.string().nullable(),
});
export type HistoryState = z.infer<typeof HistoryStateSchema>;

/** Keyframes in frame order, one per frame (a later one for the same frame wins). */
export function normaliseKeyframes(keyframes: readonly Keyframe[]): Keyframe[] {
  const byFrame = new Map<number, Keyframe>();
  for (const k of keyframes) byFrame.set(k.frame, k);
  return [...byFrame.values()].sort((a, b) => a.frame - b.frame);
}

/**
 * The frames a region track covers: from its first keyframe to the frame
 * before an `outside` keyframe that ends it, or to the last frame of the video.
 */
export function trackRange(keyframes: readonly Keyframe[], frameCount: number): { start: number; end: number } {
  const ks = normaliseKeyframes(keyframes);
  const start = ks[0]!.frame;
  const last = ks[ks.length - 1]!;
  const end = last.outside ? Math.max(start, last.frame - 1) : frameCount - 1;
  return { start, end };
}

/** Whether keyframes are strictly increasing by frame (what normaliseKeyframes returns). */
function inOrder(keyframes: readonly Keyframe[]): boolean {
  for (let j = 1; j < keyframes.length; j++) if (keyframes[j]!.frame <= keyframes[j - 1]!.frame) return false;
  return true;
}

export interface ShapeAt {
  shape: ShapeType;
  points: Point[];
  /** Whether frame f is itself a keyframe. */
  keyframe: boolean;
}

/**
 * The track's shape at frame f: a keyframe's own shape, or the linear blend
 * of the keyframes either side when both are the same shape with the same
 * number of points (otherwise the earlier one holds); null before the first
 * keyframe and while the track is outside.
 */
export function shapeAt(keyframes: readonly Keyframe[], f: number): ShapeAt | null {
  // Stored keyframes are already in order, one per frame: then no copy and no sort, and a binary search
  // (exports call this for every frame of long tracks).
  const ks = inOrder(keyframes) ? keyframes : normaliseKeyframes(keyframes);
  let lo = 0;
  let hi = ks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ks[mid]!.frame <= f) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  if (i < 0) return null;
  const a = ks[i]!;
  if (a.outside) return null;
  if (a.frame === f) return { shape: a.shape, points: a.points.map((p) => [p[0], p[1]] as Point), keyframe: true };
  const b = ks[i + 1];
  if (!b || b.outside || b.shape !== a.shape || b.points.length !== a.points.length) {
    return { shape: a.shape, points: a.points.map((p) => [p[0], p[1]] as Point), keyframe: false };
  }
  const t = (f - a.frame) / (b.frame - a.frame);
  return {
    shape: a.shape,
    points: a.points.map((p, k) => [p[0] + (b.points[k]![0] - p[0]) * t, p[1] + (b.points[k]![1] - p[1]) * t] as Point),
    keyframe: false,
  };
}

/** Check attribute values against a label's definitions; returns a message for the first problem, or null. */
export function checkAttributes(defs: readonly AttributeDef[], values: Attributes): string | null {
  for (const [key, v] of Object.entries(values)) {
    const d = defs.find((x) => x.id === key);
    if (!d) return `attribute ${key} is not defined for this label`;
    switch (d.type) {
      case 'choice':
        if (typeof v !== 'string' || !d.options.includes(v)) return `attribute ${key} must be one of ${d.options.join(', ')}`;
        break;
      case 'number':
        if (typeof v !== 'number') return `attribute ${key} must be a number`;
        if (d.min !== null && v < d.min) return `attribute ${key} must be at least ${d.min}`;
        if (d.max !== null && v > d.max) return `attribute ${key} must be at most ${d.max}`;
        break;
      case 'text':
        if (typeof v !== 'string') return `attribute ${key} must be text`;
        break;
      case 'bool':
        if (typeof v !== 'boolean') return `attribute ${key} must be true or false`;
        break;
    }
  }
  return null;
}
