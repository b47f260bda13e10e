/**
 * npm run schemas — writes the JSON Schemas of the export formats to
 * resources/ from their zod definitions (shared/), so the published schema
 * and the code that reads and writes the format cannot drift apart. A test
 * fails when a schema file is out of date.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { nativeJsonSchema } from '../shared/schemas';

const out = path.join(import.meta.dirname, '..', 'resources', 'annotations.schema.json');
writeFileSync(out, JSON.stringify(nativeJsonSchema(), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), out)}`);
