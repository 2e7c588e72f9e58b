/**
 * Issue 19 item 3 through noble: a scan of 200 virtual holders with the virtual noble bindings
 * (docs/noble.md "Crowds"), with and without duplicates. The crowd's virtual time is jumped with
 * `bindings.clock.advanceTo` (the scan's pump carries on from there); the tests wait for discover
 * events, never for fixed delays.
 */
import type { Noble, Peripheral } from '@stoprocent/noble';
import { afterEach, describe, expect, it } from 'vitest';
import type { Crowd } from '../simulator/index.js';
import { createVirtualNoble, type VirtualNobleBindings } from '../transports/noble/index.js';

const IQOS_SERVICE = 'daebb240b04111e49e450002a5d5c51b';
const SLOT_MS = 60_000;
const ROTATE_MS = 900_000;
/** Real time a step may take on a busy machine, ms: members are chosen to hold still that long. */
const SLACK_MS = 10_000;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

interface Heard {
  readonly peripheral: Peripheral;
  readonly rssi: number;
  readonly atMs: number;
}

/** A noble on a crowd of 200, and every 'discover' it emitted, by peripheral id. */
function crowdNoble(): {
  noble: Noble;
  bindings: VirtualNobleBindings;
  crowd: Crowd;
  heard: Map<string, Heard[]>;
} {
  const { noble, bindings } = createVirtualNoble({ scanIntervalMs: 20 });
  const crowd = bindings.addCrowd({
    count: 200,
    seed: 19,
    rotateAddressEveryMs: ROTATE_MS,
    vanishShare: 0.3,
    presenceSlotMs: SLOT_MS,
  });
  const heard = new Map<string, Heard[]>();
  noble.on('discover', (peripheral: Peripheral) => {
    const list = heard.get(peripheral.id) ?? [];
    list.push({ peripheral, rssi: peripheral.rssi, atMs: bindings.crowdNow() });
    heard.set(peripheral.id, list);
  });
  cleanups.push(() => {
    noble.stop();
    noble.removeAllListeners();
  });
  return { noble, bindings, crowd, heard };
}

/** Resolves once `done()` holds after a 'discover' (checked at once too). */
function until(noble: Noble, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!done()) return;
      noble.off('discover', check);
      resolve();
    };
    noble.on('discover', check);
    check();
  });
}

const idOf = (address: string) => address.replace(/:/g, '').toLowerCase();

describe('a crowd of 200 holders through noble', () => {
  it('without duplicates: each address once, names apart by id, a rotated address as a new peripheral', async () => {
    const { noble, bindings, crowd, heard } = crowdNoble();
    await noble.waitForPoweredOnAsync();
    await noble.startScanningAsync([IQOS_SERVICE], false);
    const t0 = bindings.crowdNow();
    const present = crowd.sightings(t0);
    await until(noble, () => present.every((s) => heard.has(idOf(s.address))));
    expect(present.length).toBeGreaterThan(140);
    expect(present.length).toBeLessThan(200);
    const first = [...heard.values()].map((list) => list[0] as Heard);
    expect(new Set(first.map((h) => h.peripheral.advertisement.localName))).toEqual(
      new Set(['IQOS ILUMA i']),
    );
    expect(new Set(first.map((h) => h.peripheral.id)).size).toBe(first.length);
    expect(new Set(first.map((h) => h.rssi)).size).toBeGreaterThan(10);
    for (const h of first) expect(h.peripheral.addressType).toBe('random');

    // Rotated: every member heard again under a new address, as a new peripheral; none repeated.
    const before = new Set(heard.keys());
    bindings.clock.advanceTo(t0 + 2 * ROTATE_MS);
    const rotated = crowd
      .sightings(bindings.crowdNow())
      .filter((s) => crowd.isPresent(s.index, bindings.crowdNow() + SLACK_MS));
    await until(noble, () => rotated.every((s) => heard.has(idOf(s.address))));
    for (const s of rotated) expect(before.has(idOf(s.address))).toBe(false);
    for (const list of heard.values()) expect(list).toHaveLength(1);
  });

  it('with duplicates: every round again with churning RSSI; a vanished member goes quiet and cannot be connected', async () => {
    const { noble, bindings, crowd, heard } = crowdNoble();
    await noble.waitForPoweredOnAsync();
    await noble.startScanningAsync([IQOS_SERVICE], true);
    const t0 = bindings.crowdNow();
    const atMs = t0 + 2 * SLOT_MS;
    const still = (test: (t: number) => boolean) => test(atMs) && test(atMs + SLACK_MS);
    // Members that keep their address to the end and stay for the rounds below (slots are longer).
    const present = crowd
      .sightings(t0)
      .filter(
        (s) =>
          crowd.addressAt(s.index, atMs + SLACK_MS) === s.address &&
          crowd.isPresent(s.index, t0 + 5_000 + SLACK_MS),
      );
    const leaver = present.find((s) => still((t) => !crowd.isPresent(s.index, t)));
    const stayer = present.find((s) => still((t) => crowd.isPresent(s.index, t)));
    if (!leaver || !stayer) throw new Error('seed 19 has no leaver or no stayer');
    const count = (address: string) => heard.get(idOf(address))?.length ?? 0;

    // Five rounds, a second of virtual time apart: the same peripherals, other RSSI values.
    for (let round = 1; round <= 5; round++) {
      await until(noble, () => present.every((s) => count(s.address) >= round));
      bindings.clock.advanceTo(bindings.crowdNow() + 1_000);
    }
    const churned = present.filter((s) => new Set(heard.get(idOf(s.address))?.map((h) => h.rssi)).size > 1);
    expect(churned.length).toBeGreaterThan(present.length * 0.9);
    const peripheral = heard.get(idOf(stayer.address))?.[0]?.peripheral;
    expect(heard.get(idOf(stayer.address))?.every((h) => h.peripheral === peripheral)).toBe(true);

    // The leaver walks away: two more rounds of the stayer, none of the leaver.
    bindings.clock.advanceTo(atMs);
    const leaverBefore = count(leaver.address);
    const stayerBefore = count(stayer.address);
    await until(noble, () => count(stayer.address) >= stayerBefore + 2);
    expect(count(leaver.address)).toBe(leaverBefore);
    await noble.stopScanningAsync();
    const gone = heard.get(idOf(leaver.address))?.[0]?.peripheral;
    await expect(gone?.connectAsync()).rejects.toThrow(/no virtual device with id/);
    const there = heard.get(idOf(stayer.address))?.[0]?.peripheral;
    await there?.connectAsync();
    expect(crowd.device(stayer.index, bindings.crowdNow()).connected).toBe(true);
    expect(bindings.idOf(crowd.device(stayer.index, 0))).toBe(idOf(stayer.address));
    const rssi = await there?.updateRssiAsync();
    expect(rssi).toBeLessThan(0);
    await there?.disconnectAsync();
  });
});
