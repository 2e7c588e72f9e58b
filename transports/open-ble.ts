/**
 * `ble:<address>`: a real device through noble. noble speaks GATT (read, write, subscribe), while a
 * `Transport` carries ATT PDUs; so the client meets a local GATT server with the device's table
 * (`GATT_SERVICES`, hence the same handles as a virtual device) whose values come from the real one:
 * readable characteristics are read once at connect and kept current by notifications, writes and
 * subscriptions are forwarded. Not exercised in CI with an adapter (there is none); the failure paths
 * are, and so is the whole path over the virtual noble bindings (`bindings`).
 */
import type { Characteristic, Noble, Peripheral, withBindings } from '@stoprocent/noble';
import {
  ATT_ERROR_INVALID_HANDLE,
  ATT_ERROR_WRITE_NOT_PERMITTED,
  BATTERY_CHAR_UUID,
  GATT_SERVICES,
  normalizeUuid,
  SCP_CHAR_UUID,
  STATUS_CHAR_UUID,
  sigUuid,
} from '../protocol/index.js';
import {
  type CaptureSink,
  GattServer,
  HANDLES,
  ListenerSet,
  REMOTE_USER_TERMINATED,
  type Transport,
  type WirePacket,
} from '../simulator/index.js';
import { BleCapture } from './ble-capture.js';
import { messageOf, TransportError } from './errors.js';
import { nobleWithBindings } from './noble/index.js';
import type { RawOpen } from './opened.js';
import { requireOptional } from './optional-package.js';

/** HCI reason of a disconnection this host asked for (Core Vol 1 Part F): how a capture ends on close. */
const LOCAL_HOST_TERMINATED = 0x16;

export interface BleOpenOptions {
  adapterTimeoutMs: number;
  connectTimeoutMs: number;
  /** Gets the ATT PDUs of what noble exchanged with the unit (ble-capture.ts). */
  capture?: CaptureSink;
  /** A noble bindings object instead of the HCI default (the virtual bindings of noble/ in tests). */
  bindings?: object;
}

/** Connects to `address` (adapter and connect waits bounded) and serves its GATT table as ATT. */
export async function openBleTransport(
  address: string,
  options: BleOpenOptions,
): Promise<Omit<RawOpen, 'channel' | 'scheduler'>> {
  const noble = options.bindings ? nobleWithBindings(options.bindings) : loadNoble();
  let peripheral: Peripheral | undefined;
  try {
    await waitPoweredOn(noble, options.adapterTimeoutMs);
    peripheral = await withTimeout(
      noble.connectAsync(address),
      options.connectTimeoutMs,
      `connect to ${address}`,
    );
    const capture = options.capture ? new BleCapture(options.capture) : undefined;
    capture?.connected(peripheral.address || address, peripheral.mtu ?? 23);
    const discovered = await discoverWithHandles(peripheral);
    return await nobleFacade(noble, peripheral, discovered, capture);
  } catch (error) {
    await peripheral?.disconnectAsync().catch(() => undefined);
    noble.stop();
    if (error instanceof TransportError) throw error;
    throw new TransportError('TRANSPORT_OPEN_FAILED', `ble:${address}: ${messageOf(error)}`);
  }
}

/** A characteristic and its value handle on the unit, when the bindings report it. */
interface Discovered {
  readonly characteristic: Characteristic;
  readonly valueHandle: number | undefined;
}

/**
 * Every characteristic with its value handle. noble's `Characteristic` has no handle; its HCI
 * bindings (and the virtual ones) report the handles in the service's `characteristicsDiscovered`
 * event, which is read here. The D-Bus and macOS bindings report none: `valueHandle` stays undefined.
 */
async function discoverWithHandles(peripheral: Peripheral): Promise<Discovered[]> {
  const found: Discovered[] = [];
  for (const service of await peripheral.discoverServicesAsync([])) {
    const handles = new Map<string, number>();
    const onRaw = (raw: unknown): void => {
      if (!Array.isArray(raw)) return;
      for (const entry of raw as { uuid?: unknown; valueHandle?: unknown }[])
        if (typeof entry?.uuid === 'string' && typeof entry.valueHandle === 'number')
          handles.set(nobleUuid(entry.uuid), entry.valueHandle);
    };
    service.on('characteristicsDiscovered', onRaw);
    try {
      for (const characteristic of await service.discoverCharacteristicsAsync([]))
        found.push({ characteristic, valueHandle: handles.get(nobleUuid(characteristic.uuid)) });
    } finally {
      service.removeListener('characteristicsDiscovered', onRaw);
    }
  }
  return found;
}

