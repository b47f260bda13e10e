import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProbe } from '../../electron/core/media/probe';
import { TellframeError } from '../../shared/errors';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseProbe', () => {
  it('reads the video stream of an H.264 MP4 with audio', () => {
    const p = parseProbe(fixture('probe-small-mp4.json'));
    expect(p.formatName).toContain('mp4');
    expect(p.video).not.toBeNull();
    expect(p.video!.codec).toBe('h264');
    expect(p.video!.width).toBe(160);
    expect(p.video!.height).toBe(120);
    expect(p.video!.timeBase).toEqual({ num: 1, den: 12800 });
    expect(p.video!.avgFrameRate).toEqual({ num: 25, den: 1 });
    expect(p.video!.nbFrames).toBe(25);
    expect(p.streams.map((s) => s.type)).toEqual(['video', 'audio']);
  });

  it('skips cover art (attached pictures) when choosing the video stream', () => {
    const raw = JSON.parse(fixture('probe-cover-mp4.json')) as { streams: unknown[] };
    const p = parseProbe(fixture('probe-cover-mp4.json'));
    expect(p.video!.codec).toBe('h264');
    // Put the cover first: it must still not be chosen.
    raw.streams.reverse();
    const reversed = parseProbe(JSON.stringify(raw));
    expect(reversed.video!.codec).toBe('h264');
    expect(reversed.streams[0]!.attachedPic).toBe(true);
  });

  it('reports no video stream for audio-only files', () => {
    const p = parseProbe(fixture('probe-a-m4a.json'));
    expect(p.video).toBeNull();
    expect(p.streams).toHaveLength(1);
    expect(p.streams[0]!.type).toBe('audio');
  });

  it('treats N/A and missing numbers as null', () => {
    const p = parseProbe(
      JSON.stringify({
        format: { format_name: 'matroska,webm', duration: 'N/A' },
        streams: [{ index: 0, codec_type: 'video', codec_name: 'vp9', time_base: '1/1000', nb_frames: 'N/A', start_time: '0.007000' }],
      }),
    );
    expect(p.duration).toBeNull();
    expect(p.video!.nbFrames).toBeNull();
    expect(p.video!.startTime).toBeCloseTo(0.007, 9);
  });

  it('rejects output that is not JSON and streams without a time base', () => {
    expect(() => parseProbe('not json')).toThrow(TellframeError);
    expect(() => parseProbe(JSON.stringify({ streams: [{ codec_type: 'video', time_base: '0/0' }] }))).toThrow(/time base/);
  });
});

describe('display rotation', () => {
  it('turns as ffmpeg\'s own autorotation: the matrix angle is counter-clockwise, the old rotate tag clockwise', async () => {
    const { displayRotation } = await import('../../electron/core/media/probe');
    const matrix = (rotation: number) => ({ side_data_list: [{ side_data_type: 'Display Matrix', rotation }] });
    expect(displayRotation(matrix(90))).toBe(270);
    expect(displayRotation(matrix(-90))).toBe(90);
    expect(displayRotation(matrix(180))).toBe(180);
    expect(displayRotation(matrix(-180))).toBe(180);
    expect(displayRotation(matrix(0))).toBe(0);
    expect(displayRotation(matrix(89.6))).toBe(270);
    expect(displayRotation({ tags: { rotate: '90' } })).toBe(90);
    expect(displayRotation({ tags: { rotate: '270' } })).toBe(270);
    expect(displayRotation({})).toBe(0);
    // The matrix wins over a tag.
    expect(displayRotation({ ...matrix(-90), tags: { rotate: '180' } })).toBe(90);
  });

  it('the player turns the stage, not the pixels: fitted into the view turned, zoomed inside a box of the turned size', async () => {
    const { turnedStage, shownSize } = await import('../../renderer/features/player/turn');
    expect(turnedStage(0, null, 320, 160, { width: 800, height: 300 })).toBeNull();
    expect(turnedStage(180, null, 320, 160, { width: 800, height: 300 })).toEqual({ outer: null, stage: { transform: 'rotate(180deg)' } });
    expect(turnedStage(90, null, 320, 160, { width: 800, height: 300 })).toEqual({
      outer: null, stage: { position: 'absolute', width: 300, height: 800, left: 250, top: -250, transform: 'rotate(90deg)' },
    });
    expect(turnedStage(270, 2, 320, 160, { width: 800, height: 300 })).toEqual({
      outer: { position: 'relative', width: 320, height: 640 },
      stage: { position: 'absolute', width: 640, height: 320, left: -160, top: 160, transform: 'rotate(270deg)' },
    });
    expect(shownSize(90, 320, 160)).toEqual({ width: 160, height: 320 });
    expect(shownSize(180, 320, 160)).toEqual({ width: 320, height: 160 });
  });
});
