import { describe, expect, it } from 'vitest';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { buildDfdc } from '../../electron/core/export/dfdc';
import type { ExportModel } from '../../electron/core/export/model';
import { parseDfdc } from '../../electron/core/import/dfdc';
import type { PreAnnotation } from '../../electron/core/import/types';
import { exportModel } from './fixtures/exportModel';
import { badInput as bad } from './fixtures/badInput';

const options = ExportOptionsSchema.parse({ formats: ['dfdc'], out: '/tmp/x' });
function built(m: ExportModel) {
  const files = buildDfdc(m, options);
  expect(files.map((f) => f.path)).toEqual(['metadata.json', 'metadata.tellframe.json']);
  return { text: files[0]!.data as string, meta: JSON.parse(files[0]!.data as string), side: JSON.parse(files[1]!.data as string) };
}
const verdictOf = (anns: PreAnnotation[]) => (anns.find((a) => a.kind === 'verdict') as Extract<PreAnnotation, { kind: 'verdict' }> | undefined)?.verdict ?? null;


describe('buildDfdc', () => {
  it('labels each video from its verdict, with its split and linked original', () => {
    const m = exportModel();
    m.videos[0]!.split = 'test';
    const { meta } = built(m);
    expect(Object.keys(meta)).toEqual(['clip one, "quoted".mp4', 'ünï 映像.mkv', '002_fake.mp4']);
    expect(meta['clip one, "quoted".mp4']).toEqual({ label: 'FAKE', split: 'test', original: null, sha256: m.videos[0]!.sha256, original_sha256: null, method: 'face_swap', confidence: 0.9 });
    expect(meta['ünï 映像.mkv']).toMatchObject({ label: 'REAL', split: 'train', original: null, method: null, confidence: 1 });
    expect(meta['002_fake.mp4']).toMatchObject({ label: 'FAKE', original: 'ünï 映像.mkv', original_sha256: '2'.repeat(64), method: 'lip_sync', confidence: null });
    // Read back, the link names the original by content as well as by name.
    const back = parseDfdc(JSON.stringify(meta), 'metadata.json').videos.find((x) => x.video.file === '002_fake.mp4')!;
    expect(back).toMatchObject({ originalFile: 'ünï 映像.mkv', originalSha256: '2'.repeat(64) });
  });

  it('leaves out uncertain and unjudged videos and lists them in the side file', () => {
    const m = exportModel();
    m.videos[0]!.verdict = { ...m.videos[0]!.verdict!, verdict: { value: 'uncertain', method: null, confidence: null } };
    m.videos[1]!.verdict = null;
    const { meta, side } = built(m);
    expect(Object.keys(meta)).toEqual(['002_fake.mp4']);
    expect(side.excluded).toEqual([
      { file: 'clip one, "quoted".mp4', sha256: m.videos[0]!.sha256, verdict: 'uncertain' },
      { file: 'ünï 映像.mkv', sha256: m.videos[1]!.sha256, verdict: null },
    ]);
    expect(side).toMatchObject({ format: 'tellframe.dfdc', splitBuilt: false, exported: { tool: 'tellframe 0.1.0', auditHead: 'f'.repeat(64) } });
  });

  it('keeps videos with the same name apart and names the original as exported', () => {
    const m = exportModel();
    m.videos[2]!.file = 'ünï 映像.mkv';
    const { meta } = built(m);
    const a = `${m.videos[1]!.sha256.slice(0, 16)}_ünï 映像.mkv`;
    const b = `${m.videos[2]!.sha256.slice(0, 16)}_ünï 映像.mkv`;
    expect(Object.keys(meta)).toEqual(['clip one, "quoted".mp4', a, b]);
    expect(meta[b].original).toBe(a);
  });

  it('names an original that is not exported by its own file name', () => {
    const m = exportModel();
    m.videos.splice(1, 1);
    expect(built(m).meta['002_fake.mp4'].original).toBe('ünï 映像.mkv');
  });

  it('writes a file called __proto__ as a key', () => {
    const m = exportModel();
    m.videos[1]!.file = '__proto__';
    const { text } = built(m);
    expect(text).toContain('"__proto__": {');
    expect(parseDfdc(text, 'metadata.json').videos.map((v) => v.video.file)).toContain('__proto__');
  });
});

