/**
 * Issue #5 item 2: `@stoprocent/noble` used through its public API, as a Node app uses it, sees and
 * talks to virtual IQOS devices through the virtual noble bindings; no Bluetooth adapter anywhere.
 * noble runs in real time here (a connection's clock follows the process clock), so these tests wait
 * for events, never for fixed delays.
 */
import { once } from 'node:events';
import type { Characteristic, Noble, Peripheral } from '@stoprocent/noble';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBatteryRecord } from '../protocol/index.js';
import { createVirtualDevice, InMemoryLink, VirtualClock, type VirtualDevice } from '../simulator/index.js';
import {
  createVirtualNoble,
  HCI_LOCAL_HOST_TERMINATED,
  HCI_REMOTE_POWER_OFF,
  HCI_REMOTE_USER_TERMINATED,
  nobleAdvertisement,
  nobleUuid,
  type VirtualNobleBindings,
  type VirtualNobleBindingsOptions,
} from '../transports/noble/index.js';

const IQOS_SERVICE = 'daebb240b04111e49e450002a5d5c51b';
const SCP = 'e16c6e20b04111e4a4c30002a5d5c51b';
const BATTERY = 'f8a54120b04111e49be70002a5d5c51b';
const TEST_TIMEOUT_MS = 10_000;

/**
 * An app imports noble's default instance; a test swaps the module for one whose default instance
 * sees virtual devices (the app's code is unchanged). Only the app routine at the end uses it: the
 * other tests build their own noble with `createVirtualNoble`.
 */
