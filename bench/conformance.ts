/**
 * `conformance-sim-wall-ms` (issue 17): the whole conformance suite (docs/conformance.md) against
 * `sim:iluma-i` in virtual time, as `iqsim conformance sim:iluma-i` runs it: the device made from the
 * spec, a virtual target on its own clock, every check. Wall milliseconds per run, median of 5 after
 * one warm-up run (module loading and JIT left out); target ≤ 2,000. A run that is not conformant
 * throws, so the figure always measures a full, passing suite.
 */
import { performance } from 'node:perf_hooks';
import { runConformance, VirtualClock, virtualTarget } from '../simulator/index.js';
import { parseTransportSpec, simDevice } from '../transports/index.js';
import type { BenchLine } from './codec.js';

const SPEC = 'sim:iluma-i';
const RUNS = 5;

async function suiteWallMs(): Promise<number> {
  const started = performance.now();
  const spec = parseTransportSpec(SPEC);
  if (spec.kind !== 'sim') throw new Error(`${SPEC} is not a sim: spec`);
  const device = simDevice(spec);
  const report = await runConformance(
    virtualTarget({ device, clock: new VirtualClock(device.now), channel: spec.channel, name: SPEC }),
    { timeoutMs: 500 },
  );
  const wallMs = performance.now() - started;
  if (!report.ok) throw new Error(`${SPEC} is not conformant: ${JSON.stringify(report.counts)}`);
  return wallMs;
}

export async function conformanceSimWallMs(): Promise<BenchLine> {
  await suiteWallMs();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await suiteWallMs());
  runs.sort((a, b) => a - b);
  return {
    bench: 'capture',
    metric: 'conformance-sim-wall-ms',
    value: Math.round((runs[Math.floor(RUNS / 2)] as number) * 10) / 10,
    unit: 'ms',
  };
}
