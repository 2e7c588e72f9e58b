/**
 * The init script (`webBluetoothInitScript`) is self-contained: it runs in a fresh V8 context that
 * has none of this module's bindings, only what a page has (issue 10 item 2: the shim split into
 * parts must stay injectable by Playwright's addInitScript). The context gets the web globals a
 * page has and a binding that answers as the Playwright bridge does.
 */
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { webBluetoothInitScript } from '../transports/webbluetooth/index.js';
import type { BridgeCall, BridgeReply } from '../transports/webbluetooth/types.js';

it('defines navigator.bluetooth and the interfaces in a context with no module scope', async () => {
  const calls: string[] = [];
  const page: Record<string, unknown> = {
    navigator: {},
    EventTarget,
    Event,
    DOMException,
    TextEncoder,
    setTimeout,
    __iqsimBluetooth: async (call: BridgeCall): Promise<BridgeReply> => {
      calls.push(call.method);
      return { ok: true, value: call.method === 'getAvailability' ? true : null, session: 1, seq: 0 };
    },
  };
  runInNewContext(webBluetoothInitScript({ requireUserActivation: false }), page);
  const bluetooth = (page.navigator as { bluetooth: { getAvailability(): Promise<boolean> } }).bluetooth;
  expect(await bluetooth.getAvailability()).toBe(true);
  expect(calls).toEqual(['reset', 'getAvailability']);
  const BluetoothUUID = page.BluetoothUUID as { getService(name: unknown): string };
  expect(BluetoothUUID.getService('device_information')).toBe('0000180a-0000-1000-8000-00805f9b34fb');
  expect(Object.prototype.toString.call(bluetooth)).toBe('[object Bluetooth]');
  expect(typeof page.__iqsimBluetoothDispatch).toBe('function');
});
