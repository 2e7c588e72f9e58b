/**
 * `iqsim ui [--model M] [--seed S] [--state FILE] [--port P] …` (issue 20 item 3): the live dashboard.
 * Serves a page on 127.0.0.1 that draws the device and its lights, charts it live, shows both state
 * machines and the decoded protocol traffic, and drives every input; prints the page's URL with its
 * per-run token. `--count N` drives N devices (a list to pick from), `--capture FILE` scrubs through
 * a recorded capture, `--registry URL` lists a test-mode registration service's accounts and
 * devices. Fastify (an optional peer) loads only when this command runs. docs/ui.md is the how-to.
 */
import type { Command } from 'commander';
import { getProfile } from '../firmware-model/index.js';
import type { CaptureEvent, VirtualDevice } from '../simulator/index.js';
import { createSnapshotWriter, importWithOptional, type SnapshotWriter } from '../transports/index.js';
import { readCaptureForCli } from './capture-flag.js';
import { type CliContext, CliUsageError } from './io.js';
import { numericOption, OPTIONS } from './options.js';
import { openDevice } from './run.js';

interface UiFlags {
  model?: string;
  seed: string;
  state?: string;
  port: string;
  speed: string;
  manualTime?: boolean;
  count: string;
  capture?: string;
  registry?: string;
  durationMs?: string;
  json?: boolean;
}

const uiModule = () => importWithOptional(['fastify'], 'iqsim ui', () => import('../transports/ui/index.js'));

async function readCapture(path: string): Promise<{ path: string; format: string; events: CaptureEvent[] }> {
  return { path, ...(await readCaptureForCli(path)) };
}

export function registerUi(program: Command, { io }: CliContext): void {
  program
    .command('ui')
    .description('serve the live dashboard on loopback: the device drawn, charted and driven; prints its URL')
    .option('-m, --model <name>', 'model id (see iqsim models); default iluma-i, none with only --capture')
    .option('--seed <n>', 'identity seed of a fresh device, 0..4294967295', '1')
    .option('--state <file>', 'restore from this JSON snapshot if it exists; save to it as it runs')
    .option('--port <n>', 'port, 0..65535 (0 = any free one)', '0')
    .option('--speed <x>', 'virtual ms per real ms, above 0 and at most 1000000', '1')
    .option('--manual-time', 'time moves only when the page (or a test) says: +1 s, +10 s, +1 min')
    .option(
      '--count <n>',
      `drive n devices, seeds seed…seed+n−1 (1..${OPTIONS.uiCount.max}): a list to pick from`,
      '1',
    )
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
  iqsim ui --capture session.jsonl           # scrub through a capture
  iqsim ui --registry http://127.0.0.1:8080  # with iqsim registry serve --test-mode`,
    )
    .action(async (flags: UiFlags) => {
      const seed = numericOption(OPTIONS.seed, flags.seed);
      const speed = numericOption(OPTIONS.speed, flags.speed);
      const port = numericOption(OPTIONS.port, flags.port);
      const count = numericOption(OPTIONS.uiCount, flags.count);
      const durationMs =
        flags.durationMs === undefined ? undefined : numericOption(OPTIONS.durationMs, flags.durationMs);
      if (flags.registry !== undefined && !/^https?:\/\/[^/]+/.test(flags.registry))
        throw new CliUsageError('CLI_BAD_URL', '--registry must be an http(s) URL');
      if (flags.state !== undefined && count > 1)
        throw new CliUsageError('CLI_CONFLICTING_OPTIONS', '--state keeps one device; leave out --count');
      const withDevice = flags.model !== undefined || flags.capture === undefined;
      const modelId = withDevice ? getProfile(flags.model ?? 'iluma-i').id : undefined;
      const capture = flags.capture === undefined ? undefined : await readCapture(flags.capture);
      const devices: VirtualDevice[] = [];
      if (modelId !== undefined)
        for (let i = 0; i < count; i++) devices.push(openDevice(modelId, seed + i, flags.state));
      const ui = await uiModule();
      const time = flags.manualTime ? ({ kind: 'manual' } as const) : ({ kind: 'real', speed } as const);
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
          ...(capture ? { capture } : {}),
          ...(flags.registry ? { registryUrl: flags.registry } : {}),
        })
        .catch((error: unknown) => {
          for (const host of hosts) host.close();
          const code = (error as { code?: unknown } | null)?.code;
          if (typeof code !== 'string' || !code.startsWith('E')) throw error;
          throw new CliUsageError(
            'CLI_UI_LISTEN',
            `cannot listen on port ${port}: ${(error as Error).message}`,
          );
        });
      const ids = hosts.map((h) => h.id);
      if (flags.json) io.out(`${JSON.stringify({ ok: true, url: server.url, devices: ids })}\n`);
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
