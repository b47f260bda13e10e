import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { TellframeError } from '../../../shared/errors';
import type { ImportFormat } from '../../../shared/exportFormats';
import { parseCvatVideo } from './cvat';
import { parseDfdc } from './dfdc';
import { parseElan } from './elan';
import { parseLavdf } from './lavdf';
import { MAX_IMPORT_BYTES, type PreDocument } from './types';

/** A foreign file's text, refused before reading when it is too big. */
export async function readImportFile(file: string): Promise<string> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new TellframeError('BAD_INPUT', `${file} is not a file.`);
    size = st.size;
  } catch (err) {
    if (err instanceof TellframeError) throw err;
    throw new TellframeError('NOT_FOUND', `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
  if (size > MAX_IMPORT_BYTES) throw new TellframeError('BAD_INPUT', `${path.basename(file)} is ${size} bytes; imports are limited to ${MAX_IMPORT_BYTES} bytes.`);
  return readFile(file, 'utf8');
}

/** Parse a foreign annotation file into pre-annotations (every format but the native json). */
export function parseForeign(format: Exclude<ImportFormat, 'json'>, text: string, source: string): PreDocument {
  switch (format) {
    case 'lavdf':
      return parseLavdf(text, source);
    case 'dfdc':
      return parseDfdc(text, source);
    case 'cvat-video':
      return parseCvatVideo(text, source);
    case 'elan':
      return parseElan(text, source);
  }
}
