import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { TellframeError } from '../../../shared/errors';
import type { OutFile } from './model';

/** A written file's SHA-256 and size, keyed by absolute path. */
export type Written = Map<string, { sha256: string; bytes: number }>;

/**
 * Write builder output under dir (refusing paths that would leave it);
 * returns each file's SHA-256 and size, hashed from memory so the manifest
 * need not read them back. Synchronous: exports write thousands of small
 * files, and one blocking write costs far less than a round trip through
 * libuv's thread pool per open, write and close (measured: 4,000 small
 * files in 0.5 s against several seconds); big exports run in workers.
 */
export async function writeOutFiles(dir: string, files: OutFile[]): Promise<Written> {
  const root = path.resolve(dir);
  const made = new Set<string>();
  const known: Written = new Map();
  for (const f of files) {
    const target = path.resolve(root, f.path);
    if (!target.startsWith(root + path.sep)) throw new TellframeError('INTERNAL', `Export file ${f.path} would be written outside the export folder.`);
    const parent = path.dirname(target);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    if (Array.isArray(f.data)) {
      // In pieces: V8 strings stop at about 512 MiB, and one piece at a time keeps memory flat.
      const hash = createHash('sha256');
      let bytes = 0;
      const fd = openSync(target, 'w');
      try {
        for (const piece of f.data as readonly string[]) {
          const buf = Buffer.from(piece, 'utf8');
          writeSync(fd, buf);
          hash.update(buf);
          bytes += buf.length;
        }
      } finally {
        closeSync(fd);
      }
      known.set(target, { sha256: hash.digest('hex'), bytes });
      continue;
    }
    const data = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : (f.data as Uint8Array);
    writeFileSync(target, data);
    known.set(target, { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length });
  }
  return known;
}
