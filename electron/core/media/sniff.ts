/**
 * Recognise media containers by their first bytes, so a folder import finds
 * videos by content (a video saved as .dat is found; a .txt is skipped
 * without running ffprobe on it). Pure; ffprobe has the final word.
 */
export type SniffResult = 'video' | 'image' | 'unknown';

const ascii = (b: Uint8Array, at: number, s: string): boolean => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};
const bytes = (b: Uint8Array, at: number, seq: readonly number[]): boolean =>
  b.length >= at + seq.length && seq.every((v, i) => b[at + i] === v);

/** Container signatures for the formats ffmpeg reads video from. */
export function sniffMedia(head: Uint8Array): SniffResult {
  if (head.length < 4) return 'unknown';
  // Still images are not videos, even though ffmpeg would read them.
  if (bytes(head, 0, [0x89, 0x50, 0x4e, 0x47]) || bytes(head, 0, [0xff, 0xd8, 0xff]) || ascii(head, 0, 'GIF8')) return 'image';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'image';
  // ISO BMFF / QuickTime (mp4, mov, m4v, 3gp, heic is excluded below)
  if (['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip', 'pnot'].some((box) => ascii(head, 4, box))) {
    if (ascii(head, 4, 'ftyp') && ['heic', 'heix', 'avif', 'mif1', 'msf1'].some((brand) => ascii(head, 8, brand))) return 'image';
    return 'video';
  }
  if (bytes(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) return 'video'; // Matroska / WebM (EBML)
  if (ascii(head, 0, 'RIFF') && (ascii(head, 8, 'AVI ') || ascii(head, 8, 'AVIX'))) return 'video';
  if (ascii(head, 0, 'FLV')) return 'video';
  if (ascii(head, 0, 'OggS')) return 'video';
  if (bytes(head, 0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return 'video'; // ASF / WMV
  if (bytes(head, 0, [0x00, 0x00, 0x01, 0xba]) || bytes(head, 0, [0x00, 0x00, 0x01, 0xb3])) return 'video'; // MPEG-PS / ES
  if (ascii(head, 0, 'DKIF')) return 'video'; // IVF
  if (bytes(head, 0, [0x00, 0x00, 0x00, 0x01]) || bytes(head, 0, [0x00, 0x00, 0x01])) return 'video'; // Annex B H.264/HEVC
  if (ascii(head, 0, 'YUV4MPEG2')) return 'video';
  // MPEG-TS: a sync byte every 188 bytes (or 192 for M2TS with a 4-byte prefix).
  for (const [size, off] of [[188, 0], [192, 4]] as const) {
    let hits = 0;
    let checked = 0;
    for (let at = off; at < head.length && checked < 5; at += size, checked++) if (head[at] === 0x47) hits++;
    if (checked >= 2 && hits === checked) return 'video';
  }
  return 'unknown';
}

/** File extensions that name video containers: a file like this that fails is reported, not skipped. */
export const VIDEO_EXTENSIONS = new Set([
  '.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.ts', '.mts', '.m2ts', '.mpg', '.mpeg', '.wmv', '.flv', '.ogv', '.3gp', '.mxf',
  '.ivf', '.h264', '.264', '.hevc', '.265', '.y4m', '.vob', '.dv', '.asf',
]);