describe('parseDfdc', () => {
  it('round-trips verdicts, originals and hashes', () => {
    const m = exportModel();
    const doc = parseDfdc(built(m).text, 'metadata.json');
    expect(doc.format).toBe('dfdc');
    expect(doc.videos.map((v) => [v.video.file, v.video.sha256, verdictOf(v.annotations), v.originalFile ?? null])).toEqual([
      ['clip one, "quoted".mp4', m.videos[0]!.sha256, { value: 'fake', method: 'face_swap', confidence: 0.9 }, null],
      ['ünï 映像.mkv', m.videos[1]!.sha256, { value: 'real', method: null, confidence: 1 }, null],
      ['002_fake.mp4', m.videos[2]!.sha256, { value: 'fake', method: 'lip_sync', confidence: null }, 'ünï 映像.mkv'],
    ]);
    for (const v of doc.videos) expect(v.annotations).toHaveLength(1);
  });

  it('reads DFDC metadata as released', () => {
    // Shaped like a DFDC training part's metadata.json (Dolhansky et al. 2020).
    const sample = '{"aagfhgtpmv.mp4": {"label": "FAKE", "split": "train", "original": "vudstovrck.mp4"}, '
      + '"aapnvogymq.mp4": {"label": "FAKE", "split": "train", "original": "jdubbvfswz.mp4"}, '
      + '"abarnvbtwb.mp4": {"label": "REAL", "split": "train", "original": null}}';
    const doc = parseDfdc(sample, 'metadata.json');
    expect(doc.videos.map((v) => [v.video, verdictOf(v.annotations), v.originalFile])).toEqual([
      [{ file: 'aagfhgtpmv.mp4', where: 'metadata.json: ["aagfhgtpmv.mp4"]' }, { value: 'fake', method: 'unknown', confidence: null }, 'vudstovrck.mp4'],
      [{ file: 'aapnvogymq.mp4', where: 'metadata.json: ["aapnvogymq.mp4"]' }, { value: 'fake', method: 'unknown', confidence: null }, 'jdubbvfswz.mp4'],
      [{ file: 'abarnvbtwb.mp4', where: 'metadata.json: ["abarnvbtwb.mp4"]' }, { value: 'real', method: null, confidence: null }, undefined],
    ]);
  });

  it('refuses wrong fields, naming the JSON path and the field', () => {
    expect(bad(() => parseDfdc('[]', 'm.json'))).toMatch(/^m\.json: expected an object keyed by file name/);
    expect(bad(() => parseDfdc('null', 'm.json'))).toMatch(/expected an object/);
    expect(bad(() => parseDfdc('{"a', 'm.json'))).toMatch(/^m\.json: not valid JSON/);
    expect(bad(() => parseDfdc('{"a b.mp4": {"label": "fake"}}', 'm.json'))).toMatch(/^m\.json: \["a b\.mp4"\]\.label: .*"REAL"\|"FAKE"/);
    expect(bad(() => parseDfdc('{"a.mp4": {"split": "train"}}', 'm.json'))).toMatch(/^m\.json: \["a\.mp4"\]\.label: /);
    expect(bad(() => parseDfdc('{"a.mp4": {"label": "FAKE", "original": 3}}', 'm.json'))).toMatch(/\["a\.mp4"\]\.original: /);
    expect(bad(() => parseDfdc('{"a.mp4": {"label": "FAKE", "original": "a.mp4"}}', 'm.json'))).toMatch(/\["a\.mp4"\]\.original: .*own original/);
    expect(bad(() => parseDfdc('{"a.mp4": "FAKE"}', 'm.json'))).toMatch(/^m\.json: \["a\.mp4"\]: .*object/);
    expect(bad(() => parseDfdc('{"": {"label": "REAL"}}', 'm.json'))).toMatch(/must not be empty/);
    expect(bad(() => parseDfdc('{"a.mp4": {"label": "REAL", "method": "face_swap"}}', 'm.json'))).toMatch(/\["a\.mp4"\]\.method: a REAL video has no manipulation method/);
    expect(bad(() => parseDfdc('{"a.mp4": {"label": "FAKE", "confidence": 2}}', 'm.json'))).toMatch(/\["a\.mp4"\]\.confidence: /);
    expect(bad(() => parseDfdc('{"a.mp4": {"label": "FAKE", "sha256": "xyz"}}', 'm.json'))).toMatch(/\["a\.mp4"\]\.sha256: /);
    // All or nothing: one bad entry after good ones refuses the file.
    expect(bad(() => parseDfdc('{"ok.mp4": {"label": "REAL"}, "b.mp4": {"label": 1}}', 'm.json'))).toMatch(/\["b\.mp4"\]\.label/);
  });
});
