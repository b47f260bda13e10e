import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ExportModel } from '../../electron/core/export/model';
import { buildWebvtt, videoSlug, vttTimestamp } from '../../electron/core/export/webvtt';
import type { Annotation } from '../../shared/annotations';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { exportModel, PTS } from './fixtures/exportModel';

/**
 * Every file goes through the W3C WebVTT parser and validator (webvtt-parser,
 * https://github.com/w3c/webvtt.js), which reports every spec violation as an
 * error: there must be none. Times are checked against the fixture's PTS tables.
 */
interface TreeNode { type?: string; value?: string; children?: TreeNode[] }
interface ParsedCue { id: string; startTime: number; endTime: number; text: string; tree: TreeNode }
interface Parsed { cues: ParsedCue[]; errors: { message: string; line: number }[] }
const require = createRequire(import.meta.url);
const { WebVTTParser } = require('webvtt-parser') as { WebVTTParser: new (entities?: Record<string, string>) => { parse(input: string, mode?: string): Parsed } };
// The full HTML character reference table, as its README advises for spec-compliant decoding
// (the built-in subset decodes "&gt;" as ">;").
const entities = require('webvtt-parser/html-entities.json') as Record<string, string>;

const parse = (text: string): Parsed => new WebVTTParser(entities).parse(text, 'subtitles');
/** The cue's text as a player renders it: character references decoded. */
const plain = (n: TreeNode): string => (n.type === 'text' ? n.value ?? '' : (n.children ?? []).map(plain).join(''));

const options = ExportOptionsSchema.parse({ formats: ['webvtt'], out: '/tmp/unused' });
const tbOf: Record<number, number> = { 1: 1 / 90000, 2: 1 / 1000, 3: 1 / 1000 };
const ms = (video: number, f: number) => Math.round((PTS[video]![f]! - PTS[video]![0]!) * tbOf[video]! * 1000);
const expectedText = (a: Annotation) =>
  `${a.label}${a.attributes.severity ? ` (${a.attributes.severity})` : ''}${a.note ? ` — ${a.note}` : ''}`.split('\n').filter((l) => l !== '').join('\n');

describe('webvtt export', () => {
  const model = exportModel();
  const files = buildWebvtt(model, options);

  it('one file per video, named by hash prefix and stem', () => {
    expect(files.map((f) => f.path)).toEqual(['webvtt/111111111111_clip_one_quoted.vtt', 'webvtt/222222222222_uni.vtt', 'webvtt/333333333333_002_fake.vtt']);
  });

  it('every file passes the W3C parser with zero errors; cues match the annotations to the millisecond', () => {
    model.videos.forEach((v, i) => {
      const text = files[i]!.data as string;
      const out = parse(text);
      expect(out.errors, v.file).toEqual([]);
      expect(out.cues).toHaveLength(v.annotations.length);
      for (const a of v.annotations) {
        const cue = out.cues.find((c) => c.id === a.id)!;
        expect(cue, a.id).toBeDefined();
        expect(Math.round(cue.startTime * 1000)).toBe(ms(v.id, a.startFrame));
        expect(Math.round(cue.endTime * 1000)).toBe(ms(v.id, a.endFrame + 1));
        expect(plain(cue.tree)).toBe(expectedText(a));
      }
      // Cues are in start order, as §4.1 requires.
      const starts = out.cues.map((c) => c.startTime);
      expect(starts).toEqual([...starts].sort((x, y) => x - y));
    });
  });

  it('escapes markup in notes and keeps the header facts in a NOTE block', () => {
    const text = files[0]!.data as string;
    expect(text).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; ünï 映像');
    expect(text).not.toContain('<b>');
    const note = text.split('\n\n')[1]!;
    expect(note.startsWith('NOTE ')).toBe(true);
    for (const s of ['sha256: ' + '1'.repeat(64), 'time base: 1/90000', 'frame 0 pts: 12345', `container start time: ${12345 / 90000}`, 'audit head: ' + 'f'.repeat(64), 'tool: tellframe 0.1.0', 'verdict: fake (face_swap) confidence 0.9']) {
      expect(note).toContain(s);
    }
    // The lip-sync cue of the issue's example, with its escaped two-line note.
    expect(text).toContain('a1\n00:00:00.067 --> 00:00:00.234\nlip_sync_mismatch (obvious) — mouth "lags", then\nrecovers;');
  });

  it('survives hostile notes and names: "-->", blank lines, bare & and <, long videos, sub-millisecond frames', () => {
    const m: ExportModel = exportModel();
    const v = m.videos[2]!;
    v.file = 'evil --> name\nwith break.mp4';
    v.timeBase = { num: 1, den: 1_000_000 };
    v.startPts = 0;
    const a = v.annotations[0]!;
    a.note = 'a --> b\n\n\nc <c.x>&amp; & <\r\n\r\nlast';
    a.startPts = 3_723_456_000; // 01:02:03.456
    a.endPts = 3_723_456_200; // 0.2 ms later: rounds to the same millisecond
    const b: Annotation = { ...a, id: 'early', startPts: 1_000, endPts: 2_000_000, note: '' };
    v.annotations = [a, b];
    const text = buildWebvtt(m, options)[2]!.data as string;
    const out = parse(text);
    expect(out.errors).toEqual([]);
    expect(out.cues.map((c) => c.id)).toEqual(['early', a.id]);
    const cue = out.cues[1]!;
    expect(cue.startTime).toBe(3723.456);
    expect(cue.endTime).toBe(3723.457);
    expect(plain(cue.tree)).toBe('blur_anomaly (noticeable) — a --> b\nc <c.x>&amp; & <\nlast');
    expect(text.split('\n').filter((l) => l.includes('-->'))).toHaveLength(2); // only the two timing lines
  });

  it('timestamps and slugs', () => {
    expect(vttTimestamp(0)).toBe('00:00:00.000');
    expect(vttTimestamp(3_723_456)).toBe('01:02:03.456');
    expect(vttTimestamp(360_000_001)).toBe('100:00:00.001');
    expect(videoSlug({ sha256: 'ab'.repeat(32), file: `$(touch pwned) it's "x".mp4` })).toBe('abababababab_touch_pwned_it_s_x');
    expect(videoSlug({ sha256: 'cd'.repeat(32), file: '映像.mkv' })).toBe('cdcdcdcdcdcd');
  });
});
