/**
 * `npm run fuzz -- [count=10000000] [seed=1]`: the long fuzz run, outside CI. Prints one JSON line;
 * on a terminal a progress bar on stderr shows the buffers done.
 */
import { createProgressBar } from '../transports/index.js';
import { fuzzDecoders } from './fuzz-core.js';

const count = Number(process.argv[2] ?? 10_000_000);
const seed = Number(process.argv[3] ?? 1);
const started = performance.now();
const bar = createProgressBar(process.stderr);
const report = fuzzDecoders(count, seed, (done) =>
  bar.update(done, count, `${done.toLocaleString('en')} of ${count.toLocaleString('en')} buffers`),
);
bar.clear();
console.log(JSON.stringify({ ...report, wallMs: Math.round(performance.now() - started) }));
