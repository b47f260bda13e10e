import { buildDatasetCard, buildManifest } from './card';
import { buildCsv } from './csv';
import { exportCoco } from './coco';
import { buildCvatImages, buildCvatVideo } from './cvat';
import { buildDfdc } from './dfdc';
import { buildElan } from './elan';
import { exportFrames } from './frames';
import { buildJson } from './json';
import { buildLavdf } from './lavdf';
import { buildMot } from './mot';
import type { ExportRegistry } from './run';
import { assignSplits } from './splits';
import { buildWebvtt } from './webvtt';

/** Every export format's builder or exporter, the split assignment, the card and the manifest. */
export const exportRegistry: ExportRegistry = {
  text: {
    json: buildJson,
    csv: buildCsv,
    mot: buildMot,
    webvtt: buildWebvtt,
    lavdf: buildLavdf,
    dfdc: buildDfdc,
    'cvat-video': buildCvatVideo,
    'cvat-images': buildCvatImages,
    elan: buildElan,
  },
  files: { frames: exportFrames, coco: exportCoco },
  assignSplits: (model, options) => {
    if (!options.split) return;
    const splits = assignSplits(model.videos, options.split);
    for (const v of model.videos) v.split = splits.get(v.id) ?? null;
  },
  card: (model, options) => buildDatasetCard(model, { formats: options.formats, options }),
  manifest: buildManifest,
};
