import { describe, expect, it, vi } from 'vitest';
import * as protocol from '../../protocol/index.js';
import { decodeAdvertising } from '../../protocol/index.js';
import { IqosClient } from '../client/client.js';
import { VirtualClock } from '../clock.js';
import { InMemoryLink, runUntilSettled } from '../link.js';
import { createVirtualDevice, type DeviceEvent } from './device.js';

describe('VirtualDevice', () => {
  it('watchEvents gets what events$ carries but the traffic, in order; with only watchers, no traffic is built', async () => {
    const session = async (watch: 'subscriber' | 'watcher') => {
      const clock = new VirtualClock();
      const device = createVirtualDevice({ model: 'iluma-i', seed: 7 });
      const seen: DeviceEvent[] = [];
      const stop =
        watch === 'subscriber'
          ? (() => {
              const subscription = device.events$.subscribe((e) => seen.push(e));
              return () => subscription.unsubscribe();
            })()
          : device.watchEvents((e) => seen.push(e));
      // Restored whatever happens: this file shares its module graph with others.
      const hexes = vi.spyOn(protocol, 'toHex');
      try {
        const link = new InMemoryLink(clock, device);
        const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock }));
        await runUntilSettled(clock, client.getBatteryPercent());
        device.input({ type: 'undock' }, clock.now());
        device.input({ type: 'stick', action: 'insert' }, clock.now());
        clock.advanceBy(30_000);
        device.input({ type: 'puff' }, clock.now());
        clock.advanceBy(5_000);
        stop();
        client.close();
        return { seen, built: hexes.mock.calls.length };
      } finally {
        hexes.mockRestore();
      }
    };
    const all = await session('subscriber');
    const watched = await session('watcher');
    const traffic = all.seen.filter((e) => e.type === 'traffic');
    expect(traffic.length).toBeGreaterThan(10);
    expect(watched.seen).toEqual(all.seen.filter((e) => e.type !== 'traffic'));
    expect(watched.seen.map((e) => e.type)).toEqual(
      expect.arrayContaining(['state', 'heater', 'puff', 'notify']),
    );
    // One hex per traffic event fewer: only the notified records are turned into hex for a watcher.
    expect(all.built - watched.built).toBe(traffic.length);
  });

  it('generates the same identity from the same seed, in the observed formats', () => {
    const a = createVirtualDevice({ model: 'iluma-i', seed: 42 });
    const b = createVirtualDevice({ model: 'iluma-i', seed: 42 });
    const c = createVirtualDevice({ model: 'iluma-i', seed: 43 });
    expect(a.identity).toEqual(b.identity);
    expect(a.identity.chargerProductNumber).not.toBe(c.identity.chargerProductNumber);
    expect(a.identity.chargerProductNumber).toMatch(/^T[0-9A-Z]{13}$/);
    expect(a.identity.address).toMatch(/^[C-F][0-9A-F]:([0-9A-F]{2}:){4}[0-9A-F]{2}$/);
    expect(createVirtualDevice({ model: 'iqos-3', seed: 1 }).identity.name).toMatch(/^IQOS3_[0-9A-F]{6}$/);
  });

  it('a factory reset replaces the firmware, which the SCP responder then answers from; nothing else can', () => {
    const device = createVirtualDevice({ model: 'iluma-i', seed: 1 });
    const before = device.firmware;
    device.input({ type: 'level', unit: 'charger', percent: 20 }, 0);
    device.factoryReset(1_000);
    expect(device.firmware).not.toBe(before);
    expect(device.scp.firmware).toBe(device.firmware);
    expect(device.firmware.state.charger.levelPercent).not.toBe(20);
    expect(() => {
      // @ts-expect-error the firmware is read-only: only a factory reset replaces it
      device.firmware = before;
    }).toThrow(TypeError);
  });

  it('flips the advertised bonded byte after bonding and back when bonds are forgotten', () => {
    const device = createVirtualDevice({ model: 'iluma-i-one' });
    const byte = () => {
      const adv = device.advertising();
      if (!adv) throw new Error('not advertising');
      const decoded = decodeAdvertising(adv.advertisement);
      if (!decoded.ok) throw decoded.error;
      return decoded.value.manufacturer?.bonded;
    };
    expect(byte()).toBe(false);
    device.bond(10);
    expect(byte()).toBe(true);
    device.forgetBonds(20);
    expect(byte()).toBe(false);
    device.connect(30);
    expect(device.advertising()).toBeUndefined();
  });

  it('refuses SCP from an unbonded central in bonded-only mode', async () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i', bondedOnly: true });
    const link = new InMemoryLink(clock, device);
    const client = await runUntilSettled(
      clock,
      IqosClient.connect(link, { scheduler: clock, requestTimeoutMs: 200 }),
    );
    await expect(runUntilSettled(clock, client.getBatteryPercent())).rejects.toMatchObject({ attCode: 0x05 });
    device.bond(clock.now());
    expect(await runUntilSettled(clock, client.getBatteryPercent())).toBe(80);
  });

  it('factory reset restores the identity and the defaults, keeps nothing written', async () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i', seed: 5, identity: { modelNumber: 'M9999' } });
    const original = structuredClone(device.identity);
    device.input({ type: 'setting', name: 'chargerBrightness', value: 30 }, 1_000);
    device.bond(2_000);
    device.factoryReset(3_000);
    expect(device.identity).toEqual(original);
    expect(device.identity.modelNumber).toBe('M9999');
    expect(device.firmware.state.settings.chargerBrightness).toBe(100);
    expect(device.bonded).toBe(false);
    clock.advanceTo(3_000);
    const link = new InMemoryLink(clock, device);
    const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock }));
    expect((await runUntilSettled(clock, client.getBrightness())).level).toBe(100);
  });

  it('restores from a snapshot and answers the same', async () => {
    const device = createVirtualDevice({ model: 'iluma-i', seed: 9 });
    device.input({ type: 'setting', name: 'holderBrightness', value: 30 }, 500);
    const copy = createVirtualDevice({
      model: 'iluma-i',
      snapshot: JSON.parse(JSON.stringify(device.snapshot())),
    });
    expect(copy.identity).toEqual(device.identity);
    expect(copy.firmware.state).toEqual(device.firmware.state);
  });

  it('notifies battery changes at most once a second (D-18)', async () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i' });
    const link = new InMemoryLink(clock, device);
    const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock }));
    const seen: [number, number | undefined][] = [];
    client.onBattery((r) => seen.push([clock.now(), r.chargerLevelPct]));
    clock.advanceBy(5_000);
    seen.length = 0;
    const t0 = clock.now();
    for (const percent of [50, 40, 30]) {
      device.input({ type: 'level', unit: 'charger', percent }, clock.now());
      clock.advanceBy(100);
    }
    clock.advanceBy(3_000);
    expect(seen).toEqual([
      [t0, 50],
      [t0 + 1_000, 30],
    ]);
  });
});
