import { z } from 'zod';

/**
 * The shape every background job reports through its `*.status` method
 * (export, report, frame hashes, signals; imports add their items): its
 * state, its newest progress, its result once done, and why it failed.
 */
export const JobStateSchema = z.enum(['running', 'done', 'cancelled', 'failed']);
/** An error as hosts report it (shared/errors.ts ErrorInfo). */
export const ErrorInfoSchema = z.object({ code: z.string(), message: z.string() });

/** Progress of one long step: how far, and what it is doing ("Hashed 200 of 900 frames"). */
export const StepProgressSchema = z.object({ done: z.number(), total: z.number(), what: z.string(), fraction: z.number() });

export function jobSchema<P extends z.ZodType, R extends z.ZodType>(progress: P, result: R) {
  return z.object({
    jobId: z.string(),
    state: JobStateSchema,
    progress: progress.nullable(),
    result: result.nullable(),
    error: ErrorInfoSchema.nullable(),
  });
}
