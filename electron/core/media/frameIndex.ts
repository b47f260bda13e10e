/**
 * Pure parts of the exact frame index: read ffprobe's packet list and
 * ffmpeg's showinfo lines, predict the decoded frames from packets, and splice
 * a decoded head onto the prediction. No I/O here; see indexer.ts.
 *
 * Frame truth (DESIGN.md): frame i is the i-th frame ffmpeg decodes from the
 * video stream with `-fps_mode passthrough`. Packets usually map one-to-one to
 * decoded frames, but not at the head of a stream cut mid-GOP (leading packets
 * never decode), not for packets an edit list marks as discarded, and not for
 * codecs or layouts where one packet may carry two fields or several frames.
 */

export interface Packet {
  pts: number | null;
  dts: number | null;
  key: boolean;
  discard: boolean;
  corrupt: boolean;
}

export interface FrameList {
  pts: number[];
  key: boolean[];
}

/** `ffprobe -show_entries packet=pts,dts,flags -of csv=p=0` → packets in decode order. */
export function parsePacketsCsv(text: string): Packet[] {
  const out: Packet[] = [];
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (!line) continue;
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    if (c1 < 0 || c2 < 0) continue;
    const p = line.slice(0, c1);
    const d = line.slice(c1 + 1, c2);
    const flags = line.slice(c2 + 1);
    out.push({
      pts: p === 'N/A' || p === '' ? null : Number(p),
      dts: d === 'N/A' || d === '' ? null : Number(d),
      key: flags.includes('K'),
      discard: flags.includes('D'),
      corrupt: flags.includes('C'),
    });
  }
  return out;
}

const SHOWINFO_RE = /\bn:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\b.*?\biskey:(\d)/;

/** One decoded frame as ffmpeg's showinfo filter reports it, or null for other lines. */
export function parseShowinfoLine(line: string): { n: number; pts: number | null; key: boolean } | null {
  if (!line.includes('Parsed_showinfo')) return null;
  const m = SHOWINFO_RE.exec(line);
  if (!m) return null;
  return { n: Number(m[1]), pts: m[2] === 'NOPTS' ? null : Number(m[2]), key: m[3] === '1' };
}

/**
 * Codecs whose demuxed packets are one displayed frame each (after the
 * decoder has started), so the packet list predicts the decode. Anything else
 * (e.g. MPEG-4 part 2 with packed B-frames in AVI, field-coded streams) is
 * indexed by a full decode.
 */
const ONE_FRAME_PER_PACKET = new Set([
  'h264', 'hevc', 'vp8', 'vp9', 'av1', 'mjpeg', 'prores', 'dnxhd', 'ffv1', 'png', 'rawvideo',
  'mpeg2video', 'mpeg1video', 'qtrle', 'utvideo', 'huffyuv', 'ffvhuff', 'cfhd', 'v210', 'theora', 'vc1',
]);

const INTERLACED = new Set(['tt', 'bb', 'tb', 'bt']);

export interface Prediction {
  frames: FrameList;
  /** Empty when the prediction may be trusted after the head is checked. */
  untrusted: string[];
}

/**
 * Predict decoded frames from packets: drop packets flagged discard, drop
 * packets before the first key packet in decode order (a decoder cannot start
 * there), order by pts. The head still has to be checked against a decode.
 */
export function predictFromPackets(packets: readonly Packet[], codec: string, fieldOrder: string | null): Prediction {
  const untrusted: string[] = [];
  if (!ONE_FRAME_PER_PACKET.has(codec)) untrusted.push(`codec ${codec} may not map packets to frames one-to-one`);
  if (fieldOrder && INTERLACED.has(fieldOrder)) untrusted.push(`interlaced (${fieldOrder}) stream`);
  const first = packets.findIndex((p) => p.key && !p.discard);
  const pts: number[] = [];
  const key: boolean[] = [];
  if (first < 0) {
    untrusted.push('no key packet');
    return { frames: { pts, key }, untrusted };
  }
  const allKey = packets.every((p) => p.key);
  let missing = 0;
  let corrupt = 0;
  const rows: { pts: number; key: boolean }[] = [];
  for (let i = first; i < packets.length; i++) {
    const p = packets[i]!;
    if (p.discard) continue;
    if (p.corrupt) corrupt++;
    // Intra-only streams without pts (AVI) present in decode order.
    const t = p.pts ?? (allKey ? p.dts : null);
    if (t === null) {
      missing++;
      continue;
    }
    rows.push({ pts: t, key: p.key });
  }
  if (missing) untrusted.push(`${missing} packets without a timestamp`);
  if (corrupt) untrusted.push(`${corrupt} packets flagged corrupt`);
  rows.sort((a, b) => a.pts - b.pts);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (i > 0 && r.pts === rows[i - 1]!.pts) {
      untrusted.push('duplicate packet timestamps');
      break;
    }
  }
  for (const r of rows) {
    pts.push(r.pts);
    key.push(r.key);
  }
  return { frames: { pts, key }, untrusted };
}

/** How many trailing decoded frames must match the prediction to splice. */
export const SPLICE_WINDOW = 8;

/**
 * Join a decoded head (the truth for its frames) with the packet prediction
 * for the rest. The last SPLICE_WINDOW decoded frames must appear, in order
 * and contiguously, in the prediction; from there on the prediction is taken.
 * Returns null when they do not line up (then the caller decodes everything).
 */
export function spliceHead(predicted: FrameList, head: FrameList): FrameList | null {
  const w = SPLICE_WINDOW;
  if (head.pts.length < w) return null;
  const tail = head.pts.slice(head.pts.length - w);
  const q = predicted.pts.indexOf(tail[0]!);
  if (q < 0 || q + w > predicted.pts.length) return null;
  for (let j = 1; j < w; j++) if (predicted.pts[q + j] !== tail[j]) return null;
  // Every decoded pts must be increasing, or the decode is not what the
  // prediction models (e.g. a timestamp reset) and we should not mix them.
  for (let j = 1; j < head.pts.length; j++) if (head.pts[j]! <= head.pts[j - 1]!) return null;
  const rest = q + w;
  return {
    pts: head.pts.concat(predicted.pts.slice(rest)),
    key: head.key.concat(predicted.key.slice(rest)),
  };
}
