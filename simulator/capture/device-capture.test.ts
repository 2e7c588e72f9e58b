/**
 * A virtual device's capture stream (docs/captures.md "Where events come from"): what a sink gets
 * from a connection, an Exchange MTU, an SCP request, a bond and a disconnection; a sink attached
 * mid-connection; detaching; and the SCP frame derived from a packet on demand.
 */
import { describe, expect, it } from 'vitest';
import { encodeUsbReport, hexBytes } from '../../protocol/index.js';
import {
  CaptureList,
  createVirtualDevice,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  VirtualClock,
} from '../index.js';
import { scpFrameOf } from './read.js';

async function bleSession(capture: CaptureList) {
  const clock = new VirtualClock(0);
  const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
  device.captureTo(capture);
  const link = new InMemoryLink(clock, device, { latencyMs: 1 });
  const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock, channel: 'ble' }));
  return { clock, device, link, client };
}

describe('VirtualDevice.captureTo', () => {
  it('gives the advertisement, the connection, every ATT PDU, the MTU, a bond and the end', async () => {
    const capture = new CaptureList();
    const { clock, device, link, client } = await bleSession(capture);
    await runUntilSettled(clock, client.getBatteryPercent());
    device.bond(clock.now());
    link.close();
    const kinds = capture.events.map((e) => e.kind);
    expect(kinds.slice(0, 3)).toEqual(['advertising', 'connect', 'att']);
    expect(capture.events[1]).toMatchObject({
      handle: 0x40,
      address: device.identity.address,
      central: 'central-1',
    });
    expect(capture.events.find((e) => e.kind === 'mtu')).toMatchObject({ handle: 0x40, mtu: 247 });
    expect(kinds.slice(-2)).toEqual(['bond', 'disconnect']);
    expect(capture.events.at(-2)).toEqual({
      kind: 'bond',
      tUs: clock.now() * 1000,
      bonded: true,
      handle: 0x40,
    });
    const times = capture.events.map((e) => e.tUs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const frames = capture.events.map(scpFrameOf).filter((f) => f !== undefined);
    expect(frames.map((f) => f.ok && f.value.command)).toEqual([
      'get-battery-percent',
      'get-battery-percent',
    ]);
  });

  it('starts with the connection when attached during one, and stops when detached', async () => {
    const { clock, device, client } = await bleSession(new CaptureList());
    const late = new CaptureList();
    device.captureTo(late);
    expect(late.events.map((e) => e.kind)).toEqual(['connect', 'mtu']);
    device.captureTo(undefined);
    await runUntilSettled(clock, client.getBatteryPercent());
    expect(late.events).toHaveLength(2);
  });

  it('captures USB reports, and their frames on demand', () => {
    const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
    const capture = new CaptureList();
    device.captureTo(capture);
    const report = encodeUsbReport(hexBytes('C0 00 24 FC'));
    device.receive({ channel: 'usb', bytes: report }, 1);
    device.handleTimeout(device.nextDeadline() ?? 1);
    while (device.pollTransmit());
    expect(capture.events.map((e) => e.kind === 'usb' && e.dir)).toEqual(['toDevice', 'toHost']);
    expect(capture.events[0]).toMatchObject({ tUs: 1000, bytes: report });
    const reply = capture.events[1] ? scpFrameOf(capture.events[1]) : undefined;
    expect(reply?.ok && reply.value.command).toBe('get-battery-percent');
  });
});
