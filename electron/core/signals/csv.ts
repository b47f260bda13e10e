import { stringify } from 'csv-stringify/sync';
import { SIGNAL_SERIES, type KeptSignals, type SeriesName } from '../../../shared/candidates';
import { decodeLandmarks } from '../../../shared/landmarks';
import { fromBase64 } from '../../../shared/base64';
import { LANDMARKS } from './faceModel';

/**
 * Per-frame signal values as CSV (`tellframe signals --out`), for use as
 * features: one row per frame of each video, identified by the file's
 * SHA-256 and the frame index, with the frame's pts (time-base units), its
 * time in seconds from frame 0 (from the stored pts), the face box in the
 * original's pixels, every measured series, the audio loudness and the kept
 * face-mesh points (x, y in the original's pixels, to 1/8 pixel). Empty
 * cells where there is no value (no face, no audio). RFC 4180 via
 * csv-stringify, CRLF records, UTF-8 without BOM.
 */

const COLUMN: Record<SeriesName, string> = {
  score: 'face_score', earRight: 'ear_right', earLeft: 'ear_left', mar: 'mar',
  faceLuma: 'face_luma', ringLuma: 'ring_luma', faceCb: 'face_cb', faceCr: 'face_cr', ringCb: 'ring_cb', ringCr: 'ring_cr',
  sharpFace: 'sharp_face', sharpRing: 'sharp_ring', flicker: 'flicker',
};

export const SIGNAL_CSV_HEADER = [
  'video_id', 'sha256', 'frame', 'pts', 'time', 'box_x', 'box_y', 'box_w', 'box_h', ...SIGNAL_SERIES.map((s) => COLUMN[s]), 'loudness', 'version',
  ...LANDMARKS.flatMap((l) => [`${l.name}_x`, `${l.name}_y`]),
] as const;

export interface SignalCsvVideo {
  videoId: number;
  signals: KeptSignals;
  /** Each frame's pts as stored. */
  pts: readonly number[];
  /** Each frame's start in seconds from frame 0 (at least one per frame). */
  times: readonly number[];
  /** Each frame's audio RMS, or empty without audio. */
  loudness: readonly number[];
}

const cell = (v: number | null | undefined): string | number => (v === null || v === undefined || !Number.isFinite(v) ? '' : v);

/** The rows of one video (and the header row first when asked). */
export function signalCsv(v: SignalCsvVideo, header: boolean): string {
  const k = v.signals;
  if (k.landmarkNames.join() !== LANDMARKS.map((l) => l.name).join()) throw new Error(`Signals kept with other landmarks (${k.landmarkNames.join(', ')}).`);
  const lm = decodeLandmarks(fromBase64(k.landmarks));
  const per = LANDMARKS.length * 2;
  const rows: (string | number)[][] = [];
  if (header) rows.push([...SIGNAL_CSV_HEADER]);
  for (let i = 0; i < k.frames; i++) {
    rows.push([
      v.videoId, k.sha256, i, v.pts[i]!, cell(v.times[i]),
      cell(k.box[i * 4]), cell(k.box[i * 4 + 1]), cell(k.box[i * 4 + 2]), cell(k.box[i * 4 + 3]),
      ...SIGNAL_SERIES.map((s) => cell(k[s][i])), cell(v.loudness[i]), k.version,
      ...Array.from(lm.subarray(i * per, (i + 1) * per), (x) => cell(x)),
    ]);
  }
  return stringify(rows, { record_delimiter: 'windows' });
}

/** The header row alone (a CSV of no videos). */
signalCsv.header = (): string => stringify([[...SIGNAL_CSV_HEADER]], { record_delimiter: 'windows' });
