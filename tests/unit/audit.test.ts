import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditHash, findBrokenLink, type ChainRow } from '../../electron/core/project/audit';

function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields = { seq, at: `2026-01-0${seq}T00:00:00Z`, actor: 'ana', action: 'x', payload: JSON.stringify({ seq }) };
    const hash = auditHash(prev, fields);
    rows.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe('audit hash chain', () => {
  it('hashes a row as every project has stored it: each field length-prefixed in UTF-8 bytes, newline-ended', () => {
    // Pinned: a change here would break the chain of every existing project (computed independently with Python's hashlib).
    const row = { seq: 7, at: '2026-11-22T12:00:00.000Z', actor: 'Ana Lópes', action: 'annotation.create', payload: JSON.stringify({ id: 'x', note: 'Mund ⟂ Ton' }) };
    expect(auditHash(GENESIS_HASH, row)).toBe('90326210ce64a7b05a3347899f921431cc4686bed00328ea2eb33c5ff9c20212');
  });

  it('verifies an untouched chain', () => {
    expect(findBrokenLink(chain(5))).toEqual({ rows: 5, brokenAt: null });
  });
  it('finds an edited payload', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, payload: '{"seq":99}' };
    expect(findBrokenLink(rows).brokenAt).toBe(3);
  });
  it('finds a removed row and a re-hashed forgery that does not link up', () => {
    const rows = chain(5);
    expect(findBrokenLink([...rows.slice(0, 2), ...rows.slice(3)]).brokenAt).toBe(4);
    const forged = { ...rows[1]!, actor: 'mallory' };
    forged.hash = auditHash(forged.prevHash, forged);
    expect(findBrokenLink([rows[0]!, forged, ...rows.slice(2)]).brokenAt).toBe(3);
  });
  it('separates fields unambiguously', () => {
    const a = auditHash(GENESIS_HASH, { seq: 1, at: 't', actor: 'ab', action: 'c', payload: '' });
    const b = auditHash(GENESIS_HASH, { seq: 1, at: 't', actor: 'a', action: 'bc', payload: '' });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
