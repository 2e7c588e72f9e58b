/**
 * Which fleet device a virtual user is (docs/fleet.md "Beyond one machine"): device indexes are dealt
 * out so that shards (machines, containers, pods) and Artillery's worker threads on each never share
 * one, without talking to each other. Index k of seed s is the same device on every machine.
 */

/** Where this engine instance sits: shard `shard` of `shards`, worker thread `worker` of `workers`. */
export interface Slot {
  readonly shard: number;
  readonly shards: number;
  /** From 0. Artillery numbers its local worker threads from 1 (`phase.worker`). */
  readonly worker: number;
  readonly workers: number;
}

/**
 * The fleet index of the `k`-th virtual user (from 0) started by this engine instance: strides of
 * `shards × workers`, so slot (shard, worker) owns the indexes ≡ shard + shards × worker modulo
 * shards × workers. Disjoint for any k, needs no count known in advance.
 */
export function deviceIndex(slot: Slot, k: number): number {
  return slot.shard + slot.shards * (slot.worker + slot.workers * k);
}

/**
 * The simulator seed of device `index` in the fleet of seed `fleetSeed`: an odd multiplier makes the
 * map one-to-one on 32-bit indexes, so two indexes never give the same identity (product number, BLE
 * address; iqsim derives them from the device seed).
 */
export function deviceSeed(fleetSeed: number, index: number): number {
  return (fleetSeed + Math.imul(index, 0x9e37_79b1)) >>> 0;
}

/** `i/n` (i from 0) → shard and shard count; undefined when malformed or out of range. */
export function parseShard(text: string): { shard: number; shards: number } | undefined {
  const match = /^([0-9]+)\/([1-9][0-9]*)$/.exec(text.trim());
  if (!match) return undefined;
  const shard = Number(match[1]);
  const shards = Number(match[2]);
  return shard < shards ? { shard, shards } : undefined;
}

/** What the engine reads from an Artillery script to find its worker thread. */
export interface PhaseLike {
  readonly worker?: number;
  readonly totalWorkers?: number;
}

/**
 * Artillery's local runner splits a script over worker threads and marks each phase with `worker`
 * (from 1) and `totalWorkers` (lib/dist.js); a script run in one thread has neither.
 */
export function workerOf(phases: readonly PhaseLike[] | undefined): { worker: number; workers: number } {
  const phase = phases?.find((p) => p.worker !== undefined && p.totalWorkers !== undefined);
  if (!phase?.worker || !phase.totalWorkers) return { worker: 0, workers: 1 };
  return { worker: phase.worker - 1, workers: phase.totalWorkers };
}
