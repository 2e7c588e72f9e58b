/**
 * `npm run bench -- <name...> [--json]`: runs the named benchmarks (default: all). With --json, one
 * JSON object per line: {"bench", "metric", "value", "unit"} plus "baseline" and "ratio" where a
 * baseline exists; otherwise a table.
 */
import { runCaptureBench } from './capture.js';
import { type BenchLine, runCodecBench } from './codec.js';
import { runDeviceBench } from './device.js';
import { runHeatingBench } from './heating.js';
import { runSerialBench } from './serial.js';

const BENCHES: Record<string, () => Promise<BenchLine[]>> = {
  codec: runCodecBench,
  heating: runHeatingBench,
  device: runDeviceBench,
  serial: runSerialBench,
  capture: runCaptureBench,
  fleet: async () => (await import('./fleet.js')).runFleetBench(),
  // Loaded on demand: the plot metric loads Observable Plot and linkedom.
  trace: async () => (await import('./trace.js')).runTraceBench(),
  // Loaded on demand: builds fleets of up to 100,000 devices (about a minute).
  'fleet-scaling': async () => (await import('./fleet-scaling.js')).runFleetScalingBench(),
  // Loaded on demand: playwright-core takes about 0.5 s to import.
  webbluetooth: async () => (await import('./webbluetooth.js')).runWebBluetoothBench(),
  // Loaded on demand: fastify and libsql are not needed by the other benchmarks.
  registry: async () => (await import('./registry.js')).runRegistryBench(),
  // Loaded on demand: a browser, the companion app's server and a registry.
  app: async () => (await import('./app.js')).runAppBench(),
  // Loaded on demand: a browser and the dashboard's server (fastify). Issue 20 lists the trace's
  // overhead with the dashboard's figures, so `ui` prints it too (from the `trace` bench).
  ui: async () => [
    ...(await (await import('./ui.js')).runUiBench()),
    ...(await (await import('./trace.js')).runTraceBench()).filter((l) => l.metric === 'trace-overhead-pct'),
  ],
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length > 0) {
  process.stderr.write(
    `error BENCH_UNKNOWN: unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`,
  );
  process.exit(2);
}

/** A benchmark that cannot run here (no browser, an optional package missing): its code, no stack. */
function failure(error: unknown): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== 'string' || !/^[A-Z]+_[A-Z_]+$/.test(code)) throw error;
  process.stderr.write(`error ${code}: ${error.message}\n`);
  process.exit(2);
}

for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  const lines = await (BENCHES[name] as () => Promise<BenchLine[]>)().catch(failure);
  for (const l of lines) {
    if (json) process.stdout.write(`${JSON.stringify(l)}\n`);
    else {
      const extra =
        l.ratio === undefined ? '' : `  (${l.ratio}× baseline ${l.baseline?.toLocaleString('en')})`;
      process.stdout.write(
        `${l.bench.padEnd(8)} ${(l.n === undefined ? l.metric : `${l.metric} n=${l.n}`).padEnd(34)} ${l.value.toLocaleString('en').padStart(14)} ${l.unit}${extra}\n`,
      );
    }
  }
}
