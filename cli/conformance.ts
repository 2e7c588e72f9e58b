/**
 * `iqsim conformance <transport> [--model M] [--json | --junit FILE] [--timeout-ms n]` (issue 17
 * item 5, docs/conformance.md): runs the check catalogue of `simulator/conformance/` against a
 * device and prints one line per check, a JSON document or a JUnit file.
 *
 * `sim:` specs run in virtual time (the device's clock driven directly, no real-time pump), so the
 * whole suite takes milliseconds; `serial:` and `ble:` (and any other scheme `openTransport` knows)
 * run in real time. A real unit's model comes from `--model`, else from its model number (C9 S 0x88
 * over USB, DIS 2A24 over BLE) when exactly one model carries it.
 *
 * Exit codes: 0 every check passed or did not apply, 1 a check failed or could not run (the report is
 * still printed and written), or the link could not be opened, 2 bad usage (a bad spec or option, an
 * unknown model, a model that cannot be told, a JUnit path whose folder does not exist).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { getProfile } from '../firmware-model/index.js';
import {
  decodeDisString,
  decodeFrame,
  decodeUsbReport,
  encodeShortFrame,
  encodeUsbReport,
  getModel,
  MODELS,
  type ModelInfo,
  sigUuid,
} from '../protocol/index.js';
import {
  type CheckResult,
  type ConformanceReport,
  type ConformanceTarget,
  createReplayDevice,
  formatResult,
  formatSummary,
  GattClient,
  runConformance,
  toJunit,
  VirtualClock,
  virtualTarget,
} from '../simulator/index.js';
import {
  loadRecordedDevice,
  type OpenedTransport,
  openTransport,
  parseTransportSpec,
  simDevice,
  TransportError,
  type TransportSpec,
} from '../transports/index.js';
import { CAPTURE_FLAGS, CAPTURE_HELP, openCaptureFlag } from './capture-flag.js';
import { type CliContext, type CliIo, CliUsageError, EXIT_FAILED, EXIT_OK } from './io.js';
import { numericOption, OPTIONS } from './options.js';

interface ConformanceFlags {
  model?: string;
  json?: boolean;
  junit?: string;
  timeoutMs: string;
  capture?: string;
}

/** Reply timeout and silence window over a real link, ms (the slowest client of §6.4 waits 450). */
const DEFAULT_TIMEOUT_MS = 500;

export function registerConformance(program: Command, { io, setExit }: CliContext): void {
  program
    .command('conformance')
    .description('check a device, virtual or real, against the protocol docs (pass / fail / n/a per check)')
    .argument(
      '<transport>',
      'sim:<model>[?seed=n&channel=ble|usb], replay:<capture>, serial:<path>[?baud=n] or ble:<address>',
    )
    .option('-m, --model <name>', 'model of a real unit (default: from its model number)')
    .option('--json', 'print one JSON document')
    .option('--junit <file>', 'also write the report as JUnit XML')
    .option(CAPTURE_FLAGS, CAPTURE_HELP)
    .option(
      '--timeout-ms <n>',
      'reply timeout and silence window, ms (1..600000)',
      String(DEFAULT_TIMEOUT_MS),
    )
    .addHelpText(
      'after',
      `
Examples:
  iqsim conformance sim:iluma-i
  iqsim conformance sim:iluma-i-one?channel=usb --json
  iqsim conformance serial:/dev/ttyACM0 --model iluma-i-one --junit conformance.xml
  iqsim conformance ble:AA:BB:CC:DD:EE:FF --timeout-ms 1000`,
    )
    .action(async (spec: string, flags: ConformanceFlags) => {
      const timeoutMs = numericOption(OPTIONS.timeoutMs, flags.timeoutMs);
      const junit = flags.junit === undefined ? undefined : junitPath(flags.junit);
      const asked = flags.model === undefined ? undefined : getModel(getProfile(flags.model).id);
      const parsed = parseSpec(spec);
      const run = async (target: ConformanceTarget) => {
        const report = await runConformance(target, { timeoutMs, ...progress(io, flags.json === true) });
        finish(io, report, flags, junit, setExit);
      };
      if (parsed.kind === 'sim' || parsed.kind === 'replay') {
        if (parsed.kind === 'sim' && asked && asked.id !== parsed.model)
          throw new CliUsageError('CLI_BAD_OPTION', `--model ${asked.id} but the spec names ${parsed.model}`);
        // A recorded device is a virtual device answering from its capture: it runs in virtual time too.
        const device =
          parsed.kind === 'sim'
            ? simDevice(parsed)
            : createReplayDevice(await loadRecordedDevice(parsed.path, parsed.model ?? asked?.id));
        const capture = openCaptureFlag(flags.capture);
        device.captureTo(capture);
        try {
          await run(
            virtualTarget({
              device,
              clock: new VirtualClock(device.now),
              channel: parsed.channel,
              name: spec,
            }),
          );
        } finally {
          device.captureTo(undefined);
          await capture?.finish();
        }
        return;
      }
      const capture = openCaptureFlag(flags.capture);
      let opened: OpenedTransport;
      try {
        opened = await openTransport(spec, capture ? { capture } : {});
      } catch (e) {
        await capture?.finish();
        if (!(e instanceof TransportError)) throw e;
        if (e.code === 'TRANSPORT_BAD_SPEC' || e.code === 'TRANSPORT_UNSUPPORTED')
          throw new CliUsageError(e.code, e.message);
        linkFailed(io, spec, e, flags.json === true, setExit);
        return;
      }
      try {
        const model = asked ?? (await modelOf(opened, timeoutMs));
        await run({
          name: spec,
          model,
          transport: opened.transport,
          channel: opened.channel,
          scheduler: opened.scheduler,
          settle: (promise) => promise,
        });
      } finally {
        await opened.close();
        await capture?.finish();
      }
    });
}

