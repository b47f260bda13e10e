import { hash } from 'node:crypto';

/** The hash that precedes the first audit row. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditFields {
  seq: number;
  at: string;
  actor: string;
  action: string;
  payload: string;
}

/**
 * Each audit row's hash covers its own fields and the previous row's hash, so
 * changing, inserting or removing any row breaks every hash after it. Fields
 * are length-prefixed so no two different rows serialise alike.
 */
export function auditHash(prevHash: string, row: AuditFields): string {
  let text = '';
  for (const part of [prevHash, String(row.seq), row.at, row.actor, row.action, row.payload]) text += `${Buffer.byteLength(part)}:${part}\n`;
  // One-shot: a Hash object per row would leave a weak handle per write for the garbage collector.
  return hash('sha256', text, 'hex');
}

export interface ChainRow extends AuditFields {
  prevHash: string;
  hash: string;
}

/** Recompute the chain; returns the seq of the first row that does not verify, or null. */
export function findBrokenLink(rows: Iterable<ChainRow>): { rows: number; brokenAt: number | null } {
  let prev = GENESIS_HASH;
  let count = 0;
  let expectedSeq = 1;
  for (const row of rows) {
    count++;
    if (row.seq !== expectedSeq || row.prevHash !== prev || auditHash(prev, row) !== row.hash) {
      return { rows: count, brokenAt: row.seq };
    }
    prev = row.hash;
    expectedSeq++;
  }
  return { rows: count, brokenAt: null };
}
