import type { Annotation } from '../../../shared/annotations';
import type { ExportOptions } from '../../../shared/exportFormats';
import { seconds, videoSlug, type ExportModel, type ExportVideo, type OutFile } from './model';

/**
 * The `webvtt` export (issue 5; docs/formats.md): one WebVTT file per
 * video, `webvtt/<sha256 first 12>_<stem>.vtt`, one cue per segment, frame tag
 * and region track, so any player shows the labels over the video. Follows
 * https://www.w3.org/TR/webvtt1/: the "WEBVTT" signature, a NOTE comment block
 * with what the times are measured from, cues sorted by start time (§4.1: a
 * cue may not start before the previous one), timestamps HH:MM:SS.mmm, cue
 * text with &, < and > escaped (§4.2.2) and no blank line inside a cue.
 */

export { videoSlug } from './model';

/** Milliseconds as a WebVTT timestamp: hours (at least two digits), minutes, seconds, three-digit fraction. */
export function vttTimestamp(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const f = ms % 1000;
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  return `${p(h, 2)}:${p(m, 2)}:${p(s, 2)}.${p(f, 3)}`;
}

/**
 * Cue text: & < > as character references (so "-->" cannot occur either),
 * line breaks kept but empty lines dropped, since an empty line ends a cue.
 */
export function escapeCueText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .split(/\r\n|\r|\n/)
    .filter((l) => l !== '')
    .join('\n');
}

/** A line of a NOTE block or a cue identifier: one line, no "-->" (§4.1 forbids both). */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/-->/g, '-- >');

/** What a cue says: "label (severity) — note". */
export function cueText(a: Annotation): string {
  const severity = typeof a.attributes.severity === 'string' ? ` (${a.attributes.severity})` : '';
  return escapeCueText(`${a.label ?? ''}${severity}${a.note ? ` — ${a.note}` : ''}`);
}

interface Cue {
  id: string;
  start: number;
  end: number;
  text: string;
}

/**
 * A cue over the annotation's stored span [t(start), t(end + 1)), rounded to
 * whole milliseconds; at least 1 ms long, since a cue must end after it starts.
 * A region track spans its stored frame range, gaps while outside included.
 */
function cueOf(v: ExportVideo, a: Annotation): Cue {
  const start = Math.round(seconds(v, a.startPts) * 1000);
  const end = Math.max(start + 1, Math.round(seconds(v, a.endPts) * 1000));
  return { id: oneLine(a.id), start, end, text: cueText(a) };
}

function header(model: ExportModel, v: ExportVideo): string {
  const vd = v.verdict?.verdict;
  const lines = [
    'NOTE Tellframe labels. Cue times are seconds from frame 0, taken from the stored pts.',
    `video: ${v.file}`,
    `sha256: ${v.sha256}`,
    `frames: ${v.frameCount}`,
    `time base: ${v.timeBase.num}/${v.timeBase.den}`,
    `frame 0 pts: ${v.startPts}`,
    `end pts: ${v.endPts}`,
    `container start time: ${v.containerStartTime}`,
    `split: ${v.split ?? 'none'}`,
    `verdict: ${vd ? `${vd.value}${vd.method ? ` (${vd.method})` : ''}${vd.confidence !== null ? ` confidence ${vd.confidence}` : ''}` : 'none'}`,
    `tool: ${model.exported.tool}`,
    `exported: ${model.exported.at} by ${model.exported.by}`,
    `audit head: ${model.exported.auditHead}`,
  ];
  return lines.map(oneLine).join('\n');
}

/** One video's WebVTT document. */
export function videoVtt(model: ExportModel, v: ExportVideo): string {
  const cues = v.annotations
    .filter((a) => a.kind !== 'verdict')
    .map((a) => cueOf(v, a))
    .sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const blocks = ['WEBVTT', header(model, v), ...cues.map((c) => `${c.id}\n${vttTimestamp(c.start)} --> ${vttTimestamp(c.end)}\n${c.text}`)];
  return blocks.join('\n\n') + '\n';
}

export const vttPath = (v: Pick<ExportVideo, 'sha256' | 'file'>): string => `webvtt/${videoSlug(v)}.vtt`;

export function buildWebvtt(model: ExportModel, _options: ExportOptions): OutFile[] {
  return model.videos.map((v) => ({ path: vttPath(v), data: videoVtt(model, v) }));
}
