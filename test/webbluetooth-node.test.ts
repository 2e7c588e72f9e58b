/**
 * The Node Web Bluetooth implementation (issue #5 item 1): an unmodified app routine written
 * against the standard API, then the spec behaviours apps rely on (filters, chooser, errors, UUIDs,
 * DataView values). Everything runs through `WebBluetoothHub`, whose clock follows real time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  BATTERY_CHAR_UUID,
  createVirtualDevice,
  decodeFrame,
  encodeCommand,
  HANDLES,
  IQOS_SERVICE_UUID,
  SCP_CHAR_UUID,
  type VirtualDevice,
} from '../index.js';
import {
  type Bluetooth,
  type BluetoothRemoteGATTCharacteristic,
  type ChooserPolicy,
  installWebBluetooth,
  WebBluetoothHub,
} from '../transports/webbluetooth/index.js';

const DIS = '0000180a-0000-1000-8000-00805f9b34fb';
const MODEL_NUMBER = '00002a24-0000-1000-8000-00805f9b34fb';

/**
 * The app: what a companion app's "read the battery over SCP" feature does, in standard Web
 * Bluetooth and nothing else.
 */
async function readChargerBattery(bluetooth: Bluetooth): Promise<{
  name: string | null;
  model: string;
  scpReply: number[];
  batteryRecord: number[];
}> {
  const device = await bluetooth.requestDevice({
    filters: [{ services: ['daebb240-b041-11e4-9e45-0002a5d5c51b'] }],
    optionalServices: ['device_information'],
  });
  const server = await device.gatt.connect();
  const info = await server.getPrimaryService('device_information');
  const model = new TextDecoder().decode(
    await (await info.getCharacteristic('model_number_string')).readValue(),
  );
  const service = await server.getPrimaryService('daebb240-b041-11e4-9e45-0002a5d5c51b');
  const controlPoint = await service.getCharacteristic('e16c6e20-b041-11e4-a4c3-0002a5d5c51b');
  await controlPoint.startNotifications();
  const reply = new Promise<DataView>((resolve) => {
    controlPoint.addEventListener(
      'characteristicvaluechanged',
      (event) => resolve((event.target as BluetoothRemoteGATTCharacteristic).value as DataView),
      { once: true },
    );
  });
  // get-battery-percent, as `iqsim encode get-battery-percent` prints it.
  await controlPoint.writeValueWithResponse(new Uint8Array([0x00, 0xc0, 0x00, 0x24, 0xfc]));
  const scpReply = await reply;
  const battery = await service.getCharacteristic('f8a54120-b041-11e4-9be7-0002a5d5c51b');
  const batteryRecord = await battery.readValue();
  await controlPoint.stopNotifications();
  server.disconnect();
  return {
    name: device.name,
    model,
    scpReply: Array.from(new Uint8Array(scpReply.buffer)),
    batteryRecord: Array.from(new Uint8Array(batteryRecord.buffer)),
  };
}

let hub: WebBluetoothHub | undefined;
afterEach(() => {
  hub?.close();
  hub = undefined;
});

function setUp(chooser: ChooserPolicy = 'first', ...devices: VirtualDevice[]) {
  hub = new WebBluetoothHub({ chooser });
  const all = devices.length > 0 ? devices : [createVirtualDevice({ model: 'iluma-i' })];
  const ids = all.map((d) => hub?.addDevice(d) as string);
  return { hub, bluetooth: hub.bluetooth(), devices: all, ids };
}

/** Connects to the only device and returns its IQOS service characteristics. */
async function connected(bluetooth: Bluetooth, optionalServices: (string | number)[] = []) {
  const device = await bluetooth.requestDevice({
    filters: [{ services: [IQOS_SERVICE_UUID] }],
    optionalServices,
  });
  const server = await device.gatt.connect();
  const service = await server.getPrimaryService(IQOS_SERVICE_UUID);
  return {
    device,
    server,
    service,
    scp: await service.getCharacteristic(SCP_CHAR_UUID),
    battery: await service.getCharacteristic(BATTERY_CHAR_UUID),
  };
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; dom: boolean }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error;
    return { name: e.name, message: e.message, dom: error instanceof DOMException };
  }
  throw new Error('expected a rejection');
}

