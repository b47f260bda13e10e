import type { Migration } from './types';

/**
 * Findings: an annotation an analyst reports on. The column holds JSON
 * (`{status, statement, frame}`, shared/annotations.ts FindingSchema) or
 * NULL when the annotation is not a finding. It is part of the row, so undo,
 * redo and the audit chain cover it like any other field.
 */
export const migration007: Migration = {
  version: 7,
  name: 'findings',
  up(db) {
    db.exec('ALTER TABLE annotations ADD COLUMN finding TEXT;');
  },
};
