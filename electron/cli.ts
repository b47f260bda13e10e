import { Command, CommanderError, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TellframeError, toErrorInfo } from '../shared/errors';
import type { ImportItem, VideoSummary } from '../shared/model';
import { formatRational } from '../shared/time';
import { Core } from './core/api';
import type { ImportProgress } from './core/media/importer';
import { processRegistry } from './core/media/process';

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

function withCore<T>(project: string, fn: (core: Core) => Promise<T>): Promise<T> {
  const core = Core.open(project);
  return fn(core).finally(() => core.close());
}

function describeVideo(v: VideoSummary): string[] {
  return [
    `#${v.id}  ${v.path}`,
    `    sha256 ${v.sha256}  size ${v.size} bytes`,
    `    ${v.codec} ${v.width}x${v.height}${v.pixFmt ? ' ' + v.pixFmt : ''}  frames ${v.frameCount}  duration ${v.duration.toFixed(6)} s`,
    `    avg fps ${v.avgFps.toFixed(3)}${v.vfr ? '  VFR' : ''}  start pts ${v.startPts} (${v.startTime.toFixed(6)} s, time base ${formatRational(v.timeBase)})  index by ${v.indexMethod}`,
  ];
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
    .action(async (project: string, opts: { json?: boolean }) => {
      const report = await withCore(project, (core) => core.call('project.verify', {}));
      if (opts.json) out(JSON.stringify(report, null, 2));
      else {
        out(report.auditOk ? `Audit log: ${report.auditRows} rows, chain intact.` : `Audit log: BROKEN at row ${report.brokenAt}.`);
        for (const m of report.media) out(`${m.status === 'ok' ? 'ok     ' : m.status.padEnd(7)} #${m.id} ${m.path}`);
      }
      if (!report.ok) {
        process.stderr.write('tellframe: verification failed\n');
        process.exitCode = 1;
      }
    });

  program
    .command('export')
    .description('export annotations (format json: the native annotation JSON, DIR/annotations.json)')
    .argument('<project>', 'project file')
    .addOption(new Option('--format <name>', 'export format').choices(['json']).makeOptionMandatory())
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .option('--videos <ids>', 'only these videos: ids separated by commas')
    .action(async (project: string, opts: { format: string; out: string; videos?: string }) => {
      let videoIds: number[] | undefined;
      if (opts.videos !== undefined) {
        const parts = opts.videos.split(',').map((x) => x.trim());
        if (!parts.every((x) => /^\d{1,12}$/.test(x) && Number(x) > 0)) throw new TellframeError('BAD_INPUT', `--videos takes video ids separated by commas, got "${opts.videos}".`);
        videoIds = parts.map(Number);
      }
      const { writeNativeExport } = await import('./core/export/json');
      await withCore(project, async (core) => {
        const doc = await core.call('annotations.export', videoIds ? { videoIds } : {});
        const file = await writeNativeExport(doc, opts.out);
        const n = doc.videos.reduce((sum, v) => sum + v.annotations.length, 0);
        out(`Wrote ${file}: ${doc.videos.length} videos, ${n} annotations, ${doc.taxonomy.length} labels (audit head ${doc.exported.auditHead}).`);
      });
    });

  program
    .command('import-annotations')
    .description('add the annotations of a native JSON file: all or nothing, videos matched by sha256')
    .argument('<project>', 'project file')
    .argument('<file>', 'annotations.json written by tellframe export --format json')
    .action(async (project: string, file: string) => {
      const { readFile } = await import('node:fs/promises');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new TellframeError('NOT_FOUND', `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
      }
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (err) {
        throw new TellframeError('BAD_INPUT', `${file} is not valid JSON: ${(err as Error).message}.`);
      }
      await withCore(project, async (core) => {
        const r = await core.call('annotations.import', { document });
        out(`Imported ${r.annotations} annotations on ${r.videos} videos, ${r.labels} labels.`);
      });
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
