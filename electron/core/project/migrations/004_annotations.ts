import type { Migration } from './types';

/** The attributes every label had when this migration was written (kept here, frozen). */
const DEFAULT_ATTRIBUTES_V4 = JSON.stringify([
  { id: 'severity', name: 'Severity', type: 'choice', options: ['subtle', 'noticeable', 'obvious'] },
  { id: 'confidence', name: 'Confidence', type: 'number', min: 0, max: 1 },
  {
    id: 'face_region', name: 'Face region', type: 'choice',
    options: ['left_eye', 'right_eye', 'mouth', 'jaw', 'hairline', 'skin', 'whole_face', 'background'],
  },
]);

/**
 * Annotations (segments, frame tags, region tracks, verdicts), label
 * attributes and merges, and the persisted undo history. Every annotation
 * write is a durable commit, so each index costs a page per commit: the
 * annotations are keyed by their id alone (WITHOUT ROWID) with one index by
 * video and frame, and the history needs none (the undone steps are always
 * the newest rows).
 */
export const migration004: Migration = {
  version: 4,
  name: 'annotations',
  up(db) {
    db.exec(`
      ALTER TABLE labels ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE labels ADD COLUMN merged_into TEXT;
      CREATE TABLE annotations (
        id          TEXT PRIMARY KEY,
        media_id    INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL CHECK (kind IN ('segment', 'frame_tag', 'region_track', 'verdict')),
        label_id    TEXT REFERENCES labels(id),
        start_frame INTEGER NOT NULL,
        end_frame   INTEGER NOT NULL,
        start_pts   INTEGER NOT NULL,
        end_pts     INTEGER NOT NULL,
        attributes  TEXT NOT NULL,
        note        TEXT NOT NULL,
        annotator   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        data        TEXT,
        CHECK (start_frame >= 0 AND end_frame >= start_frame),
        CHECK ((kind = 'verdict') = (label_id IS NULL))
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX annotations_by_media ON annotations(media_id, start_frame);
      CREATE TABLE history (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT NOT NULL,
        actor   TEXT NOT NULL,
        title   TEXT NOT NULL,
        undo    TEXT NOT NULL,
        redo    TEXT NOT NULL,
        undone  INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `);
    db.prepare('UPDATE labels SET attributes = ?').run(DEFAULT_ATTRIBUTES_V4);
  },
};
