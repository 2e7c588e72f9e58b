/**
 * `iqsim probe <transport> [--json] [--record file.jsonl] [--timeout-ms n]` (issue #5 item 5): connects
 * to a device, virtual or real, over any transport spec and prints what it answers: identity,
 * firmware versions, battery, status, settings and usage counters. A register the device does not
 * answer within the timeout reads "no reply"; it is not an error.
 *
 * Exit codes: 0 probed (even with some "no reply"), 1 the link could not be opened or was lost
 * (TRANSPORT_LOST, TRANSPORT_NO_ADAPTER, TRANSPORT_OPEN_FAILED), 2 a bad spec or option.
 */
import type { Command } from 'commander';
import type { DecodedFrame, EncodeOptions, Fields } from '../protocol/index.js';
import { IqosClient, SimulatorError, type Transport } from '../simulator/index.js';
import {
  type OpenedTransport,
  openTransport,
  parseTransportSpec,
  TransportError,
} from '../transports/index.js';
import { CAPTURE_FLAGS, CAPTURE_HELP, openCaptureFlag } from './capture-flag.js';
import { type CliContext, type CliIo, CliUsageError, EXIT_FAILED } from './io.js';
import { numericOption, OPTIONS } from './options.js';

/** What an unanswered request shows as. */
export const NO_REPLY = 'no reply';
const DEFAULT_TIMEOUT_MS = 500;

export interface LinkFlags {
  record?: string;
  capture?: string;
  timeoutMs: string;
  json?: boolean;
}

/**
 * Opens `spec`, connects a client and runs `body`; closes everything after. Transport failures are
 * printed as `error CODE: message` with exit 1; a bad spec throws a usage error (exit 2).
 */
export async function withClient(
  spec: string,
  flags: LinkFlags,
  io: CliIo,
  setExit: (code: number) => void,
  body: (client: IqosClient, opened: OpenedTransport) => Promise<void>,
  /** Puts a layer between the link and the client (`iqsim replay --against` records through one). */
  wrap: (opened: OpenedTransport) => Transport = (opened) => opened.transport,
): Promise<void> {
  const timeoutMs = numericOption(OPTIONS.timeoutMs, flags.timeoutMs);
  const fail = (code: string, message: string): void => {
    io.err(`error ${code}: ${message}\n`);
    if (flags.json) io.out(`${JSON.stringify({ ok: false, transport: spec, error: { code, message } })}\n`);
    setExit(EXIT_FAILED);
  };
  // The spec is checked before the capture file is created: a usage error writes nothing.
  try {
    parseTransportSpec(spec);
  } catch (e) {
    if (e instanceof TransportError) throw new CliUsageError(e.code, e.message);
    throw e;
  }
  const capture = openCaptureFlag(flags.capture);
  let opened: OpenedTransport;
  try {
    opened = await openTransport(spec, { record: flags.record, ...(capture ? { capture } : {}) });
  } catch (e) {
    await capture?.finish();
    if (!(e instanceof TransportError)) throw e;
    if (e.code === 'TRANSPORT_BAD_SPEC' || e.code === 'TRANSPORT_UNSUPPORTED')
      throw new CliUsageError(e.code, e.message);
    fail(e.code, e.message);
    return;
  }
  let client: IqosClient | undefined;
  try {
    client = await IqosClient.connect(wrap(opened), {
      scheduler: opened.scheduler,
      channel: opened.channel,
      requestTimeoutMs: timeoutMs,
    });
    await body(client, opened);
  } catch (e) {
    const lost = opened.lost;
    if (lost) fail(lost.code, lost.message);
    else if (e instanceof TransportError) fail(e.code, e.message);
    else if (e instanceof SimulatorError && (e.code === 'SIM_DISCONNECTED' || e.code === 'SIM_TIMEOUT'))
      fail(e.code === 'SIM_DISCONNECTED' ? 'TRANSPORT_LOST' : e.code, e.message);
    else throw e;
  } finally {
    client?.close();
    await opened.close();
    opened.device?.captureTo(undefined);
    await capture?.finish();
  }
}

/** Adds the options every transport command shares. */
export function linkOptions(command: Command): Command {
  return command
    .option('--record <file>', 'record every packet as JSON lines {"tMs","dir","channel","hex"}')
    .option(CAPTURE_FLAGS, CAPTURE_HELP)
    .option('--timeout-ms <n>', 'per-request reply timeout, ms (1..600000)', String(DEFAULT_TIMEOUT_MS));
}

export function registerProbe(program: Command, { io, setExit }: CliContext): void {
  linkOptions(
    program
      .command('probe')
      .description('connect to a device and print identity, firmware, battery, status, settings and counters')
      .argument(
        '<transport>',
        'sim:<model>[?seed=n&channel=ble|usb], serial:<path>[?baud=n] or ble:<address>',
      )
      .option('--json', 'print one JSON object'),
  )
    .addHelpText(
      'after',
      `
Examples:
  iqsim probe sim:iluma-i?seed=3
  iqsim probe serial:/tmp/ttyIQOS --json --record probe.jsonl
  iqsim probe ble:AA:BB:CC:DD:EE:FF`,
    )
    .action(async (spec: string, flags: LinkFlags & { json?: boolean }) => {
      await withClient(spec, flags, io, setExit, async (client, opened) => {
        const report = {
          ok: true,
          transport: spec,
          channel: opened.channel,
          ...(await probe(client, opened)),
        };
        io.out(flags.json ? `${JSON.stringify(report)}\n` : formatReport(report));
      });
    });
}

