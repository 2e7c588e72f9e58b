/**
 * Regressions for issue 9 item 3 (D-9, D-11), on a virtual device driven by its own deadlines:
 * - a stale partial BLE write was only noticed when the next packet came, so `nextDeadline()`
 *   never announced it and nothing counted it at its time;
 * - there was no SCP queue limit: a burst of any size was answered in full.
 */
import { describe, expect, it } from 'vitest';
import { encodeShortFrame, encodeUsbReport, hexBytes } from '../../protocol/index.js';
import { createVirtualDevice, type DeviceEvent, HANDLES } from '../../simulator/index.js';

/** An ATT Write Request (opcode 0x12) to `handle`. */
const writeRequest = (handle: number, value: Uint8Array) =>
  Uint8Array.of(0x12, handle & 0xff, handle >> 8, ...value);

describe('D-9 stale-frame deadline', () => {
  it('is a device deadline; at it the partial write is dropped, counted and reported', () => {
    const device = createVirtualDevice({ model: 'iluma-i' });
    const events: DeviceEvent[] = [];
    device.events$.subscribe((e) => events.push(e));
    device.connect(0);
    // First packet (T = 01) of a 24-byte record write; its last packet never comes.
    const first = Uint8Array.of(
      0x01,
      ...hexBytes('C9 4F 04 5B 04 00 FF FF FF 00 00 00 00 00 00 00 00 00 00'),
    );
    device.receive({ channel: 'att', bytes: writeRequest(HANDLES.scp, first) }, 100);
    while (device.pollTransmit()); // the ATT Write Response
    expect(device.nextDeadline()).toBe(1100);
    device.handleTimeout(1100);
    expect(device.scp.diagnostics).toMatchObject({ staleFrames: 1, malformed: 1 });
    expect(events.filter((e) => e.type === 'dropped').map((e) => (e as { reason: string }).reason)).toEqual([
      'stale partial frame (D-9)',
    ]);
    expect(device.nextDeadline() === undefined || (device.nextDeadline() as number) > 1100).toBe(true);
  });
});

describe('D-11 queue depth', () => {
  it('answers 16 requests of a burst and drops the 17th, counted', () => {
    const device = createVirtualDevice({ model: 'iluma-i' });
    const read = encodeUsbReport(encodeShortFrame({ node: 0xc0, address: 0x8e }));
    for (let i = 0; i < 17; i++) device.receive({ channel: 'usb', bytes: read }, 0);
    expect(device.scp.diagnostics).toMatchObject({ queueOverflow: 1, accepted: 16 });
    device.handleTimeout(device.nextDeadline() ?? 0);
    let replies = 0;
    while (device.pollTransmit()) replies++;
    expect(replies).toBe(16);
    // Once the replies are out, the queue is free again.
    device.receive({ channel: 'usb', bytes: read }, 10);
    expect(device.scp.diagnostics).toMatchObject({ queueOverflow: 1, accepted: 17 });
  });
});
