/**
 * Issue 9 item 2, Node half: the Web Bluetooth shim orders promises and events as the spec's
 * algorithms do (W3C Web Bluetooth CG draft; docs/webbluetooth.md "Order of promises and events"
 * gives the step each test follows). The browser half runs the same client routines in Chromium
 * (`webbluetooth-browser-order.test.ts`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createVirtualDevice, encodeCommand, type VirtualDevice } from '../index.js';
import {
  type Bluetooth,
  installWebBluetooth,
  type WebBluetoothEvent,
  WebBluetoothHub,
} from '../transports/webbluetooth/index.js';
import {
  clientLog,
  connectClient,
  connectThenDisconnect,
  disconnectFromPage,
  readValueOrder,
  startNotificationsOrder,
  startPendingRead,
  stopNotificationsThenMark,
  subscribeInThen,
  writeValueOrder,
} from './webbluetooth-clients.js';

let hub: WebBluetoothHub | undefined;
afterEach(() => {
  hub?.close();
  hub = undefined;
  delete (globalThis as { __wb?: unknown }).__wb;
});

function setUp(): { hub: WebBluetoothHub; bluetooth: Bluetooth; device: VirtualDevice; id: string } {
  hub = new WebBluetoothHub();
  const device = createVirtualDevice({ model: 'iluma-i' });
  const id = hub.addDevice(device);
  return { hub, bluetooth: hub.bluetooth(), device, id };
}

/** Makes the device swallow what it receives from now on (a call stays pending); counts the packets. */
function holdRequests(device: VirtualDevice): { readonly held: number } {
  const counter = { held: 0 };
  const target = device as unknown as { receive: (...args: unknown[]) => void };
  target.receive = () => {
    counter.held++;
  };
  return counter;
}

const GET_BATTERY = [0x00, ...encodeCommand('get-battery-percent')];

describe('Web Bluetooth order of promises and events (Node)', () => {
  it('gives the value sent on subscription to a listener added in startNotifications().then()', async () => {
    const { hub, device } = setUp();
    const session = hub.createSession();
    const pushed: WebBluetoothEvent[] = [];
    session.subscribe((event) => pushed.push(event));
    const { bluetooth } = installWebBluetooth({}, { backend: session, define: false });
    const received = await subscribeInThen(bluetooth);
    // The first value the device sent, on subscription (D-18), not a later one.
    expect(pushed[0]).toMatchObject({ type: 'notification', bytes: received });
    expect(received[2]).toBe(device.firmware.battery().chargerPercent);
  });

  it('resolves startNotifications() before the first characteristicvaluechanged', async () => {
    const { bluetooth } = setUp();
    await connectClient(bluetooth);
    expect(await startNotificationsOrder()).toEqual([
      'resolved',
      'resolved, next microtask',
      'characteristicvaluechanged',
    ]);
  });

  it('readValue() sets value and fires characteristicvaluechanged before it resolves', async () => {
    const { bluetooth } = setUp();
    await connectClient(bluetooth);
    expect(await readValueOrder()).toEqual([
      'characteristicvaluechanged (value set: true)',
      'resolved (same value: true)',
    ]);
  });

  it('writeValueWithResponse() sets value to the bytes written when it resolves', async () => {
    const { bluetooth } = setUp();
    await connectClient(bluetooth);
    const hex = GET_BATTERY.map((b) => b.toString(16)).join(' ');
    expect(await writeValueOrder(GET_BATTERY)).toEqual([
      'pending (value unchanged: true)',
      `resolved (value: ${hex})`,
    ]);
  });

  it('fires no value event once stopNotifications() has resolved', async () => {
    const { bluetooth } = setUp();
    await connectClient(bluetooth);
    expect(await stopNotificationsThenMark(GET_BATTERY)).toEqual(['stopped', 'scp reply']);
  });

  it('on a device-side drop fires gattserverdisconnected, then rejects the pending call with NetworkError', async () => {
    const { bluetooth, hub, device, id } = setUp();
    await connectClient(bluetooth);
    const hold = holdRequests(device);
    startPendingRead();
    await expect.poll(() => hold.held).toBeGreaterThan(0);
    hub.disconnect(id);
    await expect.poll(() => clientLog().length).toBe(2);
    expect(clientLog()).toEqual(['gattserverdisconnected', 'readValue rejected NetworkError']);
  });

  it('on disconnect() fires gattserverdisconnected at once, then rejects the pending call with NetworkError', async () => {
    const { bluetooth, device } = setUp();
    await connectClient(bluetooth);
    const hold = holdRequests(device);
    startPendingRead();
    await expect.poll(() => hold.held).toBeGreaterThan(0);
    disconnectFromPage();
    await expect.poll(() => clientLog().length).toBe(3);
    expect(clientLog()).toEqual([
      'gattserverdisconnected',
      'disconnect() returned',
      'readValue rejected NetworkError',
    ]);
  });

  it('aborts a connect() in flight on disconnect() with AbortError', async () => {
    const { bluetooth, hub, id } = setUp();
    await connectClient(bluetooth);
    expect(await connectThenDisconnect()).toEqual([
      'disconnect() returned (connected: false)',
      'connect rejected AbortError',
    ]);
    await expect.poll(() => hub.isConnected(id)).toBe(false);
  });
});
