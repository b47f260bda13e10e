import type { Migration } from './types';

/**
 * Intake custody: what was recorded when a file came in, besides its
 * SHA-256 and size: its MD5 (older forensic workflows quote it), who
 * imported it on which machine, and with which Tellframe and ffmpeg.
 * Videos imported before this migration have none of it (NULL).
 */
export const migration006: Migration = {
  version: 6,
  name: 'custody',
  up(db) {
    db.exec(`
      ALTER TABLE media ADD COLUMN md5 TEXT;
      ALTER TABLE media ADD COLUMN imported_by TEXT;
      ALTER TABLE media ADD COLUMN machine TEXT;
      ALTER TABLE media ADD COLUMN tool_version TEXT;
      ALTER TABLE media ADD COLUMN ffmpeg_version TEXT;
    `);
  },
};
