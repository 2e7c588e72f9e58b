/**
 * One process of the trace bench (bench/trace.ts): `node trace-child.js <variant> <dir>` runs the
 * device bench's session `RUNS` times with the variant's trace and prints the median virtual-to-wall
 * ratio as a JSON number. Each variant runs in processes of its own, so that no variant's compiled
 * code or heap shapes slow another's (in one process, the traced runs made the bare ones slower).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TraceSampler, type TraceSink } from '../simulator/index.js';
import { openTraceFile } from '../transports/index.js';
import { sessionRatio } from './device.js';
import { TRACE_VARIANTS, type TraceVariant } from './trace.js';

/**
 * Sessions per process: a warm-up that lets V8 optimise the session's code (after two sessions, as
 * `sessionRatio` drops, a session still ran at about half its final speed), then the measured runs.
 */
const WARM_UP = 10;
const RUNS = 20;

const DISCARD: TraceSink = { start() {}, sample() {}, event() {}, end() {} };

const [variant, parent] = process.argv.slice(2) as [TraceVariant, string];
if (!TRACE_VARIANTS.includes(variant) || parent === undefined)
  throw new Error(`usage: trace-child.js <${TRACE_VARIANTS.join('|')}> <dir>`);
// Each run writes a new file; they are removed after the last run: removing or overwriting an old
// trace (its blocks freed, 0.3 ms for a 10 Hz session here) is not tracing.
const dir = mkdtempSync(join(parent, `${variant}-`));
let files = 0;
const rateHz = variant.endsWith('1hz') ? 1 : 10;
const sink = (): TraceSink =>
  variant.startsWith('discard') ? DISCARD : openTraceFile(join(dir, `session-${files++}.jsonl`));
const attach: Parameters<typeof sessionRatio>[2] =
  variant === 'bare'
    ? undefined
    : (clock, device) => {
        const sampler = new TraceSampler(device, { rateHz, sink: sink(), clock });
        return () => sampler.close();
      };
await sessionRatio(undefined, WARM_UP, attach);
const { ratio } = await sessionRatio(undefined, RUNS, attach);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${ratio}\n`);
