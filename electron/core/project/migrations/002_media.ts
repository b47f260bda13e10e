import type { Migration } from './types';

/**
 * Media are referenced, never copied: path, SHA-256, size and the probe data
 * (so a moved file can be relinked by hash), and the exact frame index, one
 * row per decoded frame with its integer pts in the stream's time base.
 */
export const migration002: Migration = {
  version: 2,
  name: 'media and frame index',
  up(db) {
    db.exec(`
      CREATE TABLE media (
        id              INTEGER PRIMARY KEY,
        path            TEXT NOT NULL,
        sha256          TEXT NOT NULL UNIQUE,
        size            INTEGER NOT NULL,
        mtime_ms        REAL NOT NULL,
        probe_json      TEXT NOT NULL,
        format_name     TEXT NOT NULL,
        format_start_us INTEGER NOT NULL,
        stream_index    INTEGER NOT NULL,
        codec           TEXT NOT NULL,
        pix_fmt         TEXT,
        width           INTEGER NOT NULL,
        height          INTEGER NOT NULL,
        tb_num          INTEGER NOT NULL,
        tb_den          INTEGER NOT NULL,
        frame_count     INTEGER NOT NULL,
        first_pts       INTEGER NOT NULL,
        end_pts         INTEGER NOT NULL,
        vfr             INTEGER NOT NULL,
        index_method    TEXT NOT NULL CHECK (index_method IN ('packets', 'decode')),
        index_notes     TEXT NOT NULL,
        imported_at     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX media_path ON media(path);
      CREATE TABLE frames (
        media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
        n        INTEGER NOT NULL,
        pts      INTEGER NOT NULL,
        key      INTEGER NOT NULL,
        PRIMARY KEY (media_id, n)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
