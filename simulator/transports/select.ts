/**
 * Transport selection in one place (architecture "core contracts"): a spec string picks the link a
 * client talks over, and every caller (the CLI, tests, benches) gets the same shape back.
 *
 * | spec | link | channel |
 * |---|---|---|
 * | `sim:<model>[?seed=n][&channel=ble\|usb]` | in-process virtual device, in-memory link, real-time clock pump | ble (default) or usb |
 * | `serial:<path>[?baud=n]` | a serial port (`iqsim run --serial`, a USB CDC bridge) carrying 64-byte reports | usb |
 * | `ble:<address>` | a real device through noble's default (HCI) bindings | ble |
 * | `webbluetooth` | only inside the Playwright browser bridge | — |
 */
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type { Characteristic, Noble, Peripheral, withBindings } from '@stoprocent/noble';
import { getProfile } from '../../firmware-model/index.js';
import {
  BATTERY_CHAR_UUID,
  GATT_SERVICES,
  normalizeUuid,
  SCP_CHAR_UUID,
  STATUS_CHAR_UUID,
  sigUuid,
} from '../../protocol/index.js';
import {
  ATT_ERROR_INVALID_HANDLE,
  ATT_ERROR_WRITE_NOT_PERMITTED,
  createVirtualDevice,
  GattServer,
  HANDLES,
  InMemoryLink,
  type Scheduler,
  type Transport,
  VirtualClock,
  type VirtualDevice,
  type WirePacket,
} from '../index.js';
import { type ClockPump, hostRtcSeconds, realTimeScheduler, startClockPump } from './clock-pump.js';
import { messageOf, TransportError } from './errors.js';
import { recordTransport } from './recorder.js';
import { openSerialTransport } from './serial/client.js';
import { DEFAULT_BAUD_RATE, type SerialBinding } from './serial/port.js';

export type TransportSpec =
  | { readonly kind: 'sim'; readonly model: string; readonly seed: number; readonly channel: 'ble' | 'usb' }
  | { readonly kind: 'serial'; readonly path: string; readonly baudRate: number }
  | { readonly kind: 'ble'; readonly address: string }
  | { readonly kind: 'webbluetooth' };

export interface OpenTransportOptions {
  /** Record every packet as JSON lines to this stream or file (see `recordTransport`). */
  record?: Writable | string;
  /** serial: a serialport binding instead of the native one (`MockBinding` in tests). */
  serialBinding?: SerialBinding;
  /** ble: how long to wait for the adapter to be powered on, ms (default 3000). */
  adapterTimeoutMs?: number;
  /** ble: how long to wait for the connection, ms (default 10000). */
  connectTimeoutMs?: number;
}

export interface OpenedTransport {
  readonly spec: TransportSpec;
  readonly transport: Transport;
  /**
   * The transport underneath, without the recorder and close bookkeeping: a `SerialTransport` for
   * `serial:` (raw byte writes, resync stats). Closing it directly counts as a lost link.
   */
  readonly underlying: Transport;
  /** What to pass as `IqosClient.connect(transport, { channel })`. */
  readonly channel: 'ble' | 'usb';
  /** Real time for `IqosClient.connect(…, { scheduler })`: the pumped virtual clock for `sim:`. */
  readonly scheduler: Scheduler;
  /** `sim:` only: the virtual device on the other end. */
  readonly device?: VirtualDevice;
  /** Set once the link went away without `close` (a TRANSPORT_LOST error). */
  readonly lost: TransportError | undefined;
  /** Closes the link, stops its pump, ends the recording; resolves when all is done. Idempotent. */
  close(): Promise<void>;
}

const SIM_KEYS = ['seed', 'channel'];

