import { describe, expect, it } from 'vitest';
import { decodeAdvertising } from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import { Crowd } from './crowd.js';

describe('crowd model', () => {
  it('is the same for a seed, whoever asks and in any order', () => {
    const a = new Crowd({ count: 50, seed: 7, rotateAddressEveryMs: 60_000, vanishShare: 0.3 });
    const b = new Crowd({ count: 50, seed: 7, rotateAddressEveryMs: 60_000, vanishShare: 0.3 });
    const late = b.sightings(123_456);
    expect(a.sightings(5_000).length).toBeGreaterThan(0);
    expect(a.sightings(123_456)).toEqual(late);
    expect(new Crowd({ count: 50, seed: 8 }).member(0).identity.address).not.toBe(
      a.member(0).identity.address,
    );
  });

  it("advertises each model's own data: a made device advertises the bytes the lazy member did", () => {
    const crowd = new Crowd({ count: 40, seed: 3, models: ['iluma-i', 'iqos-3', 'iluma-i-one'] });
    const models = new Set<string>();
    for (let index = 0; index < crowd.count; index++) {
      const before = crowd.advertisingAt(index, 0);
      const device = crowd.device(index, 0);
      models.add(device.model);
      expect(before).toEqual(device.advertising());
      expect(crowd.indexOf(device)).toBe(index);
      const decoded = decodeAdvertising(before?.scanResponse ?? new Uint8Array());
      const name = decoded.ok ? decoded.value.localName : undefined;
      expect(name).toBe(device.identity.name);
    }
    expect(models.size).toBe(3);
  });

  it('gives duplicate names for ILUMA models, each member its own address', () => {
    const crowd = new Crowd({ count: 200, seed: 1 });
    const sightings = crowd.sightings(0);
    expect(sightings).toHaveLength(200);
    expect(new Set(sightings.map((s) => crowd.member(s.index).identity.name))).toEqual(
      new Set(['IQOS ILUMA i']),
    );
    expect(new Set(sightings.map((s) => s.address)).size).toBe(200);
  });

  it('churns RSSI around each member level, within the bounds', () => {
    const crowd = new Crowd({ count: 20, seed: 2, rssi: { meanDbm: -60, spreadDb: 10, churnDb: 5 } });
    for (let index = 0; index < crowd.count; index++) {
      const samples = Array.from({ length: 50 }, (_, k) => crowd.rssiAt(index, k * 100));
      expect(new Set(samples).size).toBeGreaterThan(3);
      for (const rssi of samples) expect(rssi).toBeGreaterThanOrEqual(-75);
      for (const rssi of samples) expect(rssi).toBeLessThanOrEqual(-45);
      // One advertising interval: the same sample.
      expect(crowd.rssiAt(index, 1_050)).toBe(crowd.rssiAt(index, 1_099));
    }
  });

  it('rotates resolvable private addresses per member phase', () => {
    const crowd = new Crowd({ count: 30, seed: 4, rotateAddressEveryMs: 900_000 });
    for (let index = 0; index < crowd.count; index++) {
      const first = crowd.addressAt(index, 0);
      // Top two bits 01: a resolvable private address (Core spec Vol 6 Part B §1.3.2.2).
      expect(Number.parseInt(first.slice(0, 2), 16) >> 6).toBe(0b01);
      expect(crowd.addressAt(index, 900_000)).not.toBe(first);
      const changes = [0, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 700_000, 800_000, 899_999]
        .map((t) => crowd.addressAt(index, t))
        .filter((address, k, all) => k > 0 && address !== all[k - 1]);
      expect(changes.length).toBeLessThanOrEqual(1);
      expect(crowd.findByAddress(first, 0)).toBe(index);
    }
    expect(new Set(Array.from({ length: 30 }, (_, i) => crowd.addressAt(i, 450_000))).size).toBe(30);
  });

  it('lets about vanishShare of the members come and go, the others stay', () => {
    const crowd = new Crowd({ count: 1000, seed: 5, vanishShare: 0.2, presenceSlotMs: 10_000 });
    const vanishing = Array.from({ length: 1000 }, (_, i) => crowd.member(i)).filter((m) => m.vanishes);
    expect(vanishing.length).toBeGreaterThan(150);
    expect(vanishing.length).toBeLessThan(250);
    const counts = [0, 10_000, 20_000, 30_000].map((t) => crowd.sightings(t).length);
    for (const n of counts) expect(n).toBeGreaterThan(800);
    for (const n of counts) expect(n).toBeLessThan(1000);
    const member = vanishing[0]?.index ?? 0;
    const presence = Array.from({ length: 20 }, (_, k) => crowd.isPresent(member, k * 10_000));
    expect(presence).toContain(true);
    expect(presence).toContain(false);
    const absentAt = presence.indexOf(false) * 10_000;
    expect(crowd.advertisingAt(member, absentAt)).toBeUndefined();
    expect(crowd.findByAddress(crowd.addressAt(member, absentAt), absentAt)).toBeUndefined();
  });

  it('stops advertising a member whose device is connected', () => {
    const crowd = new Crowd({ count: 3 });
    crowd.device(1, 0).connect(0);
    expect(crowd.sightings(0).map((s) => s.index)).toEqual([0, 2]);
  });

  it('refuses bad options with SIM_BAD_INPUT', () => {
    const cases = [
      { count: 0 },
      { count: 1.5 },
      { count: 100_001 },
      { count: 2, models: ['nope'] },
      { count: 2, models: [] },
      { count: 2, vanishShare: 1.5 },
      { count: 2, rotateAddressEveryMs: 0 },
      { count: 2, rssi: { meanDbm: 50 } },
    ];
    for (const options of cases) {
      const error = (() => {
        try {
          new Crowd(options);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(SimulatorError);
      expect((error as SimulatorError).code).toBe('SIM_BAD_INPUT');
    }
    expect(() => new Crowd({ count: 2 }).member(2)).toThrow(/not in a crowd of 2/);
  });
});
