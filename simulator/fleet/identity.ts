/**
 * Who device k of a fleet is (docs/fleet.md "Determinism"): everything about it is drawn from
 * (fleet seed, k) alone, never from the count, the shard or the other devices, so device k of seed s
 * has the same serial, name, address, model, habits and fault in every run, shard and count that
 * includes it. Each draw hashes (seed, k, purpose) with murmur3's finaliser.
 */

/** What a draw is for: a new purpose takes a new number, old ones never change. */
export const DRAW = {
  deviceSeed: 1,
  model: 2,
  behaviour: 3,
  faulty: 4,
  faultKind: 5,
  faultAt: 6,
  initial: 7,
  script: 8,
} as const;

/** murmur3's 32-bit finaliser: every input bit moves every output bit. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit value of (seed, k, purpose). `k` may exceed 32 bits' worth of devices by no fleet's limit. */
export function draw32(seed: number, k: number, purpose: number): number {
  return fmix32(fmix32(fmix32(seed ^ 0x5bd1_e995) ^ k) ^ Math.imul(purpose, 0x9e37_79b9));
}

/** A number in [0, 1) of (seed, k, purpose). */
export function drawUnit(seed: number, k: number, purpose: number): number {
  return draw32(seed, k, purpose) / 4_294_967_296;
}

/** The entry whose cumulative share first exceeds `u` (the last one for rounding leftovers). */
export function pickByShare<T extends { share: number }>(entries: readonly T[], u: number): T {
  let cumulative = 0;
  for (const entry of entries) {
    cumulative += entry.share;
    if (u < cumulative) return entry;
  }
  return entries.at(-1) as T;
}

/**
 * The devices of shard `index` of `shards`: [⌊index·count/shards⌋, ⌊(index+1)·count/shards⌋). The
 * slices are disjoint, in order, and their union is [0, count); sizes differ by at most one.
 */
export function shardRange(count: number, index: number, shards: number): { start: number; end: number } {
  return {
    start: Math.floor((index * count) / shards),
    end: Math.floor(((index + 1) * count) / shards),
  };
}
