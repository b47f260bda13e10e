import type { Migration } from './types';

/** The label taxonomy; seeded with the default by the store when a project is created. */
export const migration003: Migration = {
  version: 3,
  name: 'labels',
  up(db) {
    db.exec(`
      CREATE TABLE labels (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        description TEXT NOT NULL,
        scope       TEXT NOT NULL CHECK (scope IN ('frame', 'video')),
        color       TEXT NOT NULL,
        hotkey      TEXT,
        position    INTEGER NOT NULL,
        retired     INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `);
  },
};
