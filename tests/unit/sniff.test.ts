import { describe, expect, it } from 'vitest';
import { sniffMedia } from '../../electron/core/media/sniff';

const b = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffMedia', () => {
  it('recognises video containers by their first bytes', () => {
    expect(sniffMedia(b([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]))).toBe('video');
    expect(sniffMedia(b([0x1a, 0x45, 0xdf, 0xa3, 0x9f]))).toBe('video');
    expect(sniffMedia(b('RIFF', [0, 0, 0, 0], 'AVI LIST'))).toBe('video');
    expect(sniffMedia(b('FLV', [1, 5]))).toBe('video');
    expect(sniffMedia(b([0, 0, 1, 0xba, 0x44]))).toBe('video');
    const ts = new Uint8Array(188 * 4);
    for (let i = 0; i < 4; i++) ts[i * 188] = 0x47;
    expect(sniffMedia(ts)).toBe('video');
  });
  it('tells still images apart', () => {
    expect(sniffMedia(b([0x89], 'PNG', [13, 10, 26, 10]))).toBe('image');
    expect(sniffMedia(b([0xff, 0xd8, 0xff, 0xe0]))).toBe('image');
    expect(sniffMedia(b([0, 0, 0, 0x18], 'ftypheic'))).toBe('image');
  });
  it('does not claim text or short files', () => {
    expect(sniffMedia(b('hello, this is not a video at all'))).toBe('unknown');
    expect(sniffMedia(b([0x47]))).toBe('unknown');
    const almostTs = new Uint8Array(188 * 4);
    almostTs[0] = 0x47;
    expect(sniffMedia(almostTs)).toBe('unknown');
  });
});
