import { Command, CommanderError, Option } from 'commander';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, open as openFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { TellframeError, toErrorInfo } from '../shared/errors';
import type { ImportItem, VideoSummary } from '../shared/model';
import { formatRational } from '../shared/time';
import { Core, type CoreOptions } from './core/api';
import { EXPORT_FORMATS, ExportOptionsSchema, IMPORT_FORMATS, type ExportFormat, type ExportOptions, type ImportFormat } from '../shared/exportFormats';
import type { ImportProgress } from './core/media/importer';
import { ReportOptionsSchema } from '../shared/report';
import { processRegistry } from './core/media/process';
import { signalCsv } from './core/signals/csv';

/**
 * `tellframe`: the headless command line over the same core as the app.
 * Errors print one line on stderr and exit non-zero; --debug adds the stack.
 */
let debug = false;

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function progressPrinter(): ((p: ImportProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (p) => {
    const pct = Math.round(p.fraction * 100);
    process.stderr.write(`\r\x1b[K[${p.file + 1}/${p.files}] ${p.stage} ${pct}% ${path.basename(p.path)}`);
    if (p.stage === 'done' || p.stage === 'error') process.stderr.write('\r\x1b[K');
  };
}

function withCore<T>(project: string, fn: (core: Core) => Promise<T>, opts: CoreOptions = {}): Promise<T> {
  const core = Core.open(project, opts);
  return fn(core).finally(() => core.close());
}

function describeVideo(v: VideoSummary): string[] {
  return [
    `#${v.id}  ${v.path}`,
    `    sha256 ${v.sha256}${v.custody.md5 ? `  md5 ${v.custody.md5}` : ''}  size ${v.size} bytes`,
    ...(v.custody.importedBy ? [`    imported ${v.importedAt} by ${v.custody.importedBy}${v.custody.machine ? ` on ${v.custody.machine}` : ''}${v.custody.tool ? ` with ${v.custody.tool}` : ''}${v.custody.ffmpeg ? `, ${v.custody.ffmpeg}` : ''}`] : []),
    `    ${v.codec} ${v.width}x${v.height}${v.pixFmt ? ' ' + v.pixFmt : ''}  frames ${v.frameCount}  duration ${v.duration.toFixed(6)} s`,
    `    avg fps ${v.avgFps.toFixed(3)}${v.vfr ? '  VFR' : ''}  start pts ${v.startPts} (${v.startTime.toFixed(6)} s, time base ${formatRational(v.timeBase)})  index by ${v.indexMethod}`,
  ];
}

function positiveInt(s: string, what: string): number {
  if (!/^\d{1,12}$/.test(s.trim()) || Number(s) <= 0) throw new TellframeError('BAD_INPUT', `${what} takes a positive whole number, got "${s}".`);
  return Number(s);
}

function number(s: string, what: string): number {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n)) throw new TellframeError('BAD_INPUT', `${what} takes a number, got "${s}".`);
  return n;
}

interface ExportCliOptions {
  format: string; out: string; videos?: string; split?: string; seed: string; overwrite?: boolean;
  image: 'png' | 'jpeg'; quality: string; every: string; negatives: string; crops?: boolean; margin: string; audioLabels: string;
}

