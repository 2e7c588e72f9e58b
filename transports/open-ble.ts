/**
 * `ble:<address>`: a real device through noble. noble speaks GATT (read, write, subscribe), while a
 * `Transport` carries ATT PDUs; so the client meets a local GATT server with the device's table
 * (`GATT_SERVICES`, hence the same handles as a virtual device) whose values come from the real one:
 * readable characteristics are read once at connect and kept current by notifications, writes and
 * subscriptions are forwarded. Not exercised in CI (no adapter there); the failure paths are.
 *
 * With a capture sink (docs/captures.md "Recording a link"), what the unit did is recorded as ATT PDUs
 * in wall-clock time: each read, write and subscription when it was sent and its response when the
 * unit answered (a write is acknowledged in the capture only once noble reports the unit's Write
 * Response), and each notification as it came. noble's API does not expose attribute handles, so the
 * PDUs carry the handle map of docs/protocol.md §3.2, which is the one observed on a real unit.
 */
import type { Characteristic, Noble, Peripheral, withBindings } from '@stoprocent/noble';
import {
  ATT_ERROR_INVALID_HANDLE,
  ATT_ERROR_WRITE_NOT_PERMITTED,
  BATTERY_CHAR_UUID,
  encodeHandleValueNotification,
  encodeReadRequest,
  encodeReadResponse,
  encodeWriteCommand,
  encodeWriteRequest,
  encodeWriteResponse,
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
  type Transport,
  type WirePacket,
} from '../simulator/index.js';
import { wallClockUs } from './capture-file.js';
import { messageOf, TransportError } from './errors.js';
import type { RawOpen } from './opened.js';
import { requireOptional } from './optional-package.js';

/** Connects to `address` (adapter and connect waits bounded) and serves its GATT table as ATT. */
export async function openBleTransport(
  address: string,
  limits: { adapterTimeoutMs: number; connectTimeoutMs: number; capture?: CaptureSink },
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
    const recorder = limits.capture ? new UnitRecorder(limits.capture, address, peripheral.mtu) : undefined;
    return await nobleFacade(noble, peripheral, characteristics, recorder);
  } catch (error) {
    await peripheral?.disconnectAsync().catch(() => undefined);
    noble.stop();
    if (error instanceof TransportError) throw error;
    throw new TransportError('TRANSPORT_OPEN_FAILED', `ble:${address}: ${messageOf(error)}`);
  }
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

async function nobleFacade(
  noble: Noble,
  peripheral: Peripheral,
  characteristics: Characteristic[],
  recorder: UnitRecorder | undefined,
): Promise<Omit<RawOpen, 'channel' | 'scheduler'>> {
  const byHandle = new Map<number, Characteristic>();
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
    const characteristic = characteristics.find((c) => nobleUuid(c.uuid) === uuid);
    if (characteristic) byHandle.set(handle, characteristic);
  }
  const deliver = (bytes: Uint8Array): void => {
    if (!open) return;
    const packet: WirePacket = { channel: 'att', bytes };
    setImmediate(() => {
      if (open) dataListeners.emit(packet);
    });
  };
  const drop = (reason: string): void => {
    if (!open) return;
    open = false;
    closeListeners.emit(reason);
  };
  const lostOn = (error: unknown): void => drop(`TRANSPORT_LOST: ${messageOf(error)}`);
  const server = new GattServer(
    GATT_SERVICES,
    {
      read: (handle) => values.get(handle) ?? { error: ATT_ERROR_INVALID_HANDLE },
      write(handle, value, withResponse) {
        const characteristic = byHandle.get(handle);
        if (!characteristic) return ATT_ERROR_WRITE_NOT_PERMITTED;
        const sent = characteristic.writeAsync(Buffer.from(value), !withResponse);
        recorder?.sent(withResponse ? encodeWriteRequest(handle, value) : encodeWriteCommand(handle, value));
        sent.then(() => withResponse && recorder?.answered(encodeWriteResponse()), lostOn);
        return 0;
      },
      subscribed(handle, enabled) {
        const characteristic = byHandle.get(handle);
        const done = enabled ? characteristic?.subscribeAsync() : characteristic?.unsubscribeAsync();
        if (!done) return;
        // The CCCD is the value handle + 1 (docs/protocol.md §3.2).
        recorder?.sent(encodeWriteRequest(handle + 1, Uint8Array.of(enabled ? 1 : 0, 0)));
        done.then(() => recorder?.answered(encodeWriteResponse()), lostOn);
      },
    },
    { maxMtu: Math.min(517, Math.max(23, peripheral.mtu ?? 23)) },
  );
  for (const [handle, characteristic] of byHandle) {
    if (characteristic.properties.includes('read')) {
      recorder?.sent(encodeReadRequest(handle));
      const value = new Uint8Array(await characteristic.readAsync());
      recorder?.answered(encodeReadResponse(value));
      values.set(handle, value);
    }
    characteristic.on('data', (data: Buffer, isNotification: boolean) => {
      const value = new Uint8Array(data);
      if (isNotification) recorder?.answered(encodeHandleValueNotification(handle, value));
      values.set(handle, value);
      const pdu = server.notify(handle, value);
      if (pdu) deliver(pdu);
    });
  }
  peripheral.once('disconnect', (reason: unknown) => {
    recorder?.disconnected();
    drop(`TRANSPORT_LOST: device disconnected (${String(reason)})`);
  });
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

/** The unit's side of a `ble:` link as capture events, on connection handle 0x0040, in wall-clock time. */
class UnitRecorder {
  private readonly handle = 0x0040;

  constructor(
    private readonly sink: CaptureSink,
    address: string,
    mtu: number | null | undefined,
  ) {
    const tUs = wallClockUs();
    sink.capture({ kind: 'connect', tUs, handle: this.handle, address: address.toUpperCase() });
    if (mtu && mtu !== 23) sink.capture({ kind: 'mtu', tUs, handle: this.handle, mtu });
  }

  sent(bytes: Uint8Array): void {
    this.sink.capture({ kind: 'att', tUs: wallClockUs(), dir: 'toDevice', handle: this.handle, bytes });
  }

  answered(bytes: Uint8Array): void {
    this.sink.capture({ kind: 'att', tUs: wallClockUs(), dir: 'toHost', handle: this.handle, bytes });
  }

  disconnected(): void {
    this.sink.capture({ kind: 'disconnect', tUs: wallClockUs(), handle: this.handle, reason: 0x13 });
  }
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
