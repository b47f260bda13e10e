import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { shapeAt, type Annotation } from '../../../shared/annotations';
import { TellframeError } from '../../../shared/errors';
import type { Forensics } from '../../../shared/forensics';
import type { Label, VideoSummary } from '../../../shared/model';
import type { ReportOptions, ReportProgress, ReportResult } from '../../../shared/report';
import { formatRational, formatTimecode, type Rational } from '../../../shared/time';
import { buildManifest } from '../export/card';
import { seconds, spanSeconds } from '../export/model';
import { writeStills } from '../export/frames';
import { checkDestination, listFiles, makeStaging, placeStaged, sha256File } from '../export/staged';
import type { ExtractSource } from '../media/extract';
import type { FfmpegPaths } from '../media/locate';
import type { MediaRow } from '../project/store';
import { renderReportHtml, type ReportData, type ReportFinding, type ReportStill } from './html';

/** Page numbers at the foot of every printed page (Chromium fills the spans), for every printer. */
export const REPORT_FOOTER = '<div style="font-size:7pt;width:100%;text-align:center;color:#444">page <span class="pageNumber"></span> of <span class="totalPages"></span></div>';

/** Print an HTML file as PDF (headless Chromium in Node; Electron's printToPDF in the app). */
export interface PdfPrinter {
  (htmlFile: string, signal?: AbortSignal): Promise<Buffer>;
  /** Why it cannot print here (no browser found), or null; asked before a report starts. */
  unavailable?: () => Promise<string | null>;
}

/** What a report needs from the project; the core supplies it (reading only). */
export interface ReportRun {
  row: MediaRow;
  summary: VideoSummary;
  source: ExtractSource;
  bins: FfmpegPaths;
  annotations: Annotation[];
  labels: Label[];
  forensics: Forensics;
  analyst: string;
  tool: string;
  ffmpeg: string;
  /** The ffmpeg build's configure line (`ffmpeg -version`). */
  ffmpegConfiguration: string;
  projectFile: string;
  /** The file's SHA-256 now, against the one recorded. */
  checkMedia(signal?: AbortSignal): Promise<{ status: 'ok' | 'missing' | 'changed'; actual: string | null }>;
  /** The audit chain recomputed, and its summary, read in the same snapshot as the annotations. */
  verify: { rows: number; brokenAt: number | null };
  audit: ReportData['audit'];
  printPdf: PdfPrinter | null;
  signal?: AbortSignal;
  onProgress?(p: ReportProgress): void;
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new TellframeError('ABORTED', 'The report was cancelled.');
}

/** Findings in the order a reader follows the video: by still frame, then start. */
export function reportFindings(annotations: readonly Annotation[]): Annotation[] {
  return annotations
    .filter((a) => a.finding)
    .sort((a, b) => a.finding!.frame - b.finding!.frame || a.startFrame - b.startFrame || a.id.localeCompare(b.id));
}

/** The frames shown for a finding: its still frame and up to `n` neighbours each side, within the video. */
export function stillFrames(frame: number, n: number, frameCount: number): number[] {
  const out: number[] = [];
  for (let f = Math.max(0, frame - n); f <= Math.min(frameCount - 1, frame + n); f++) out.push(f);
  return out;
}

function timecode(seconds: number, rate: Rational | null): string {
  if (!rate || rate.num <= 0 || rate.den <= 0) return '—';
  try {
    return formatTimecode(seconds, rate);
  } catch {
    return '—';
  }
}

/**
 * Write an evidence report of one video into `options.out`: report.html
 * (self-contained), report.pdf, the exact stills as PNG in stills/, and
 * MANIFEST.sha256. The file is re-hashed first and the audit chain
 * re-checked; a failure refuses the report unless allowFailedCheck, and then
 * the report says so at its top. Nothing in the project changes here; the
 * caller appends the custody row.
 */
