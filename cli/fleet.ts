/**
 * `iqsim fleet` (docs/fleet.md "The command", docs/fleet.md): many virtual devices with usage scripts,
 * in virtual time (default, `--virtual DURATION`, one hour unless the file says) or in real time
 * (`--speed X`), optionally against the registration service (`--registry local|URL`). A TTY gets a
 * live summary, and a progress bar in virtual time; `--json` prints one report at the end and
 * nothing else. SIGINT stops the run cleanly and prints the summary so far. Exit 0, 1 when a device
 * was isolated, 2 for bad input.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import {
  createFleet,
  FLEET_LIMITS,
  type Fleet,
  type FleetFile,
  type FleetOptions,
  formatFleetError,
  parseFleet,
} from '../simulator/index.js';
import type { FleetRegistryDriver, FleetRegistryReport } from '../testing/index.js';
import { interruption, type Outcome, runRealTime, runVirtual } from './fleet-loop.js';
import { startRegistryDriver } from './fleet-registry.js';
import { formatDuration, parseDuration, summaryLines } from './fleet-view.js';
import { type CliContext, type CliIo, CliUsageError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';
import { numericOption, OPTIONS } from './options.js';

/** The flags that say which fleet to make (`iqsim fleet`, `iqsim ui --fleet`). */
export interface FleetFlags {
  count?: string;
  model?: string;
  seed?: string;
  shard?: string;
}

interface Flags extends FleetFlags {
  speed?: string;
  virtual?: string;
  json?: boolean;
  file?: string;
  registry?: string;
}

const HOUR_MS = 3_600_000;
/** Without a file, `iqsim fleet` gives 1 % of the devices a fault during the run. */
const CLI_FAULT_SHARE = 0.01;
const COUNT = { flag: '--count', code: 'CLI_BAD_COUNT', min: 0, max: FLEET_LIMITS.count, integer: true };

export function registerFleet(program: Command, { io, setExit }: CliContext): void {
  program
    .command('fleet')
    .description('run a fleet of virtual devices with daily usage scripts and print what they did')
    .option('-n, --count <n>', `devices in the whole fleet, 0..${FLEET_LIMITS.count}`)
    .option('-m, --model <ids>', 'models, comma-separated, equal shares (default iluma-i)')
    .option('--seed <n>', 'fleet seed: device k of seed s is the same everywhere (default 1)')
    .option('--shard <i/n>', 'run the i-th (from 0) of n disjoint slices of the fleet')
    .option('--speed <x>', 'run in real time at x virtual ms per real ms (until SIGINT or --virtual)')
    .option(
      '--virtual <duration>',
      'virtual time to run: 90s, 30m, 24h, 7d (default 1h; 30d with --registry)',
    )
    .option('--file <fleet.json>', 'a fleet file (docs/fleet.md); the options above override it')
    .option(
      '--registry <local|url>',
      'buy, register, pair and use every device against the registration service',
    )
    .option('--json', 'print one JSON report at the end (no progress)')
    .addHelpText(
      'after',
      `
Exit codes: 0 the run ended or was stopped, 1 a device threw and was isolated, 2 bad input.

Examples:
  iqsim fleet --count 10 --virtual 10m
  iqsim fleet --count 1000 --model iluma-i,iluma-one --seed 7 --shard 3/500 --virtual 1h --json
  iqsim fleet --file examples/fleet.json --count 5 --virtual 5m
  iqsim fleet --count 1 --registry local --virtual 1d --json`,
    )
    .action(async (flags: Flags) => {
      const file = flags.file === undefined ? undefined : readFleetFile(flags.file, io, flags.json === true);
      if (file === null) {
        setExit(EXIT_USAGE);
        return;
      }
      if (flags.registry !== undefined && flags.speed !== undefined)
        throw new CliUsageError('CLI_CONFLICTING_OPTIONS', '--registry runs in virtual time: drop --speed');
      const options = fleetOptions(flags, file);
      const speed = flags.speed === undefined ? undefined : numericOption(OPTIONS.speed, flags.speed);
      const durationMs =
        flags.virtual !== undefined
          ? parseDuration(flags.virtual, FLEET_LIMITS.durationMs)
          : speed !== undefined
            ? undefined
            : (file?.durationMs ?? (flags.registry !== undefined ? 30 * 24 * HOUR_MS : HOUR_MS));
      // Set again when the pump starts: making thousands of devices takes seconds that are nobody's lateness.
      const realStart = { ms: performance.now() };
      const fleet = createFleet({
        ...options,
        ...(speed !== undefined ? { realTimeMs: () => (performance.now() - realStart.ms) * speed } : {}),
      });
      const registry =
        flags.registry === undefined
          ? undefined
          : await startRegistryDriver(flags.registry, fleet, durationMs ?? HOUR_MS);
      const code = await run(fleet, {
        io,
        json: flags.json === true,
        speed,
        durationMs,
        registry,
        file,
        realStart,
      });
      setExit(code);
    });
}