/** The export command's flags as checked ExportOptions (the same schema the API parses). */
export function exportOptionsFromCli(o: ExportCliOptions): ExportOptions {
  const names = o.format.split(',').map((x) => x.trim()).filter(Boolean);
  const formats = names.includes('all') ? [...EXPORT_FORMATS] : names;
  for (const f of formats) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(f)) throw new TellframeError('BAD_INPUT', `--format: unknown format "${f}" (choose from ${EXPORT_FORMATS.join(', ')}, or all).`);
  }
  let videoIds: number[] | undefined;
  if (o.videos !== undefined) videoIds = o.videos.split(',').map((x) => positiveInt(x, '--videos'));
  let split: ExportOptions['split'];
  if (o.split !== undefined) {
    const r = o.split.split(',').map((x) => number(x, '--split'));
    if (r.length !== 3 || r.some((x) => x < 0)) throw new TellframeError('BAD_INPUT', `--split takes three ratios train,val,test such as 0.8,0.1,0.1, got "${o.split}".`);
    split = { train: r[0]!, val: r[1]!, test: r[2]!, seed: 0 };
  }
  const seed = number(o.seed, '--seed');
  if (split) split.seed = seed;
  const parsed = ExportOptionsSchema.safeParse({
    formats: formats as ExportFormat[], out: path.resolve(o.out), overwrite: Boolean(o.overwrite), videoIds, split,
    frames: { image: o.image, quality: number(o.quality, '--quality'), every: number(o.every, '--every'), negatives: number(o.negatives, '--negatives'), crops: Boolean(o.crops), margin: number(o.margin, '--margin'), seed },
    audioLabels: o.audioLabels.split(',').map((x) => x.trim()).filter(Boolean),
  });
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new TellframeError('BAD_INPUT', `Export options: ${first.path.join('.') || 'options'}: ${first.message}.`);
  }
  return parsed.data;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('tellframe')
    .description('Frame-exact deepfake tell annotation: projects, exact frame index, frames.')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('init')
    .description('create a new project file')
    .argument('<project>', 'project file to create (e.g. study.tellframe)')
    .action(async (project: string) => {
      const core = Core.create(project);
      core.close();
      out(`Created project ${path.resolve(project)}`);
    });

  program
    .command('import')
    .description('import video files and folders (searched recursively; videos found by content)')
    .argument('<project>', 'project file')
    .argument('<paths...>', 'files or folders')
    .option('--json', 'print the result as JSON')
    .option('--exact-decode', 'index every file by a full decode (slow; for checking)')
    .action(async (project: string, paths: string[], opts: { json?: boolean; exactDecode?: boolean }) => {
      const failed = await withCore(project, async (core) => {
        const ac = new AbortController();
        const stop = () => ac.abort();
        process.once('SIGINT', stop);
        try {
          const res = await core.handlers['media.import'](
            { paths, forceDecode: opts.exactDecode },
            { signal: ac.signal, onProgress: progressPrinter() },
          );
          printImport(res.items, res.skipped, Boolean(opts.json));
          return res.items.filter((i) => !i.ok).length;
        } finally {
          process.off('SIGINT', stop);
        }
      });
      if (failed) process.exitCode = 1;
    });

  program
    .command('info')
    .description('list the videos in a project')
    .argument('<project>', 'project file')
    .option('--json', 'print as JSON')
    .action(async (project: string, opts: { json?: boolean }) => {
      await withCore(project, async (core) => {
        const videos = await core.call('media.list', {});
        if (opts.json) return out(JSON.stringify(videos, null, 2));
        if (!videos.length) return out('No videos yet. Add some with: tellframe import PROJECT PATH...');
        for (const v of videos) for (const line of describeVideo(v)) out(line);
      });
    });

  program
    .command('frame')
    .description('write exactly one frame (0-based decode index) as a full-resolution PNG')
    .argument('<project>', 'project file')
    .argument('<video>', 'video id or the path it was imported from')
    .argument('<index>', 'frame index, 0-based')
    .requiredOption('--out <file>', 'PNG file to write')
    .action(async (project: string, video: string, index: string, opts: { out: string }) => {
      if (!/^\d+$/.test(index)) throw new TellframeError('BAD_INPUT', `Frame index must be a whole number ≥ 0, got "${index}".`);
      await withCore(project, async (core) => {
        const frame = await core.frame(video, Number(index), 'png');
        await writeFile(opts.out, frame.data);
        out(`Wrote frame ${frame.index} (pts ${frame.pts}, ${frame.width}x${frame.height}) to ${path.resolve(opts.out)}`);
      });
    });

  program
    .command('verify')
    .description('check the audit chain and that every media file still has its recorded hash')
    .argument('<project>', 'project file')
    .option('--json', 'print as JSON')
    .option('--head <hash>', 'the chain head printed in a report or export: show that row and every change recorded since (fails if the chain lacks it)')
    .action(async (project: string, opts: { json?: boolean; head?: string }) => {
      const report = await withCore(project, (core) => core.call('project.verify', { head: opts.head?.trim().toLowerCase() }));
      if (opts.json) out(JSON.stringify(report, null, 2));
      else {
        out(report.auditOk ? `Audit log: ${report.auditRows} rows, chain intact; head ${report.head}.` : `Audit log: BROKEN at row ${report.brokenAt} (of ${report.auditRows}).`);
        const s = report.since;
        if (s && s.seq === null) out(`Head ${s.head} is NOT in this project's audit chain: this is not the project the report or export was made from, or its history was rewritten.`);
        else if (s) {
          out(`Head ${s.head} is row ${s.seq}; ${s.afterCount === 0 ? 'nothing was recorded since.' : `${s.afterCount} change${s.afterCount > 1 ? 's were' : ' was'} recorded since:`}`);
          for (const e of s.after) out(`  ${e.seq}  ${e.at}  ${e.actor}  ${e.action}`);
          if (s.afterCount > s.after.length) out(`  … ${s.afterCount - s.after.length} more`);
        }
        for (const m of report.media) out(`${m.status === 'ok' ? 'ok     ' : m.status.padEnd(7)} #${m.id} ${m.path}`);
      }
      if (!report.ok) {
        process.stderr.write('tellframe: verification failed\n');
        process.exitCode = 1;
      }
    });

  program
    .command('export')
    .description('export annotations, frames and dataset builds (docs/formats.md); written to a temporary folder and moved into place when complete')
    .argument('<project>', 'project file')
    .requiredOption('--format <names>', `one or more of ${EXPORT_FORMATS.join(', ')} (comma-separated; several go into sub-folders), or "all"`)
    .requiredOption('--out <dir>', 'folder to create (must be new or empty unless --overwrite)')
    .option('--videos <ids>', 'only these videos: ids separated by commas')
    .option('--split <ratios>', 'build train/val/test splits with these ratios, e.g. 0.8,0.1,0.1 (grouped by original and identity, stratified by verdict)')
    .option('--seed <n>', 'seed of the split shuffle and of sampled negatives', '0')
    .option('--overwrite', 'replace what is in --out')
    .addOption(new Option('--image <type>', 'image format of frames and crops').choices(['png', 'jpeg']).default('png'))
    .option('--quality <n>', 'JPEG quality 1-100', '92')
    .option('--every <n>', 'frames: also every Nth frame (0 = only annotated frames)', '0')
    .option('--negatives <n>', 'frames: also this many unannotated frames per video, sampled with --seed', '0')
    .option('--crops', 'frames: also crop every region, with --margin around it')
    .option('--margin <f>', 'crop margin on each side as a fraction of the region size', '0.25')
    .option('--audio-labels <ids>', 'labels whose periods are audio fakes (lavdf)', 'audio_anomaly')
    .action(async (project: string, opts: ExportCliOptions) => {
      const options = exportOptionsFromCli(opts);
      await withCore(project, async (core) => {
        const tty = process.stderr.isTTY;
        const r = await core.exportRun(options, {
          onProgress: tty
            ? (p) => process.stderr.write(`\r\x1b[K[${Math.round(p.fraction * 100)}%] ${p.step}: ${p.what}${p.total > 1 ? ` ${p.done}/${p.total}` : ''}`)
            : undefined,
        });
        if (tty) process.stderr.write('\r\x1b[K');
        out(`Wrote ${r.out}: ${r.formats.join(', ')}; ${r.videos} videos, ${r.annotations} annotations, ${r.files} files, ${r.bytes} bytes.`);
        out(`MANIFEST.sha256 sha256 ${r.manifestSha256}; audit head ${r.auditHead}.`);
      });
    });

  program
    .command('report')
    .description('write an evidence report of one video: report.html (self-contained), report.pdf, the exact stills as PNG and MANIFEST.sha256; the file is re-hashed and the audit chain checked first')
    .argument('<project>', 'project file')
    .requiredOption('--video <id>', 'video id (see tellframe info)')
    .requiredOption('--out <dir>', 'folder to create (must be new or empty unless --overwrite)')
    .option('--case <number>', 'case number printed on the report', '')
    .option('--analyst <name>', 'analyst named on the report (default: the current user)')
    .option('--neighbours <n>', 'neighbouring frames shown either side of each finding\'s still (0-3)', '1')
    .option('--no-pdf', 'write the HTML report only')
    .option('--overwrite', 'replace an earlier report in --out')
    .option('--allow-failed-check', 'write the report even if the file changed or the audit chain is broken (the report says so at its top)')
    .action(async (project: string, opts: { video: string; out: string; case: string; analyst?: string; neighbours: string; pdf: boolean; overwrite?: boolean; allowFailedCheck?: boolean }) => {
      const input = {
        videoId: positiveInt(opts.video, '--video'), out: path.resolve(opts.out), caseNumber: opts.case, analyst: opts.analyst,
        neighbours: number(opts.neighbours, '--neighbours'), pdf: opts.pdf, overwrite: Boolean(opts.overwrite), allowFailedCheck: Boolean(opts.allowFailedCheck),
      };
      const parsed = ReportOptionsSchema.safeParse(input);
      if (!parsed.success) {
        const first = parsed.error.issues[0]!;
        throw new TellframeError('BAD_INPUT', `Report options: ${first.path.join('.') || 'options'}: ${first.message}.`);
      }
      await withCore(project, async (core) => {
        const tty = process.stderr.isTTY;
        const r = await core.reportRun(parsed.data, {
          onProgress: tty ? (p) => process.stderr.write(`\r\x1b[K[${Math.round(p.fraction * 100)}%] ${p.what}`) : undefined,
        });
        if (tty) process.stderr.write('\r\x1b[K');
        if (r.media !== 'ok' || !r.auditOk) process.stderr.write(`tellframe: warning: the integrity check failed (file ${r.media}, audit chain ${r.auditOk ? 'intact' : 'broken'}); the report says so\n`);
        out(`Wrote ${r.html}${r.pdf ? ` and ${r.pdf}` : ''}: ${r.findings} findings, ${r.stills} stills, ${r.files} files.`);
        out(`MANIFEST.sha256 sha256 ${r.manifestSha256}; audit head ${r.auditHead}.`);
      });
    });

  program
    .command('import-annotations')
    .description('add the annotations of a file (native JSON, or pre-annotations from another tool): all or nothing, videos matched by sha256 or file name')
    .argument('<project>', 'project file')
    .argument('<file>', 'the file to import')
    .addOption(new Option('--format <name>', 'the file\'s format').choices([...IMPORT_FORMATS]).default('json'))
    .action(async (project: string, file: string, opts: { format: ImportFormat }) => {
      await withCore(project, async (core) => {
        const r = await core.call('annotations.importFile', { path: path.resolve(file), format: opts.format });
        out(`Imported ${r.annotations} annotations on ${r.videos} videos, ${r.labels} new labels${r.links ? `, ${r.links} links to originals` : ''}.`);
      });
    });

  program
    .command('link')
    .description('link a video to the original it was made from and/or set the identity it shows (splits keep them together)')
    .argument('<project>', 'project file')
    .argument('<video>', 'video id')
    .option('--original <id>', 'id of the original video, or "none"')
    .option('--identity <name>', 'the identity shown, or "none"')
    .action(async (project: string, video: string, opts: { original?: string; identity?: string }) => {
      const id = positiveInt(video, 'video');
      if (opts.original === undefined && opts.identity === undefined) throw new TellframeError('BAD_INPUT', 'Give --original and/or --identity.');
      const originalId = opts.original === undefined ? undefined : opts.original === 'none' ? null : positiveInt(opts.original, '--original');
      const identity = opts.identity === undefined ? undefined : opts.identity === 'none' ? null : opts.identity;
      await withCore(project, async (core) => {
        const v = await core.call('media.link', { id, originalId, identity });
        out(`#${v.id}: original ${v.originalId ?? 'none'}, identity ${v.identity ?? 'none'}.`);
      });
    });

  program
    .command('relink')
    .description("point a video at another copy of its original (moved or copied): accepted only if the file's SHA-256 is the one recorded on import")
    .argument('<project>', 'project file')
    .argument('<video>', 'video id')
    .argument('<file>', 'where the original is now')
    .action(async (project: string, video: string, file: string) => {
      const id = positiveInt(video, 'video');
      await withCore(project, async (core) => {
        const v = await core.call('media.relink', { id, path: path.resolve(file) });
        out(`#${v.id} now reads ${v.path} (sha256 ${v.sha256} checked).`);
      });
    });

  program
    .command('signals')
    .description(
      'measure detection signals (face landmarks, eye and mouth aspect ratios, lighting, colour, sharpness, flicker) of every frame, kept in the project; '
      + 'videos whose signals are already kept with this version and settings are not measured again',
    )
    .argument('<project>', 'project file')
    .option('--videos <ids>', 'only these video ids, comma-separated')
    .option('--shard <I/N>', 'only the I-th (1…N) of N slices of the videos (sorted by SHA-256), for cluster array jobs')
    .option('--jobs <n>', 'videos measured at once, one worker each (default: the cores available)')
    .option('--force', 'measure again even when kept')
    .option('--out <file.csv>', 'also write the per-frame values (video, frame, pts, time, one column per signal) as CSV')
    .option('--save <dir>', 'also write each video\'s signals as <sha256>.signals.json, to merge into another copy of the project')
    .option('--merge <paths...>', 'instead of measuring: keep the signals of these .signals.json files (or folders of them) for the videos with the same SHA-256')
    .action(async (project: string, opts: { videos?: string; shard?: string; jobs?: string; force?: boolean; out?: string; save?: string; merge?: string[] }) => {
      if (opts.merge) {
        if (opts.videos || opts.shard || opts.force || opts.save) throw new TellframeError('BAD_INPUT', '--merge only reads files: it takes no --videos, --shard, --force or --save.');
        const files: string[] = [];
        for (const p of opts.merge) {
          const st = await stat(p).catch(() => null);
          if (!st) throw new TellframeError('NOT_FOUND', `--merge: ${p} does not exist.`);
          if (st.isDirectory()) files.push(...(await readdir(p)).filter((f) => f.endsWith('.signals.json')).sort().map((f) => path.join(p, f)));
          else files.push(p);
        }
        if (!files.length) throw new TellframeError('BAD_INPUT', '--merge: no .signals.json files found.');
        const docs = await Promise.all(files.map(async (f) => {
          try {
            return { data: JSON.parse(await readFile(f, 'utf8')) as unknown, where: f };
          } catch (err) {
            throw new TellframeError('BAD_INPUT', `${f}: not JSON (${(err as Error).message}).`);
          }
        }));
        await withCore(project, async (core) => {
          const merged = core.mergeSignals(docs);
          for (const m of merged) out(`merged #${m.videoId}  ${m.sha256}  from ${m.where}`);
          out(`Merged the signals of ${merged.length} videos.`);
          if (opts.out) await writeSignalCsv(core, merged.map((m) => m.videoId), opts.out);
        });
        return;
      }
      let shard: { i: number; n: number } | undefined;
      if (opts.shard !== undefined) {
        const m = /^(\d{1,6})\/(\d{1,6})$/.exec(opts.shard.trim());
        if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new TellframeError('BAD_INPUT', `--shard takes I/N with 1 ≤ I ≤ N, such as 3/8, got "${opts.shard}".`);
        shard = { i: Number(m[1]), n: Number(m[2]) };
      }
      const jobs = opts.jobs === undefined ? availableParallelism() : positiveInt(opts.jobs, '--jobs');
      await withCore(project, async (core) => {
        let rows = opts.videos === undefined ? core.store.listMedia() : opts.videos.split(',').map((x) => core.resolveVideo(positiveInt(x, '--videos')));
        // Slices of the hash-sorted list: every machine derives the same split from the same videos.
        rows = [...new Map(rows.map((r) => [r.id, r])).values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : a.id - b.id));
        if (shard) rows = rows.filter((_, k) => k % shard.n === shard.i - 1);
        if (opts.save) await mkdir(opts.save, { recursive: true });
        const tty = process.stderr.isTTY;
        const done = new Map<number, number>();
        const show = () => {
          if (tty) process.stderr.write(`\r\x1b[K${[...done.entries()].map(([id, f]) => `#${id} ${Math.round(f * 100)}%`).join('  ')}`);
        };
        let next = 0;
        let measured = 0;
        const failed: number[] = [];
        const worker = async () => {
          while (next < rows.length) {
            const row = rows[next++]!;
            // One video failing (a moved file, a broken stream) does not stop the others: it is reported and counted.
            try {
              let k = opts.force ? null : core.keptSignals(row);
              let what = 'kept';
              if (!k) {
                const t0 = performance.now();
                done.set(row.id, 0);
                try {
                  k = await core.measureSignals(row, { onProgress: (d, total) => { done.set(row.id, total ? d / total : 0); show(); } });
                } finally {
                  done.delete(row.id);
                }
                const s = (performance.now() - t0) / 1000;
                what = `measured in ${s.toFixed(1)} s (${(k.frames / s).toFixed(1)} frames/s)`;
                measured++;
              }
              if (opts.save) {
                // Written whole or not at all: a job killed meanwhile leaves no truncated file for --merge to trip on.
                const file = path.join(opts.save, `${row.sha256}.signals.json`);
                await writeFile(`${file}.partial`, JSON.stringify(k));
                await rename(`${file}.partial`, file);
              }
              if (tty) process.stderr.write('\r\x1b[K');
              out(`#${row.id}  ${row.sha256}  ${k.frames} frames  ${what}  ${row.path}`);
            } catch (err) {
              failed.push(row.id);
              const info = toErrorInfo(err);
              if (tty) process.stderr.write('\r\x1b[K');
              out(`error #${row.id}  ${row.path}: ${info.message} [${info.code}]`);
            }
            show();
          }
        };
        await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, rows.length)) }, worker));
        const good = rows.filter((r) => !failed.includes(r.id));
        out(`${rows.length} videos${shard ? ` (shard ${shard.i}/${shard.n})` : ''}: ${measured} measured, ${good.length - measured} kept already${failed.length ? `, ${failed.length} failed` : ''}.`);
        if (opts.out) await writeSignalCsv(core, good.map((r) => r.id), opts.out);
        if (failed.length) throw new TellframeError('FFMPEG_FAILED', `Signals of ${failed.length} of ${rows.length} videos could not be measured (${failed.map((id) => `#${id}`).join(', ')}); the others are kept.`);
      }, { signalConcurrency: jobs }); // headless, every core may measure: as many videos at once as --jobs
    });

  program
    .command('serve')
    .description('serve the UI, the API and the frames to a browser on 127.0.0.1 (first line printed: the URL with its token)')
    .argument('[project]', 'project file to open (otherwise choose or create one in the browser)')
    .addOption(new Option('--port <n>', 'port (0 = any free port)').default('0'))
    .action(async (project: string | undefined, opts: { port: string }) => {
      if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw new TellframeError('BAD_INPUT', `--port must be 0–65535, got "${opts.port}".`);
      const { startWebHost } = await import('./host/web');
      const { Session } = await import('./core/session');
      const session = new Session({ canChooseProject: true });
      if (project) session.open(project);
      const host = await startWebHost(session, { port: Number(opts.port) });
      out(host.url);
      process.stderr.write(`Serving ${project ? path.resolve(project) : '(no project yet)'} on ${host.origin}; Ctrl+C stops.\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          void host.close().finally(() => {
            session.close();
            resolve();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  return program;
}

/** Write the per-frame signal CSV of these videos (all must have kept signals), through a temporary file renamed into place. */
async function writeSignalCsv(core: Core, videoIds: readonly number[], file: string): Promise<void> {
  const tmp = `${file}.partial`;
  const fh = await openFile(tmp, 'w');
  let frames = 0;
  try {
    let first = true;
    for (const id of videoIds) {
      const row = core.resolveVideo(id);
      const k = core.keptSignals(row);
      if (!k) throw new TellframeError('NOT_FOUND', `Video ${id} has no signals kept.`);
      await fh.write(signalCsv(await core.signalCsvVideo(row, k), first));
      first = false;
      frames += k.frames;
    }
    if (first) await fh.write(signalCsv.header());
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  await rename(tmp, file);
  out(`Wrote ${file}: ${frames} frames of ${videoIds.length} videos.`);
}

function printImport(items: ImportItem[], skipped: number, json: boolean): void {
  if (json) {
    out(JSON.stringify({ items, skipped }, null, 2));
    return;
  }
  for (const it of items) {
    if (it.ok) out(`ok    #${it.id}  ${it.frames} frames  ${it.path}${it.duplicate ? '  (already in the project)' : ''}`);
    else out(`error ${it.path}: ${it.error.message} [${it.error.code}]`);
  }
  const bad = items.filter((i) => !i.ok).length;
  out(`${items.length - bad} imported, ${bad} failed${skipped ? `, ${skipped} non-video files skipped` : ''}.`);
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (usage errors, --help, --version).
      process.exitCode = err.exitCode;
      return;
    }
    const info = toErrorInfo(err);
    process.stderr.write(`tellframe: ${info.message}${info.code === 'INTERNAL' ? '' : ` [${info.code}]`}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = info.code === 'BAD_INPUT' ? 2 : 1;
  } finally {
    processRegistry.killAll();
  }
}

await main(process.argv);
