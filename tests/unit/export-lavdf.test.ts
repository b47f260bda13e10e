import { describe, expect, it } from 'vitest';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { buildLavdf, datasetFileNames, LAVDF_KEYS, type LavdfEntry } from '../../electron/core/export/lavdf';
import type { ExportModel, OutFile } from '../../electron/core/export/model';
import { parseLavdf } from '../../electron/core/import/lavdf';
import { MAX_IMPORT_BYTES, type PreAnnotation } from '../../electron/core/import/types';
import { exportModel, PTS } from './fixtures/exportModel';
import { badInput as bad } from './fixtures/badInput';

const options = ExportOptionsSchema.parse({ formats: ['lavdf'], out: '/tmp/x' });
const file = (files: OutFile[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path}`);
  return f.data as string;
};
const entries = (m: ExportModel, path = 'metadata.json') => JSON.parse(file(buildLavdf(m, options), path)) as LavdfEntry[];
/** Seconds from frame 0 straight from the fixture's pts table. */
const t = (video: number, frame: number, den: number) => (PTS[video]![frame]! - PTS[video]![0]!) / den;


describe('buildLavdf', () => {
  it('writes fake periods from stored pts: the union of frame-scope labels, audio and visual apart', () => {
    const [v1, v2, v3] = entries(exportModel());
    // Video 1: audio_anomaly 0–9; visual: facial_distortion 0–1, edge track 1–5, lip sync 2–5, blink tag 7, skin track 8–9.
    expect(v1!.audio_fake_segments).toEqual([[0, t(1, 10, 90000)]]);
    expect(v1!.visual_fake_segments).toEqual([[0, t(1, 6, 90000)], [t(1, 7, 90000), t(1, 10, 90000)]]);
    expect(v1!.fake_periods).toEqual([[0, t(1, 10, 90000)]]);
    expect(v1!.fake_segments).toEqual(v1!.fake_periods);
    expect(v1).toMatchObject({ file: 'clip one, "quoted".mp4', n_fakes: 1, modify_video: true, modify_audio: true, modify_type: 'both_modified', video_frames: 10, original: null, split: 'train' });
    expect(v1!.duration).toBeCloseTo(36033 / 90000, 12);
    // The visual period ends at frame 6's pts (VFR: 6006 ticks before it), not at 6 × a frame rate.
    expect(v1!.visual_fake_segments[0]![1]).toBe(21018 / 90000);
    expect(v1).toMatchObject({ sha256: exportModel().videos[0]!.sha256, time_base: '1/90000', start_pts: 12345, end_pts: 48378, container_start_time: 12345 / 90000 });
    expect(v1!.verdict).toEqual({ value: 'fake', method: 'face_swap', confidence: 0.9 });

    expect(v2).toMatchObject({ n_fakes: 0, fake_periods: [], modify_type: 'real', modify_video: false, modify_audio: false, verdict: { value: 'real' } });
    expect(v3).toMatchObject({ file: '002_fake.mp4', n_fakes: 1, fake_periods: [[0.04, 0.16]], modify_type: 'visual_modified', original: 'ünï 映像.mkv' });
  });

  it('counts video-scope labels as neither visual nor audio', () => {
    const m = exportModel();
    m.videos[0]!.annotations = m.videos[0]!.annotations.filter((a) => a.label === 'metadata_anomaly');
    expect(entries(m)[0]).toMatchObject({ n_fakes: 0, fake_periods: [], modify_type: 'real' });
  });

  it('follows audioLabels', () => {
    const m = exportModel();
    m.audioLabels = [];
    const v1 = entries(m)[0]!;
    expect(v1.audio_fake_segments).toEqual([]);
    expect(v1.visual_fake_segments).toEqual([[0, t(1, 10, 90000)]]);
    expect(v1.modify_type).toBe('visual_modified');
    m.audioLabels = ['blur_anomaly'];
    expect(entries(m)[2]).toMatchObject({ modify_type: 'audio_modified', audio_fake_segments: [[0.04, 0.16]] });
  });

  it('writes metadata.min.json with exactly the keys of LAV-DF\'s Metadata dataclass', () => {
    const min = entries(exportModel(), 'metadata.min.json') as unknown as Record<string, unknown>[];
    expect(min).toHaveLength(3);
    for (const e of min) expect(Object.keys(e)).toEqual([...LAVDF_KEYS]);
    expect(min[0]!.fake_periods).toEqual([[0, t(1, 10, 90000)]]);
  });

  it('names splits as each dataset does and writes AV-Deepfake1M\'s per-split files', () => {
    const m = exportModel();
    m.videos[0]!.split = 'val';
    m.videos[1]!.split = 'test';
    m.videos[2]!.split = 'test';
    const files = buildLavdf(m, options);
    expect((JSON.parse(file(files, 'metadata.json')) as LavdfEntry[]).map((e) => e.split)).toEqual(['dev', 'test', 'test']);
    const val = JSON.parse(file(files, 'val_metadata.json')) as LavdfEntry[];
    expect(val.map((e) => [e.file, e.split])).toEqual([['clip one, "quoted".mp4', 'val']]);
    expect(JSON.parse(file(files, 'train_metadata.json'))).toEqual([]);
    expect(file(files, 'test_files.txt')).toBe('ünï 映像.mkv\n002_fake.mp4\n');
    // Its Dataset reads each item from <split>_metadata/<file with .mp4 → .json>.
    expect(JSON.parse(file(files, 'test_metadata/002_fake.json'))).toMatchObject({ file: '002_fake.mp4', split: 'test', visual_fake_segments: [[0.04, 0.16]] });
    expect(JSON.parse(file(files, 'test_metadata/ünï 映像.mkv'))).toMatchObject({ modify_type: 'real' });
    expect(JSON.parse(file(files, 'val_metadata/clip one, "quoted".json')).split).toBe('val');
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    // AV-Deepfake1M's Metadata(**entry, fps=...) needs these and fails on a key named fps.
    for (const e of val as unknown as Record<string, unknown>[]) {
      for (const k of ['file', 'original', 'split', 'fake_segments', 'visual_fake_segments', 'audio_fake_segments', 'audio_model', 'modify_type', 'video_frames', 'audio_frames']) expect(e).toHaveProperty(k);
      expect(e).not.toHaveProperty('fps');
    }
  });

  it('lists verdicts the periods contradict in the side file', () => {
    const m = exportModel();
    m.videos[1]!.verdict = { ...m.videos[1]!.verdict!, verdict: { value: 'fake', method: 'unknown', confidence: null } };
    const side = JSON.parse(file(buildLavdf(m, options), 'metadata.tellframe.json'));
    expect(side.inconsistent).toEqual([{ file: 'ünï 映像.mkv', sha256: m.videos[1]!.sha256, verdict: 'fake', problem: expect.stringContaining('reads as real') }]);
    expect(side).toMatchObject({ audioLabels: ['audio_anomaly'], splitBuilt: false, exported: { auditHead: 'f'.repeat(64) } });
    expect(side.visualLabels).not.toContain('metadata_anomaly');
    expect(side.visualLabels).not.toContain('audio_anomaly');
  });

  it('gives videos with the same name distinct names', () => {
    const names = datasetFileNames([
      { id: 1, file: 'a.mp4', sha256: '1'.repeat(64) },
      { id: 2, file: 'A.mp4', sha256: '2'.repeat(64) },
      { id: 3, file: 'b.mp4', sha256: '3'.repeat(64) },
      { id: 4, file: 'a.mp4', sha256: '1'.repeat(16) + '4'.repeat(48) },
    ]);
    expect([...names.values()]).toEqual([`${'1'.repeat(16)}_a.mp4`, `${'2'.repeat(16)}_A.mp4`, 'b.mp4', `${'1'.repeat(16)}${'4'.repeat(48)}_a.mp4`]);
  });

  it('is pure: the same model gives the same files', () => {
    expect(buildLavdf(exportModel(), options)).toEqual(buildLavdf(exportModel(), options));
  });
});

function segments(anns: PreAnnotation[]) {
  return anns.flatMap((a) => (a.kind === 'segment' && a.span.unit === 'seconds' ? [[a.label, a.span.start, a.span.end]] : []));
}
function verdictOf(anns: PreAnnotation[]) {
  return anns.find((a) => a.kind === 'verdict')?.kind === 'verdict' ? (anns.find((a) => a.kind === 'verdict') as Extract<PreAnnotation, { kind: 'verdict' }>).verdict : null;
}

describe('parseLavdf', () => {
  it('round-trips Tellframe\'s metadata.json: periods in seconds, verdicts, originals, hashes', () => {
    const m = exportModel();
    const doc = parseLavdf(file(buildLavdf(m, options), 'metadata.json'), 'metadata.json');
    expect(doc.format).toBe('lavdf');
    expect(doc.videos.map((v) => v.video)).toEqual(m.videos.map((v, i) => ({ file: v.file, sha256: v.sha256, where: `metadata.json: [${i}]` })));
    const [v1, v2, v3] = doc.videos;
    expect(segments(v1!.annotations)).toEqual([
      ['visual_fake', 0, t(1, 6, 90000)], ['visual_fake', t(1, 7, 90000), t(1, 10, 90000)], ['audio_anomaly', 0, t(1, 10, 90000)],
    ]);
    expect(verdictOf(v1!.annotations)).toEqual({ value: 'fake', method: 'face_swap', confidence: 0.9 });
    expect(segments(v2!.annotations)).toEqual([]);
    expect(verdictOf(v2!.annotations)).toEqual({ value: 'real', method: null, confidence: 1 });
    expect(segments(v3!.annotations)).toEqual([['visual_fake', 0.04, 0.16]]);
    expect(v3!.originalFile).toBe('ünï 映像.mkv');
    expect(doc.labelNames).toEqual({ visual_fake: 'Visual fake', audio_anomaly: 'Audio anomaly' });
  });

  it('round-trips metadata.min.json (LAV-DF keys only) through modify_video / modify_audio', () => {
    const doc = parseLavdf(file(buildLavdf(exportModel(), options), 'metadata.min.json'), 'metadata.min.json');
    expect(segments(doc.videos[0]!.annotations)).toEqual([['visual_fake', 0, t(1, 10, 90000)], ['audio_anomaly', 0, t(1, 10, 90000)]]);
    expect(verdictOf(doc.videos[0]!.annotations)).toEqual({ value: 'fake', method: 'unknown', confidence: null });
    expect(verdictOf(doc.videos[1]!.annotations)).toEqual({ value: 'real', method: null, confidence: null });
    expect(doc.videos[0]!.video.sha256).toBeUndefined();
  });

  it('reads LAV-DF as released', () => {
    // Shaped like LAV-DF's metadata.json entries (Cai et al. 2022): a real video, a visual-only and an audio-visual fake.
    const sample = JSON.stringify([
      { file: 'test/000001.mp4', n_fakes: 0, fake_periods: [], duration: 7.552, original: null, modify_video: false, modify_audio: false, split: 'test', video_frames: 189, audio_channels: 1, audio_frames: 120832 },
      { file: 'train/000002.mp4', n_fakes: 1, fake_periods: [[3.92, 4.32]], duration: 5.376, original: 'train/000184.mp4', modify_video: true, modify_audio: false, split: 'train', video_frames: 134, audio_channels: 1, audio_frames: 86016 },
      { file: 'dev/000003.mp4', n_fakes: 2, fake_periods: [[0.56, 1.08], [2.4, 2.76]], duration: 4.288, original: 'dev/000077.mp4', modify_video: true, modify_audio: true, split: 'dev', video_frames: 107, audio_channels: 1, audio_frames: 68608 },
    ]);
    const doc = parseLavdf(sample, 'metadata.json');
    expect(doc.videos.map((v) => v.video.file)).toEqual(['test/000001.mp4', 'train/000002.mp4', 'dev/000003.mp4']);
    expect(segments(doc.videos[0]!.annotations)).toEqual([]);
    expect(verdictOf(doc.videos[0]!.annotations)?.value).toBe('real');
    expect(doc.videos[0]!.originalFile).toBeUndefined();
    expect(segments(doc.videos[1]!.annotations)).toEqual([['visual_fake', 3.92, 4.32]]);
    expect(doc.videos[1]!.originalFile).toBe('train/000184.mp4');
    expect(segments(doc.videos[2]!.annotations)).toEqual([
      ['visual_fake', 0.56, 1.08], ['audio_anomaly', 0.56, 1.08], ['visual_fake', 2.4, 2.76], ['audio_anomaly', 2.4, 2.76],
    ]);
  });

  it('reads AV-Deepfake1M as released, and periods of unknown modality', () => {
    // Shaped like AV-Deepfake1M's train_metadata.json (Cai et al. 2024).
    const sample = JSON.stringify([
      { file: 'lrs3/abc123/00001/real.mp4', original: null, split: 'train', modify_type: 'real', audio_model: '', fake_segments: [], audio_fake_segments: [], visual_fake_segments: [], video_frames: 220, audio_frames: 140800 },
      { file: 'lrs3/abc123/00001/fake_audio_fake_visual.mp4', original: 'lrs3/abc123/00001/real.mp4', split: 'train', modify_type: 'both_modified', audio_model: 'yourtts', fake_segments: [[1.2, 1.6]], audio_fake_segments: [[1.2, 1.6]], visual_fake_segments: [[1.2, 1.6]], video_frames: 230, audio_frames: 147200 },
      { file: 'x.mp4', fake_periods: [[0, 0.5]] },
    ]);
    const doc = parseLavdf(sample, 'train_metadata.json');
    expect(segments(doc.videos[0]!.annotations)).toEqual([]);
    expect(segments(doc.videos[1]!.annotations)).toEqual([['visual_fake', 1.2, 1.6], ['audio_anomaly', 1.2, 1.6]]);
    expect(doc.videos[1]!.originalFile).toBe('lrs3/abc123/00001/real.mp4');
    expect(segments(doc.videos[2]!.annotations)).toEqual([['fake_period', 0, 0.5]]);
    expect(doc.labelNames).toEqual({ visual_fake: 'Visual fake', audio_anomaly: 'Audio anomaly', fake_period: 'Fake period' });
    const custom = parseLavdf(sample, 'm.json', { visualLabel: 'facial_distortion', audioLabel: 'voice', unknownLabel: 'other' });
    expect(segments(custom.videos[1]!.annotations).map((s) => s[0])).toEqual(['facial_distortion', 'voice']);
  });

  it('refuses wrong fields, naming the JSON path and the field', () => {
    const one = (e: unknown) => JSON.stringify([{ file: 'ok.mp4', fake_periods: [] }, e]);
    expect(bad(() => parseLavdf('{', 'm.json'))).toMatch(/^m\.json: not valid JSON/);
    expect(bad(() => parseLavdf('{"file":"a"}', 'm.json'))).toMatch(/m\.json: expected an array/);
    expect(bad(() => parseLavdf(one({ fake_periods: [] }), 'm.json'))).toMatch(/^m\.json: \[1\]\.file: /);
    expect(bad(() => parseLavdf(one({ file: '', fake_periods: [] }), 'm.json'))).toMatch(/\[1\]\.file: must not be empty/);
    expect(bad(() => parseLavdf(one({ file: 'a', fake_periods: [[0, 1], [1, 'x']] }), 'm.json'))).toMatch(/^m\.json: \[1\]\.fake_periods\[1\]\[1\]: fake_periods: .*number/);
    expect(bad(() => parseLavdf(one({ file: 'a', fake_periods: [[2, 1]] }), 'm.json'))).toMatch(/\[1\]\.fake_periods\[0\]: .*end after it starts/);
    expect(bad(() => parseLavdf(one({ file: 'a', fake_periods: [[-1, 1]] }), 'm.json'))).toMatch(/\[1\]\.fake_periods\[0\]\[0\]: .*negative/);
    expect(bad(() => parseLavdf(one({ file: 'a', fake_periods: [[0, 1, 2]] }), 'm.json'))).toMatch(/\[1\]\.fake_periods\[0\]/);
    expect(bad(() => parseLavdf(one({ file: 'a', fake_periods: [[0, 1]], n_fakes: 2 }), 'm.json'))).toMatch(/\[1\]\.n_fakes: n_fakes is 2 but fake_periods has 1 period/);
    expect(bad(() => parseLavdf(one({ file: 'a' }), 'm.json'))).toMatch(/\[1\]: fake_periods .* or fake_segments .* is missing/);
    expect(bad(() => parseLavdf(one({ file: 'a', fake_periods: [], modify_video: 'yes' }), 'm.json'))).toMatch(/\[1\]\.modify_video: /);
    expect(bad(() => parseLavdf(one({ file: 'a', fake_periods: [], modify_type: 'swapped' }), 'm.json'))).toMatch(/\[1\]\.modify_type: /);
    expect(bad(() => parseLavdf(one({ file: 'a', fake_periods: [], sha256: 'abc' }), 'm.json'))).toMatch(/\[1\]\.sha256: .*64 hexadecimal/);
    expect(bad(() => parseLavdf(one({ file: 'a', fake_periods: [], verdict: { value: 'maybe', method: null, confidence: null } }), 'm.json'))).toMatch(/\[1\]\.verdict\.value: /);
    expect(bad(() => parseLavdf(one({ file: 'ok.mp4', fake_periods: [] }), 'm.json'))).toMatch(/\[1\]: file ok\.mp4 is already given by entry \[0\]/);
    expect(bad(() => parseLavdf(one(null), 'm.json'))).toMatch(/^m\.json: \[1\]/);
  });

  it('refuses text over the import limit before parsing it', () => {
    expect(bad(() => parseLavdf(' '.repeat(MAX_IMPORT_BYTES + 1), 'big.json'))).toMatch(/big\.json: .*larger than the import limit/);
    // Fewer characters than the limit, more bytes in UTF-8.
    expect(bad(() => parseLavdf('€'.repeat(Math.floor(MAX_IMPORT_BYTES / 3) + 1), 'big.json'))).toMatch(/larger than the import limit/);
  });
});