/** Parses a spec; throws TRANSPORT_BAD_SPEC (or TRANSPORT_UNSUPPORTED for `webbluetooth`). */
export function parseTransportSpec(spec: string): TransportSpec {
  const colon = spec.indexOf(':');
  const scheme = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  switch (scheme) {
    case 'sim': {
      const { target, query } = splitQuery(spec, rest, SIM_KEYS);
      if (target === '') throw badSpec(spec, 'sim: needs a model, e.g. sim:iluma-i');
      let model: string;
      try {
        model = getProfile(target).id;
      } catch (error) {
        throw badSpec(spec, error instanceof Error ? error.message : String(error));
      }
      const seed = integer(spec, query.get('seed') ?? '1', 'seed', 0);
      const channel = query.get('channel') ?? 'ble';
      if (channel !== 'ble' && channel !== 'usb')
        throw badSpec(spec, `channel must be ble or usb, got '${channel}'`);
      return { kind: 'sim', model, seed, channel };
    }
    case 'serial': {
      const { target, query } = splitQuery(spec, rest, ['baud']);
      if (target === '') throw badSpec(spec, 'serial: needs a path, e.g. serial:/dev/ttyUSB0');
      const baud = query.get('baud');
      return {
        kind: 'serial',
        path: target,
        baudRate: baud === undefined ? DEFAULT_BAUD_RATE : integer(spec, baud, 'baud', 1),
      };
    }
    case 'ble':
      // A MAC address (HCI, Windows) or a 32-hex-digit CoreBluetooth identifier (macOS).
      if (!/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$|^[0-9a-f]{12}$|^[0-9a-f]{32}$/i.test(rest))
        throw badSpec(spec, 'ble: needs an address, e.g. ble:AA:BB:CC:DD:EE:FF');
      return { kind: 'ble', address: rest.toLowerCase().replace(/-/g, ':') };
    case 'webbluetooth':
      if (rest !== '') throw badSpec(spec, 'webbluetooth takes no argument');
      return { kind: 'webbluetooth' };
    default:
      throw badSpec(spec, 'expected sim:<model>, serial:<path>, ble:<address> or webbluetooth');
  }
}

/** Opens the link a spec names (see the table above). */
export async function openTransport(
  spec: string,
  options: OpenTransportOptions = {},
): Promise<OpenedTransport> {
  const parsed = parseTransportSpec(spec);
  switch (parsed.kind) {
    case 'sim':
      return finishOpen(parsed, openSim(parsed), options);
    case 'serial': {
      const serial = await openSerialTransport(parsed.path, {
        baudRate: parsed.baudRate,
        binding: options.serialBinding,
      });
      return finishOpen(
        parsed,
        { transport: serial, channel: 'usb', scheduler: realTimeScheduler(), closed: () => serial.closed() },
        options,
        () => serial.lost,
      );
    }
    case 'ble': {
      const ble = await openBleTransport(parsed.address, {
        adapterTimeoutMs: options.adapterTimeoutMs ?? 3000,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      });
      return finishOpen(parsed, { ...ble, channel: 'ble', scheduler: realTimeScheduler() }, options);
    }
    case 'webbluetooth':
      throw new TransportError(
        'TRANSPORT_UNSUPPORTED',
        'webbluetooth is the navigator.bluetooth of the Playwright browser fixture; ' +
          'from the command line use sim:<model>, serial:<path> or ble:<address>',
      );
  }
}

interface RawOpen {
  transport: Transport;
  channel: 'ble' | 'usb';
  scheduler: Scheduler;
  device?: VirtualDevice;
  /** Resolves when the link is fully closed (port closed, pump stopped). */
  closed(): Promise<void>;
}

/** An in-process virtual device over the in-memory link, its clock pumped in real time. */
function openSim(spec: Extract<TransportSpec, { kind: 'sim' }>): RawOpen {
  const clock = new VirtualClock();
  const device = createVirtualDevice({
    model: spec.model,
    seed: spec.seed,
    firmware: { initial: { rtcSeconds: hostRtcSeconds() } },
  });
  // Over USB nothing connects: a BLE central would make the device stop advertising.
  const link = new InMemoryLink(clock, device, { connect: spec.channel === 'ble' });
  let pump: ClockPump | undefined;
  const transport: Transport = {
    write(packet) {
      link.write(packet);
      pump?.kick();
    },
    onData: (listener) => link.onData(listener),
    onClose: (listener) => link.onClose(listener),
    close() {
      link.close();
      pump?.stop();
    },
    get open() {
      return link.open;
    },
  };
  pump = startClockPump(clock, {
    onError: (error) => link.disconnect(`clock pump stopped: ${String(error)}`),
  });
  return {
    transport,
    channel: spec.channel,
    scheduler: clock,
    device,
    closed: async () => transport.close(),
  };
}

