/**
 * The sources a `VirtualClock` follows (clock.ts, docs/simulator.md "The clock and its sources"), kept
 * so that finding the next one costs O(log N) for N sources instead of asking all N every step.
 *
 * - A source that can report its own changes (`watchDeadline`) sits in a binary min-heap keyed by
 *   (deadline, follow order). Its deadline is read when it says it changed, and after each
 *   `handleTimeout` the clock gives it; a source with no deadline is not in the heap at all, so an
 *   idle one costs nothing per step.
 * - Any other source is asked for its deadline at every step, as before (a few such sources cost
 *   little; a fleet of them would cost what the heap saves).
 *
 * Both kinds compete by (time, follow order), a past deadline counting as now.
 */
import { DueHeap, type Keyed } from './due-heap.js';
import { SimulatorError } from './errors.js';

/** A sans-IO endpoint that reports its next deadline (smoltcp `poll_at`) and is told when it is due. */
export interface DeadlineSource {
  /** Virtual time (ms) the source next needs `handleTimeout`, or undefined when it has nothing pending. */
  nextDeadline(): number | undefined;
  handleTimeout(nowMs: number): void;
  /**
   * Optional: lets the clock read the deadline only when it changes. The clock calls it once, in
   * `follow`, and the source then calls `changed()` whenever `nextDeadline()` may have changed, from
   * whatever call changed it (an input, a received packet, a callback of another source). Changes made
   * inside the source's own `handleTimeout` need no call: the clock reads the deadline again after
   * each. Calling `changed()` more often than needed is harmless: it only marks the source to be read
   * again before the next step. Returns the function that stops the calls (the clock calls it on
   * unfollow). A source without it is asked for its deadline at every step.
   */
  watchDeadline?(changed: () => void): () => void;
}

/** One `follow` of a source. */
class Followed implements Keyed {
  /** The last deadline read (ms), meaningful while `heapSlot >= 0`. */
  dueMs = 0;
  /** Position in the heap, or -1 when not in it (no deadline, not watched, unfollowed). */
  heapSlot = -1;
  /** In the list of sources to read again before the next step. */
  dirty = false;
  active = true;
  unwatch: (() => void) | undefined;

  constructor(
    readonly source: DeadlineSource,
    /** Follow order: breaks ties between sources due at the same time. */
    readonly order: number,
    readonly watched: boolean,
  ) {}
}

function assertFiniteDeadline(valueMs: number): void {
  if (!Number.isFinite(valueMs)) {
    throw new SimulatorError('SIM_TIME', `nextDeadline(): ${valueMs} is not a finite number of milliseconds`);
  }
}

export class FollowedSources {
  /** Set by `earliest`: the source that is due first among the followed ones. */
  due: Followed | undefined;
  /** Watched sources that have a deadline, keyed by (deadline, follow order). */
  private readonly heap = new DueHeap<Followed>();
  /** Watched sources whose deadline must be read again before the next step. */
  private readonly dirty: Followed[] = [];
  /** Sources without `watchDeadline`, in follow order. */
  private readonly polled: Followed[] = [];
  private nextOrder = 0;

  /** Starts following `source`; returns the idempotent unfollow. */
  follow(source: DeadlineSource): () => void {
    const watched = typeof source.watchDeadline === 'function';
    const record = new Followed(source, this.nextOrder++, watched);
    if (watched) {
      this.markDirty(record);
      record.unwatch = source.watchDeadline?.(() => this.markDirty(record));
    } else {
      this.polled.push(record);
    }
    return () => this.unfollow(record);
  }

  /** The source `earliest` picked is about to run its `handleTimeout`: read its deadline afterwards. */
  firing(record: Followed): void {
    if (record.watched) this.markDirty(record);
  }

  /** Followed sources that have a deadline. */
  count(): number {
    this.refresh();
    let count = this.heap.size;
    for (let i = 0; i < this.polled.length; i++) {
      if ((this.polled[i] as Followed).source.nextDeadline() !== undefined) count++;
    }
    return count;
  }

  /**
   * When the first followed source is due (a past deadline reads as `nowMs`), or undefined; sets
   * `due` to it. Ties go to the source followed first.
   */
  earliest(nowMs: number): number | undefined {
    this.refresh();
    let best = this.heap.peek();
    let bestAtMs = 0;
    if (best !== undefined) {
      if (best.dueMs < nowMs) {
        // Every deadline before now counts as now: the first-followed of those and of the ones due
        // exactly now goes first. (A top due exactly now is already first: nothing lies before it.)
        // Late deadlines are rare (a source driven ahead of the clock), so this walk is too.
        best = this.heap.firstDueBy(nowMs);
        bestAtMs = nowMs;
      } else {
        bestAtMs = best.dueMs;
      }
    }
    for (let i = 0; i < this.polled.length; i++) {
      const record = this.polled[i] as Followed;
      const deadlineMs = record.source.nextDeadline();
      if (deadlineMs === undefined) continue;
      assertFiniteDeadline(deadlineMs);
      const atMs = deadlineMs < nowMs ? nowMs : deadlineMs;
      if (best === undefined || atMs < bestAtMs || (atMs === bestAtMs && record.order < best.order)) {
        best = record;
        bestAtMs = atMs;
      }
    }
    this.due = best;
    return best === undefined ? undefined : bestAtMs;
  }

  private markDirty(record: Followed): void {
    if (record.dirty || !record.active) return;
    record.dirty = true;
    this.dirty.push(record);
  }

  private unfollow(record: Followed): void {
    if (!record.active) return;
    record.active = false;
    record.unwatch?.();
    this.heap.remove(record);
    const index = this.polled.indexOf(record);
    if (index >= 0) this.polled.splice(index, 1);
  }

  /** Reads the deadlines of the sources that said they changed and puts them in their place. */
  private refresh(): void {
    const dirty = this.dirty;
    let done = 0;
    try {
      for (; done < dirty.length; done++) {
        const record = dirty[done] as Followed;
        if (!record.active) {
          record.dirty = false;
          continue;
        }
        const deadlineMs = record.source.nextDeadline();
        if (deadlineMs !== undefined) assertFiniteDeadline(deadlineMs);
        record.dirty = false;
        this.place(record, deadlineMs);
      }
    } finally {
      // A source whose deadline was not finite stays listed, and throws again at the next read.
      dirty.splice(0, done);
    }
  }

  private place(record: Followed, deadlineMs: number | undefined): void {
    if (deadlineMs === undefined) this.heap.remove(record);
    else this.heap.set(record, deadlineMs);
  }
}

export type { Followed };
