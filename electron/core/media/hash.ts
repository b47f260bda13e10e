import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { TellframeError } from '../../../shared/errors';

export interface HashResult {
  sha256: string;
  /** Only when asked for (older forensic workflows still quote MD5). */
  md5?: string;
  size: number;
  /** Modification time when hashing started (ms), to notice a file changing under us. */
  mtimeMs: number;
}

const CHUNK = 4 << 20;

/**
 * SHA-256 of a file, opened read-only ('r'): the original is never written.
 * Large reads into one reused buffer keep it near sha256sum's speed; the
 * event loop gets a turn between chunks, so it runs alongside the indexing
 * processes rather than after them.
 */
export async function hashFile(
  file: string,
  opts: {
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
    md5?: boolean;
    /** Smaller reads block the event loop for less time per chunk (a check while someone steps through frames). */
    chunkBytes?: number;
  } = {},
): Promise<HashResult> {
  const fh = await open(file, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new TellframeError('UNREADABLE', 'Not a regular file.');
    const hash = createHash('sha256');
    const md5 = opts.md5 ? createHash('md5') : null;
    const chunk = opts.chunkBytes ?? CHUNK;
    const buf = Buffer.allocUnsafe(chunk);
    let pos = 0;
    for (;;) {
      if (opts.signal?.aborted) throw new TellframeError('ABORTED', 'Cancelled.');
      const { bytesRead } = await fh.read(buf, 0, chunk, pos);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      md5?.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
      opts.onProgress?.(pos, st.size);
    }
    return { sha256: hash.digest('hex'), ...(md5 ? { md5: md5.digest('hex') } : {}), size: pos, mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}
