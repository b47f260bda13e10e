import { TellframeError } from '../../../shared/errors';
import type { ProbeInfo, StreamSummary, VideoStreamInfo } from '../../../shared/model';
import { parseRational, type Rational } from '../../../shared/time';
import { lastErrorLine, runProcess } from './process';

/** Raw ffprobe JSON as far as we read it (everything else is kept verbatim in `raw`). */
export interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  codec_long_name?: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  time_base?: string;
  start_pts?: number;
  start_time?: string;
  duration?: string;
  duration_ts?: number;
  nb_frames?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  field_order?: string;
  has_b_frames?: number;
  bits_per_raw_sample?: string;
  color_range?: string;
  color_space?: string;
  sample_aspect_ratio?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
  sample_rate?: string;
  channels?: number;
  bit_rate?: string;
}
export interface RawProbe {
  streams?: RawStream[];
  format?: {
    format_name?: string;
    format_long_name?: string;
    duration?: string;
    size?: string;
    start_time?: string;
    bit_rate?: string;
    tags?: Record<string, string>;
  };
}

/**
 * Degrees clockwise to turn the stored picture for display. ffprobe's
 * `rotation` (display matrix; else the older `rotate` tag) is the matrix's
 * counter-clockwise angle, and ffmpeg's CLI turns the picture by its
 * negative (cmdutils get_rotation): 90 → shown turned 90° counter-clockwise,
 * that is 270° clockwise. Angles off the right angles are rounded to one.
 */
export function displayRotation(v: Pick<RawStream, 'side_data_list' | 'tags'>): 0 | 90 | 180 | 270 {
  const matrix = v.side_data_list?.find((d) => d.side_data_type === 'Display Matrix' && typeof d.rotation === 'number');
  const tag = num(v.tags?.rotate);
  // The rotate tag is the clockwise angle to show at; the matrix rotation is counter-clockwise.
  const cw = matrix ? -matrix.rotation! : tag !== null ? tag : 0;
  const q = ((Math.round(cw / 90) % 4) + 4) % 4;
  return (q * 90) as 0 | 90 | 180 | 270;
}

/** A number from ffprobe's JSON (strings, 'N/A' and empty mean unknown). */
export const num = (s: string | number | undefined): number | null => {
  if (s === undefined || s === 'N/A' || s === '') return null;
  const n = typeof s === 'number' ? s : Number(s);
  return Number.isFinite(n) ? n : null;
};

const rational = (s: string | undefined): Rational | null => {
  if (!s || s === 'N/A') return null;
  try {
    const r = parseRational(s);
    return r.den === 0 ? null : r;
  } catch {
    return null;
  }
};

/**
 * Parse `ffprobe -show_format -show_streams -of json` output. Pure, so it is
 * tested on fixture JSON. The first video stream that is not an attached
 * picture (cover art) is *the* video stream of frame truth.
 */
export function parseProbe(json: string): ProbeInfo {
  let raw: RawProbe;
  try {
    raw = JSON.parse(json) as RawProbe;
  } catch {
    throw new TellframeError('NOT_A_VIDEO', 'ffprobe returned no readable description of the file.');
  }
  const streams: StreamSummary[] = (raw.streams ?? []).map((s, i) => ({
    index: s.index ?? i,
    type: s.codec_type ?? 'unknown',
    codec: s.codec_name ?? 'unknown',
    startTime: num(s.start_time),
    duration: num(s.duration),
    attachedPic: s.disposition?.attached_pic === 1,
  }));
  const v = (raw.streams ?? []).find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  let video: VideoStreamInfo | null = null;
  if (v) {
    const timeBase = rational(v.time_base);
    if (!timeBase) throw new TellframeError('NOT_A_VIDEO', 'The video stream has no usable time base.');
    video = {
      index: v.index ?? 0,
      codec: v.codec_name ?? 'unknown',
      codecLongName: v.codec_long_name ?? null,
      profile: v.profile ?? null,
      pixFmt: v.pix_fmt ?? null,
      width: v.width ?? 0,
      height: v.height ?? 0,
      timeBase,
      startPts: num(v.start_pts),
      startTime: num(v.start_time),
      duration: num(v.duration),
      nbFrames: num(v.nb_frames),
      avgFrameRate: rational(v.avg_frame_rate),
      rFrameRate: rational(v.r_frame_rate),
      fieldOrder: v.field_order ?? null,
      hasBFrames: v.has_b_frames ?? 0,
      bitsPerRawSample: num(v.bits_per_raw_sample),
      colorRange: v.color_range ?? null,
      colorSpace: v.color_space ?? null,
      sampleAspectRatio: v.sample_aspect_ratio ?? null,
      displayRotation: displayRotation(v),
    };
  }
  const f = raw.format ?? {};
  return {
    formatName: f.format_name ?? 'unknown',
    formatLongName: f.format_long_name ?? null,
    duration: num(f.duration),
    size: num(f.size),
    startTime: num(f.start_time),
    bitRate: num(f.bit_rate),
    tags: f.tags ?? {},
    streams,
    video,
  };
}

export interface ProbeOutput {
  info: ProbeInfo;
  /** ffprobe's JSON as it printed it, kept for the evidence record. */
  rawJson: string;
}

export async function probeFile(ffprobe: string, file: string, signal?: AbortSignal): Promise<ProbeOutput> {
  const res = await runProcess(
    ffprobe,
    ['-v', 'error', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams', '-i', file],
    { timeoutMs: 60_000, signal },
  );
  if (res.code !== 0) {
    const why = lastErrorLine(res.stderr) || `ffprobe exited with ${res.code}`;
    // A container that announces itself but lacks its index (an MP4 cut
    // before its moov box) is a truncated video, not "not a video".
    if (/moov atom not found|partial file/i.test(res.stderr)) {
      throw new TellframeError('TRUNCATED', 'The file is truncated or incomplete: its index (the MP4 moov box) is missing.');
    }
    // ffprobe names the file in its message; the user knows which file it is.
    const reason = why.replace(/^\[.*?\]\s*/, '').replace(file, '').replace(/^:\s*/, '');
    throw new TellframeError('NOT_A_VIDEO', `Not a readable video (${reason || 'ffprobe could not read it'}).`);
  }
  const rawJson = res.stdout.toString('utf8');
  return { info: parseProbe(rawJson), rawJson };
}