function finishOpen(
  spec: TransportSpec,
  raw: RawOpen,
  options: OpenTransportOptions,
  lostOf: () => TransportError | undefined = () => undefined,
): OpenedTransport {
  // Set before any close starts: a close fires the close listeners synchronously.
  let closedByUs = false;
  let closing: Promise<void> | undefined;
  let lost: TransportError | undefined;
  raw.transport.onClose((reason) => {
    if (!closedByUs) lost = lostOf() ?? new TransportError('TRANSPORT_LOST', reason);
  });
  let recorded: ReturnType<typeof recordTransport> | undefined;
  try {
    recorded = options.record === undefined ? undefined : recordTransport(raw.transport, options.record);
  } catch (error) {
    closedByUs = true;
    void raw.closed();
    throw error;
  }
  const inner = recorded ?? raw.transport;
  const transport: Transport = {
    write: (packet) => inner.write(packet),
    onData: (listener) => inner.onData(listener),
    onClose: (listener) => inner.onClose(listener),
    close() {
      closedByUs = true;
      inner.close();
    },
    get open() {
      return inner.open;
    },
  };
  return {
    spec,
    transport,
    underlying: raw.transport,
    channel: raw.channel,
    scheduler: raw.scheduler,
    device: raw.device,
    get lost() {
      return lost;
    },
    close() {
      closedByUs = true;
      closing ??= (async () => {
        await raw.closed();
        await recorded?.finish();
      })();
      return closing;
    },
  };
}

function splitQuery(
  spec: string,
  rest: string,
  keys: readonly string[],
): { target: string; query: Map<string, string> } {
  const at = rest.lastIndexOf('?');
  const query = new Map<string, string>();
  if (at < 0) return { target: rest, query };
  for (const part of rest.slice(at + 1).split('&')) {
    const [key = '', value, ...extra] = part.split('=');
    if (!keys.includes(key) || value === undefined || extra.length > 0)
      throw badSpec(spec, `unknown option '${part}' (known: ${keys.join(', ')})`);
    query.set(key, value);
  }
  return { target: rest.slice(0, at), query };
}

function integer(spec: string, text: string, what: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min)
    throw badSpec(spec, `${what} must be a whole number >= ${min}, got '${text}'`);
  return n;
}

function badSpec(spec: string, why: string): TransportError {
  return new TransportError('TRANSPORT_BAD_SPEC', `'${spec}': ${why}`);
}

// ---- ble:<address> -------------------------------------------------------------------------------

/**
 * A real device through noble. noble speaks GATT (read, write, subscribe), while a `Transport`
 * carries ATT PDUs; so the client meets a local GATT server with the device's table
 * (`GATT_SERVICES`, hence the same handles as a virtual device) whose values come from the real one:
 * readable characteristics are read once at connect and kept current by notifications, writes and
 * subscriptions are forwarded. Not exercised in CI (no adapter there); the failure paths are.
 */
async function openBleTransport(
  address: string,
  limits: { adapterTimeoutMs: number; connectTimeoutMs: number },
): Promise<Omit<RawOpen, 'channel' | 'scheduler'>> {
  const noble = loadNoble();
  let peripheral: Peripheral | undefined;
  try {
    await waitPoweredOn(noble, limits.adapterTimeoutMs);
    peripheral = await withTimeout(
      noble.connectAsync(address),
      limits.connectTimeoutMs,
      `connect to ${address}`,
    );
    const { characteristics } = await peripheral.discoverAllServicesAndCharacteristicsAsync();
    return await nobleFacade(noble, peripheral, characteristics);
  } catch (error) {
    await peripheral?.disconnectAsync().catch(() => undefined);
    noble.stop();
    if (error instanceof TransportError) throw error;
    throw new TransportError('TRANSPORT_OPEN_FAILED', `ble:${address}: ${messageOf(error)}`);
  }
}

/** noble without its default instance: `require('@stoprocent/noble')` opens the HCI socket on import. */
function loadNoble(): Noble {
  const load = createRequire(import.meta.url)(
    '@stoprocent/noble/lib/resolve-bindings',
  ) as typeof withBindings;
  return load('default');
}

/**
 * Resolves at `poweredOn`; TRANSPORT_NO_ADAPTER at `unsupported`/`unauthorized` or after `timeoutMs`.
 * noble's HCI bindings print their own warnings with console.log, which would corrupt `--json`
 * output; the adapter state is reported in the error instead, so those lines are held back meanwhile.
 */
