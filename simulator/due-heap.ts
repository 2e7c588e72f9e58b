/**
 * An indexed binary min-heap keyed by (due time, order): each item knows its own slot, so a changed due
 * time moves it in O(log n) and an item can leave from anywhere. The clock keeps the sources it follows
 * in one (followed-sources.ts, docs/simulator.md "The clock and its sources") and a fleet its devices
 * (docs/fleet.md "How a fleet runs"). Moving items allocates nothing.
 */

export interface Keyed {
  /** Breaks ties between items due at the same time: the lower order comes first. */
  readonly order: number;
  /** The time the item is due at; written by the heap. */
  dueMs: number;
  /** Slot in the heap, -1 when out of it; written by the heap. */
  heapSlot: number;
}

function before(a: Keyed, b: Keyed): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
}

export class DueHeap<T extends Keyed> {
  private readonly items: T[] = [];
  /** Reused by `firstDueBy`, so that search allocates nothing. */
  private readonly stack: number[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The item due first (lowest order among equal times), if any. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Puts `item` in at `dueMs`, or moves it there. */
  set(item: T, dueMs: number): void {
    if (item.heapSlot < 0) {
      item.dueMs = dueMs;
      item.heapSlot = this.items.length;
      this.items.push(item);
      this.up(item.heapSlot);
      return;
    }
    const earlier = dueMs < item.dueMs;
    item.dueMs = dueMs;
    if (earlier) this.up(item.heapSlot);
    else this.down(item.heapSlot);
  }

  /** Takes `item` out; a no-op when it is not in. */
  remove(item: T): void {
    const slot = item.heapSlot;
    if (slot < 0) return;
    item.heapSlot = -1;
    const last = this.items.pop() as T;
    if (last === item) return;
    this.items[slot] = last;
    last.heapSlot = slot;
    this.up(slot);
    this.down(last.heapSlot);
  }

  /**
   * The lowest-order item due at or before `nowMs`, when the top is one: every item late by now counts
   * as due now. Visits only such items (below an item due after `nowMs`, all are later too).
   */
  firstDueBy(nowMs: number): T | undefined {
    const items = this.items;
    const stack = this.stack;
    let best: T | undefined;
    if (items.length > 0) stack.push(0);
    while (stack.length > 0) {
      const slot = stack.pop() as number;
      const item = items[slot] as T;
      if (item.dueMs > nowMs) continue;
      if (best === undefined || item.order < best.order) best = item;
      const left = 2 * slot + 1;
      if (left < items.length) stack.push(left);
      if (left + 1 < items.length) stack.push(left + 1);
    }
    return best;
  }

  private up(slot: number): void {
    const items = this.items;
    const item = items[slot] as T;
    let i = slot;
    while (i > 0) {
      const parentSlot = (i - 1) >> 1;
      const parent = items[parentSlot] as T;
      if (!before(item, parent)) break;
      items[i] = parent;
      parent.heapSlot = i;
      i = parentSlot;
    }
    items[i] = item;
    item.heapSlot = i;
  }

  private down(slot: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[slot] as T;
    let i = slot;
    for (;;) {
      const leftSlot = 2 * i + 1;
      if (leftSlot >= length) break;
      let childSlot = leftSlot;
      let child = items[leftSlot] as T;
      if (leftSlot + 1 < length) {
        const right = items[leftSlot + 1] as T;
        if (before(right, child)) {
          childSlot = leftSlot + 1;
          child = right;
        }
      }
      if (!before(child, item)) break;
      items[i] = child;
      child.heapSlot = i;
      i = childSlot;
    }
    items[i] = item;
    item.heapSlot = i;
  }
}
