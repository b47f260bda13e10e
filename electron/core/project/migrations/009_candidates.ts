import type { Migration } from './types';

/**
 * Detection-signal candidates turned into annotations or dismissed. An
 * annotation made from a candidate keeps its provenance (JSON: signal,
 * version, parameters, candidate id, value, text); every decision on a
 * candidate is a row keyed by video and candidate id, so it is found again
 * when the signals are shown again. Both are changed through the undo
 * history and the audit chain like annotations.
 */
export const migration009: Migration = {
  version: 9,
  name: 'candidates',
  up(db) {
    db.exec(`
      ALTER TABLE annotations ADD COLUMN provenance TEXT;
      CREATE TABLE candidate_decisions (
        media_id      INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
        candidate     TEXT NOT NULL,
        decision      TEXT NOT NULL CHECK (decision IN ('accepted', 'dismissed')),
        annotation_id TEXT,
        actor         TEXT NOT NULL,
        at            TEXT NOT NULL,
        PRIMARY KEY (media_id, candidate)
      ) STRICT;
    `);
  },
};
