/**
 * Issue 18 item 2: the Web Bluetooth hub and shim answer as Chromium does in each situation a device
 * can be in, call by call: the table of docs/webbluetooth.md "Situations and errors", cell by cell.
 * Every cell starts from a fresh hub with the page connected (services and characteristics in hand,
 * battery notifications on); the device answers at once (`replyDelayMs: 0`), so nothing waits on
 * more than the hub's own pump, and no test sleeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BATTERY_CHAR_UUID, createVirtualDevice, IQOS_SERVICE_UUID, SCP_CHAR_UUID } from '../index.js';
import {
  type Bluetooth,
  type BluetoothDevice,
  type BluetoothRemoteGATTCharacteristic,
  type BluetoothRemoteGATTServer,
  type BluetoothRemoteGATTService,
  WebBluetoothHub,
} from '../transports/webbluetooth/index.js';

const notConnected = (what: string) =>
  `NetworkError: GATT Server is disconnected. Cannot ${what}. (Re)connect first with \`device.gatt.connect\`.`;
const SERVICES = notConnected('retrieve services');
const CHARACTERISTICS = notConnected('retrieve characteristics');
const GATT = notConnected('perform GATT operations');
const OUT_OF_RANGE = 'NetworkError: Bluetooth Device is no longer in range.';
const CONNECT_FAILED = 'NetworkError: Connection Error: Connection attempt failed.';
const NOT_AUTHORIZED = 'SecurityError: GATT operation not authorized.';
const CANCELLED = 'NotFoundError: User cancelled the requestDevice() chooser.';
const NO_ADAPTER = 'NotFoundError: Bluetooth adapter not available.';

interface Rig {
  hub: WebBluetoothHub;
  id: string;
  bluetooth: Bluetooth;
  device: BluetoothDevice;
  server: BluetoothRemoteGATTServer;
  service: BluetoothRemoteGATTService;
  scp: BluetoothRemoteGATTCharacteristic;
  battery: BluetoothRemoteGATTCharacteristic;
  /** `gattserverdisconnected` and call outcomes, in the order the page saw them. */
  log: string[];
  /** Settles at the first `gattserverdisconnected`. */
  dropped: Promise<void>;
}

let hub: WebBluetoothHub | undefined;
afterEach(() => {
  hub?.close();
  hub = undefined;
});

async function connectedRig(): Promise<Rig> {
  hub = new WebBluetoothHub();
  const id = hub.addDevice(createVirtualDevice({ model: 'iluma-i', replyDelayMs: 0 }));
  const bluetooth = hub.bluetooth();
  const device = await bluetooth.requestDevice({ filters: [{ services: [IQOS_SERVICE_UUID] }] });
  const server = await device.gatt.connect();
  const service = await server.getPrimaryService(IQOS_SERVICE_UUID);
  const scp = await service.getCharacteristic(SCP_CHAR_UUID);
  const battery = await service.getCharacteristic(BATTERY_CHAR_UUID);
  await battery.startNotifications();
  const log: string[] = [];
  const dropped = new Promise<void>((resolve) => {
    device.addEventListener('gattserverdisconnected', () => {
      log.push('gattserverdisconnected');
      resolve();
    });
  });
  return { hub, id, bluetooth, device, server, service, scp, battery, log, dropped };
}

/** What a call came to: `ok`, a value, or `Name: message` of its rejection. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    const value = await call;
    return typeof value === 'boolean' ? String(value) : 'ok';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const BYTES = Uint8Array.of(0x00, 0xc0, 0x00, 0x24, 0xfc);
/** Every call of the API, made by a page that still holds the objects of its connection. */
const CALLS: Record<string, (rig: Rig) => Promise<unknown>> = {
  requestDevice: (r) => r.bluetooth.requestDevice({ filters: [{ services: [IQOS_SERVICE_UUID] }] }),
  getDevices: async (r) => (await r.bluetooth.getDevices()).includes(r.device),
  getAvailability: (r) => r.bluetooth.getAvailability(),
  connect: (r) => r.server.connect(),
  getPrimaryService: (r) => r.server.getPrimaryService(IQOS_SERVICE_UUID),
  getPrimaryServices: (r) => r.server.getPrimaryServices(),
  getCharacteristic: (r) => r.service.getCharacteristic(BATTERY_CHAR_UUID),
  getCharacteristics: (r) => r.service.getCharacteristics(),
  readValue: (r) => r.battery.readValue(),
  writeValue: (r) => r.scp.writeValue(BYTES),
  writeValueWithResponse: (r) => r.scp.writeValueWithResponse(BYTES),
  writeValueWithoutResponse: (r) => r.scp.writeValueWithoutResponse(BYTES),
  startNotifications: (r) => r.scp.startNotifications(),
  stopNotifications: (r) => r.battery.stopNotifications(),
  forget: (r) => r.device.forget(),
};

