import { describe, expect, it } from 'vitest';
import { deviceIndex, deviceSeed, parseShard, type Slot, workerOf } from './identity.js';

describe('device identities over shards and worker threads', () => {
  it('3 shards × 2 threads × 50 users each cover indexes 0…299 once', () => {
    const seen: number[] = [];
    for (let shard = 0; shard < 3; shard++)
      for (let worker = 0; worker < 2; worker++) {
        const slot: Slot = { shard, shards: 3, worker, workers: 2 };
        for (let k = 0; k < 50; k++) seen.push(deviceIndex(slot, k));
      }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('one machine, one thread: users are devices 0, 1, 2, …', () => {
    const slot = { shard: 0, shards: 1, worker: 0, workers: 1 };
    expect([0, 1, 2].map((k) => deviceIndex(slot, k))).toEqual([0, 1, 2]);
  });

  it('device k of seed s is one seed everywhere, and distinct devices get distinct seeds', () => {
    expect(deviceSeed(7, 12)).toBe(deviceSeed(7, 12));
    const seeds = new Set(Array.from({ length: 100_000 }, (_, k) => deviceSeed(7, k)));
    expect(seeds.size).toBe(100_000);
    expect(deviceSeed(7, 0)).toBe(7);
    expect(deviceSeed(8, 5)).not.toBe(deviceSeed(7, 5));
  });

  it('parses i/n and refuses shards out of range', () => {
    expect(parseShard('2/5')).toEqual({ shard: 2, shards: 5 });
    expect(parseShard(' 0/1 ')).toEqual({ shard: 0, shards: 1 });
    for (const bad of ['5/5', '1/0', '-1/2', 'a/b', '1', '']) expect(parseShard(bad)).toBeUndefined();
  });

  it("reads Artillery's worker thread from the phases it split (lib/dist.js numbers them from 1)", () => {
    expect(workerOf([{ worker: 2, totalWorkers: 3 }])).toEqual({ worker: 1, workers: 3 });
    expect(workerOf([{}])).toEqual({ worker: 0, workers: 1 });
    expect(workerOf(undefined)).toEqual({ worker: 0, workers: 1 });
  });
});
