import type { Migration } from './types';

/**
 * The undo history keyed by plain rowid instead of AUTOINCREMENT. With
 * AUTOINCREMENT every change also rewrote the table's row in
 * `sqlite_sequence`: one more page in each durable commit, for nothing (no
 * row refers to a history id, and the ids of dropped redo steps may be used
 * again). Rows, ids and order are kept.
 */
export const migration010: Migration = {
  version: 10,
  name: 'history_rowid',
  up(db) {
    db.exec(`
      CREATE TABLE history_new (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,
        actor   TEXT NOT NULL,
        title   TEXT NOT NULL,
        undo    TEXT NOT NULL,
        redo    TEXT NOT NULL,
        undone  INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      INSERT INTO history_new(id, at, actor, title, undo, redo, undone) SELECT id, at, actor, title, undo, redo, undone FROM history;
      DROP TABLE history;
      ALTER TABLE history_new RENAME TO history;
    `);
  },
};
