import { z } from 'zod';
import { jobSchema } from './jobs';

/** Evidence reports (electron/core/report): options, progress and result, for every host. */
export const ReportOptionsSchema = z
  .object({
    videoId: z.number().int().positive(),
    /** Folder to create: report.html, report.pdf, stills/, MANIFEST.sha256. */
    out: z.string().min(1).max(4096),
    caseNumber: z.string().trim().max(200).default(''),
    /** The analyst named on the report (default: the current user). */
    analyst: z.string().trim().max(200).optional(),
    /** Neighbouring frames shown either side of each finding's still (0–3). */
    neighbours: z.number().int().min(0).max(3).default(1),
    /** Also print the report as PDF. */
    pdf: z.boolean().default(true),
    overwrite: z.boolean().default(false),
    /**
     * Write the report even when the file's SHA-256 no longer matches or the
     * audit chain is broken (the report then says so at its top). Without
     * this, such a report is refused.
     */
    allowFailedCheck: z.boolean().default(false),
  })
  .strict();
export type ReportOptions = z.output<typeof ReportOptionsSchema>;

export const ReportProgressSchema = z.object({
  step: z.string(),
  done: z.number(),
  total: z.number(),
  what: z.string(),
  fraction: z.number(),
});
export type ReportProgress = z.infer<typeof ReportProgressSchema>;

export const ReportResultSchema = z.object({
  out: z.string(),
  html: z.string(),
  /** Null when no PDF was asked for. */
  pdf: z.string().nullable(),
  findings: z.number().int(),
  stills: z.number().int(),
  files: z.number().int(),
  /** SHA-256 of MANIFEST.sha256, which lists every file of the report with its SHA-256. */
  manifestSha256: z.string(),
  /** The audit chain head the report states (before its own custody row). */
  auditHead: z.string(),
  /** The file's check just before the report. */
  media: z.enum(['ok', 'missing', 'changed']),
  auditOk: z.boolean(),
});
export type ReportResult = z.infer<typeof ReportResultSchema>;

export const ReportJobSchema = jobSchema(ReportProgressSchema, ReportResultSchema);
export type ReportJob = z.infer<typeof ReportJobSchema>;