/** noble without its default instance: `require('@stoprocent/noble')` opens the HCI socket on import. */
function loadNoble(): Noble {
  const load = requireOptional<typeof withBindings>(
    '@stoprocent/noble',
    '@stoprocent/noble/lib/resolve-bindings',
    'ble:',
  );
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

/** One characteristic the facade serves: noble's object and its handle on the unit (for the capture). */
interface Served {
  readonly characteristic: Characteristic;
  /** The unit's value handle, or the table's where noble reports none (docs/captures.md "Recording a link"). */
  readonly unitHandle: number;
}

async function nobleFacade(
  noble: Noble,
  peripheral: Peripheral,
  discovered: readonly Discovered[],
  capture: BleCapture | undefined,
): Promise<Omit<RawOpen, 'channel' | 'scheduler'>> {
  const byHandle = new Map<number, Served>();
  const values = new Map<number, Uint8Array>();
  const dataListeners = new ListenerSet<WirePacket>();
  const closeListeners = new ListenerSet<string>();
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
    const found = discovered.find((d) => nobleUuid(d.characteristic.uuid) === uuid);
    if (found)
      byHandle.set(handle, { characteristic: found.characteristic, unitHandle: found.valueHandle ?? handle });
  }
  const deliver = (bytes: Uint8Array): void => {
    if (!open) return;
    const packet: WirePacket = { channel: 'att', bytes };
    setImmediate(() => {
      if (open) dataListeners.emit(packet);
    });
  };
  let ended = false;
  const drop = (reason: string, hciReason: number): void => {
    if (!ended) capture?.disconnected(hciReason);
    ended = true;
    if (!open) return;
    open = false;
    closeListeners.emit(reason);
  };
  // A failed operation gives the link up: `closed()` then disconnects from this side.
  const lostOn = (error: unknown): void => drop(`TRANSPORT_LOST: ${messageOf(error)}`, LOCAL_HOST_TERMINATED);
  const server = new GattServer(
    GATT_SERVICES,
    {
      read: (handle) => values.get(handle) ?? { error: ATT_ERROR_INVALID_HANDLE },
      write(handle, value, withResponse) {
        const served = byHandle.get(handle);
        if (!served) return ATT_ERROR_WRITE_NOT_PERMITTED;
        const acknowledged = capture?.write(served.unitHandle, value, withResponse);
        served.characteristic.writeAsync(Buffer.from(value), !withResponse).then(acknowledged, lostOn);
        return 0;
      },
      subscribed(handle, enabled) {
        const served = byHandle.get(handle);
        if (!served) return;
        // noble reports no descriptor handles: the CCCD is taken to follow the value, as on the
        // IQOS table (docs/captures.md "Recording a link").
        const indicate = !served.characteristic.properties.includes('notify');
        const acknowledged = capture?.subscribe(served.unitHandle + 1, enabled, indicate);
        const { characteristic } = served;
        (enabled ? characteristic.subscribeAsync() : characteristic.unsubscribeAsync()).then(
          acknowledged,
          lostOn,
        );
      },
    },
    { maxMtu: Math.min(517, Math.max(23, peripheral.mtu ?? 23)) },
  );
  for (const [handle, { characteristic, unitHandle }] of byHandle) {
    if (characteristic.properties.includes('read')) {
      const answered = capture?.read(unitHandle);
      const value = new Uint8Array(await characteristic.readAsync());
      answered?.(value);
      values.set(handle, value);
    }
    characteristic.on('data', (data: Buffer, isNotification?: boolean) => {
      const value = new Uint8Array(data);
      if (isNotification !== false) capture?.notification(unitHandle, value);
      values.set(handle, value);
      const pdu = server.notify(handle, value);
      if (pdu) deliver(pdu);
    });
  }
  if (capture) peripheral.on('mtu', (mtu: number) => capture.mtu(mtu));
  peripheral.once('disconnect', (reason: unknown) =>
    drop(
      `TRANSPORT_LOST: device disconnected (${String(reason)})`,
      typeof reason === 'number' ? reason : REMOTE_USER_TERMINATED,
    ),
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
    onData: (listener) => dataListeners.add(listener),
    onClose: (listener) => closeListeners.add(listener),
    close() {
      drop('closed by the client', LOCAL_HOST_TERMINATED);
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
