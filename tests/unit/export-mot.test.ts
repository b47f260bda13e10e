import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMot } from '../../electron/core/export/mot';
import type { OutFile } from '../../electron/core/export/model';
import { shapeAt } from '../../shared/annotations';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { exportModel, LABELS } from './fixtures/exportModel';

/**
 * gt.txt is read with csv-parse (as TrackEval reads it: comma-separated
 * numbers, no header) and checked row by row against shapeAt on the
 * fixture's tracks and against hand-computed boxes; seqinfo.ini is read by
 * Python's configparser, the reader TrackEval and the MOT devkit use.
 */
const options = ExportOptionsSchema.parse({ formats: ['mot'], out: '/tmp/unused' });
const PYTHON = '/usr/bin/python3';
const hasPython = spawnSync(PYTHON, ['-c', 'import configparser'], { encoding: 'utf8' }).status === 0;
if (!hasPython) console.warn(`export-mot: seqinfo.ini check skipped, ${PYTHON} is missing`);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const file = (files: OutFile[], p: string) => {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no ${p} in ${files.map((x) => x.path).join(', ')}`);
  return f.data as string;
};
const gt = (text: string): number[][] => parse(text, { cast: true }) as unknown as number[][];

/** seqinfo.ini as configparser reads it (with its default interpolation). */
function readIni(text: string): Record<string, Record<string, string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tellframe-mot-'));
  dirs.push(dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'seqinfo.ini'), text);
  const script = 'import configparser, json, sys\nc = configparser.ConfigParser()\nc.optionxform = str\nc.read(sys.argv[1], encoding="utf-8")\n' +
    'print(json.dumps({s: {k: c[s][k] for k in c[s]} for s in c.sections()}))';
  const r = spawnSync(PYTHON, ['-c', script, path.join(dir, 'seqinfo.ini')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, Record<string, string>>;
}

describe('mot export', () => {
  const model = exportModel();
  const files = buildMot(model, options);
  const seq1 = 'mot/111111111111_clip_one_quoted';

  it('lays out one sequence per video and the seqmaps', () => {
    expect(files.map((f) => f.path)).toEqual([
      ...['111111111111_clip_one_quoted', '222222222222_uni', '333333333333_002_fake'].flatMap((s) => [`mot/${s}/seqinfo.ini`, `mot/${s}/gt/gt.txt`, `mot/${s}/gt/labels.txt`, `mot/${s}/gt/tracks.csv`]),
      'mot/seqmaps/tellframe-all.txt',
    ]);
    expect(file(files, 'mot/seqmaps/tellframe-all.txt')).toBe('name\n111111111111_clip_one_quoted\n222222222222_uni\n333333333333_002_fake\n');
    expect(file(files, `${seq1}/gt/labels.txt`).split('\n')).toEqual([...LABELS.map((l) => l.id), '']);
  });

  it('gt.txt: one row per frame with a shape, 1-based frames and ids, boxes from shapeAt', () => {
    const v = model.videos[0]!;
    const rows = gt(file(files, `${seq1}/gt/gt.txt`));
    const tracks = file(files, `${seq1}/gt/tracks.csv`);
    const map = parse(tracks, { columns: true, cast: true }) as unknown as Record<string, string | number>[];
    expect(map.map((r) => [r.motId, r.annotationId, r.label, r.shape, r.startFrame, r.endFrame])).toEqual([
      [1, 'a6', 'facial_distortion', 'point', 0, 1], [2, 'a4', 'edge_artifact', 'box', 1, 5], [3, 'a5', 'skin_tone_anomaly', 'polygon', 8, 9],
    ]);
    let expected = 0;
    for (const m of map) {
      const a = v.annotations.find((x) => x.id === m.annotationId)!;
      const cls = LABELS.findIndex((l) => l.id === a.label) + 1;
      expect(m.class).toBe(cls);
      for (let f = 0; f < v.frameCount; f++) {
        const s = shapeAt(a.keyframes!, f);
        const row = rows.find((r) => r[0] === f + 1 && r[1] === m.motId);
        if (!s) {
          expect(row, `${a.id} frame ${f}`).toBeUndefined();
          continue;
        }
        expected++;
        expect(row, `${a.id} frame ${f}`).toBeDefined();
        const xs = s.points.map((p) => p[0]);
        const ys = s.points.map((p) => p[1]);
        const box = s.shape === 'point' ? [xs[0]! - 0.5, ys[0]! - 0.5, 1, 1] : [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
        box.forEach((x, k) => expect(Math.abs(row![2 + k]! - x)).toBeLessThan(5e-4));
        expect(row!.slice(6)).toEqual([1, cls, 1]);
      }
    }
    expect(rows).toHaveLength(expected);
    // By hand: the box interpolated a third of the way from frame 1 to 4, held at 5, gone at 6 (outside).
    expect(rows.find((r) => r[0] === 3 && r[1] === 2)).toEqual([3, 2, 12, 22, 42, 62, 1, 4, 1]);
    expect(rows.find((r) => r[0] === 6 && r[1] === 2)).toEqual([6, 2, 16, 26, 46, 66, 1, 4, 1]);
    expect(rows.find((r) => r[0] === 7 && r[1] === 2)).toBeUndefined();
    expect(rows.find((r) => r[0] === 1 && r[1] === 1)).toEqual([1, 1, 33, 43.75, 1, 1, 1, 7, 1]);
    expect(rows.find((r) => r[0] === 10 && r[1] === 3)).toEqual([10, 3, 5, 5, 35, 25, 1, 6, 1]);
    // Sorted by frame, then id.
    expect(rows.map((r) => r[0]! * 100 + r[1]!)).toEqual(rows.map((r) => r[0]! * 100 + r[1]!).sort((a, b) => a - b));
    // A video without tracks has an empty gt.txt.
    expect(file(files, 'mot/222222222222_uni/gt/gt.txt')).toBe('');
  });

  it('a track that leaves and comes back has no rows while outside', () => {
    const m = exportModel();
    const v = m.videos[2]!;
    const box = (frame: number, x: number, outside = false) => ({ frame, shape: 'box' as const, points: [[x, 1], [x + 8, 9]] as [number, number][], outside });
    v.annotations.push({ ...v.annotations[0]!, id: 'gap', kind: 'region_track', label: 'edge_artifact', startFrame: 0, endFrame: 4, keyframes: [box(0, 1), box(2, 1, true), box(3, 5)] });
    const rows = gt(file(buildMot(m, options), 'mot/333333333333_002_fake/gt/gt.txt'));
    expect(rows).toEqual([1, 2, 4, 5].map((f) => [f, 1, f < 3 ? 1 : 5, 1, 8, 8, 1, 4, 1]));
  });

  it.skipIf(!hasPython)('seqinfo.ini reads in configparser with the sequence keys and what times come from', () => {
    const ini = readIni(file(files, `${seq1}/seqinfo.ini`));
    expect(ini.Sequence).toEqual({ name: '111111111111_clip_one_quoted', imDir: 'img1', frameRate: '25', seqLength: '10', imWidth: '160', imHeight: '120', imExt: '.jpg' });
    expect(ini.Tellframe).toMatchObject({
      file: 'clip one, "quoted".mp4', sha256: '1'.repeat(64), timeBase: '1/90000', startPts: '12345', endPts: '48378',
      containerStartTime: String(12345 / 90000), auditHead: 'f'.repeat(64), tool: 'tellframe 0.1.0',
    });
    // Names with % and line breaks survive configparser's interpolation.
    const m = exportModel();
    m.videos[1]!.file = '100% real\nreally.mkv';
    m.videos[1]!.split = 'test';
    const out = buildMot(m, options);
    expect(readIni(file(out, 'mot/222222222222_100_real_really/seqinfo.ini')).Tellframe).toMatchObject({ file: '100% real really.mkv', split: 'test' });
    expect(file(out, 'mot/seqmaps/tellframe-test.txt')).toBe('name\n222222222222_100_real_really\n');
  });
});
