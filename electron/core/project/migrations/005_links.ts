import type { Migration } from './types';

/**
 * Links between videos for dataset builds and comparison: the original a
 * fake was made from (DFDC's `original`, FaceForensics++'s target) and the
 * source identity a video shows. Splits keep linked videos together.
 * Annotations get their source: null when made in Tellframe, otherwise the
 * format and file they were imported from (pre-annotations).
 */
export const migration005: Migration = {
  version: 5,
  name: 'links',
  up(db) {
    db.exec(`
      ALTER TABLE media ADD COLUMN original_id INTEGER REFERENCES media(id) ON DELETE SET NULL;
      ALTER TABLE media ADD COLUMN identity TEXT;
      ALTER TABLE annotations ADD COLUMN source TEXT;
    `);
  },
};
