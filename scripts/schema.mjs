// Writes the JSON Schemas from their TypeBox sources, built to dist/ first by `npm run schema`:
// schema/scenario.schema.json (simulator/scenario/format.ts), schema/capture.schema.json
// (simulator/capture/format.ts) and schema/fleet.schema.json (simulator/fleet/format.ts).
// simulator/scenario/scenario.test.ts, simulator/capture/capture.test.ts and
// simulator/fleet/fleet.test.ts fail while a file is stale.
import { writeFileSync } from 'node:fs';
import { CAPTURE_SCHEMA, FLEET_SCHEMA, SCENARIO_SCHEMA } from '../dist/simulator/index.js';

for (const [name, schema] of [
  ['scenario', SCENARIO_SCHEMA],
  ['capture', CAPTURE_SCHEMA],
  ['fleet', FLEET_SCHEMA],
]) {
  const file = new URL(`../schema/${name}.schema.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
}
