import type { Migration } from './types';

/**
 * Results of costly passes over a video's file kept in the project (so the
 * forensics panel shows them without decoding again): one row per video and
 * kind, JSON, with the file's SHA-256 they were computed from inside.
 */
export const migration008: Migration = {
  version: 8,
  name: 'analysis',
  up(db) {
    db.exec(`
      CREATE TABLE media_analysis (
        media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (media_id, kind)
      );
    `);
  },
};
