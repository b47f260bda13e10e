import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportOptionsSchema } from '../../shared/exportFormats';
import { buildDatasetCard, buildManifest, cardStats, mdEscape } from '../../electron/core/export/card';
import { exportModel } from './fixtures/exportModel';

const options = ExportOptionsSchema.parse({ formats: ['lavdf', 'dfdc'], out: '/tmp/x', split: { train: 0.8, val: 0.1, test: 0.1, seed: 7 } });
/** The cells of the Markdown table row that starts with `first` (in the section under `heading`, if given). */
function row(card: string, first: string, heading = ''): string[] {
  const from = heading ? card.indexOf(`\n## ${heading}\n`) : 0;
  expect(from).toBeGreaterThanOrEqual(0);
  const line = card.slice(from).split('\n').find((l) => l.startsWith(`| ${first} |`));
  if (!line) throw new Error(`no row ${first}`);
  return line.slice(2, -2).split(/(?<!\\) \| /);
}

describe('buildDatasetCard', () => {
  const m = exportModel();
  m.videos[0]!.split = 'train';
  m.videos[1]!.split = 'test';
  m.videos[2]!.split = 'test';
  const card = buildDatasetCard(m, { formats: ['lavdf', 'dfdc'], options });

  it('states when, by whom and with what it was made', () => {
    expect(card).toMatch(/^# Dataset card\n/);
    expect(card).toContain('Exported 2026-11-02T00:00:00.000Z by carol with tellframe 0.1.0.');
    expect(card).toContain('ffmpeg: ffmpeg version 5.1.8.');
    expect(card).toContain(`\`${'f'.repeat(64)}\``);
  });

  it('counts videos, frames, duration from pts and annotations', () => {
    // 36033/90000 + 0.2 + 0.2 seconds.
    expect(card).toContain('- Videos: 3\n');
    expect(card).toContain('- Total duration: 0.800 s (0:00:00.800), from stored pts');
    expect(card).toContain('- Frames: 20\n');
    expect(card).toContain('- Annotations: 8 (segments 4, frame tags 1, region tracks 3)');
    expect(cardStats(m).duration).toBeCloseTo(36033 / 90000 + 0.4, 12);
  });

  it('counts per verdict, split, label and annotator', () => {
    expect(row(card, 'fake')).toEqual(['fake', '2']);
    expect(row(card, 'real')).toEqual(['real', '1']);
    expect(row(card, 'no verdict')).toEqual(['no verdict', '0']);
    expect(row(card, 'train')).toEqual(['train', '1', '0.400', '1', '0', '0', '0']);
    expect(row(card, 'test')).toEqual(['test', '2', '0.400', '1', '1', '0', '0']);
    // lip sync frames 2–5 of video 1: pts 18348 to 33363 at 1/90000.
    expect(row(card, '`lip_sync_mismatch`')).toEqual(['`lip_sync_mismatch`', 'Lip-sync mismatch', '1', '1', (15015 / 90000).toFixed(3)]);
    expect(row(card, '`audio_anomaly`').slice(2)).toEqual(['1', '1', '0.400']);
    expect(row(card, '`blur_anomaly`').slice(2)).toEqual(['1', '1', '0.120']);
    expect(row(card, '`blink_anomaly`').slice(2)).toEqual(['1', '1', (6006 / 90000).toFixed(3)]);
    expect(row(card, '`lighting_inconsistency`').slice(2)).toEqual(['0', '0', '0.000']);
    expect(row(card, 'alice')).toEqual(['alice', '6', '3']);
    expect(row(card, 'bob')).toEqual(['bob', '2', '0']);
  });

  it('describes the taxonomy and how the dataset was made', () => {
    const edge = row(card, '`edge_artifact`', 'Taxonomy');
    expect(edge).toHaveLength(6);
    expect(edge[2]).toBe('frame');
    expect(edge[3]).toBe('Edge artifact &lt;described&gt; "here", with, commas');
    expect(edge[4]).toContain('severity (choice: subtle, noticeable, obvious); confidence (number 0–1); face\\_region');
    expect(edge[4]).toContain('seam\\_visible (bool)');
    expect(row(card, '`metadata_anomaly`', 'Taxonomy')[2]).toBe('video');
    expect(card).toContain('train 80.0 %, val 10.0 %, test 10.0 % (ratios 0.8 / 0.1 / 0.1), seed 7');
    expect(card).toMatch(/never straddle two splits/);
    expect(card).toContain('`lavdf`: LAV-DF / AV-Deepfake1M metadata.json');
    expect(card).toContain('`dfdc`: DFDC metadata.json');
    expect(card).toMatch(/never index × fps/);
    expect(card).toContain('audio labels `audio\\_anomaly`');
  });

  it('escapes user text so it cannot break a table or inject markup', () => {
    const m2 = exportModel();
    m2.labels = m2.labels.map((l) => (l.id === 'blur_anomaly' ? { ...l, name: 'Blur | smear\nsecond *line*', description: '<script>x</script> [a](b)' } : l));
    m2.videos[2]!.annotations = m2.videos[2]!.annotations.map((a) => ({ ...a, annotator: 'eve|mallory' }));
    const c = buildDatasetCard(m2, { formats: ['csv'], options: ExportOptionsSchema.parse({ formats: ['csv'], out: '/x' }) });
    const label = row(c, '`blur_anomaly`');
    expect(label).toHaveLength(5);
    expect(label[1]).toBe('Blur \\| smear<br>second \\*line\\*');
    expect(c).not.toContain('<script>');
    expect(c).toContain('&lt;script&gt;x&lt;/script&gt; \\[a\\](b)');
    expect(row(c, 'eve\\|mallory')).toEqual(['eve\\|mallory', '1', '0']);
    expect(c).toContain('No split was built');
    expect(c).toContain('- Splits: none built.');
    expect(mdEscape('a\nb')).toBe('a b');
  });
});

describe('buildManifest', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tellframe-manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes what sha256sum -c checks, and a changed file fails the check', () => {
    const files: Record<string, string> = {
      'README.md': '# card\n',
      'lavdf/metadata.json': '[]\n',
      'frames/ünï 映像 0001.png': 'not really a png',
      'a b/"quoted" $(x).txt': 'x',
      'weird\nname.txt': 'newline in the name',
      'back\\slash.json': 'a backslash is a file-name character here',
    };
    const entries = Object.entries(files).map(([p, data]) => {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), data);
      return { path: p, sha256: createHash('sha256').update(data).digest('hex') };
    });
    const manifest = buildManifest(entries);
    const lines = manifest.split('\n').slice(0, -1);
    expect(manifest.endsWith('\n')).toBe(true);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(`${entries[0]!.sha256}  README.md`);
    expect(lines.filter((l) => !l.startsWith('\\')).map((l) => l.slice(66))).toEqual(['README.md', 'a b/"quoted" $(x).txt', 'frames/ünï 映像 0001.png', 'lavdf/metadata.json']);
    expect(lines).toContain(`\\${entries[4]!.sha256}  weird\\nname.txt`);
    expect(lines).toContain(`\\${entries[5]!.sha256}  back\\\\slash.json`);
    writeFileSync(path.join(dir, 'MANIFEST.sha256'), manifest);
    const out = execFileSync('sha256sum', ['-c', '--strict', 'MANIFEST.sha256'], { cwd: dir, encoding: 'utf8' });
    expect(out.match(/: OK$/gm)).toHaveLength(6);

    writeFileSync(path.join(dir, 'lavdf/metadata.json'), '[1]\n');
    const r = spawnSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('lavdf/metadata.json: FAILED');
  });

  it('keeps a backslash as part of a file name (escaped as sha256sum does) and refuses bad entries', () => {
    const h = 'A'.repeat(64);
    expect(buildManifest([{ path: 'b\\c.txt', sha256: h }, { path: 'a.txt', sha256: h }])).toBe(`${'a'.repeat(64)}  a.txt\n\\${'a'.repeat(64)}  b\\\\c.txt\n`);
    expect(() => buildManifest([{ path: 'a', sha256: 'xyz' }])).toThrow(/not a SHA-256/);
    expect(() => buildManifest([{ path: '../a', sha256: h }])).toThrow(/relative/);
    expect(() => buildManifest([{ path: '/etc/passwd', sha256: h }])).toThrow(/relative/);
  });
});
