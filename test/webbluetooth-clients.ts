/**
 * Web Bluetooth client routines written as a companion app would write them (standard API only),
 * shared by the Node and the real-Chromium order tests (`webbluetooth-order.test.ts`,
 * `webbluetooth-browser-order.test.ts`). Each is self-contained (literals only, no imports at run
 * time) because the browser tests serialise it into the page. Routines of more than one phase keep
 * their objects and an event log on `globalThis.__wb`.
 */
import type {
  Bluetooth,
  BluetoothDevice,
  BluetoothRemoteGATTCharacteristic,
  BluetoothRemoteGATTServer,
} from '../transports/webbluetooth/index.js';

export interface ClientState {
  device: BluetoothDevice;
  server: BluetoothRemoteGATTServer;
  battery: BluetoothRemoteGATTCharacteristic;
  scp: BluetoothRemoteGATTCharacteristic;
  /** What happened, in order. */
  log: string[];
}

/**
 * The acceptance client of issue 9 item 2: subscribes, and adds its listener in the `.then()` of
 * `startNotifications()`. Resolves with the bytes of the first value it receives.
 */
export async function subscribeInThen(bluetooth: Bluetooth): Promise<number[]> {
  const service = 'daebb240-b041-11e4-9e45-0002a5d5c51b';
  const device = await bluetooth.requestDevice({ filters: [{ services: [service] }] });
  const server = await device.gatt.connect();
  const battery = await (await server.getPrimaryService(service)).getCharacteristic(
    'f8a54120-b041-11e4-9be7-0002a5d5c51b',
  );
  return new Promise((resolve) => {
    battery.startNotifications().then((characteristic) => {
      characteristic.addEventListener(
        'characteristicvaluechanged',
        (event) => {
          const value = (event.target as BluetoothRemoteGATTCharacteristic).value as DataView;
          resolve(Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)));
        },
        { once: true },
      );
    });
  });
}

/** Pairs and connects; keeps the battery and SCP characteristics and a fresh log on `globalThis.__wb`. */
export async function connectClient(bluetooth: Bluetooth): Promise<void> {
  const service = 'daebb240-b041-11e4-9e45-0002a5d5c51b';
  const device = await bluetooth.requestDevice({ filters: [{ services: [service] }] });
  const server = await device.gatt.connect();
  const iqos = await server.getPrimaryService(service);
  const battery = await iqos.getCharacteristic('f8a54120-b041-11e4-9be7-0002a5d5c51b');
  const scp = await iqos.getCharacteristic('e16c6e20-b041-11e4-a4c3-0002a5d5c51b');
  const log: string[] = [];
  device.addEventListener('gattserverdisconnected', () => log.push('gattserverdisconnected'));
  (globalThis as unknown as { __wb: ClientState }).__wb = { device, server, battery, scp, log };
}

/** Listener first, then startNotifications(): the log shows the promise and its reactions before the value. */
export async function startNotificationsOrder(): Promise<string[]> {
  const { battery } = (globalThis as unknown as { __wb: ClientState }).__wb;
  const log: string[] = [];
  const valued = new Promise<void>((resolve) => {
    battery.addEventListener(
      'characteristicvaluechanged',
      () => {
        log.push('characteristicvaluechanged');
        resolve();
      },
      { once: true },
    );
  });
  await battery
    .startNotifications()
    .then(() => log.push('resolved'))
    .then(() => log.push('resolved, next microtask'));
  await valued;
  return log;
}

/** readValue(): `value` set and the event fired before the promise resolves with that same value. */
export async function readValueOrder(): Promise<string[]> {
  const { battery } = (globalThis as unknown as { __wb: ClientState }).__wb;
  const log: string[] = [];
  let seen: DataView | null = null;
  battery.addEventListener(
    'characteristicvaluechanged',
    (event) => {
      seen = (event.target as BluetoothRemoteGATTCharacteristic).value;
      log.push(`characteristicvaluechanged (value set: ${seen !== null && seen === battery.value})`);
    },
    { once: true },
  );
  const value = await battery.readValue();
  log.push(`resolved (same value: ${value === seen && value === battery.value})`);
  return log;
}

/** writeValueWithResponse(): `value` unchanged while pending, the bytes written once resolved. */
export async function writeValueOrder(bytes: number[]): Promise<string[]> {
  const { scp } = (globalThis as unknown as { __wb: ClientState }).__wb;
  const hex = (view: DataView | null) =>
    view === null ? 'null' : Array.from(new Uint8Array(view.buffer), (b) => b.toString(16)).join(' ');
  const before = scp.value;
  const written = scp.writeValueWithResponse(new Uint8Array(bytes));
  const log = [`pending (value unchanged: ${scp.value === before})`];
  await written;
  log.push(`resolved (value: ${hex(scp.value)})`);
  return log;
}

/** Starts a battery read and logs how it ends; the test makes the device hold it. */
export function startPendingRead(): void {
  const { battery, log } = (globalThis as unknown as { __wb: ClientState }).__wb;
  battery.readValue().then(
    () => log.push('readValue resolved'),
    (error: Error) => log.push(`readValue rejected ${error.name}`),
  );
}

/** The page drops the connection itself while a call is pending. */
export function disconnectFromPage(): void {
  const { server, log } = (globalThis as unknown as { __wb: ClientState }).__wb;
  server.disconnect();
  log.push('disconnect() returned');
}

/** connect() then disconnect() at once: the connect aborts. */
export async function connectThenDisconnect(): Promise<string[]> {
  const { server, log } = (globalThis as unknown as { __wb: ClientState }).__wb;
  server.disconnect();
  log.length = 0;
  const connecting = server.connect();
  server.disconnect();
  log.push(`disconnect() returned (connected: ${server.connected})`);
  await connecting.then(
    () => log.push('connect resolved'),
    (error: Error) => log.push(`connect rejected ${error.name}`),
  );
  return log;
}

/** stopNotifications(): once resolved, no more value events (the SCP reply marks the end). */
export async function stopNotificationsThenMark(request: number[]): Promise<string[]> {
  const { battery, scp, log } = (globalThis as unknown as { __wb: ClientState }).__wb;
  battery.addEventListener('characteristicvaluechanged', () => log.push('battery value'));
  await battery.startNotifications();
  await battery.stopNotifications();
  log.push('stopped');
  await scp.startNotifications();
  const replied = new Promise<void>((resolve) =>
    scp.addEventListener(
      'characteristicvaluechanged',
      () => {
        log.push('scp reply');
        resolve();
      },
      { once: true },
    ),
  );
  await scp.writeValueWithResponse(new Uint8Array(request));
  await replied;
  return log.slice(log.indexOf('stopped'));
}

/** The log of `globalThis.__wb` (for the browser tests, which read it back). */
export function clientLog(): string[] {
  return (globalThis as unknown as { __wb: ClientState }).__wb.log;
}
