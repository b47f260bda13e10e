import { z } from 'zod';
import { NativeExportSchema } from './nativeJson';

/** The JSON Schema (draft 2020-12) of the native annotation JSON, as published in resources/annotations.schema.json. */
export function nativeJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://tellframe.org/schemas/annotations.schema.json',
    title: 'Tellframe native annotation JSON',
    description:
      'Taxonomy and annotations of a Tellframe project. Frames are 0-based decode indices (ffmpeg -fps_mode passthrough); ' +
      'times are seconds from frame 0\'s pts; endFrame is inclusive and endTime is the end of the last frame.',
    ...z.toJSONSchema(NativeExportSchema, { target: 'draft-2020-12', io: 'output' }),
  };
}