const app = vi.hoisted(() => ({
  devices: [] as VirtualDevice[],
  bindings: undefined as VirtualNobleBindings | undefined,
}));
vi.mock('@stoprocent/noble', async (importOriginal) => {
  const actual = await importOriginal<Record<string, unknown>>();
  const { createVirtualNoble } = await import('../transports/noble/index.js');
  const { noble, bindings } = createVirtualNoble({ devices: () => app.devices });
  app.bindings = bindings;
  return { ...actual, default: noble };
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function virtualNoble(options: VirtualNobleBindingsOptions): {
  noble: Noble;
  bindings: VirtualNobleBindings;
} {
  const made = createVirtualNoble(options);
  cleanups.push(() => {
    made.noble.stop(); // stops scanning, drops connections, clears every timer of the bindings
    made.noble.removeAllListeners();
  });
  return made;
}

/** Scans for `serviceUuids` until noble reports a peripheral, then stops scanning. */
async function discoverOne(noble: Noble, serviceUuids: string[]): Promise<Peripheral> {
  const discovered = new Promise<Peripheral>((resolve) => noble.once('discover', resolve));
  await noble.startScanningAsync(serviceUuids, false);
  const peripheral = await discovered;
  await noble.stopScanningAsync();
  return peripheral;
}

/** Connects and discovers everything, as an app does; returns a characteristic finder. */
async function connectAll(peripheral: Peripheral): Promise<(uuid: string) => Characteristic> {
  await peripheral.connectAsync();
  const { characteristics } = await peripheral.discoverAllServicesAndCharacteristicsAsync();
  return (uuid) => {
    const found = characteristics.find((c) => c.uuid === uuid);
    if (!found) throw new Error(`no characteristic ${uuid}`);
    return found;
  };
}

/** The next notification on `characteristic` that `accept` takes. */
function nextNotification(characteristic: Characteristic, accept: (data: Buffer) => boolean = () => true) {
  return new Promise<Buffer>((resolve) => {
    const listener = (data: Buffer, isNotification: boolean) => {
      if (!isNotification || !accept(data)) return;
      characteristic.removeListener('data', listener);
      resolve(data);
    };
    characteristic.on('data', listener);
  });
}

function chargerLevel(data: Buffer): number | undefined {
  const record = decodeBatteryRecord(data);
  return record.ok ? record.value.chargerLevelPct : undefined;
}

async function connectedIluma(): Promise<{
  device: VirtualDevice;
  noble: Noble;
  bindings: VirtualNobleBindings;
  peripheral: Peripheral;
  characteristic: (uuid: string) => Characteristic;
}> {
  const device = createVirtualDevice({ model: 'iluma-i' });
  const { noble, bindings } = virtualNoble({ devices: [device] });
  await noble.waitForPoweredOnAsync();
  const peripheral = await discoverOne(noble, [IQOS_SERVICE]);
  const characteristic = await connectAll(peripheral);
  return { device, noble, bindings, peripheral, characteristic };
}

describe('noble on virtual devices', () => {
  it(
    'discovers a holder by service and name, reads DIS, exchanges SCP and gets a battery notification',
    async () => {
      const device = createVirtualDevice({ model: 'iluma-i' });
      const { noble, bindings } = virtualNoble({ devices: [device] });
      await noble.waitForPoweredOnAsync();
      expect(noble.state).toBe('poweredOn');

      const peripheral = await discoverOne(noble, [IQOS_SERVICE]);
      const address = device.identity.address.toLowerCase();
      expect(peripheral.id).toBe(address.replace(/:/g, ''));
      expect(peripheral.address).toBe(address);
      expect(peripheral.addressType).toBe('random');
      expect(peripheral.connectable).toBe(true);
      expect(peripheral.rssi).toBe(-50);
      const { advertisement } = peripheral;
      expect(advertisement.localName).toBe('IQOS ILUMA i');
      expect(advertisement.serviceUuids).toEqual([IQOS_SERVICE]);
      expect(advertisement.txPowerLevel).toBe(6);
      expect(advertisement.manufacturerData.readUInt16LE(0)).toBe(0x0223);
      expect(advertisement.manufacturerData.toString('hex')).toBe('23020100'); // 01: not bonded

      await peripheral.connectAsync();
      expect(peripheral.state).toBe('connected');
      expect(peripheral.mtu).toBe(247);
      expect(device.connected).toBe(true);
      const { services, characteristics } = await peripheral.discoverAllServicesAndCharacteristicsAsync();
      expect(services.map((s) => s.uuid)).toEqual(['1800', '1801', '180a', IQOS_SERVICE]);
      const characteristic = (uuid: string) => {
        const found = characteristics.find((c) => c.uuid === uuid);
        if (!found) throw new Error(`no characteristic ${uuid}`);
        return found;
      };
      expect(characteristic(SCP).properties).toEqual(['write', 'notify']);
      expect(characteristic(BATTERY).properties).toEqual(['read', 'notify']);

      // Device Information (docs/protocol.md §3.6).
      expect((await characteristic('2a24').readAsync()).toString()).toBe('M0022');
      const manufacturer = (await characteristic('2a29').readAsync()).toString();
      expect(manufacturer).toBe(device.identity.manufacturer);

      // SCP request/reply on the control point: get brightness; the reply follows transport byte 00.
      const scp = characteristic(SCP);
      await scp.subscribeAsync();
      const reply = nextNotification(scp);
      await scp.writeAsync(Buffer.from([0x00, 0xc0, 0x02, 0x23, 0xc3]), false);
      expect((await reply).toString('hex')).toBe('00c08623640000' + '00d5');

      // A battery notification pushed by the device.
      const battery = characteristic(BATTERY);
      const at55 = nextNotification(battery, (data) => chargerLevel(data) === 55);
      await battery.subscribeAsync();
      device.input({ type: 'level', unit: 'charger', percent: 55 }, bindings.nowMs(device));
      expect(chargerLevel(await at55)).toBe(55);

      await peripheral.disconnectAsync();
      expect(peripheral.state).toBe('disconnected');
      expect(device.connected).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reports a device-initiated disconnect as the peripheral disconnect event',
    async () => {
      const { device, bindings, peripheral, characteristic } = await connectedIluma();
      const disconnected = once(peripheral, 'disconnect');
      expect(bindings.dropConnection(device)).toBe(true);
      expect(await disconnected).toEqual([HCI_REMOTE_USER_TERMINATED]);
      expect(peripheral.state).toBe('disconnected');
      expect(device.connected).toBe(false);
      await expect(characteristic('2a24').readAsync()).rejects.toThrow(/not connected/);
      expect(bindings.dropConnection(device)).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'drops the link with reason 0x15 when the device switches Bluetooth off',
    async () => {
      const { device, bindings, peripheral } = await connectedIluma();
      const disconnected = once(peripheral, 'disconnect');
      bindings.input(device, { type: 'level', unit: 'charger', percent: 0 }); // deep discharge: charger off
      expect(device.firmware.state.charger.bluetoothOn).toBe(false);
      expect(await disconnected).toEqual([HCI_REMOTE_POWER_OFF]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'lets noble clean up when the adapter powers off',
    async () => {
      const { device, noble, bindings, peripheral } = await connectedIluma();
      const disconnected = once(peripheral, 'disconnect');
      const stateChanged = once(noble, 'stateChange');
      bindings.setState('poweredOff');
      expect(await stateChanged).toEqual(['poweredOff']);
      expect(await disconnected).toEqual(['cleanup']);
      expect(device.connected).toBe(false);
      await expect(noble.startScanningAsync()).rejects.toThrow(/poweredOff/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'passes ATT errors to the app as rejections, reads the CCCD as a descriptor, and pairs',
    async () => {
      const { device, peripheral, characteristic } = await connectedIluma();
      await expect(characteristic('2a24').writeAsync(Buffer.from('x'), false)).rejects.toThrow(
        /ATT error 0x03/,
      );
      const battery = characteristic(BATTERY);
      const descriptors = await battery.discoverDescriptorsAsync();
      expect(descriptors.map((d) => d.uuid)).toEqual(['2902']);
      const [cccd] = descriptors;
      expect((await cccd?.readValueAsync())?.toString('hex')).toBe('0000');
      await battery.subscribeAsync();
      expect((await cccd?.readValueAsync())?.toString('hex')).toBe('0100');
      expect(await characteristic('2a24').discoverDescriptorsAsync()).toEqual([]);
      // Handles, as noble's readHandle exposes them (docs/protocol.md §3.2: Model Number value handle
      // 0x000e).
      expect((await peripheral.readHandleAsync(0x0e)).toString()).toBe('M0022');
      // Just Works bonding (docs/protocol.md §3.8): the advertising byte becomes 00.
      await peripheral.pairAsync();
      expect(device.bonded).toBe(true);
      await peripheral.disconnectAsync();
      const ad = nobleAdvertisement(device.advertising()?.advertisement ?? new Uint8Array());
      expect(ad.manufacturerData?.toString('hex')).toBe('23020000');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'applies the service filter and re-announces only when duplicates are allowed',
    async () => {
      const device = createVirtualDevice({ model: 'iluma-i' });
      let rounds = 0;
      let roundsReached: (() => void) | undefined;
      const { noble } = virtualNoble({
        devices: () => {
          rounds += 1;
          if (rounds >= 4) roundsReached?.();
          return [device];
        },
        scanIntervalMs: 1,
      });
      await noble.waitForPoweredOnAsync();
      const seen: Peripheral[] = [];
      noble.on('discover', (peripheral: Peripheral) => seen.push(peripheral));

      // The first scan round runs before startScanning's callback: nothing matches Battery Service.
      await noble.startScanningAsync(['180f'], true);
      expect(seen).toEqual([]);
      await noble.stopScanningAsync();

      // Without duplicates: one report however many rounds.
      rounds = 0;
      const fourRounds = new Promise<void>((resolve) => {
        roundsReached = resolve;
      });
      await noble.startScanningAsync([], false);
      await fourRounds;
      await noble.stopScanningAsync();
      expect(seen).toHaveLength(1);

      // With duplicates: reported again every round.
      const threeMore = new Promise<void>((resolve) => {
        noble.on('discover', () => {
          if (seen.length >= 4) resolve();
        });
      });
      await noble.startScanningAsync(['DAEBB240-B041-11E4-9E45-0002A5D5C51B'], true);
      await threeMore;
      await noble.stopScanningAsync();
      expect(new Set(seen.map((p) => p.id)).size).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails a connect the device refuses, and connects by id without a scan',
    async () => {
      const busy = createVirtualDevice({ model: 'iluma-i', seed: 2 });
      const free = createVirtualDevice({ model: 'iluma-i', seed: 3 });
      const { noble, bindings } = virtualNoble({ devices: [busy, free] });
      await noble.waitForPoweredOnAsync();
      const otherCentral = new InMemoryLink(new VirtualClock(busy.now), busy);
      cleanups.push(() => otherCentral.close());
      await expect(noble.connectAsync(bindings.idOf(busy))).rejects.toThrow(/already connected/);

      const peripheral = await noble.connectAsync(bindings.idOf(free));
      expect(peripheral.state).toBe('connected');
      const disconnected = once(peripheral, 'disconnect');
      noble.stop();
      expect(await disconnected).toEqual([HCI_LOCAL_HOST_TERMINATED]);
      expect(free.connected).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});

/** A companion-app routine as an app writes it: noble's default instance, found by service and name. */
async function appReadsBatteryAndModel(): Promise<{ model: string; batteryPct: number | undefined }> {
  const { default: noble } = await import('@stoprocent/noble');
  await noble.waitForPoweredOnAsync();
  const found = new Promise<Peripheral>((resolve) => {
    const onDiscover = (peripheral: Peripheral) => {
      if (!peripheral.advertisement.localName?.startsWith('IQOS')) return;
      noble.removeListener('discover', onDiscover);
      resolve(peripheral);
    };
    noble.on('discover', onDiscover);
  });
  await noble.startScanningAsync([IQOS_SERVICE], false);
  const peripheral = await found;
  await noble.stopScanningAsync();
  await peripheral.connectAsync();
  const { characteristics } = await peripheral.discoverSomeServicesAndCharacteristicsAsync(
    ['180a', IQOS_SERVICE],
    ['2a24', BATTERY],
  );
  const model = characteristics.find((c) => c.uuid === '2a24');
  const battery = characteristics.find((c) => c.uuid === BATTERY);
  if (!model || !battery) throw new Error('not an IQOS');
  const modelNumber = (await model.readAsync()).toString();
  // Subscribe first, listen after: the value notified on subscribe must still arrive.
  await battery.subscribeAsync();
  const [level] = (await once(battery, 'data')) as [Buffer, boolean];
  await peripheral.disconnectAsync();
  return { model: modelNumber, batteryPct: chargerLevel(level) };
}

describe('an unmodified app on the default noble instance', () => {
  it(
    'finds, reads and subscribes through the mocked module',
    async () => {
      const device = createVirtualDevice({ model: 'iluma-i' });
      app.devices = [device];
      cleanups.push(() => app.bindings?.stop());
      const result = await appReadsBatteryAndModel();
      expect(result).toEqual({ model: 'M0022', batteryPct: device.firmware.battery().chargerPercent });
      expect(device.connected).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('noble formats', () => {
  it('spells UUIDs as noble does', () => {
    expect(nobleUuid('00002A24-0000-1000-8000-00805F9B34FB')).toBe('2a24');
    expect(nobleUuid('2A24')).toBe('2a24');
    expect(nobleUuid('daebb240-b041-11e4-9e45-0002a5d5c51b')).toBe(IQOS_SERVICE);
    expect(nobleUuid('0000180a')).toBe('180a');
  });

  it('merges advertising and scan response into one advertisement', () => {
    const advertising = Buffer.from('020105' + '03030f18' + '0416aafe01' + '05ff2302aabb' + '020af4', 'hex');
    // 'Test' as the complete name, then a structure that runs past the end (parsing stops there).
    const scanResponse = Buffer.concat([
      Buffer.from('0509', 'hex'),
      Buffer.from('Test'),
      Buffer.from('0bff', 'hex'),
    ]);
    const ad = nobleAdvertisement(advertising, scanResponse);
    expect(ad).toEqual({
      localName: 'Test',
      txPowerLevel: -12,
      manufacturerData: Buffer.from('2302aabb', 'hex'),
      serviceData: [{ uuid: 'feaa', data: Buffer.from([1]) }],
      serviceUuids: ['180f'],
      serviceSolicitationUuids: [],
    });
  });
});
