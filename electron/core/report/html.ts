import { FINDING_STATUS_NAMES, type Annotation, type ShapeAt } from '../../../shared/annotations';
import type { Forensics } from '../../../shared/forensics';
import type { AuditEntry, Label } from '../../../shared/model';

/**
 * The evidence report as one self-contained HTML file: no scripts, no
 * outside resources (stills are data: URIs), a CSP that forbids both, and
 * every piece of text from the project or the file (labels, notes,
 * statements, tags, paths) escaped. Pure: the same data gives the same bytes.
 */

export interface ReportStill {
  frame: number;
  pts: number;
  /** Seconds from frame 0's pts, and the timecode of that time. */
  seconds: number;
  timecode: string;
  /** The lossless still beside the report (stills/…png) and its SHA-256. */
  file: string;
  sha256: string;
  /** The embedded picture (JPEG, base64). */
  jpeg: string;
  width: number;
  height: number;
  /** The region at this frame (drawn over the picture), if the finding has one. */
  shape: ShapeAt | null;
  /** Whether this is the finding's own frame (the others are its neighbours). */
  main: boolean;
}

export interface ReportFinding {
  n: number;
  annotation: Annotation;
  label: Label | null;
  startSeconds: number;
  endSeconds: number;
  /** Timecodes of the first and the last frame. */
  startTimecode: string;
  endTimecode: string;
  stills: ReportStill[];
}

export interface ReportData {
  caseNumber: string;
  analyst: string;
  createdAt: string;
  tool: string;
  ffmpeg: string;
  projectFile: string;
  check: {
    media: 'ok' | 'missing' | 'changed';
    expected: string;
    actual: string | null;
    checkedAt: string;
    auditOk: boolean;
    auditRows: number;
    brokenAt: number | null;
  };
  file: {
    name: string; path: string; size: number; modified: string; sha256: string; md5: string | null;
    importedAt: string; importedBy: string | null; machine: string | null; toolAtImport: string | null; ffmpegAtImport: string | null;
  };
  video: {
    codec: string; width: number; height: number; pixFmt: string | null; frames: number; timeBase: string; frameRate: string;
    duration: number; vfr: boolean; indexMethod: string; startPts: number;
  };
  forensics: Forensics;
  verdicts: Annotation[];
  findings: ReportFinding[];
  audit: { head: string; rows: number; byAction: { action: string; count: number }[]; first: string | null; last: string | null; custody: AuditEntry[] };
  /** How the pictures and times were made: [setting, value]. */
  settings: [string, string][];
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}


function rows(pairs: [string, unknown][]): string {
  return pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
}

function seconds(s: number): string {
  return `${s.toFixed(6)} s`;
}

function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes (${(n / 2 ** 20).toFixed(2)} MiB)`;
}

function attrs(a: Annotation): string {
  const e = Object.entries(a.attributes);
  return e.length ? e.map(([k, v]) => `${k}: ${String(v)}`).join('; ') : '—';
}

/** A number as SVG takes it: finite, else 0 (stored data is checked before a report; this keeps markup out regardless). */
function n(v: number): string {
  return Number.isFinite(v) ? String(v) : '0';
}

function overlay(s: ReportStill, colour: string): string {
  if (!s.shape) return '';
  const c = /^#[0-9a-fA-F]{6}$/.test(colour) ? colour : '#ff0000';
  const stroke = Math.max(2, Math.round(s.width / 400));
  const p = s.shape.points.map(([x, y]) => [n(x), n(y)] as const);
  const num = s.shape.points;
  let body = '';
  if (s.shape.shape === 'box') {
    const [a, b] = [num[0]!, num[1]!];
    body = `<rect x="${n(Math.min(a[0], b[0]))}" y="${n(Math.min(a[1], b[1]))}" width="${n(Math.abs(b[0] - a[0]))}" height="${n(Math.abs(b[1] - a[1]))}"/>`;
  } else if (s.shape.shape === 'polygon') {
    body = `<polygon points="${p.map(([x, y]) => `${x},${y}`).join(' ')}"/>`;
  } else {
    body = `<circle cx="${p[0]![0]}" cy="${p[0]![1]}" r="${stroke * 4}"/>`;
  }
  return `<svg class="overlay" viewBox="0 0 ${n(s.width)} ${n(s.height)}" preserveAspectRatio="none" fill="none" stroke="${c}" stroke-width="${stroke}"${s.shape.keyframe ? '' : ' stroke-dasharray="' + stroke * 4 + ' ' + stroke * 2 + '"'}>${body}</svg>`;
}

function still(s: ReportStill, colour: string): string {
  return `<figure class="still${s.main ? ' main' : ''}"><div class="pic"><img alt="frame ${s.frame}" src="data:image/jpeg;base64,${s.jpeg}">${overlay(s, colour)}</div>
