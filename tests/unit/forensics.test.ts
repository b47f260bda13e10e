import { describe, expect, it } from 'vitest';
import { analyseMedia, type ForensicsInput } from '../../electron/core/media/forensics';

/** The forensics summary from the stored probe and frame index: timing from pts, flags against a claimed origin. */
const probe = (o: { formatTags?: Record<string, string>; videoTags?: Record<string, string>; audio?: { start: string; duration: string } | null; videoDuration?: string }) =>
  JSON.stringify({
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', format_long_name: 'QuickTime / MOV', duration: '2.000', size: '1000', start_time: '0.000', bit_rate: '4000', tags: o.formatTags ?? {} },
    streams: [
      { index: 0, codec_type: 'video', codec_name: 'h264', codec_long_name: 'H.264', profile: 'High', width: 160, height: 120, pix_fmt: 'yuv420p', time_base: '1/12800', start_time: '0.000000', duration: o.videoDuration ?? '2.000000', nb_frames: '50', tags: o.videoTags ?? {} },
      ...(o.audio === null ? [] : [{ index: 1, codec_type: 'audio', codec_name: 'aac', time_base: '1/48000', start_time: o.audio?.start ?? '0.000000', duration: o.audio?.duration ?? '2.000000', sample_rate: '48000', channels: 2, tags: {} }]),
    ],
  });

/** 25 fps in 1/12800: 512 ticks a frame, with the pts given. */
function input(pts: number[], p = probe({ formatTags: { creation_time: '2024-05-01T10:00:00Z' } }), end?: number): ForensicsInput {
  return { probeJson: p, streamIndex: 0, pts, key: pts.map((_, i) => i % 10 === 0), endPts: end ?? pts[pts.length - 1]! + 512, timeBase: { num: 1, den: 12800 } };
}
const cfr = Array.from({ length: 50 }, (_, i) => i * 512);

describe('analyseMedia', () => {
  it('reads the container and streams, and finds nothing odd in a steady camera-like file', () => {
    const r = analyseMedia(input(cfr, probe({ formatTags: { creation_time: '2024-05-01T10:00:00Z', encoder: 'Apple iPhone 12' } })));
    expect(r.container).toMatchObject({ format: 'mov,mp4,m4a,3gp,3g2,mj2', duration: 2, size: 1000, tags: { encoder: 'Apple iPhone 12' } });
    expect(r.streams.map((s) => [s.index, s.type, s.codec])).toEqual([[0, 'video', 'h264'], [1, 'audio', 'aac']]);
    expect(r.frames).toBe(50);
    expect(r.keyframes).toEqual([0, 10, 20, 30, 40]);
    expect(r.histogram).toEqual([{ ticks: 512, seconds: 0.04, count: 50 }]);
    expect(r.vfr).toBe(false);
    expect(r.flags).toEqual([]);
  });

  it('flags an editing or transcoding encoder tag, a missing creation time, and audio that starts before the video', () => {
    const r = analyseMedia(input(cfr, probe({ formatTags: { encoder: 'Lavf58.76.100' }, videoTags: { handler_name: 'Adobe Premiere Pro' }, audio: { start: '-0.521', duration: '2.5' } })));
    expect(r.flags.map((f) => f.id)).toEqual(['encoder:encoder', 'encoder:stream 0 handler_name', 'creation_time', 'stream_offset']);
    expect(r.flags[0]!.message).toContain('Lavf');
    expect(r.flags[1]!.message).toContain('Adobe');
    expect(r.flags[3]!.message).toBe('Audio starts 0.521 s before the video.');
  });

  it('detects variable frame rate, gaps and repeated timestamps from the stored pts', () => {
    const vfr = Array.from({ length: 60 }, (_, i) => (i < 30 ? i * 512 : 30 * 512 + (i - 30) * 1024));
    const v = analyseMedia(input(vfr, undefined, vfr[59]! + 1024));
    expect(v.vfr).toBe(true);
    expect(v.histogram.map((h) => [h.ticks, h.count])).toEqual([[512, 30], [1024, 30]]);
    expect(v.flags.map((f) => f.id)).toContain('vfr');

    const gap = [...cfr.slice(0, 20), ...cfr.slice(30).map((p) => p)];
    const g = analyseMedia(input(gap));
    expect(g.gaps).toEqual([{ afterFrame: 19, seconds: 11 * 512 / 12800, usualSeconds: 0.04, missingFrames: 10 }]);
    expect(g.flags.find((f) => f.id === 'pts_gaps')!.message).toMatch(/1 gap in the timestamps \(first after frame 19\)/);

    // One dropped frame: a frame lasting two usual ones is flagged too.
    const one = analyseMedia(input([...cfr.slice(0, 20), ...cfr.slice(21)]));
    expect(one.gaps).toEqual([{ afterFrame: 19, seconds: 0.08, usualSeconds: 0.04, missingFrames: 1 }]);
    expect(one.vfr).toBe(false);

    // 29.97 fps written in 1/90000 with durations that round differently (3000/3006 ticks, 0.07 ms apart) is one rate.
    const jitter: number[] = [];
    for (let i = 0, p = 0; i < 60; i++, p += i % 2 ? 3000 : 3006) jitter.push(p);
    expect(analyseMedia({ ...input(jitter), timeBase: { num: 1, den: 90000 }, endPts: jitter[59]! + 3003 }).vfr).toBe(false);

    const rep = [...cfr.slice(0, 10), cfr[9]!, ...cfr.slice(10)];
    const d = analyseMedia(input(rep));
    expect(d.repeatedPts).toEqual([{ frame: 10, pts: 9 * 512 }]);
    expect(d.flags.map((f) => f.id)).toContain('repeated_pts');
  });

  it('flags audio and video of different lengths, and survives a probe it cannot read', () => {
    const r = analyseMedia(input(cfr, probe({ formatTags: { creation_time: 'x' }, audio: { start: '0', duration: '1.2' } })));
    expect(r.flags.map((f) => f.id)).toEqual(['duration_mismatch']);
    const broken = analyseMedia(input(cfr, '{not json'));
    expect(broken.streams).toEqual([]);
    expect(broken.frames).toBe(50);
  });
});
