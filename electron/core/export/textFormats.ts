import type { ExportFormat } from '../../../shared/exportFormats';
import { buildCsv } from './csv';
import { buildCvatImages, buildCvatVideo } from './cvat';
import { buildDfdc } from './dfdc';
import { buildElan } from './elan';
import { buildJson } from './json';
import { buildLavdf } from './lavdf';
import type { TextBuilder } from './model';
import { buildMot } from './mot';
import { buildWebvtt } from './webvtt';

/** The text formats: pure builders from the export model (run in export workers or inline). */
export const TEXT_BUILDERS: Partial<Record<ExportFormat, TextBuilder>> = {
  json: buildJson,
  csv: buildCsv,
  'cvat-video': buildCvatVideo,
  'cvat-images': buildCvatImages,
  elan: buildElan,
  mot: buildMot,
  webvtt: buildWebvtt,
  lavdf: buildLavdf,
  dfdc: buildDfdc,
};
