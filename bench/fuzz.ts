/** `npm run fuzz -- [count=10000000] [seed=1]`: the long fuzz run, outside CI. Prints one JSON line. */
import { fuzzDecoders } from './fuzz-core.js';

const count = Number(process.argv[2] ?? 10_000_000);
const seed = Number(process.argv[3] ?? 1);
const started = performance.now();
const report = fuzzDecoders(count, seed);
console.log(JSON.stringify({ ...report, wallMs: Math.round(performance.now() - started) }));
