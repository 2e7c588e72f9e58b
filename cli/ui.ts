/**
 * `iqsim ui [--model M] [--seed S] [--state FILE] [--port P] …` (issue 20 item 3): the live dashboard.
 * Serves a page on 127.0.0.1 that draws the device and its lights, charts it live, shows both state
 * machines and the decoded protocol traffic, and drives every input; prints the page's URL with its
 * per-run token. `--count N` drives N devices (a list to pick from), `--fleet FILE` / `--fleet-count N`
 * a fleet of `createFleet` on one clock (its figures, a paged list, one device opened at a time,
 * docs/ui.md "A fleet"), `--capture FILE` scrubs through
 * a recorded capture, `--registry URL` lists a test-mode registration service's accounts and
 * devices. Fastify (an optional peer) loads only when this command runs. docs/ui.md is the how-to.
 */
import type { Command } from 'commander';
import { getProfile } from '../firmware-model/index.js';
import { type CaptureEvent, createFleet, type VirtualDevice } from '../simulator/index.js';
import { createSnapshotWriter, importWithOptional, type SnapshotWriter } from '../transports/index.js';
import type { FleetHost, UiTime } from '../transports/ui/index.js';
import { readCaptureForCli } from './capture-flag.js';
import { fleetOptions, readFleetFile } from './fleet.js';
import { type CliContext, CliUsageError, EXIT_USAGE } from './io.js';
import { numericOption, OPTIONS } from './options.js';
import { openDevice } from './run.js';

interface UiFlags {
  model?: string;
  seed?: string;
  state?: string;
  port: string;
  speed: string;
  manualTime?: boolean;
  count?: string;
  fleet?: string;
  fleetCount?: string;
  capture?: string;
  registry?: string;
  durationMs?: string;
  json?: boolean;
}

const uiModule = () => importWithOptional(['fastify'], 'iqsim ui', () => import('../transports/ui/index.js'));

async function readCapture(path: string): Promise<{ path: string; format: string; events: CaptureEvent[] }> {
  return { path, ...(await readCaptureForCli(path)) };
}

/** `--fleet FILE` / `--fleet-count N`: the fleet `iqsim fleet` would make, on a clock the dashboard runs. */
async function openFleet(
  ui: Awaited<ReturnType<typeof uiModule>>,
  flags: UiFlags,
  time: UiTime,
  io: CliContext['io'],
): Promise<FleetHost | undefined> {
  const file = flags.fleet === undefined ? undefined : readFleetFile(flags.fleet, io, flags.json === true);
  if (file === null) return undefined;
  const countFlag = '--fleet-count';
  const options = fleetOptions(
    { count: flags.fleetCount, model: flags.model, seed: flags.seed },
    file,
    countFlag,
  );
  const ref: { host?: FleetHost } = {};
  const fleet = createFleet({
    ...options,
    ...(time.kind === 'real' ? { realTimeMs: () => ref.host?.realTimeMs() } : {}),
  });
  ref.host = new ui.FleetHost(fleet, time);
  return ref.host;
}

