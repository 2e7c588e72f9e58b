// Writes schema/scenario.schema.json from the TypeBox source (simulator/scenario/format.ts), built to
// dist/ first by `npm run schema`. simulator/scenario/scenario.test.ts fails while the file is stale.
import { writeFileSync } from 'node:fs';
import { SCENARIO_SCHEMA } from '../dist/simulator/index.js';

const file = new URL('../schema/scenario.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