/** A value, "no reply", or the error as `decode --json` items carry one: `{ code, message }`. */
type Answer<T> = T | typeof NO_REPLY | { error: { code: string; message: string } };

/** Every section the device answers, in a fixed order (requests are serial: replies pair by position). */
async function probe(client: IqosClient, opened: OpenedTransport) {
  const ask = async <T>(
    name: string,
    pick: (fields: Fields) => T,
    options: EncodeOptions = {},
  ): Promise<Answer<T>> =>
    answer(
      () => client.call(name, options),
      (frame: DecodedFrame) => pick(frame.fields),
    );
  const ble = opened.channel === 'ble';
  const identity = {
    charger: { productNumber: await ask('get-product-number', text('productNumber'), { unit: 'charger' }) },
    holder: { productNumber: await ask('get-product-number', text('productNumber'), { unit: 'holder' }) },
    modelCode: await ask('get-model-code', text('modelCode'), { unit: 'holder' }),
    ...(ble
      ? {
          deviceInformation: await answer(
            () => client.readDeviceInformation(),
            (v) => v,
          ),
        }
      : {}),
  };
  const firmware = {
    charger: await ask('get-firmware', (f) => String(f.version), { unit: 'charger' }),
    holder: await ask('get-firmware', (f) => String(f.version), { unit: 'holder' }),
  };
  const battery = ble
    ? await answer(
        () => client.readBattery(),
        (record) => ({ source: 'battery characteristic', ...record }),
      )
    : await ask('get-battery-percent', (f) => ({
        source: 'get-battery-percent',
        percent: Number(f.percent),
      }));
  const status = ble
    ? await answer(
        () => client.readStatus(),
        (record) => record,
      )
    : { skipped: 'the status record is a BLE characteristic; USB has no equivalent' };
  const enabled = (f: Fields) => f.enabled === true;
  const settings = {
    brightness: await ask('get-brightness', (f) => f.levelName ?? f.level),
    holderBrightness: await ask('get-holder-brightness', (f) => f.levelName ?? f.level),
    vibration: await ask('get-vibration', (f) =>
      Object.fromEntries(Object.entries(f).filter(([, v]) => typeof v === 'boolean')),
    ),
    autoStart: await ask('get-auto-start', enabled),
    smartGesture: await ask('get-smart-gesture', enabled),
    flexPuff: await ask('get-flexpuff', enabled),
    flexBattery: await ask('get-flexbattery', (f) => f.modeName ?? f.mode),
    locked: await ask('get-lock', (f) => f.locked === true),
  };
  const usageCounters = {
    charger: await ask('get-usage-counters', counters, { unit: 'charger' }),
    holder: await ask('get-usage-counters', counters, { unit: 'holder' }),
  };
  return { identity, firmware, battery, status, settings, usageCounters };
}

/** One request: its value, "no reply" on a timeout, or the error code of a reply that does not decode. */
async function answer<R, T>(call: () => Promise<R>, pick: (reply: R) => T): Promise<Answer<T>> {
  try {
    return pick(await call());
  } catch (e) {
    if (e instanceof SimulatorError && e.code === 'SIM_TIMEOUT') return NO_REPLY;
    if ((e instanceof SimulatorError && e.code === 'SIM_DISCONNECTED') || e instanceof TransportError)
      throw e;
    if (e instanceof Error && 'code' in e && typeof e.code === 'string')
      return { error: { code: e.code, message: e.message } };
    throw e;
  }
}

/** A fixed-width latin1 field without its NUL padding. */
function text(field: string): (fields: Fields) => string {
  return (fields) => String(fields[field]).replace(/\0+$/, '');
}

/** Table 01 01 as `{ tagName: value }`. */
function counters(fields: Fields): Record<string, number> {
  const blocks = Array.isArray(fields.blocks)
    ? (fields.blocks as { tagName?: string; tag?: number; value?: number }[])
    : [];
  return Object.fromEntries(blocks.map((b) => [b.tagName ?? `tag-${b.tag}`, Number(b.value)]));
}

/** The human form: one line per leaf, sections indented. */
function formatReport(report: Record<string, unknown>): string {
  const lines: string[] = [];
  const walk = (value: unknown, key: string, depth: number): void => {
    const pad = '  '.repeat(depth);
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      (depth === 0 || !isLeaf(value))
    ) {
      lines.push(`${pad}${key}`);
      for (const [k, v] of Object.entries(value)) walk(v, k, depth + 1);
    } else lines.push(`${pad}${key.padEnd(Math.max(1, 24 - pad.length))} ${leafText(value)}`);
  };
  for (const [k, v] of Object.entries(report)) if (k !== 'ok') walk(v, k, 0);
  return `${lines.join('\n')}\n`;
}

/** Objects printed on one line: small flat records (vibration flags, counters) and errors. */
function isLeaf(value: object): boolean {
  const entries = Object.values(value);
  return (
    (entries.length === 1 && 'error' in value) || (entries.length <= 8 && entries.every((v) => !isObject(v)))
  );
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function leafText(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(String).join(',');
  if (isObject(value))
    return Object.entries(value)
      .map(([k, v]) => `${k}=${leafText(v)}`)
      .join(' ');
  return String(value);
}
