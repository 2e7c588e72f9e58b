// Writes the JSON Schemas from their TypeBox sources, built to dist/ first by `npm run schema`:
// schema/scenario.schema.json (simulator/scenario/format.ts) and schema/capture.schema.json
// (simulator/capture/format.ts). simulator/scenario/scenario.test.ts and
// simulator/capture/capture.test.ts fail while a file is stale.
import { writeFileSync } from 'node:fs';
import { CAPTURE_SCHEMA, SCENARIO_SCHEMA } from '../dist/simulator/index.js';

for (const [name, schema] of [
  ['scenario', SCENARIO_SCHEMA],
  ['capture', CAPTURE_SCHEMA],
]) {
  const file = new URL(`../schema/${name}.schema.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
}