async function waitPoweredOn(noble: Noble, timeoutMs: number): Promise<void> {
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (!/^noble warning|^ {8,}/.test(String(args[0]))) log(...args);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        noble.removeListener('stateChange', onState);
        reject(new TransportError('TRANSPORT_NO_ADAPTER', `no usable Bluetooth adapter: ${why}`));
      };
      const onState = (state: string): void => {
        if (state === 'poweredOn') {
          clearTimeout(timer);
          noble.removeListener('stateChange', onState);
          resolve();
        } else if (state === 'unsupported' || state === 'unauthorized') fail(`adapter state ${state}`);
      };
      const timer = setTimeout(() => fail(`adapter state ${noble.state} after ${timeoutMs} ms`), timeoutMs);
      if (noble.state === 'poweredOn') onState('poweredOn');
      else noble.on('stateChange', onState);
    });
  } finally {
    console.log = log;
  }
}

async function nobleFacade(
  noble: Noble,
  peripheral: Peripheral,
  characteristics: Characteristic[],
): Promise<Omit<RawOpen, 'channel' | 'scheduler'>> {
  const byHandle = new Map<number, Characteristic>();
  const values = new Map<number, Uint8Array>();
  const dataListeners = new Set<(packet: WirePacket) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  let open = true;
  const handles: [number, string][] = [
    [HANDLES.scp, SCP_CHAR_UUID],
    [HANDLES.battery, BATTERY_CHAR_UUID],
    [HANDLES.status, STATUS_CHAR_UUID],
    [HANDLES.modelNumber, sigUuid(0x2a24)],
    [HANDLES.serialNumber, sigUuid(0x2a25)],
    [HANDLES.softwareRevision, sigUuid(0x2a28)],
    [HANDLES.manufacturer, sigUuid(0x2a29)],
    [HANDLES.deviceName, sigUuid(0x2a00)],
  ];
  for (const [handle, uuid] of handles) {
    const characteristic = characteristics.find((c) => nobleUuid(c.uuid) === uuid);
    if (characteristic) byHandle.set(handle, characteristic);
  }
  const deliver = (bytes: Uint8Array): void => {
    if (!open) return;
    const packet: WirePacket = { channel: 'att', bytes };
    setImmediate(() => {
      if (open) for (const listener of dataListeners) listener(packet);
    });
  };
  const drop = (reason: string): void => {
    if (!open) return;
    open = false;
    for (const listener of closeListeners) listener(reason);
  };
  const lostOn = (error: unknown): void => drop(`TRANSPORT_LOST: ${messageOf(error)}`);
  const server = new GattServer(
    GATT_SERVICES,
    {
      read: (handle) => values.get(handle) ?? { error: ATT_ERROR_INVALID_HANDLE },
      write(handle, value, withResponse) {
        const characteristic = byHandle.get(handle);
        if (!characteristic) return ATT_ERROR_WRITE_NOT_PERMITTED;
        characteristic.writeAsync(Buffer.from(value), !withResponse).catch(lostOn);
        return 0;
      },
      subscribed(handle, enabled) {
        const characteristic = byHandle.get(handle);
        (enabled ? characteristic?.subscribeAsync() : characteristic?.unsubscribeAsync())?.catch(lostOn);
      },
    },
    { maxMtu: Math.min(517, Math.max(23, peripheral.mtu ?? 23)) },
  );
  for (const [handle, characteristic] of byHandle) {
    if (characteristic.properties.includes('read'))
      values.set(handle, new Uint8Array(await characteristic.readAsync()));
    characteristic.on('data', (data: Buffer) => {
      const value = new Uint8Array(data);
      values.set(handle, value);
      const pdu = server.notify(handle, value);
      if (pdu) deliver(pdu);
    });
  }
  peripheral.once('disconnect', (reason: unknown) =>
    drop(`TRANSPORT_LOST: device disconnected (${String(reason)})`),
  );
  const transport: Transport = {
    write(packet) {
      if (!open) throw new TransportError('TRANSPORT_LOST', 'the BLE link is closed');
      if (packet.channel !== 'att')
        throw new TransportError(
          'TRANSPORT_UNSUPPORTED',
          `a BLE link carries att packets, not ${packet.channel}`,
        );
      for (const response of server.handlePdu(packet.bytes, 0)) deliver(response);
    },
    onData(listener) {
      dataListeners.add(listener);
      return () => dataListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      drop('closed by the client');
    },
    get open() {
      return open;
    },
  };
  return {
    transport,
    closed: async () => {
      transport.close();
      await peripheral.disconnectAsync().catch(() => undefined);
      noble.stop();
    },
  };
}

/** noble writes 128-bit UUIDs as 32 bare hex digits. */
function nobleUuid(uuid: string): string {
  const hex = uuid.toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return normalizeUuid(hex);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