export function registerUi(program: Command, { io, setExit }: CliContext): void {
  program
    .command('ui')
    .description('serve the live dashboard on loopback: the device drawn, charted and driven; prints its URL')
    .option('-m, --model <name>', 'model id (see iqsim models); default iluma-i, none with only --capture')
    .option('--seed <n>', 'identity seed of a fresh device (default 1), or the fleet seed, 0..4294967295')
    .option('--state <file>', 'restore from this JSON snapshot if it exists; save to it as it runs')
    .option('--port <n>', 'port, 0..65535 (0 = any free one)', '0')
    .option('--speed <x>', 'virtual ms per real ms, above 0 and at most 1000000', '1')
    .option('--manual-time', 'time moves only when the page (or a test) says: +1 s, +10 s, +1 min')
    .option(
      '--count <n>',
      `drive n devices, seeds seed…seed+n−1 (1..${OPTIONS.uiCount.max}, default 1): a list to pick from`,
    )
    .option(
      '--fleet <fleet.json>',
      'a fleet file (as iqsim fleet --file) on one clock: its figures, a paged list',
    )
    .option('--fleet-count <n>', 'a fleet of n devices (as iqsim fleet --count; --model takes a list)')
    .option('--capture <file>', 'a capture (JSON lines, btsnoop, pcapng) to scrub through')
    .option('--registry <url>', 'a registration service in test mode: list its accounts and devices')
    .option('--duration-ms <n>', 'stop after n ms of real time (default: until SIGINT or SIGTERM)')
    .option('--json', 'print {"ok": true, "url", "devices"} as one JSON line')
    .addHelpText(
      'after',
      `
Examples:
  iqsim ui                                   # one ILUMA i, real time
  iqsim ui --model iluma-one --state ~/.iqsim/one.json
  iqsim ui --count 8 --speed 10              # eight devices to pick from
  iqsim ui --fleet-count 1000 --model iluma-i,iluma-one --speed 60
  iqsim ui --fleet examples/fleet.json --manual-time
  iqsim ui --capture session.jsonl           # scrub through a capture
  iqsim ui --registry http://127.0.0.1:8080  # with iqsim registry serve --test-mode`,
    )
    .action(async (flags: UiFlags) => {
      const withFleet = flags.fleet !== undefined || flags.fleetCount !== undefined;
      if (withFleet && (flags.count !== undefined || flags.state !== undefined))
        throw new CliUsageError(
          'CLI_CONFLICTING_OPTIONS',
          '--fleet and --fleet-count make their own devices: leave out --count and --state',
        );
      const seed = numericOption(OPTIONS.seed, flags.seed ?? '1');
      const speed = numericOption(OPTIONS.speed, flags.speed);
      const port = numericOption(OPTIONS.port, flags.port);
      const count = numericOption(OPTIONS.uiCount, flags.count ?? '1');
      const durationMs =
        flags.durationMs === undefined ? undefined : numericOption(OPTIONS.durationMs, flags.durationMs);
      if (flags.registry !== undefined && !/^https?:\/\/[^/]+/.test(flags.registry))
        throw new CliUsageError('CLI_BAD_URL', '--registry must be an http(s) URL');
      if (flags.state !== undefined && count > 1)
        throw new CliUsageError('CLI_CONFLICTING_OPTIONS', '--state keeps one device; leave out --count');
      const withDevice = !withFleet && (flags.model !== undefined || flags.capture === undefined);
      const modelId = withDevice ? getProfile(flags.model ?? 'iluma-i').id : undefined;
      const capture = flags.capture === undefined ? undefined : await readCapture(flags.capture);
      const devices: VirtualDevice[] = [];
      if (modelId !== undefined)
        for (let i = 0; i < count; i++) devices.push(openDevice(modelId, seed + i, flags.state));
      const ui = await uiModule();
      const time: UiTime = flags.manualTime ? { kind: 'manual' } : { kind: 'real', speed };
      const fleet = withFleet ? await openFleet(ui, flags, time, io) : undefined;
      if (withFleet && !fleet) {
        setExit(EXIT_USAGE);
        return;
      }
      let writer: SnapshotWriter | undefined;
      const hosts = devices.map((device, i) => {
        const onChange = i === 0 ? () => writer?.changed() : undefined;
        return new ui.DeviceHost(`d${i + 1}`, device, time, seed + i, onChange);
      });
      const first = devices[0];
      if (flags.state !== undefined && first) {
        writer = createSnapshotWriter(flags.state, () => first.snapshot(), {
          onError: (e) => io.err(`error ${e.code}: ${e.message}\n`),
        });
      }
      const server = await ui
        .startUiServer({
          hosts,
          port,
          ...(fleet ? { fleet } : {}),
          ...(capture ? { capture } : {}),
          ...(flags.registry ? { registryUrl: flags.registry } : {}),
        })
        .catch((error: unknown) => {
          for (const host of hosts) host.close();
          fleet?.close();
          const code = (error as { code?: unknown } | null)?.code;
          if (typeof code !== 'string' || !code.startsWith('E')) throw error;
          throw new CliUsageError(
            'CLI_UI_LISTEN',
            `cannot listen on port ${port}: ${(error as Error).message}`,
          );
        });
      const ids = hosts.map((h) => h.id);
      const fleetCount = fleet ? { fleet: fleet.fleet.devices.length } : {};
      if (flags.json)
        io.out(`${JSON.stringify({ ok: true, url: server.url, devices: ids, ...fleetCount })}\n`);
      else io.out(`iqsim dashboard: ${server.url}\nOpen it in a browser; Ctrl-C stops it.\n`);
      await new Promise<void>((done) => {
        const stop = () => {
          if (timer) clearTimeout(timer);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        const timer = durationMs === undefined ? undefined : setTimeout(stop, durationMs);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      writer?.changed();
      writer?.close();
    });
}
