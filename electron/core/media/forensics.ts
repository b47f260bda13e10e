import type { Forensics, ForensicsFlag, FrameHashSummary } from '../../../shared/forensics';
import { num, type RawProbe } from './probe';

/**
 * The media forensics summary of one video (pure): container and stream
 * details from the ffprobe JSON kept at import, stream offsets, and what the
 * stored frame index says about timing (key frames, the frame-duration
 * histogram, VFR, pts gaps, repeated pts). Flags point at what may
 * contradict a claimed origin; they are hints for a person, not verdicts.
 */
/** At most this many key frames, durations, gaps and repeats are listed (their counts are always complete). */
const MAX_LIST = 1000;

/** Matroska keeps stream durations as a DURATION tag (HH:MM:SS.fraction) rather than a field. */
function tagDuration(tags: Record<string, string> | undefined): number | null {
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec((tags?.DURATION ?? tags?.duration ?? '').trim());
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

/** Encoders and handlers that editing or transcoding software writes (a camera writes its own, or none). */
const EDITING_TOOLS = /\bLav[fc](?=\d|\b)|\b(?:FFmpeg|HandBrake|Adobe|Premiere|After Effects|Media Encoder|DaVinci|Resolve|Final Cut|Compressor|iMovie|CapCut|Shotcut|Kdenlive|OpenShot|VEGAS|Filmora|Clipchamp|InShot|VN Video)\b/i;

export interface ForensicsInput {
  probeJson: string;
  /** The video stream's index in the container. */
  streamIndex: number;
  pts: readonly number[];
  key: readonly boolean[];
  endPts: number;
  timeBase: { num: number; den: number };
  /** Every picture hashed (kept in the project once computed), or null before. */
  frameHashes?: FrameHashSummary | null;
}

export function analyseMedia(input: ForensicsInput): Forensics {
  let raw: RawProbe;
  try {
    raw = JSON.parse(input.probeJson) as RawProbe;
  } catch {
    raw = {};
  }
  const f = raw.format ?? {};
  const container = {
    format: f.format_name ?? '', formatLong: f.format_long_name ?? '', duration: num(f.duration), size: num(f.size),
    bitRate: num(f.bit_rate), startTime: num(f.start_time), tags: { ...(f.tags ?? {}) },
  };
  const streams = (raw.streams ?? []).map((s) => ({
    index: s.index ?? -1, type: s.codec_type ?? 'unknown', codec: s.codec_name ?? '', codecLong: s.codec_long_name ?? '', profile: s.profile ?? null,
    width: s.width ?? null, height: s.height ?? null, pixFmt: s.pix_fmt ?? null, sampleRate: num(s.sample_rate), channels: s.channels ?? null,
    timeBase: s.time_base ?? '', startTime: num(s.start_time), duration: num(s.duration) ?? tagDuration(s.tags), frames: num(s.nb_frames), bitRate: num(s.bit_rate),
    tags: { ...(s.tags ?? {}) },
  }));
  const video = streams.find((s) => s.index === input.streamIndex) ?? streams.find((s) => s.type === 'video') ?? null;
  const audio = streams.find((s) => s.type === 'audio') ?? null;

  // Timing from the stored index: exact ticks, never a nominal rate.
  const { pts, key, endPts, timeBase } = input;
  const n = pts.length;
  const tick = timeBase.num / timeBase.den;
  const durations = new Map<number, number>();
  const gaps: Forensics['gaps'] = [];
  const repeats: Forensics['repeatedPts'] = [];
  const ds: number[] = [];
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? pts[i + 1]! : endPts;
    const d = next - pts[i]!;
    ds.push(d);
    durations.set(d, (durations.get(d) ?? 0) + 1);
    if (i + 1 < n && d === 0) repeats.push({ frame: i + 1, pts: pts[i]! });
  }
  const sorted = [...ds].filter((d) => d > 0).sort((a, b) => a - b);
  const median = sorted.length ? sorted[sorted.length >> 1]! : 0;
  const allHistogram = [...durations.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([ticks, count]) => ({ ticks, seconds: ticks * tick, count }));
  // Variable frame rate: frames commonly last different times. Durations within max(1 tick, 1 ms) of
  // each other are one rate (time-base rounding), and whole multiples of the usual one are gaps, not a rate.
  const slack = Math.max(1, 0.001 / tick);
  const common = allHistogram.filter((h) => h.ticks > 0 && h.count > Math.max(1, n * 0.01));
  const isMultiple = (d: number) => median > 0 && Math.round(d / median) >= 2 && Math.abs(d - Math.round(d / median) * median) <= slack;
  const vfr = common.some((h) => Math.abs(h.ticks - median) > slack && !isMultiple(h.ticks));
  for (let i = 0; i + 1 < n; i++) {
    const d = ds[i]!;
    // A frame that lasts about two or more usual frames: frames may have been dropped or cut out there
    // (at a variable rate only well beyond the usual spread).
    if (median > 0 && d > (vfr ? 2.5 : 1.5) * median) gaps.push({ afterFrame: i, seconds: d * tick, usualSeconds: median * tick, missingFrames: Math.round(d / median) - 1 });
  }
  // Bounded for the panel and the wire: the counts are complete, the lists are not.
  const histogram = allHistogram.slice(0, MAX_LIST);
  const keyframes: number[] = [];
  let keyframeCount = 0;
  for (let i = 0; i < n; i++) {
    if (!key[i]) continue;
    keyframeCount++;
    if (keyframes.length < MAX_LIST) keyframes.push(i);
  }

  const flags: ForensicsFlag[] = [];
  const encoderTags: [string, string][] = [
    ...Object.entries(container.tags).filter(([k]) => /encoder|handler|software|comment/i.test(k)),
    ...streams.flatMap((s) => Object.entries(s.tags).filter(([k]) => /encoder|handler|software/i.test(k)).map(([k, v]): [string, string] => [`stream ${s.index} ${k}`, v])),
  ];
  for (const [k, v] of encoderTags) {
    const m = EDITING_TOOLS.exec(v);
    if (m) flags.push({ id: `encoder:${k}`, severity: 'warning', message: `The ${k} tag names ${m[0]} ("${v}"): written by editing or transcoding software, not by a camera.`, evidence: `${k}=${v}` });
  }
  const creation = container.tags.creation_time ?? video?.tags.creation_time;
  if (!creation) flags.push({ id: 'creation_time', severity: 'info', message: 'No creation time in the container or the video stream: camera originals usually carry one; re-encoding or stripping metadata removes it.', evidence: 'creation_time absent' });
  if (video && audio && video.startTime !== null && audio.startTime !== null) {
    const off = audio.startTime - video.startTime;
    if (Math.abs(off) > median * tick && Math.abs(off) > 0.001) {
      flags.push({ id: 'stream_offset', severity: 'info', message: `Audio starts ${Math.abs(off).toFixed(3)} s ${off < 0 ? 'before' : 'after'} the video.`, evidence: `audio start ${audio.startTime}, video start ${video.startTime}` });
    }
  }
  if (video && audio && video.duration !== null && audio.duration !== null && Math.abs(video.duration - audio.duration) > 0.5) {
    flags.push({ id: 'duration_mismatch', severity: 'warning', message: `Audio and video last differently: ${audio.duration.toFixed(3)} s against ${video.duration.toFixed(3)} s.`, evidence: `audio ${audio.duration}, video ${video.duration}` });
  }
  if (vfr) flags.push({ id: 'vfr', severity: 'info', message: `Variable frame rate: frames last ${common.slice(0, 3).map((d) => `${(d.seconds * 1000).toFixed(2)} ms (${d.count})`).join(', ')}. Common for phones and screen captures, rare after professional editing.`, evidence: `${allHistogram.length} frame durations` });
  if (gaps.length) flags.push({ id: 'pts_gaps', severity: 'warning', message: `${gaps.length} gap${gaps.length > 1 ? 's' : ''} in the timestamps (first after frame ${gaps[0]!.afterFrame}): frames may have been dropped or cut out.`, evidence: gaps.slice(0, 5).map((g) => `after ${g.afterFrame}: ${g.seconds.toFixed(4)} s`).join('; ') });
  if (repeats.length) flags.push({ id: 'repeated_pts', severity: 'warning', message: `${repeats.length} frame${repeats.length > 1 ? 's' : ''} repeat the previous frame's timestamp (first at frame ${repeats[0]!.frame}).`, evidence: repeats.slice(0, 5).map((r) => `frame ${r.frame}`).join(', ') });
  const fh = input.frameHashes ?? null;
  if (fh && fh.repeated > 0) {
    const r0 = fh.runs[0]!;
    flags.push({
      id: 'repeated_frames', severity: 'warning',
      message: `${fh.repeated} frame${fh.repeated > 1 ? 's are' : ' is'} identical to the frame before, in ${fh.runCount} run${fh.runCount > 1 ? 's' : ''} (first: frames ${r0.from}–${r0.to}): duplicated pictures, as a frame-rate conversion or a freeze inserted in editing leaves.`,
      evidence: fh.runs.slice(0, 5).map((r) => `${r.from}–${r.to}`).join(', '),
    });
  }

  return {
    container, streams, frames: n, frameHashes: fh, keyframes, keyframeCount, histogram, durationCount: allHistogram.length, vfr,
    gaps: gaps.slice(0, MAX_LIST), gapCount: gaps.length, repeatedPts: repeats.slice(0, MAX_LIST), repeatedCount: repeats.length, flags,
  };
}
