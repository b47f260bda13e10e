/** Base64 as the API carries binary data (spectrograms, landmarks), read the same in the page and in Node. */

/** Bytes of base64 text (browsers and Node alike). */
export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** How long the base64 of n bytes is. */
export const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;