describe('an unmodified Web Bluetooth app routine in Node', () => {
  it('pairs, reads DIS, does an SCP request/reply by notification and reads the battery', async () => {
    const { bluetooth, devices, hub } = setUp();
    const device = devices[0] as VirtualDevice;
    const result = await readChargerBattery(bluetooth);
    expect(result.name).toBe('IQOS ILUMA i');
    expect(result.model).toBe('M0022');
    const frame = decodeFrame(Uint8Array.from(result.scpReply.slice(1)));
    expect(frame.ok).toBe(true);
    expect(result.scpReply[0]).toBe(0x00); // BLE transport byte: last fragment
    expect(result.batteryRecord[2]).toBe(device.firmware.battery().chargerPercent);
    await expect.poll(() => hub.isConnected(device)).toBe(false);
  });
});

describe('Web Bluetooth spec behaviour (Node)', () => {
  it('rejects malformed options with TypeError (§4.1 canonicalisation)', async () => {
    const { bluetooth } = setUp();
    const bad: unknown[] = [
      undefined,
      {},
      { filters: [] },
      { filters: [{}] },
      { filters: [{ services: [] }] },
      { filters: [{ namePrefix: '' }] },
      { filters: [{ services: [IQOS_SERVICE_UUID] }], acceptAllDevices: true },
      { filters: [{ services: [IQOS_SERVICE_UUID.toUpperCase()] }] },
      { filters: [{ services: ['180a'] }] },
      {
        filters: [
          {
            manufacturerData: [
              { companyIdentifier: 0x0223, dataPrefix: Uint8Array.of(1), mask: Uint8Array.of(1, 2) },
            ],
          },
        ],
      },
      { filters: [{ manufacturerData: [{ dataPrefix: Uint8Array.of(1) }] }] },
      { exclusionFilters: [{ name: 'x' }], acceptAllDevices: true },
      { acceptAllDevices: true, optionalServices: ['not a uuid'] },
    ];
    for (const options of bad) {
      const request = bluetooth.requestDevice as (o: unknown) => Promise<unknown>;
      const error = await rejection(request.call(bluetooth, options));
      expect(error.name, JSON.stringify(options)).toBe('TypeError');
    }
  });

  it('matches filters on advertised service, name, name prefix and manufacturer data', async () => {
    const iluma = createVirtualDevice({ model: 'iluma-i' });
    const iqos3 = createVirtualDevice({ model: 'iqos-3', seed: 7 });
    const { bluetooth, ids } = setUp('first', iqos3, iluma);
    const pick = async (options: Parameters<Bluetooth['requestDevice']>[0]) =>
      (await bluetooth.requestDevice(options)).id;
    expect(await pick({ filters: [{ name: 'IQOS ILUMA i' }] })).toBe(ids[1]);
    expect(await pick({ filters: [{ namePrefix: 'IQOS3_' }] })).toBe(ids[0]);
    expect(await pick({ filters: [{ services: [IQOS_SERVICE_UUID], namePrefix: 'IQOS ILUMA' }] })).toBe(
      ids[1],
    );
    // Company 0x0223, byte 01 while unbonded (docs/protocol.md §2.1).
    const unbonded = {
      filters: [{ manufacturerData: [{ companyIdentifier: 0x0223, dataPrefix: Uint8Array.of(0x01) }] }],
    };
    expect(await pick(unbonded)).toBe(ids[0]);
    const bonded = {
      filters: [{ manufacturerData: [{ companyIdentifier: 0x0223, dataPrefix: Uint8Array.of(0x00) }] }],
    };
    expect((await rejection(pick(bonded))).name).toBe('NotFoundError');
    iluma.bond(iluma.now);
    expect(await pick(bonded)).toBe(ids[1]);
    // A masked-out byte matches anything.
    const masked = {
      filters: [
        {
          manufacturerData: [
            { companyIdentifier: 0x0223, dataPrefix: Uint8Array.of(0x55), mask: Uint8Array.of(0) },
          ],
        },
      ],
    };
    expect(await pick(masked)).toBe(ids[0]);
    // DIS is not advertised, so it cannot select a device; exclusions remove a match.
    expect((await rejection(pick({ filters: [{ services: [DIS] }] }))).name).toBe('NotFoundError');
    expect(
      await pick({
        filters: [{ services: [IQOS_SERVICE_UUID] }],
        exclusionFilters: [{ namePrefix: 'IQOS3' }],
      }),
    ).toBe(ids[1]);
  });

  it('plays the chooser: cancel gives NotFoundError, by name, by id, or a function', async () => {
    const a = createVirtualDevice({ model: 'iluma-i', seed: 1 });
    const b = createVirtualDevice({ model: 'iluma-i-one', seed: 2 });
    const { bluetooth, hub, ids } = setUp('cancel', a, b);
    const all = { acceptAllDevices: true } as const;
    const cancelled = await rejection(bluetooth.requestDevice(all));
    expect(cancelled).toEqual({
      name: 'NotFoundError',
      message: 'User cancelled the requestDevice() chooser.',
      dom: true,
    });
    hub.chooser = { name: 'IQOS ILUMA i ONE' };
    expect((await bluetooth.requestDevice(all)).id).toBe(ids[1]);
    hub.chooser = { id: ids[0] as string };
    expect((await bluetooth.requestDevice(all)).id).toBe(ids[0]);
    hub.chooser = { name: 'nobody' };
    expect((await rejection(bluetooth.requestDevice(all))).name).toBe('NotFoundError');
    const seen: string[] = [];
    hub.chooser = (candidates) => {
      seen.push(...candidates.map((c) => `${c.name}`));
      return candidates.at(-1)?.device;
    };
    expect((await bluetooth.requestDevice(all)).id).toBe(ids[1]);
    expect(seen).toEqual(['IQOS ILUMA i', 'IQOS ILUMA i ONE']);
    // Ids are stable per device and look like Chromium's (base64 of 16 bytes).
    expect(ids[0]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(new WebBluetoothHub().addDevice(createVirtualDevice({ model: 'iluma-i', seed: 1 }))).toBe(ids[0]);
    // The same device object comes back for the same id, and getDevices lists the grants.
    const again = await bluetooth.requestDevice(all);
    expect(await bluetooth.getDevices()).toContain(again);
    expect(await bluetooth.getAvailability()).toBe(true);
  });

  it('refuses services the page did not ask for with SecurityError, in the shim and in the hub', async () => {
    const { bluetooth, hub, ids } = setUp();
    const { server } = await connected(bluetooth);
    const error = await rejection(server.getPrimaryService(0x180a));
    expect(error.name).toBe('SecurityError');
    expect(error.dom).toBe(true);
    const services = await server.getPrimaryServices();
    expect(services.map((s) => s.uuid)).toEqual([IQOS_SERVICE_UUID]);
    // A second shim on its own session with the same grant: the hub itself refuses DIS reads.
    const session = hub.createSession();
    const granted = await session.requestDevice({
      filters: [{ services: [IQOS_SERVICE_UUID] }],
      acceptAllDevices: false,
      optionalServices: [],
      optionalManufacturerData: [],
    });
    expect(granted.id).toBe(ids[0]);
    await session.connect(granted.id);
    expect((await rejection(session.read(granted.id, HANDLES.modelNumber))).name).toBe('SecurityError');
    expect((await session.services(granted.id)).map((s) => s.uuid)).toEqual([IQOS_SERVICE_UUID]);
    // After asking for DIS in optionalServices, it is allowed.
    const { server: again } = await connected(bluetooth, [0x180a]);
    const dis = await again.getPrimaryService('device_information');
    expect(dis.uuid).toBe(DIS);
    const model = await dis.getCharacteristic(0x2a24);
    expect(model.uuid).toBe(MODEL_NUMBER);
  });

  it('gives notification values as a DataView over an ArrayBuffer of exactly their length', async () => {
    const { bluetooth, hub, devices } = setUp();
    const { battery } = await connected(bluetooth);
    const values: DataView[] = [];
    battery.oncharacteristicvaluechanged = (event) => {
      values.push((event.target as BluetoothRemoteGATTCharacteristic).value as DataView);
    };
    await battery.startNotifications();
    await expect.poll(() => values.length).toBeGreaterThan(0); // the value on subscribe (D-18)
    hub.input(devices[0] as VirtualDevice, { type: 'level', unit: 'charger', percent: 42 });
    await expect.poll(() => values.at(-1)?.getUint8(2)).toBe(42);
    for (const value of values) {
      expect(value).toBeInstanceOf(DataView);
      expect(value.byteOffset).toBe(0);
      expect(value.buffer.byteLength).toBe(value.byteLength);
    }
    expect(battery.value).toBe(values.at(-1));
    const read = await battery.readValue();
    expect(read.buffer.byteLength).toBe(read.byteLength);
  });

  it('normalises UUIDs like BluetoothUUID', async () => {
    const { BluetoothUUID } = installWebBluetooth({}, { backend: new WebBluetoothHub().createSession() });
    expect(BluetoothUUID.getService(0x180a)).toBe(DIS);
    expect(BluetoothUUID.getService('device_information')).toBe(DIS);
    expect(BluetoothUUID.getService(IQOS_SERVICE_UUID)).toBe(IQOS_SERVICE_UUID);
    expect(BluetoothUUID.getCharacteristic(0x2a24)).toBe(MODEL_NUMBER);
    expect(BluetoothUUID.getCharacteristic('model_number_string')).toBe(MODEL_NUMBER);
    expect(BluetoothUUID.getDescriptor('gatt.client_characteristic_configuration')).toBe(
      '00002902-0000-1000-8000-00805f9b34fb',
    );
    expect(BluetoothUUID.canonicalUUID(0x12345678)).toBe('12345678-0000-1000-8000-00805f9b34fb');
    expect(() => BluetoothUUID.getService('180a')).toThrow(TypeError);
    expect(() => BluetoothUUID.getService(IQOS_SERVICE_UUID.toUpperCase())).toThrow(TypeError);
    expect(() => BluetoothUUID.getCharacteristic('battery_service')).toThrow(TypeError);
  });

  it('reports NotSupportedError for missing properties and NetworkError when not connected', async () => {
    const { bluetooth } = setUp();
    const { server, scp, battery, service } = await connected(bluetooth);
    expect(battery.properties.read && battery.properties.notify && !battery.properties.write).toBe(true);
    expect(scp.properties.write && scp.properties.notify && !scp.properties.read).toBe(true);
    expect((await rejection(battery.writeValueWithResponse(Uint8Array.of(1)))).name).toBe(
      'NotSupportedError',
    );
    expect((await rejection(scp.readValue())).name).toBe('NotSupportedError');
    expect((await rejection(scp.writeValueWithoutResponse(Uint8Array.of(1)))).name).toBe('NotSupportedError');
    expect((await rejection(scp.writeValue(new Uint8Array(513)))).name).toBe('InvalidModificationError');
    expect((await rejection(scp.writeValue('00 C0' as unknown as Uint8Array))).name).toBe('TypeError');
    expect((await rejection(service.getCharacteristic(0x2a24))).name).toBe('NotFoundError');
    server.disconnect();
    expect(server.connected).toBe(false);
    expect((await rejection(battery.readValue())).name).toBe('NetworkError');
    expect((await rejection(server.getPrimaryService(IQOS_SERVICE_UUID))).name).toBe('NetworkError');
    // Reconnected, the old attribute objects are stale and new ones work.
    await server.connect();
    expect((await rejection(battery.readValue())).name).toBe('InvalidStateError');
    const fresh = await (await server.getPrimaryService(IQOS_SERVICE_UUID)).getCharacteristic(
      BATTERY_CHAR_UUID,
    );
    expect(fresh).not.toBe(battery);
    expect((await fresh.readValue()).byteLength).toBeGreaterThan(2);
  });

  it('writes any BufferSource exactly (ArrayBuffer, typed array view with an offset, DataView)', async () => {
    const { bluetooth, devices } = setUp();
    const device = devices[0] as VirtualDevice;
    const { scp } = await connected(bluetooth);
    const low = Uint8Array.of(0x00, ...encodeCommand('set-brightness', { args: ['low'] }));
    const high = Uint8Array.of(0x00, ...encodeCommand('set-brightness', { args: ['high'] }));
    const padded = new Uint8Array(low.length + 6);
    padded.set(low, 3);
    await scp.writeValueWithResponse(padded.subarray(3, 3 + low.length));
    expect(device.firmware.state.settings.chargerBrightness).toBe(30);
    await scp.writeValue(new DataView(high.buffer.slice(0)));
    expect(device.firmware.state.settings.chargerBrightness).toBe(100);
    await scp.writeValueWithResponse(low.buffer.slice(0));
    expect(device.firmware.state.settings.chargerBrightness).toBe(30);
    expect(Array.from(new Uint8Array((scp.value as DataView).buffer))).toEqual(Array.from(low));
  });

  it('fires gattserverdisconnected when the device drops the link, and can reconnect', async () => {
    const { bluetooth, hub, ids } = setUp();
    const { device, server } = await connected(bluetooth);
    const events: string[] = [];
    device.addEventListener('gattserverdisconnected', (e) => events.push(`listener:${e.type}`));
    device.ongattserverdisconnected = (e) => events.push(`handler:${e.type}`);
    expect(hub.disconnect(ids[0] as string)).toBe(true);
    await expect
      .poll(() => events)
      .toEqual(['listener:gattserverdisconnected', 'handler:gattserverdisconnected']);
    expect(server.connected).toBe(false);
    await server.connect();
    expect(server.connected).toBe(true);
    expect(hub.isConnected(ids[0] as string)).toBe(true);
    // A page-side disconnect fires the event too (§"clean up the disconnected device").
    server.disconnect();
    expect(events.at(-1)).toBe('handler:gattserverdisconnected');
    await expect.poll(() => hub.isConnected(ids[0] as string)).toBe(false);
  });
});