<figcaption><b>frame ${s.frame}</b>${s.main ? ' (finding)' : ''}<br>pts ${s.pts} · ${esc(seconds(s.seconds))}<br>timecode ${esc(s.timecode)}${s.shape ? `<br>region: ${s.shape.shape}${s.shape.keyframe ? ' (keyframe)' : ' (interpolated)'}` : ''}<br><span class="hash">${esc(s.file)}<br>sha256 ${esc(s.sha256)}</span></figcaption></figure>`;
}

function finding(f: ReportFinding): string {
  const a = f.annotation;
  const fd = a.finding!;
  const colour = f.label?.color ?? '#ff0000';
  const labelText = f.label ? `${f.label.name} (${f.label.id})` : a.kind === 'verdict' ? 'verdict' : String(a.label);
  return `<section class="finding status-${esc(fd.status)}">
<h3>Finding ${f.n}: ${esc(labelText)} <span class="badge">${esc(FINDING_STATUS_NAMES[fd.status])}</span></h3>
<table>${rows([
    ['Kind', a.kind.replace('_', ' ')],
    ['Frames', a.startFrame === a.endFrame ? `${a.startFrame}` : `${a.startFrame}–${a.endFrame} (${a.endFrame - a.startFrame + 1} frames)`],
    ['Time', `${seconds(f.startSeconds)} – ${seconds(f.endSeconds)} (end of the last frame)`],
    ['Timecode', `${f.startTimecode} – ${f.endTimecode} (first and last frame)`],
    ['pts', `${a.startPts} – ${a.endPts}`],
    ['Still frame', `${fd.frame}`],
    ['Attributes', attrs(a)],
    ['Annotator', a.annotator],
    ['Created / updated', `${a.createdAt} / ${a.updatedAt}`],
    ...(a.source ? [['Imported from', a.source] as [string, string]] : []),
    ['Annotation id', a.id],
  ])}</table>
<p class="statement"><b>Statement:</b> ${fd.statement ? esc(fd.statement) : '<i>none</i>'}</p>
${a.note ? `<p class="note"><b>Note:</b> ${esc(a.note)}</p>` : ''}
<div class="stills">${f.stills.map((s) => still(s, colour)).join('')}</div>
</section>`;
}

function verdict(a: Annotation): string {
  const v = a.verdict!;
  return `<tr><td>${esc(v.value)}</td><td>${esc(v.method ?? '—')}</td><td>${esc(v.confidence ?? '—')}</td><td>${esc(a.annotator)}</td><td>${esc(a.updatedAt)}</td><td>${esc(a.note || '—')}</td></tr>`;
}

function forensics(f: Forensics): string {
  const video = f.streams.map((s) => `<tr><td>${s.index}</td><td>${esc(s.type)}</td><td>${esc(s.codec)}${s.profile ? ` (${esc(s.profile)})` : ''}</td><td>${esc(s.width ? `${s.width}x${s.height}` : s.sampleRate ? `${s.sampleRate} Hz, ${s.channels ?? '?'} ch` : '—')}</td><td>${esc(s.startTime ?? '—')}</td><td>${esc(s.duration ?? '—')}</td><td>${esc(Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join('; ') || '—')}</td></tr>`).join('');
  const flags = f.flags.length
    ? `<ul class="flags">${f.flags.map((x) => `<li class="${x.severity}"><b>${esc(x.severity)}</b>: ${esc(x.message)} <span class="evidence">(${esc(x.evidence)})</span></li>`).join('')}</ul>`
    : '<p>No flags.</p>';
  return `<table>${rows([
    ['Container', `${f.container.format} (${f.container.formatLong})`],
    ['Container duration', f.container.duration === null ? '—' : seconds(f.container.duration)],
    ['Container start time', f.container.startTime === null ? '—' : seconds(f.container.startTime)],
    ['Container tags', Object.entries(f.container.tags).map(([k, v]) => `${k}=${v}`).join('; ') || '—'],
    ['Frames (exact index)', f.frames],
    ['Key frames', f.keyframeCount],
    ['Frame durations', f.histogram.slice(0, 5).map((h) => `${h.seconds.toFixed(6)} s × ${h.count}`).join('; ') + (f.durationCount > 5 ? `; … (${f.durationCount} distinct)` : '')],
    ['Variable frame rate', f.vfr ? 'yes' : 'no'],
    ['pts gaps', f.gapCount],
    ['Repeated pts', f.repeatedCount],
    ['Identical consecutive frames', f.frameHashes
      ? `${f.frameHashes.repeated} of ${f.frameHashes.frames} frames repeat the picture before${f.frameHashes.runCount ? ` (${f.frameHashes.runCount} runs: ${f.frameHashes.runs.slice(0, 8).map((r) => `${r.from}–${r.to}`).join(', ')}${f.frameHashes.runCount > 8 ? ', …' : ''})` : ''}; every picture hashed (MD5) at ${f.frameHashes.computedAt}`
      : 'not checked (every picture is hashed on request in the forensics panel)'],
  ])}</table>