export async function runReport(options: ReportOptions, run: ReportRun): Promise<ReportResult> {
  const out = path.resolve(options.out);
  const projectFile = path.resolve(run.projectFile);
  await checkDestination(out, options.overwrite, projectFile);
  const findings = reportFindings(run.annotations);
  const frameCount = run.row.frame_count;
  const stillPlan = findings.map((a) => stillFrames(a.finding!.frame, options.neighbours, frameCount));
  const wanted = [...new Set(stillPlan.flat())].sort((a, b) => a - b);
  // Steps: hash check (weight 2), stills (one each), embedding, html, pdf (weight 2), manifest.
  const total = 2 + wanted.length + 1 + 1 + (options.pdf ? 2 : 0) + 1;
  let done = 0;
  const progress = (step: string, what: string, add = 0) => {
    done += add;
    run.onProgress?.({ step, what, done, total, fraction: Math.min(1, done / total) });
  };

  progress('check', "Checking the file's SHA-256 and the audit chain");
  const media = await run.checkMedia(run.signal);
  const audit = run.verify;
  const checkedAt = new Date().toISOString();
  if ((media.status !== 'ok' || audit.brokenAt !== null) && !options.allowFailedCheck) {
    const what = media.status === 'changed'
      ? `${run.row.path} has changed since import (SHA-256 ${media.actual}, recorded ${run.row.sha256})`
      : media.status === 'missing' ? `${run.row.path} cannot be read` : `the audit chain is broken at row ${audit.brokenAt}`;
    throw new TellframeError('BAD_INPUT', `No report: ${what}. Relink or restore the original, or allow a report that says the check failed.`);
  }
  progress('check', 'Checked', 2);
  checkAborted(run.signal);

  const tmp = await makeStaging(out);
  try {
    const stillsDir = path.join(tmp, 'stills');
    const stem = (f: number) => `frame_${String(f).padStart(6, '0')}.png`;
    const scratch = path.join(tmp, '.scratch');
    if (wanted.length) {
      mkdirSync(stillsDir);
      await writeStills(run.bins, run.source, wanted.map((f) => ({ frame: f, file: path.join(stillsDir, stem(f)) })), {
        image: 'png', quality: 100, scratch, signal: run.signal,
        onProgress: (n) => progress('stills', `Decoding stills ${n}/${wanted.length}`, n + 2 - done),
      });
    }
    rmSync(scratch, { recursive: true, force: true });
    checkAborted(run.signal);

    progress('embed', 'Embedding the stills');
    const tb = run.summary.timeBase;
    const pts = run.source.pts;
    const clock = { startPts: run.row.first_pts, timeBase: tb };
    const picture = new Map<number, { jpeg: string; sha256: string; width: number; height: number }>();
    for (const f of wanted) {
      checkAborted(run.signal);
      const bytes = readFileSync(path.join(stillsDir, stem(f)));
      const png = PNG.sync.read(bytes);
      const jpeg = Buffer.from(encodeJpeg({ data: png.data, width: png.width, height: png.height }, 90).data).toString('base64');
      picture.set(f, { jpeg, sha256: createHash('sha256').update(bytes).digest('hex'), width: png.width, height: png.height });
    }
    progress('embed', 'Embedded', 1);

    const labels = new Map(run.labels.map((l) => [l.id, l]));
    const reportFindingsData: ReportFinding[] = findings.map((a, i) => {
      // As the native JSON gives them: seconds from frame 0's pts; the end is the end of the last frame.
      const { start: startSeconds, end: endSeconds } = spanSeconds(clock, a);
      const stills: ReportStill[] = stillPlan[i]!.map((f) => {
        const p = picture.get(f)!;
        const s = seconds(clock, pts[f]!);
        return {
          frame: f, pts: pts[f]!, seconds: s, timecode: timecode(s, run.summary.frameRate), file: `stills/${stem(f)}`, sha256: p.sha256,
          jpeg: p.jpeg, width: p.width, height: p.height, shape: a.keyframes ? shapeAt(a.keyframes, f) : null, main: f === a.finding!.frame,
        };
      });
      return {
        n: i + 1, annotation: a, label: a.label ? (labels.get(a.label) ?? null) : null, startSeconds, endSeconds,
        // Timecodes name frames: the first frame's and the last frame's (not the end of the last).
        startTimecode: timecode(startSeconds, run.summary.frameRate), endTimecode: timecode(seconds(clock, pts[a.endFrame]!), run.summary.frameRate), stills,
      };
    });

    const r = run.row;
    const data: ReportData = {
      caseNumber: options.caseNumber, analyst: run.analyst, createdAt: checkedAt, tool: run.tool, ffmpeg: run.ffmpeg, projectFile,
      check: { media: media.status, expected: r.sha256, actual: media.actual, checkedAt, auditOk: audit.brokenAt === null, auditRows: audit.rows, brokenAt: audit.brokenAt },
      file: {
        name: path.basename(r.path), path: r.path, size: r.size, modified: new Date(r.mtime_ms).toISOString(), sha256: r.sha256, md5: r.md5,
        importedAt: r.imported_at, importedBy: r.imported_by, machine: r.machine, toolAtImport: r.tool_version, ffmpegAtImport: r.ffmpeg_version,
      },
      video: {
        codec: r.codec, width: r.width, height: r.height, pixFmt: r.pix_fmt, frames: r.frame_count, timeBase: formatRational(tb),
        frameRate: run.summary.frameRate ? `${formatRational(run.summary.frameRate)} (${(run.summary.frameRate.num / run.summary.frameRate.den).toFixed(3)} fps)` : 'unknown',
        duration: run.summary.duration, vfr: run.summary.vfr, indexMethod: r.index_method, startPts: r.first_pts,
      },
      forensics: run.forensics,
      verdicts: run.annotations.filter((a) => a.kind === 'verdict'),
      findings: reportFindingsData,
      audit: run.audit,
      settings: [
        ['Report made with', run.tool],
        ['ffmpeg', run.ffmpeg || 'unknown'],
        ['ffmpeg build', run.ffmpegConfiguration || 'unknown'],
        ['Imported with', [r.tool_version, r.ffmpeg_version].filter(Boolean).join(', ') || 'not recorded'],
        ['Original file', 'opened read-only; never written'],
        ['Frame index', `every decoded picture's pts, by ${r.index_method === 'packets' ? 'packet reading checked against a decode of the first frames' : 'a full decode'}`],
        ['Stills', `exact frames decoded by ffmpeg from the preceding key frame, selected by pts and checked against the index; saved as lossless PNG (RGB) in stills/ and embedded as JPEG quality 90; ${options.neighbours} neighbouring frame(s) each side`],
        ['Times and timecodes', 'seconds from frame 0\'s pts in the stream time base; timecode from those seconds at the stream\'s frame rate'],
        ['Integrity check', `SHA-256 of the file re-computed at ${checkedAt}: ${media.status}; audit chain ${audit.brokenAt === null ? 'intact' : `broken at row ${audit.brokenAt}`}`],
      ],
    };
    checkAborted(run.signal);
    progress('html', 'Writing report.html');
    const html = renderReportHtml(data);
    const htmlFile = path.join(tmp, 'report.html');
    await writeFile(htmlFile, html);
    progress('html', 'Wrote report.html', 1);

    if (options.pdf) {
      if (!run.printPdf) throw new TellframeError('BAD_INPUT', 'No PDF printer is available here; ask for the HTML report alone.');
      progress('pdf', 'Printing report.pdf');
      const pdf = await run.printPdf(htmlFile, run.signal);
      await writeFile(path.join(tmp, 'report.pdf'), pdf);
      progress('pdf', 'Printed report.pdf', 2);
    }
    checkAborted(run.signal);

    progress('manifest', 'Hashing files');
    const files = (await listFiles(tmp)).sort();
    const hashed = [];
    for (const f of files) hashed.push({ path: f, sha256: await sha256File(path.join(tmp, f)) });
    const manifest = buildManifest(hashed);
    await writeFile(path.join(tmp, 'MANIFEST.sha256'), manifest);
    checkAborted(run.signal);
    await placeStaged(tmp, out, options.overwrite, projectFile);
    progress('done', 'Done', 1);
    return {
      out, html: path.join(out, 'report.html'), pdf: options.pdf ? path.join(out, 'report.pdf') : null,
      findings: findings.length, stills: wanted.length, files: files.length + 1,
      manifestSha256: createHash('sha256').update(manifest).digest('hex'),
      auditHead: data.audit.head, media: media.status, auditOk: audit.brokenAt === null,
    };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
