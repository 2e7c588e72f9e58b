/**
 * Issue 10 "Why": the bond was device-wide (after one central bonded, any central was accepted) and
 * USB bypassed bonded-only mode.
 */
import { describe, expect, it } from 'vitest';
import { IqosClient } from '../../simulator/client/client.js';
import { VirtualClock } from '../../simulator/clock.js';
import { createVirtualDevice, DEFAULT_CENTRAL, type DeviceEvent } from '../../simulator/device/device.js';
import { InMemoryLink, runUntilSettled } from '../../simulator/link.js';

async function connect(clock: VirtualClock, device: ReturnType<typeof createVirtualDevice>, central: string) {
  const link = new InMemoryLink(clock, device, { central });
  const client = await runUntilSettled(
    clock,
    IqosClient.connect(link, { scheduler: clock, requestTimeoutMs: 200 }),
  );
  return { link, client };
}

const outcome = (clock: VirtualClock, p: Promise<unknown>) =>
  runUntilSettled(clock, p).then(
    () => 'ok',
    (e: { attCode?: number; code?: string }) => (e.attCode ? `ATT ${e.attCode}` : e.code),
  );

describe('bonds are per central', () => {
  it('a second central is refused in bonded-only mode until it bonds itself', async () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i', bondedOnly: true });
    const phone = await connect(clock, device, 'phone');
    device.bond(clock.now());
    expect(await outcome(clock, phone.client.getBatteryPercent())).toBe('ok');
    phone.client.close();
    const laptop = await connect(clock, device, 'laptop');
    expect(device.bonded).toBe(true);
    expect(device.bonds).toEqual(['phone']);
    expect(await outcome(clock, laptop.client.getBatteryPercent())).toBe('ATT 5');
    device.bond(clock.now());
    expect(device.bonds).toEqual(['phone', 'laptop']);
    expect(await outcome(clock, laptop.client.getBatteryPercent())).toBe('ok');
    laptop.client.close();
  });

  it('bonds survive a snapshot; an old snapshot with bonded: true means the default central', () => {
    const device = createVirtualDevice({ model: 'iluma-i', bondedOnly: true });
    device.bond(0, 'phone');
    const copy = createVirtualDevice({
      model: 'iluma-i',
      snapshot: JSON.parse(JSON.stringify(device.snapshot())),
    });
    expect(copy.bonds).toEqual(['phone']);
    const { bonds: _bonds, ...old } = device.snapshot();
    expect(createVirtualDevice({ model: 'iluma-i', snapshot: old }).bonds).toEqual([DEFAULT_CENTRAL]);
  });

  it('bonded-only mode refuses USB (no pairing over USB, docs/protocol.md §5): no reply, a dropped event says why', async () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i-one', bondedOnly: true });
    const dropped: DeviceEvent[] = [];
    device.events$.subscribe((e) => e.type === 'dropped' && dropped.push(e));
    const link = new InMemoryLink(clock, device, { connect: false });
    const client = await runUntilSettled(
      clock,
      IqosClient.connect(link, { scheduler: clock, channel: 'usb', requestTimeoutMs: 350 }),
    );
    device.bond(clock.now(), 'phone');
    expect(await outcome(clock, client.getBatteryPercent())).toBe('SIM_TIMEOUT');
    expect(dropped).toMatchObject([{ channel: 'usb', reason: expect.stringMatching(/bonded-only/) }]);
    const open = createVirtualDevice({ model: 'iluma-i-one' });
    const openLink = new InMemoryLink(clock, open, { connect: false });
    const openClient = await runUntilSettled(
      clock,
      IqosClient.connect(openLink, { scheduler: clock, channel: 'usb' }),
    );
    expect(await outcome(clock, openClient.getBatteryPercent())).toBe('ok');
  });
});