<table class="grid"><tr><th>#</th><th>type</th><th>codec</th><th>size / rate</th><th>start s</th><th>duration s</th><th>tags</th></tr>${video}</table>
<h3>Flags</h3>${flags}`;
}

const CSS = `@page{size:A4;margin:14mm}
body{font:10pt/1.4 "DejaVu Sans",Arial,sans-serif;color:#111;margin:0}
h1{font-size:17pt;margin:0 0 4pt}h2{font-size:13pt;border-bottom:1.5pt solid #333;margin:16pt 0 6pt;padding-bottom:2pt}h3{font-size:11pt;margin:10pt 0 4pt}
table{border-collapse:collapse;width:100%;margin:4pt 0}th,td{border:0.5pt solid #999;padding:2pt 4pt;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eee;width:28%;font-weight:600}table.grid th{width:auto}
table.grid td:not(:last-child),table.grid th:not(:last-child){white-space:nowrap;overflow-wrap:normal}
.mono,.hash,td.hash{font-family:"DejaVu Sans Mono",monospace;font-size:8pt;overflow-wrap:anywhere}
.alarm{border:3pt solid #b00;background:#fee;color:#700;padding:6pt 8pt;font-weight:bold;margin:8pt 0}
.okcheck{border:1pt solid #2a6;background:#efe;padding:4pt 8pt;margin:8pt 0}
.finding{break-inside:avoid;page-break-inside:avoid;border:0.5pt solid #bbb;padding:4pt 6pt;margin:8pt 0}
.badge{font-size:9pt;padding:1pt 5pt;border-radius:3pt;background:#ddd}.status-warning .badge{background:#f3b0a8}.status-to_check .badge{background:#f6e2a0}.status-ok .badge{background:#bfe6c0}
.stills{display:flex;gap:4pt;align-items:flex-start}.still{flex:1;margin:0;min-width:0}.still.main .pic{outline:2pt solid #222}
.pic{position:relative;line-height:0}.pic img{width:100%;display:block}.overlay{position:absolute;left:0;top:0;width:100%;height:100%}
figcaption{font-size:7.5pt;line-height:1.3;margin-top:2pt}
.flags li.warning{color:#900}.evidence{color:#555;font-size:8.5pt}
.statement,.note{white-space:pre-wrap}
footer{margin-top:14pt;font-size:8pt;color:#444}`;

export function renderReportHtml(d: ReportData): string {
  const failed = d.check.media !== 'ok' || !d.check.auditOk;
  const checkText = failed
    ? `<div class="alarm">INTEGRITY CHECK FAILED at ${esc(d.check.checkedAt)}: ${
        d.check.media === 'changed' ? `the file's SHA-256 is now ${esc(d.check.actual)}, not ${esc(d.check.expected)} as recorded on import.`
        : d.check.media === 'missing' ? `the file could not be read at ${esc(d.file.path)}.` : 'the file matches its recorded SHA-256.'
      }${d.check.auditOk ? '' : ` The audit chain is BROKEN at row ${esc(d.check.brokenAt)} of ${esc(d.check.auditRows)}.`} What follows may not describe the evidence as received.</div>`
    : `<div class="okcheck">Checked at ${esc(d.check.checkedAt)}: the file's SHA-256 matches the one recorded on import, and the audit chain (${esc(d.check.auditRows)} rows) is intact.</div>`;
  const findings = d.findings.length ? d.findings.map(finding).join('\n') : '<p>No annotations are marked as findings.</p>';
  const custody = d.audit.custody
    .map((e) => `<tr><td>${e.seq}</td><td>${esc(e.at)}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td><td class="hash">${esc(e.hash)}</td></tr>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Evidence report${d.caseNumber ? ` ${esc(d.caseNumber)}` : ''}: ${esc(d.file.name)}</title>
<style>${CSS}</style></head>
<body>
<header><h1>Evidence report</h1>
<table>${rows([
    ['Case number', d.caseNumber || '—'],
    ['Analyst', d.analyst],
    ['Date', d.createdAt],
    ['File', d.file.name],
    ['Made with', d.tool],
  ])}</table></header>
${checkText}
<h2>1. File identity</h2>
<table>${rows([
    ['Name', d.file.name],
    ['Path', d.file.path],
    ['Size', bytes(d.file.size)],
    ['Modified (on import)', d.file.modified],
  ])}<tr><th>SHA-256</th><td class="hash">${esc(d.file.sha256)}</td></tr><tr><th>MD5</th><td class="hash">${esc(d.file.md5 ?? 'not recorded (imported before MD5 was kept)')}</td></tr>${rows([
    ['Imported', `${d.file.importedAt}${d.file.importedBy ? ` by ${d.file.importedBy}` : ''}${d.file.machine ? ` on ${d.file.machine}` : ''}`],
    ['Imported with', [d.file.toolAtImport, d.file.ffmpegAtImport].filter(Boolean).join(', ') || 'not recorded'],
  ])}</table>
<h2>2. Video</h2>
<table>${rows([
    ['Codec', `${d.video.codec}${d.video.pixFmt ? `, ${d.video.pixFmt}` : ''}`],
    ['Picture size', `${d.video.width}x${d.video.height}`],
    ['Frames', `${d.video.frames} (exact decode index, by ${d.video.indexMethod})`],
    ['Frame rate', `${d.video.frameRate}${d.video.vfr ? ' (variable)' : ''}`],
    ['Duration', seconds(d.video.duration)],
    ['Time base', d.video.timeBase],
    ['pts of frame 0', d.video.startPts],
  ])}</table>
<h2>3. Media forensics</h2>
${forensics(d.forensics)}
<h2>4. Verdict</h2>
${d.verdicts.length ? `<table class="grid"><tr><th>verdict</th><th>method</th><th>confidence</th><th>annotator</th><th>set</th><th>note</th></tr>${d.verdicts.map(verdict).join('')}</table>` : '<p>No verdict has been set.</p>'}
<h2>5. Findings (${d.findings.length})</h2>
<p>Frame numbers count decoded pictures from 0 in decode output order; times are measured from frame 0's presentation time stamp (pts); timecodes are derived from those times. Each still is the exact decoded frame; regions are drawn over it (dashed where interpolated between keyframes).</p>
${findings}
<h2>6. Processing history</h2>
<table>${rows(d.settings)}</table>
<h2>7. Audit</h2>
<table>${rows([
    ['Rows in the audit chain', d.audit.rows],
    ['First / last change', `${d.audit.first ?? '—'} / ${d.audit.last ?? '—'}`],
    ['Changes by kind', d.audit.byAction.map((a) => `${a.action} ${a.count}`).join('; ')],
    ['Chain verified', d.check.auditOk ? 'intact' : `BROKEN at row ${d.check.brokenAt}`],
  ])}<tr><th>Chain head hash</th><td class="hash">${esc(d.audit.head)}</td></tr></table>
<p>The chain head hash stands for every change recorded before this report. A later reader runs <span class="mono">tellframe verify PROJECT --head ${esc(d.audit.head)}</span>: it checks the chain and every file, finds this head, and lists every change recorded since (the first is this report's own custody row).</p>
<h3>Custody log of this file</h3>
${custody ? `<table class="grid"><tr><th>row</th><th>at</th><th>by</th><th>action</th><th>row hash</th></tr>${custody}</table>` : '<p>No custody rows.</p>'}
<footer>Project ${esc(d.projectFile)} · report made ${esc(d.createdAt)} with ${esc(d.tool)}; ${esc(d.ffmpeg || 'ffmpeg version unknown')}.</footer>
</body></html>
`;
}
