import path from 'node:path';
import { Core } from '../../electron/core/api';
import type { ExportModel } from '../../electron/core/export/model';
import type { VideoFixtureName } from '../fixtures/videos';
import { getFixtures, tempDir } from './helpers';

/**
 * A real project for export tests: awkward fixture videos (B-frames, VFR, a
 * non-zero start, MPEG-TS cut mid-GOP, odd size) with segments, frame tags,
 * region tracks (box with an outside keyframe, polygon, point) and verdicts,
 * added through the API as the app does. Frame truth can be checked with
 * referenceDecode / readCode from tests/fixtures/videos.ts.
 */
export const EXPORT_FIXTURES: readonly VideoFixtureName[] = ['h264_bframes', 'h264_vfr', 'start_offset', 'ts_cut_mid_gop', 'odd_size'];

export interface ExportProject {
  core: Core;
  file: string;
  /** Video id per fixture name. */
  ids: Record<string, number>;
  model(videoIds?: number[]): ExportModel;
}

export async function makeExportProject(prefix = 'tellframe-export-'): Promise<ExportProject> {
  const fx = await getFixtures();
  const file = path.join(tempDir(prefix), 'export.tellframe');
  const core = Core.create(file, { actor: 'tester' });
  const res = await core.call('media.import', { paths: EXPORT_FIXTURES.map((n) => fx[n].path) });
  const ids: Record<string, number> = {};
  res.items.forEach((it, i) => {
    if (!it.ok) throw new Error(`fixture ${EXPORT_FIXTURES[i]} did not import: ${it.error.message}`);
    ids[EXPORT_FIXTURES[i]!] = it.id;
  });
  const summary = (id: number) => core.call('media.get', { id });
  for (const name of EXPORT_FIXTURES) {
    const id = ids[name]!;
    const v = await summary(id);
    const n = v.frameCount;
    const w = v.width;
    const h = v.height;
    await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'lip_sync_mismatch', startFrame: 1, endFrame: Math.min(n - 1, 7), attributes: { severity: 'obvious' }, note: 'lags, "then" <i>recovers</i>\nünï' });
    await core.call('annotations.create', { kind: 'segment', videoId: id, label: 'audio_anomaly', startFrame: Math.floor(n / 2), endFrame: n - 1 });
    await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blink_anomaly', frame: Math.min(n - 1, 3), attributes: { face_region: 'left_eye' } });
    await core.call('annotations.create', { kind: 'frame_tag', videoId: id, label: 'blink_anomaly', frame: n - 1 });
    await core.call('annotations.create', {
      kind: 'region_track', videoId: id, label: 'edge_artifact',
      keyframes: [
        { frame: 2, shape: 'box', points: [[2, 2], [Math.floor(w / 2), Math.floor(h / 2)]] },
        { frame: 6, shape: 'box', points: [[6, 4], [Math.floor(w / 2) + 4, Math.floor(h / 2) + 2]] },
        { frame: 9, shape: 'box', points: [[6, 4], [Math.floor(w / 2) + 4, Math.floor(h / 2) + 2]], outside: true },
      ],
      attributes: { face_region: 'jaw' },
    });
    await core.call('annotations.create', { kind: 'region_track', videoId: id, label: 'skin_tone_anomaly', keyframes: [{ frame: 4, shape: 'polygon', points: [[1, 1], [w - 2, 3], [Math.floor(w / 2), h - 2]] }, { frame: 5, shape: 'polygon', points: [[1, 1], [w - 2, 3], [Math.floor(w / 2), h - 2]], outside: true }] });
    await core.call('annotations.create', { kind: 'region_track', videoId: id, label: 'facial_distortion', keyframes: [{ frame: 0, shape: 'point', points: [[w / 3, h / 3]] }, { frame: 1, shape: 'point', points: [[w / 3, h / 3]], outside: true }] });
  }
  await core.call('verdict.set', { videoId: ids.h264_bframes!, value: 'real', method: null, confidence: 1 });
  await core.call('verdict.set', { videoId: ids.h264_vfr!, value: 'fake', method: 'face_swap', confidence: 0.75, note: 'swap <script>alert(1)</script>' });
  await core.call('verdict.set', { videoId: ids.start_offset!, value: 'uncertain', method: 'unknown', confidence: null });
  await core.call('verdict.set', { videoId: ids.ts_cut_mid_gop!, value: 'fake', method: 'lip_sync', confidence: 0.5 });
  core.store.setLinks(ids.h264_vfr!, { originalId: ids.h264_bframes! }, 'tester');
  return { core, file, ids, model: (videoIds) => core.exportModel(videoIds ? { videoIds } : {}) };
}