/** The parsed spec; TRANSPORT_BAD_SPEC is a usage error (exit 2) before anything opens. */
function parseSpec(spec: string): TransportSpec {
  try {
    return parseTransportSpec(spec);
  } catch (e) {
    if (e instanceof TransportError) throw new CliUsageError(e.code, e.message);
    throw e;
  }
}

/** The JUnit file as an absolute path; its folder must exist before anything runs. */
function junitPath(file: string): string {
  const path = resolve(file);
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new CliUsageError('CLI_WRITE_FAILED', `cannot write ${file}: ${folder} is not a folder`);
  return path;
}

function linkFailed(
  io: CliIo,
  spec: string,
  e: TransportError,
  json: boolean,
  setExit: (code: number) => void,
) {
  io.err(`error ${e.code}: ${e.message}\n`);
  if (json)
    io.out(
      `${JSON.stringify({ ok: false, transport: spec, error: { code: e.code, message: e.message } })}\n`,
    );
  setExit(EXIT_FAILED);
}

/** Human output: a progress bar redrawn on a terminal, then one block per check as it ends. */
function progress(io: CliIo, json: boolean) {
  if (json) return {};
  const bar = (index: number, total: number, id: string) => {
    const width = 24;
    const done = Math.round((index / total) * width);
    return `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${index}/${total} ${id}`;
  };
  return {
    onStart: (check: { id: string }, index: number, total: number) => {
      if (io.isTTY) io.out(bar(index, total, check.id));
    },
    onResult: (result: CheckResult) => {
      io.out(`${io.isTTY ? '\r\x1b[K' : ''}${formatResult(result)}`);
    },
  };
}

function finish(
  io: CliIo,
  report: ConformanceReport,
  flags: ConformanceFlags,
  junit: string | undefined,
  setExit: (code: number) => void,
): void {
  if (flags.json) io.out(`${JSON.stringify(report)}\n`);
  else io.out(formatSummary(report));
  setExit(report.ok ? EXIT_OK : EXIT_FAILED);
  if (junit === undefined) return;
  try {
    writeFileSync(junit, toJunit(report, new Date().toISOString()));
    if (!flags.json) io.out(`junit: ${junit}\n`);
  } catch (error) {
    io.err(`error CLI_WRITE_FAILED: cannot write ${junit}: ${(error as Error).message}\n`);
    setExit(EXIT_FAILED);
  }
}

/**
 * A real unit's model from its model number: C9 S 0x88 over USB (docs/protocol.md §7.1), DIS 2A24
 * over BLE (§3.3). Only numbers one model carries tell it (D-20: M0022 ILUMA i, M0023 ILUMA i ONE).
 */
async function modelOf(opened: OpenedTransport, timeoutMs: number): Promise<ModelInfo> {
  const number =
    opened.channel === 'usb' ? await usbModelCode(opened, timeoutMs) : await disModelNumber(opened);
  const matching = MODELS.filter((m) => m.disModelNumber === number);
  const only = matching.length === 1 ? matching[0] : undefined;
  if (only) return only;
  throw new CliUsageError(
    'CLI_MODEL_UNKNOWN',
    number === undefined
      ? 'the device did not say its model number; pass --model'
      : `model number ${number} is shared by ${matching.length || 'no'} model(s); pass --model`,
  );
}

async function usbModelCode(opened: OpenedTransport, timeoutMs: number): Promise<string | undefined> {
  const { transport, scheduler } = opened;
  return new Promise((done) => {
    const timer = scheduler.schedule(scheduler.now() + timeoutMs, () => end(undefined));
    const off = transport.onData((packet) => {
      const frame = packet.channel === 'usb' ? decodeUsbReport(packet.bytes) : undefined;
      const decoded = frame?.ok ? decodeFrame(frame.value) : undefined;
      if (decoded?.ok && decoded.value.command === 'get-model-code')
        end(String(decoded.value.fields.modelCode).replace(/\0+$/, ''));
    });
    function end(code: string | undefined): void {
      timer.cancel();
      off();
      done(code);
    }
    transport.write({
      channel: 'usb',
      bytes: encodeUsbReport(encodeShortFrame({ node: 0xc9, address: 0x88 })),
    });
  });
}

async function disModelNumber(opened: OpenedTransport): Promise<string | undefined> {
  const gatt = new GattClient(opened.transport, opened.scheduler);
  try {
    await gatt.discover();
    const value = await gatt.read(gatt.characteristic(sigUuid(0x2a24)).valueHandle);
    return decodeDisString(value).text;
  } catch {
    return undefined;
  } finally {
    gatt.close();
  }
}