/** The GATT calls on the old connection's objects, which all fail alike once it is gone. */
const GATT_CALLS = {
  getPrimaryService: SERVICES,
  getPrimaryServices: SERVICES,
  getCharacteristic: CHARACTERISTICS,
  getCharacteristics: CHARACTERISTICS,
  readValue: GATT,
  writeValue: GATT,
  writeValueWithResponse: GATT,
  writeValueWithoutResponse: GATT,
  startNotifications: GATT,
  stopNotifications: GATT,
};

/** Situation → how to put the device in it → what each call answers afterwards. */
const SITUATIONS: Record<string, { enter: (rig: Rig) => Promise<unknown>; expect: Record<string, string> }> =
  {
    'out of range': {
      enter: async (r) => r.hub.outOfRange(r.id),
      expect: {
        requestDevice: CANCELLED,
        getDevices: 'true',
        getAvailability: 'true',
        connect: OUT_OF_RANGE,
        ...GATT_CALLS,
        forget: 'ok',
      },
    },
    'adapter off': {
      enter: async (r) => r.hub.setAdapter('powered-off'),
      expect: {
        requestDevice: CANCELLED,
        getDevices: 'true',
        getAvailability: 'true',
        connect: OUT_OF_RANGE,
        ...GATT_CALLS,
        forget: 'ok',
      },
    },
    'adapter removed': {
      enter: async (r) => r.hub.setAdapter('absent'),
      expect: {
        requestDevice: NO_ADAPTER,
        getDevices: 'true',
        getAvailability: 'false',
        connect: OUT_OF_RANGE,
        ...GATT_CALLS,
        forget: 'ok',
      },
    },
    'permission revoked': {
      enter: async (r) => r.hub.revoke(r.id),
      expect: {
        requestDevice: 'ok',
        getDevices: 'false',
        getAvailability: 'true',
        connect: NOT_AUTHORIZED,
        ...GATT_CALLS,
        forget: 'ok',
      },
    },
    'forgotten (forget())': {
      enter: (r) => r.device.forget(),
      expect: {
        requestDevice: 'ok',
        getDevices: 'false',
        getAvailability: 'true',
        connect: NOT_AUTHORIZED,
        ...GATT_CALLS,
        forget: 'ok',
      },
    },
    'device-side disconnect': {
      enter: async (r) => r.hub.disconnect(r.id),
      expect: {
        requestDevice: 'ok',
        getDevices: 'true',
        getAvailability: 'true',
        connect: 'ok',
        ...GATT_CALLS,
        forget: 'ok',
      },
    },
  };

describe('every call after each situation answers as Chromium (docs/webbluetooth.md "Situations and errors")', () => {
  for (const [situation, { enter, expect: expected }] of Object.entries(SITUATIONS)) {
    it(situation, async () => {
      const seen: Record<string, string> = {};
      for (const call of Object.keys(CALLS)) {
        const rig = await connectedRig();
        await enter(rig);
        await rig.dropped;
        expect(rig.log, `${situation}: one gattserverdisconnected`).toEqual(['gattserverdisconnected']);
        seen[call] = await outcome((CALLS[call] as (r: Rig) => Promise<unknown>)(rig));
        rig.hub.close();
      }
      expect(seen).toEqual(expected);
    });
  }
});

/** Drops that can happen while a call waits, and what a connect in flight then answers. */
const DROPS: Record<string, { drop: (rig: Rig) => void; connect: string }> = {
  'device-side disconnect': { drop: (r) => r.hub.disconnect(r.id), connect: CONNECT_FAILED },
  'out of range': { drop: (r) => r.hub.outOfRange(r.id), connect: OUT_OF_RANGE },
  'adapter off': { drop: (r) => r.hub.setAdapter('powered-off'), connect: OUT_OF_RANGE },
  'adapter removed': { drop: (r) => r.hub.setAdapter('absent'), connect: OUT_OF_RANGE },
  'permission revoked': { drop: (r) => r.hub.revoke(r.id), connect: NOT_AUTHORIZED },
};

