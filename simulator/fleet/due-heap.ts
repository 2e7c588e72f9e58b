/**
 * The fleet's schedule: a binary min-heap of its devices keyed by (next due time, index), each device
 * knowing its own slot so that a changed due time moves it in O(log n). Idle devices with nothing due
 * sit at +∞ and cost nothing until they are keyed again; the clock sees the fleet as one source whose
 * deadline is the top of this heap (docs/fleet.md "How a fleet runs").
 */

export interface Keyed {
  readonly index: number;
  dueMs: number;
  /** Slot in the heap, -1 when out of it. */
  heapSlot: number;
}

const before = (a: Keyed, b: Keyed): boolean =>
  a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.index < b.index);

export class DueHeap<T extends Keyed> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

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

  /** Takes `item` out (isolated devices leave the schedule). */
  remove(item: T): void {
    const slot = item.heapSlot;
    if (slot < 0) return;
    const last = this.items.pop() as T;
    item.heapSlot = -1;
    if (last === item) return;
    this.items[slot] = last;
    last.heapSlot = slot;
    this.up(slot);
    this.down(last.heapSlot);
  }

  private swap(i: number, j: number): void {
    const a = this.items[i] as T;
    const b = this.items[j] as T;
    this.items[i] = b;
    this.items[j] = a;
    a.heapSlot = j;
    b.heapSlot = i;
  }

  private up(slot: number): void {
    let i = slot;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.items[i] as T, this.items[parent] as T)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(slot: number): void {
    let i = slot;
    const n = this.items.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < n && before(this.items[left] as T, this.items[least] as T)) least = left;
      if (right < n && before(this.items[right] as T, this.items[least] as T)) least = right;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }
}
