/**
 * Issue 9 "Why": the shim fired the value a device sends on subscription before
 * `startNotifications()` resolved, so a client adding its listener in `.then()` never saw it (it
 * read "no battery" until the battery changed). The spec resolves first and fires notifications in
 * later tasks. On the old shim this test never receives a value.
 */
import { afterEach, expect, it } from 'vitest';
import { createVirtualDevice } from '../../index.js';
import { WebBluetoothHub } from '../../transports/webbluetooth/index.js';
import { subscribeInThen } from '../webbluetooth-clients.js';

let hub: WebBluetoothHub | undefined;
afterEach(() => hub?.close());

it('a listener added in startNotifications().then() receives the value sent on subscription', async () => {
  hub = new WebBluetoothHub();
  const device = createVirtualDevice({ model: 'iluma-i' });
  hub.addDevice(device);
  const bytes = await subscribeInThen(hub.bluetooth());
  expect(bytes[2]).toBe(device.firmware.battery().chargerPercent);
});
