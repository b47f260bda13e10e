import type Database from 'better-sqlite3';
import { migration001 } from './001_init';
import { migration002 } from './002_media';
import { migration003 } from './003_labels';
import { migration004 } from './004_annotations';
import { migration005 } from './005_links';
import { migration006 } from './006_custody';
import { migration007 } from './007_findings';
import { migration008 } from './008_analysis';
import { migration009 } from './009_candidates';
import { migration010 } from './010_history_rowid';
import type { Migration } from './types';

export type { Migration } from './types';

/** Every migration, in order. Add a file and a test for each new one. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Apply the migrations after `user_version`, each in its own transaction. */
export function migrate(db: Database.Database, upTo = SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`The project was written by a newer Tellframe (schema ${current}; this one knows ${SCHEMA_VERSION}).`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
