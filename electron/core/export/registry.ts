import { buildDatasetCard, buildManifest } from './card';
import { exportCoco } from './coco';
import { exportFramemd5 } from './framemd5';
import { exportFrames } from './frames';
import type { ExportRegistry } from './run';
import { assignSplits } from './splits';
import { TEXT_BUILDERS } from './textFormats';

/** Every export format's builder or exporter, the split assignment, the card and the manifest. */
export const exportRegistry: ExportRegistry = {
  text: TEXT_BUILDERS,
  files: { frames: exportFrames, coco: exportCoco, framemd5: exportFramemd5 },
  assignSplits: (model, options) => {
    if (!options.split) return;
    const splits = assignSplits(model.videos, options.split);
    for (const v of model.videos) v.split = splits.get(v.id) ?? null;
  },
  card: (model, options) => buildDatasetCard(model, { formats: options.formats, options }),
  manifest: buildManifest,
};
