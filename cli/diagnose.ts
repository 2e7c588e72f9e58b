/**
 * `iqsim diagnose <transport> [--json]` (issue 11): a device diagnostics report for customer care
 * (R-26 inquiries may carry it): identity with the device ID and QR label (D-R4), firmware, battery
 * health, usage counters and the error log, from a virtual device (`sim:iluma-i?seed=3`) or a real
 * one (`serial:PATH`). Transports are opened exactly as `iqsim probe` opens them (`withClient`).
 * A register the device does not answer reads "no reply"; it is not an error.
 */
import type { Command } from 'commander';
import type { EncodeOptions, Fields } from '../protocol/index.js';
import { qrPayload } from '../registration/index.js';
import { type IqosClient, SimulatorError } from '../simulator/index.js';
import type { CliContext } from './io.js';
import { type LinkFlags, linkOptions, NO_REPLY, withClient } from './probe.js';

type Answer = Fields | typeof NO_REPLY | { error: string };

async function ask(client: IqosClient, name: string, options: EncodeOptions = {}): Promise<Answer> {
  try {
    return (await client.call(name, options)).fields;
  } catch (e) {
    if (e instanceof SimulatorError && e.code === 'SIM_TIMEOUT') return NO_REPLY;
    if (e instanceof SimulatorError && e.code === 'SIM_DISCONNECTED') throw e;
    if (e instanceof Error && 'code' in e && typeof e.code === 'string') return { error: e.code };
    throw e;
  }
}

function text(a: Answer, field: string): string | undefined {
  if (typeof a !== 'object' || 'error' in a) return undefined;
  const value = (a as Fields)[field];
  return value === undefined ? undefined : String(value).replace(/\0+$/, '');
}

/** Plain JSON values only (bigints and byte arrays as strings), so the report posts as JSON. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** The diagnostics report of the device behind `client` (requests in a fixed order). */
export async function diagnoseDevice(client: IqosClient, channel: string) {
  const chargerPn = await ask(client, 'get-product-number', { unit: 'charger' });
  const holderPn = await ask(client, 'get-product-number', { unit: 'holder' });
  const deviceId = text(chargerPn, 'productNumber');
  const identity = {
    deviceId: deviceId ?? NO_REPLY,
    ...(deviceId ? { qr: qrPayload(deviceId) } : {}),
    holderProductNumber: text(holderPn, 'productNumber') ?? NO_REPLY,
    modelCode: text(await ask(client, 'get-model-code', { unit: 'holder' }), 'modelCode') ?? NO_REPLY,
  };
  const firmware = {
    charger: text(await ask(client, 'get-firmware', { unit: 'charger' }), 'version') ?? NO_REPLY,
    holder: text(await ask(client, 'get-firmware', { unit: 'holder' }), 'version') ?? NO_REPLY,
  };
  let record: unknown = { skipped: 'the battery record is a BLE characteristic' };
  if (channel === 'ble') {
    try {
      record = await client.readBattery();
    } catch (e) {
      if (e instanceof SimulatorError && e.code === 'SIM_DISCONNECTED') throw e;
      record = NO_REPLY;
    }
  }
  const battery = {
    record,
    percent: await ask(client, 'get-battery-percent'),
    holderVoltage: await ask(client, 'get-voltage', { unit: 'holder' }),
  };
  const counters = {
    charger: await ask(client, 'get-usage-counters', { unit: 'charger' }),
    holder: await ask(client, 'get-usage-counters', { unit: 'holder' }),
  };
  const errorLog = [
    { source: 'get-error-state', value: await ask(client, 'get-error-state', { unit: 'holder' }) },
    { source: 'get-error-log-date', value: await ask(client, 'get-error-log-date') },
  ];
  return plain({ identity, firmware, battery, counters, errorLog }) as {
    identity: Record<string, unknown>;
    firmware: Record<string, unknown>;
    battery: unknown;
    counters: unknown;
    errorLog: unknown[];
  };
}

export function registerDiagnose(program: Command, { io, setExit }: CliContext): void {
  linkOptions(
    program
      .command('diagnose')
      .description('device diagnostics report: identity, firmware, battery health, counters, error log')
      .argument('<transport>', 'sim:<model>[?seed=n&channel=ble|usb] or serial:<path>[?baud=n]')
      .option('--json', 'print one JSON object (what a care inquiry attaches)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  iqsim diagnose sim:iluma-i?seed=3 --json
  iqsim diagnose serial:/tmp/ttyIQOS --json`,
    )
    .action(async (spec: string, flags: LinkFlags & { json?: boolean }) => {
      await withClient(spec, flags, io, setExit, async (client, opened) => {
        const report = { transport: spec, ...(await diagnoseDevice(client, opened.channel)) };
        if (flags.json) io.out(`${JSON.stringify(report)}\n`);
        else io.out(`${JSON.stringify(report, null, 2)}\n`);
      });
    });
}
