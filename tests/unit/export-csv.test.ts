import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsv } from '../../electron/core/export/csv';
import type { OutFile } from '../../electron/core/export/model';
import { npyUint8 } from '../../electron/core/export/npy';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { exportModel, LABELS, PTS } from './fixtures/exportModel';
import { writeOutFiles } from '../../electron/core/export/write';

/**
 * The csv export read back by its consumers: pandas.read_csv with default
 * arguments and numpy.load. Expected values come from the fixture's PTS
 * tables and a hand-written coverage table, not from the exporter's helpers.
 */
const PYTHON = '/usr/bin/python3';
const hasPandas = spawnSync(PYTHON, ['-c', 'import pandas, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasPandas) console.warn(`export-csv: skipped, ${PYTHON} cannot import pandas and numpy (apt install python3-pandas)`);

const options = ExportOptionsSchema.parse({ formats: ['csv'], out: '/tmp/unused' });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Written with the exporter's own writer (frames.csv comes in pieces). */
async function writeOut(files: OutFile[]): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tellframe-csv-'));
  dirs.push(dir);
  await writeOutFiles(dir, files);
  return dir;
}

/** Runs a Python script over the export folder; it prints one JSON document (NaN → null). */
function py<T>(script: string, dir: string): T {
  const prelude = 'import sys, json, math\nimport numpy as np, pandas as pd\nD = sys.argv[1]\n' +
    'def clean(x):\n  if isinstance(x, float) and math.isnan(x): return None\n  if isinstance(x, dict): return {k: clean(v) for k, v in x.items()}\n' +
    '  if isinstance(x, list): return [clean(v) for v in x]\n  if isinstance(x, np.generic): return clean(x.item())\n  return x\n';
  const r = spawnSync(PYTHON, ['-c', prelude + script, dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Seconds from frame 0 of frame f of a fixture video, straight from its PTS table. */
const tbOf: Record<number, number> = { 1: 1 / 90000, 2: 1 / 1000, 3: 1 / 1000 };
const t = (video: number, f: number) => (PTS[video]![f]! - PTS[video]![0]!) * tbOf[video]!;

/** Which frames each label covers, by hand from the fixture (tracks: box 1–5 then outside, polygon 8–9, point 0–1). */
const COVER: Record<number, Record<string, number[]>> = {
  1: {
    lip_sync_mismatch: [2, 3, 4, 5], audio_anomaly: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], blink_anomaly: [7], edge_artifact: [1, 2, 3, 4, 5],
    skin_tone_anomaly: [8, 9], facial_distortion: [0, 1], metadata_anomaly: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  },
  2: {},
  3: { blur_anomaly: [1, 2, 3] },
};
const covered = (video: number, label: string, f: number) => ((COVER[video]![label] ?? []).includes(f) ? 1 : 0);

type Row = Record<string, string | number | null>;

describe.skipIf(!hasPandas)('csv export read by pandas and numpy', () => {
  const model = exportModel();
  const files = buildCsv(model, options);
  let dir = '';
  beforeAll(async () => {
    dir = await writeOut(files);
  });

  it('writes the files it documents', () => {
    expect(files.map((f) => f.path).sort()).toEqual(
      ['annotations.csv', 'export.json', 'frames.csv', 'labels/111111111111.npy', 'labels/222222222222.npy', 'labels/333333333333.npy', 'labels/columns.txt', 'videos.csv', ].sort(),
    );
    const meta = JSON.parse(files.find((f) => f.path === 'export.json')!.data as string) as Record<string, unknown>;
    expect(meta.auditHead).toBe('f'.repeat(64));
    expect(meta.tool).toBe('tellframe 0.1.0');
  });

  it('annotations.csv: one row per annotation and verdict, values round-trip', () => {
    const out = py<{ rows: Row[]; dtypes: Record<string, string> }>(
      "df = pd.read_csv(D + '/annotations.csv')\nprint(json.dumps({'rows': clean(df.to_dict(orient='records')), 'dtypes': {k: str(v) for k, v in df.dtypes.items()}}))",
      dir,
    );
    expect(out.dtypes.startFrame).toBe('int64');
    expect(out.dtypes.startTime).toBe('float64');
    const all = model.videos.flatMap((v) => [...v.annotations, ...(v.verdict ? [v.verdict] : [])].map((a) => ({ v, a })));
    expect(out.rows).toHaveLength(all.length);
    for (const { v, a } of all) {
      const r = out.rows.find((x) => x.id === a.id)!;
      expect(r, a.id).toBeDefined();
      expect(r.video).toBe(v.file);
      expect(r.sha256).toBe(v.sha256);
      expect(r.videoId).toBe(v.id);
      expect(r.kind).toBe(a.kind);
      expect(r.label).toBe(a.label); // null reads back as NaN → null
      expect(r.startFrame).toBe(a.startFrame);
      expect(r.endFrame).toBe(a.endFrame);
      expect(Math.abs((r.startTime as number) - t(v.id, a.startFrame))).toBeLessThan(1e-9);
      expect(Math.abs((r.endTime as number) - t(v.id, a.endFrame + 1))).toBeLessThan(1e-9);
      expect(r.startPts).toBe(PTS[v.id]![a.startFrame]);
      expect(r.annotator).toBe(a.annotator);
      expect(JSON.parse(r.attributes as string)).toEqual(a.attributes);
      expect(r.note ?? '').toBe(a.note);
      expect(r.verdict ?? null).toBe(a.verdict?.value ?? null);
      expect(r.method ?? null).toBe(a.verdict?.method ?? null);
      expect(r.confidence ?? null).toBe(a.verdict?.confidence ?? null);
      if (a.keyframes) expect(JSON.parse(r.keyframes as string)).toEqual(a.keyframes);
    }
    // The awkward note: commas, quotes, a newline, markup and non-ASCII text.
    expect(out.rows.find((x) => x.id === 'a1')!.note).toBe('mouth "lags", then\nrecovers; <b>bold</b> & ünï 映像');
  });

  it('videos.csv keeps the time base, frame 0 pts and the container start time', () => {
    const rows = py<Row[]>("print(json.dumps(clean(pd.read_csv(D + '/videos.csv').to_dict(orient='records'))))", dir);
    expect(rows.map((r) => r.video)).toEqual(['clip one, "quoted".mp4', 'ünï 映像.mkv', '002_fake.mp4']);
    expect(rows[0]).toMatchObject({ timeBase: '1/90000', startPts: 12345, endPts: 48378, frameCount: 10, verdict: 'fake', labels: 'labels/111111111111.npy' });
    // pandas' default float parser may be one ulp off the shortest repr; a fraction of a nanosecond.
    expect(Math.abs((rows[0]!.containerStartTime as number) - 12345 / 90000)).toBeLessThan(1e-12);
    expect(rows[2]!.originalSha256).toBe('2'.repeat(64));
  });

  it('frames.csv: every frame once, multi-hot columns in taxonomy order, times from stored pts only', () => {
    const out = py<{ columns: string[]; rows: Row[] }>("df = pd.read_csv(D + '/frames.csv')\nprint(json.dumps({'columns': list(df.columns), 'rows': clean(df.to_dict(orient='records'))}))", dir);
    expect(out.columns).toEqual(['videoId', 'video', 'sha256', 'frame', 'pts', 'time', ...LABELS.map((l) => l.id)]);
    expect(out.rows).toHaveLength(20);
    for (const v of model.videos) {
      const rows = out.rows.filter((r) => r.videoId === v.id);
      expect(rows.map((r) => r.frame)).toEqual([...Array(v.frameCount).keys()]);
      for (const r of rows) {
        const f = r.frame as number;
        expect(r.video).toBe(v.file);
        for (const l of LABELS) expect(r[l.id], `${v.id} ${f} ${l.id}`).toBe(covered(v.id, l.id, f));
        // Without the frame index only stored pts are known; a known one must be the frame's own pts.
        if (r.pts !== null) {
          expect(r.pts).toBe(PTS[v.id]![f]);
          expect(Math.abs((r.time as number) - t(v.id, f))).toBeLessThan(1e-9);
        }
      }
    }
    // Frame 0 and the bounds of annotations are stored: video 1 frames 0,1,2,6,7,8 (segment 2–5 ends at 6, tag 7 → 8 …).
    const known1 = out.rows.filter((r) => r.videoId === 1 && r.pts !== null).map((r) => r.frame);
    expect(known1).toEqual([0, 1, 2, 6, 7, 8]);
  });

  it('frames.csv: with the frame index every frame has its pts and time', async () => {
    const d = await writeOut(buildCsv(model, options, (id) => PTS[id]));
    const rows = py<Row[]>("print(json.dumps(clean(pd.read_csv(D + '/frames.csv').to_dict(orient='records'))))", d);
    for (const r of rows) {
      const v = r.videoId as number;
      const f = r.frame as number;
      expect(r.pts).toBe(PTS[v]![f]);
      expect(Math.abs((r.time as number) - t(v, f))).toBeLessThan(1e-9);
    }
    expect(rows.find((r) => r.videoId === 1 && r.frame === 4)!.time).toBeCloseTo((27357 - 12345) / 90000, 12);
  });

  it('labels/*.npy: numpy.load gives uint8 frames × labels with exactly the covered cells', () => {
    const out = py<Record<string, { dtype: string; shape: number[]; data: number[][] }>>(
      "import glob, os\nres = {}\nfor p in sorted(glob.glob(D + '/labels/*.npy')):\n  a = np.load(p, allow_pickle=False)\n" +
        "  res[os.path.basename(p)] = {'dtype': str(a.dtype), 'shape': list(a.shape), 'data': a.tolist()}\nprint(json.dumps(res))",
      dir,
    );
    const cols = (files.find((f) => f.path === 'labels/columns.txt')!.data as string).trim().split('\n');
    expect(cols).toEqual(LABELS.map((l) => l.id));
    for (const v of model.videos) {
      const a = out[`${v.sha256.slice(0, 12)}.npy`]!;
      expect(a.dtype).toBe('uint8');
      expect(a.shape).toEqual([v.frameCount, LABELS.length]);
      a.data.forEach((row, f) => row.forEach((cell, c) => expect(cell, `${v.id} ${f} ${cols[c]}`).toBe(covered(v.id, cols[c]!, f))));
    }
  });

  it('a track that leaves and comes back covers only the frames where it has a shape', async () => {
    const m = exportModel();
    const v = m.videos[2]!;
    const box = (frame: number, outside = false) => ({ frame, shape: 'box' as const, points: [[1, 1], [9, 9]] as [number, number][], outside });
    v.annotations.push({ ...v.annotations[0]!, id: 'gap', kind: 'region_track', label: 'edge_artifact', startFrame: 0, endFrame: 4, startPts: 0, endPts: 200, keyframes: [box(0), box(2, true), box(3)] });
    const d = await writeOut(buildCsv(m, options));
    const out = py<{ edge: number[]; frames: number[] }>(
      "a = np.load(D + '/labels/333333333333.npy')\ndf = pd.read_csv(D + '/frames.csv')\n" +
        "print(json.dumps({'edge': a[:, 3].tolist(), 'frames': df[df.videoId == 3].edge_artifact.tolist()}))",
      d,
    );
    expect(out).toEqual({ edge: [1, 1, 0, 1, 1], frames: [1, 1, 0, 1, 1] });
  });

  it('the npy writer follows format 1.0 for other shapes (header on a 64-byte boundary)', () => {
    const d = mkdtempSync(path.join(tmpdir(), 'tellframe-npy-'));
    dirs.push(d);
    const cases: [number[], number][] = [[[7], 7], [[0, 9], 0], [[3, 4, 5], 60], [[123456, 1], 123456]];
    cases.forEach(([shape, n], i) => {
      const bytes = npyUint8(Uint8Array.from({ length: n }, (_, k) => (k * 7) % 256), shape);
      const headerLen = bytes[8]! | (bytes[9]! << 8);
      expect((10 + headerLen) % 64).toBe(0);
      expect(bytes[10 + headerLen - 1]).toBe(0x0a);
      writeFileSync(path.join(d, `${i}.npy`), bytes);
    });
    const out = py<{ shape: number[]; sum: number; last: number | null }[]>(
      "res = []\nfor i in range(4):\n  a = np.load(D + '/%d.npy' % i, allow_pickle=False)\n  assert a.dtype == np.uint8\n" +
        "  f = a.ravel()\n  res.append({'shape': list(a.shape), 'sum': int(f.astype(np.int64).sum()), 'last': int(f[-1]) if f.size else None})\nprint(json.dumps(res))",
      d,
    );
    cases.forEach(([shape, n], i) => {
      const vals = Array.from({ length: n }, (_, k) => (k * 7) % 256);
      expect(out[i]).toEqual({ shape, sum: vals.reduce((a, b) => a + b, 0), last: n ? vals[n - 1] : null });
    });
    expect(() => npyUint8(new Uint8Array(3), [2, 2])).toThrow(RangeError);
  });
});