/** Calls with a request in flight to drop under (writeValueWithoutResponse: no characteristic allows it). */
const PENDING: Record<string, string> = {
  getPrimaryService: SERVICES,
  getPrimaryServices: SERVICES,
  getCharacteristic: CHARACTERISTICS,
  getCharacteristics: CHARACTERISTICS,
  readValue: GATT,
  writeValue: GATT,
  writeValueWithResponse: GATT,
  startNotifications: GATT,
  stopNotifications: GATT,
};

describe('the link drops while a call is pending (docs/webbluetooth.md "Situations and errors")', () => {
  for (const [situation, { drop, connect }] of Object.entries(DROPS)) {
    it(`${situation}: gattserverdisconnected first, then NetworkError; a connect in flight fails`, async () => {
      for (const [call, expected] of Object.entries(PENDING)) {
        const rig = await connectedRig();
        const pending = outcome((CALLS[call] as (r: Rig) => Promise<unknown>)(rig)).then((o) =>
          rig.log.push(o),
        );
        drop(rig);
        await pending;
        expect(rig.log, `${situation} during ${call}`).toEqual(['gattserverdisconnected', expected]);
        rig.hub.close();
      }
      // A connect whose link is still being set up (MTU exchange, discovery) when the drop comes.
      const rig = await connectedRig();
      rig.server.disconnect();
      rig.log.length = 0;
      if (situation === 'device-side disconnect' || situation === 'permission revoked') {
        const connecting = outcome(rig.server.connect());
        drop(rig);
        expect(await connecting).toBe(connect);
      } else {
        // Out of range or adapter gone before the link exists: the attempt fails at once.
        drop(rig);
        expect(await outcome(rig.server.connect())).toBe(connect);
      }
      expect(rig.server.connected).toBe(false);
      expect(rig.hub.isConnected(rig.id)).toBe(false);
    });
  }
});

describe('back in range', () => {
  it('the same BluetoothDevice reconnects with gatt.connect(); old attributes are stale as in Chromium', async () => {
    const rig = await connectedRig();
    rig.hub.outOfRange(rig.id);
    await rig.dropped;
    expect(await outcome(rig.server.connect())).toBe(OUT_OF_RANGE);
    rig.hub.inRange(rig.id);
    expect((await rig.bluetooth.getDevices())[0]).toBe(rig.device);
    expect(await rig.device.gatt.connect()).toBe(rig.server);
    expect(rig.server.connected).toBe(true);
    expect(await outcome(rig.battery.readValue())).toBe(
      `InvalidStateError: Characteristic with UUID ${BATTERY_CHAR_UUID} is no longer valid. Remember to retrieve the characteristic again after reconnecting.`,
    );
    expect(await outcome(rig.service.getCharacteristics())).toBe(
      `InvalidStateError: Service with UUID ${IQOS_SERVICE_UUID} is no longer valid. Remember to retrieve the service again after reconnecting.`,
    );
    const service = await rig.server.getPrimaryService(IQOS_SERVICE_UUID);
    const battery = await service.getCharacteristic(BATTERY_CHAR_UUID);
    expect((await battery.readValue()).byteLength).toBeGreaterThan(2);
    // The chooser offers it again, and an adapter back on connects too.
    rig.hub.setAdapter('powered-off');
    await expect.poll(() => rig.log.length).toBe(2);
    rig.hub.setAdapter('powered-on');
    expect(await outcome(CALLS.requestDevice?.(rig) as Promise<unknown>)).toBe('ok');
    expect(await outcome(rig.server.connect())).toBe('ok');
  });

  it('forget() fires gattserverdisconnected before it resolves, and the device can be asked for again', async () => {
    const rig = await connectedRig();
    await rig.device.forget().then(() => rig.log.push('forgotten'));
    expect(rig.log).toEqual(['gattserverdisconnected', 'forgotten']);
    expect(await rig.bluetooth.getDevices()).toEqual([]);
    const again = await rig.bluetooth.requestDevice({ filters: [{ services: [IQOS_SERVICE_UUID] }] });
    expect((await again.gatt.connect()).connected).toBe(true);
  });
});
