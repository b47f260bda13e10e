import { z } from 'zod';
import { ANNOTATION_KINDS, AttributeDefSchema, FindingSchema, AttributesSchema, ProvenanceSchema, ID_PATTERN, PointSchema, SHAPES, VerdictSchema } from './annotations';
import { RationalSchema } from './model';

/**
 * Tellframe's native annotation JSON: the lossless serialisation of a
 * project's taxonomy and annotations. resources/annotations.schema.json is
 * generated from these schemas (npm run schemas) and checked by a test.
 * Frames are exact decode indices; times are seconds from frame 0's pts
 * (endTime is the end of the last frame), from the stored pts.
 */
export const NATIVE_FORMAT = 'tellframe.annotations';
export const NATIVE_VERSION = 1;

export const NativeLabelSchema = z
  .object({
    id: z.string().regex(ID_PATTERN),
    name: z.string(),
    description: z.string(),
    scope: z.enum(['frame', 'video']),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    hotkey: z.string().nullable(),
    position: z.number().int().min(0),
    retired: z.boolean(),
    mergedInto: z.string().nullable(),
    attributes: z.array(AttributeDefSchema),
  })
  .strict();
export type NativeLabel = z.infer<typeof NativeLabelSchema>;

export const NativeKeyframeSchema = z
  .object({
    frame: z.number().int().min(0),
    shape: z.enum(SHAPES),
    /** Pixel coordinates: a box's two corners, a polygon's points, or one point. */
    points: z.array(PointSchema).min(1),
    outside: z.boolean(),
  })
  .strict();

export const NativeAnnotationSchema = z
  .object({
    // Ids name files in some exports (crops): letters, digits and - _ . : only, starting with a letter or digit.
    id: z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'an id is letters, digits and - _ . : (starting with a letter or digit)'),
    kind: z.enum(ANNOTATION_KINDS),
    /** The label id; null for a verdict. */
    label: z.string().nullable(),
    startFrame: z.number().int().min(0),
    endFrame: z.number().int().min(0),
    startTime: z.number(),
    endTime: z.number(),
    startPts: z.number().int(),
    endPts: z.number().int(),
    annotator: z.string(),
    attributes: AttributesSchema,
    note: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    keyframes: z.array(NativeKeyframeSchema).optional(),
    verdict: VerdictSchema.optional(),
    /** Where an imported pre-annotation came from (`format:file`); absent when made in Tellframe. */
    source: z.string().max(4096).optional(),
    /** Present when the annotation is a finding: status, the analyst's statement, and the frame its stills show. */
    finding: FindingSchema.optional(),
    /** Present when the annotation was made from a detection-signal candidate: signal, version, parameters, candidate. */
    provenance: ProvenanceSchema.optional(),
  })
  .strict();
export type NativeAnnotation = z.infer<typeof NativeAnnotationSchema>;

export const NativeVideoSchema = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    path: z.string(),
    frameCount: z.number().int().min(1),
    /** The video stream's time base; every pts is in its units. */
    timeBase: RationalSchema,
    /** pts of frame 0 (time 0 in this file) and of the end of the last frame. */
    startPts: z.number().int(),
    endPts: z.number().int(),
    /** The container's own start time in seconds (ffprobe format start_time). */
    containerStartTime: z.number(),
    annotations: z.array(NativeAnnotationSchema),
  })
  .strict();
export type NativeVideo = z.infer<typeof NativeVideoSchema>;

export const NativeExportSchema = z
  .object({
    format: z.literal(NATIVE_FORMAT),
    version: z.literal(NATIVE_VERSION),
    /** Who exported, when, with what, and the audit chain head at that moment. */
    exported: z
      .object({
        at: z.string(),
        by: z.string(),
        tool: z.string(),
        auditHead: z.string(),
      })
      .strict(),
    taxonomy: z.array(NativeLabelSchema),
    videos: z.array(NativeVideoSchema),
  })
  .strict();
export type NativeExport = z.infer<typeof NativeExportSchema>;