/** The file, or null when it is unreadable or invalid (its problems printed). */
export function readFleetFile(path: string, io: CliIo, json: boolean): FleetFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as { code?: string }).code ?? (e as Error).message;
    io.err(`error SIM_FLEET: ${path}: cannot read the file (${reason})\n`);
    if (json)
      io.out(
        `${JSON.stringify({ ok: false, error: { code: 'SIM_FLEET', message: `cannot read ${path}` } })}\n`,
      );
    return null;
  }
  const parsed = parseFleet(text, path);
  if (parsed.ok) return parsed.fleet;
  for (const e of parsed.errors) io.err(`error SIM_FLEET: ${formatFleetError(e)}\n`);
  if (json) io.out(`${JSON.stringify({ ok: false, errors: parsed.errors })}\n`);
  return null;
}

/** The fleet the flags and the file describe; `countFlag` names the count in messages. */
export function fleetOptions(
  flags: FleetFlags,
  file: FleetFile | undefined,
  countFlag = COUNT.flag,
): FleetOptions {
  if (flags.count === undefined && file === undefined)
    throw new CliUsageError('CLI_MISSING_OPTION', `say how many devices: ${countFlag} N (or a fleet file)`);
  const count =
    flags.count !== undefined
      ? numericOption({ ...COUNT, flag: countFlag }, flags.count)
      : (file?.count ?? 0);
  const models =
    flags.model !== undefined
      ? flags.model.split(',').map((m) => m.trim().toLowerCase())
      : (file?.models ?? ['iluma-i']);
  const seed = flags.seed !== undefined ? numericOption(OPTIONS.seed, flags.seed) : (file?.seed ?? 1);
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : file?.shard;
  return {
    ...(file?.behaviours ? { behaviours: file.behaviours } : {}),
    faults: file ? (file.faults ?? { share: 0 }) : { share: CLI_FAULT_SHARE },
    count,
    models,
    seed,
    ...(shard ? { shard } : {}),
  };
}

/** `i/n` → {index, count}; the range is createFleet's to check (SIM_FLEET). */
function parseShard(text: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match)
    throw new CliUsageError(
      'CLI_BAD_SHARD',
      `--shard must be i/n, the i-th (from 0) of n slices; got '${text}'`,
    );
  return { index: Number(match[1]), count: Number(match[2]) };
}

interface RunSetup {
  io: CliIo;
  json: boolean;
  speed: number | undefined;
  durationMs: number | undefined;
  registry: { driver: FleetRegistryDriver; close(): Promise<void> } | undefined;
  file: FleetFile | undefined;
  /** When real time started for the fleet's `realTimeMs`, ms of `performance.now()`. */
  realStart: { ms: number };
}

async function run(fleet: Fleet, s: RunSetup): Promise<number> {
  const { io } = s;
  const first = fleet.devices[0]?.index;
  const last = fleet.devices.at(-1)?.index;
  const models = [...new Set(fleet.devices.map((d) => d.model))].join(', ') || '-';
  const signal = interruption();
  const mode = s.speed !== undefined ? `in real time at ${s.speed}×` : 'as fast as it goes';
  const span =
    s.durationMs !== undefined ? `${formatDuration(s.durationMs)} of virtual time ` : 'until SIGINT, ';
  if (!s.json)
    io.out(
      `fleet${s.file?.name ? ` "${s.file.name}"` : ''}: ${fleet.devices.length} of ${fleet.count} devices` +
        `${first === undefined ? '' : ` (#${first}..#${last})`}, seed ${fleet.seed}, shard ${fleet.shard.index}/${fleet.shard.count}, ` +
        `${models}; ${span}${mode}\n`,
    );
  const wallStartMs = performance.now();
  const startMs = fleet.clock.now();
  const live = !s.json && io.isTTY === true;
  let outcome: Outcome;
  try {
    outcome =
      s.speed !== undefined
        ? await runRealTime(fleet, signal, {
            io,
            live,
            speed: s.speed,
            durationMs: s.durationMs,
            realStart: s.realStart,
          })
        : await runVirtual(fleet, signal, {
            io,
            live,
            durationMs: s.durationMs ?? HOUR_MS,
            ...(s.registry ? { driver: s.registry.driver } : {}),
          });
  } finally {
    signal.off();
    s.registry?.driver.dispose();
    await s.registry?.close();
    fleet.dispose();
  }
  const registry: FleetRegistryReport | undefined = s.registry?.driver.report();
  const stats = fleet.stats();
  const wallMs = Math.round(performance.now() - wallStartMs);
  const virtualMs = fleet.clock.now() - startMs;
  if (s.json)
    io.out(
      `${JSON.stringify({
        ok: stats.isolated.length === 0,
        ...(s.file?.name ? { name: s.file.name } : {}),
        seed: fleet.seed,
        count: fleet.count,
        shard: fleet.shard,
        mode: s.speed !== undefined ? 'realtime' : 'virtual',
        ...(s.speed !== undefined ? { speed: s.speed } : {}),
        virtualMs,
        wallMs,
        stopped: outcome,
        stats,
        ...(registry ? { registry } : {}),
      })}\n`,
    );
  else {
    for (const line of summaryLines(stats, registry)) io.out(`${line}\n`);
    const why = outcome === 'SIGINT' ? 'stopped by SIGINT' : 'done';
    io.out(
      `${why}: ${formatDuration(virtualMs)} of virtual time in ${(wallMs / 1000).toFixed(1)} s of real time\n`,
    );
  }
  return stats.isolated.length > 0 ? EXIT_FAILED : EXIT_OK;
}
