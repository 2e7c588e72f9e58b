/**
 * The serial bridge's side of the capture stream (docs/captures.md "Where events come from"): bytes
 * read from the port and bytes written to it as `serial` events, the reports inside them as the
 * device's `usb` events. A fake byte endpoint and a fixed clock: nothing is bound, nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { encodeUsbReport, hexBytes } from '../../protocol/index.js';
import { CaptureList, createVirtualDevice } from '../../simulator/index.js';
import { UsbDeviceBridge } from './device-bridge.js';
import type { ByteEndpoint } from './port.js';

function fakeEndpoint() {
  let feed: ((bytes: Uint8Array) => void) | undefined;
  const written: Uint8Array[] = [];
  const endpoint: ByteEndpoint = {
    write: (bytes) => written.push(bytes),
    onData(listener) {
      feed = listener;
      return () => undefined;
    },
    onClose: () => () => undefined,
    close: async () => undefined,
    open: true,
  };
  return { endpoint, written, feed: (bytes: Uint8Array) => feed?.(bytes) };
}

describe('UsbDeviceBridge capture', () => {
  it('captures the raw bytes both ways and the device captures the report', async () => {
    const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
    const deviceEvents = new CaptureList();
    device.captureTo(deviceEvents);
    const serial = new CaptureList();
    const port = fakeEndpoint();
    const bridge = new UsbDeviceBridge(port.endpoint, device, { nowMs: () => 2, capture: serial });
    const report = encodeUsbReport(hexBytes('00 C0 00 24 FC').subarray(1));
    const garbage = Uint8Array.of(0x00, 0x11);
    port.feed(garbage);
    port.feed(report);
    bridge.transmit({ channel: 'usb', bytes: report });
    expect(serial.events).toEqual([
      { kind: 'serial', tUs: 2000, dir: 'toDevice', bytes: garbage },
      { kind: 'serial', tUs: 2000, dir: 'toDevice', bytes: report },
      { kind: 'serial', tUs: 2000, dir: 'toHost', bytes: report },
    ]);
    expect(deviceEvents.events).toEqual([{ kind: 'usb', tUs: 2000, dir: 'toDevice', bytes: report }]);
    await bridge.close();
  });
});
