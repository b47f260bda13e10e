/**
 * A minimal writer for NumPy's .npy format, version 1.0, for uint8 arrays
 * (the per-frame multi-hot label matrices). Spec:
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 * Layout: the magic string "\x93NUMPY", major 1, minor 0, the header length
 * as a little-endian uint16, then an ASCII Python dict literal with `descr`,
 * `fortran_order` and `shape`, padded with spaces and ended by "\n" so that
 * magic + version + length + header is a multiple of 64 bytes; then the data
 * in C (row-major) order. `|u1` has no byte order, so none is needed.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const PREFIX = MAGIC.length + 2 + 2; // magic, version, header length

/** The header dict for a shape, as numpy.save writes it ("(n,)" for one dimension). */
function headerDict(shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '|u1', 'fortran_order': False, 'shape': ${dims}, }`;
}

/** A C-order uint8 array of the given shape as .npy bytes. */
export function npyUint8(data: Uint8Array, shape: readonly number[]): Uint8Array {
  for (const d of shape) if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`bad npy dimension ${d}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`npy shape (${shape.join(', ')}) holds ${count} values, got ${data.length}`);
  const dict = headerDict(shape);
  // Pad so the whole preamble ends on a 64-byte boundary, the last byte being "\n".
  const unpadded = PREFIX + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const header = dict + ' '.repeat(total - unpadded) + '\n';
  if (header.length > 0xffff) throw new RangeError('npy header too long for format 1.0');
  const out = new Uint8Array(total + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[PREFIX + i] = header.charCodeAt(i);
  out.set(data, total);
  return out;
}
