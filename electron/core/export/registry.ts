import { createHash } from 'node:crypto';
import type { ExportRegistry } from './run';
import { buildJson } from './json';

/** Every export format's builder or exporter, the split assignment, the card and the manifest. */
export const exportRegistry: ExportRegistry = {
  text: {
    json: buildJson,
  },
  files: {},
  assignSplits: () => {
    throw new Error('splits are not wired yet');
  },
  card: () => '',
  manifest: (files) => files.map((f) => `${f.sha256}  ${f.path}\n`).join(''),
};

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
