/**
 * The clock's timer queue (docs/architecture.md house rule 4): a binary min-heap of timers keyed by (time,
 * insertion order), with lazy cancellation. `VirtualClock` (clock.ts) is its only user.
 */

/** A scheduled callback; returned by `schedule` and `after`. */
export interface TimerHandle {
  /** Virtual time (ms) the callback fires at; a past time given to `schedule` reads as the then-current now. */
  readonly atMs: number;
  /** Stops the callback from firing. Idempotent; a no-op once the timer has fired. */
  cancel(): void;
}

/** Called with the virtual time (ms) the timer fires at, which equals `clock.now()` during the call. */
export type TimerCallback = (nowMs: number) => void;

const PENDING = 0;
const FIRED = 1;
const CANCELLED = 2;
type TimerState = typeof PENDING | typeof FIRED | typeof CANCELLED;

/** Heap record and handle in one object, so scheduling allocates nothing else. */
class Timer implements TimerHandle {
  state: TimerState = PENDING;

  constructor(
    readonly atMs: number,
    /** Insertion order; breaks ties between equal `atMs`. */
    readonly seq: number,
    readonly callback: TimerCallback,
    private readonly queue: TimerQueue,
  ) {}

  cancel(): void {
    if (this.state !== PENDING) return;
    this.state = CANCELLED;
    this.queue.onCancel();
  }
}

/**
 * Binary min-heap keyed by (atMs, seq). Cancellation only flags the record (lazy deletion): cancelled
 * records are dropped when they reach the top, or all at once when they outnumber the live ones, so a
 * timer that is re-armed over and over cannot grow the heap without bound.
 */
export class TimerQueue {
  /** Pending (not fired, not cancelled) timers. */
  live = 0;
  /** Bumped by every push, take and cancel: lets a waiter see that promise jobs touched the clock. */
  activity = 0;
  private readonly heap: Timer[] = [];
  /** Cancelled records still in the heap. */
  private cancelled = 0;
  private nextSeq = 0;

  push(atMs: number, callback: TimerCallback): Timer {
    const timer = new Timer(atMs, this.nextSeq++, callback, this);
    this.heap.push(timer);
    this.siftUp(this.heap.length - 1);
    this.live++;
    this.activity++;
    return timer;
  }

  /** The earliest pending timer, left in place; drops cancelled records found on top. */
  peek(): Timer | undefined {
    let top = this.heap[0];
    while (top !== undefined && top.state === CANCELLED) {
      this.removeTop();
      this.cancelled--;
      top = this.heap[0];
    }
    return top;
  }

  /** Removes the earliest pending timer and marks it fired; call right after `peek` returned it. */
  take(): Timer {
    const timer = this.heap[0] as Timer;
    this.removeTop();
    timer.state = FIRED;
    this.live--;
    this.activity++;
    return timer;
  }

  onCancel(): void {
    this.live--;
    this.activity++;
    this.cancelled++;
    // 64: below that a rebuild costs more than the dead records it saves.
    if (this.cancelled > 64 && this.cancelled > this.live) this.compact();
  }

  private removeTop(): void {
    const last = this.heap.pop() as Timer;
    if (this.heap.length === 0) return;
    this.heap[0] = last;
    this.siftDown(0);
  }

  /** Drops every cancelled record in place, then re-heapifies bottom-up (O(n)). */
  private compact(): void {
    const heap = this.heap;
    let kept = 0;
    for (let i = 0; i < heap.length; i++) {
      const timer = heap[i] as Timer;
      if (timer.state !== CANCELLED) heap[kept++] = timer;
    }
    heap.length = kept;
    this.cancelled = 0;
    for (let i = (kept >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const timer = heap[index] as Timer;
    let i = index;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as Timer;
      if (!before(timer, parent)) break;
      heap[i] = parent;
      i = parentIndex;
    }
    heap[i] = timer;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const timer = heap[index] as Timer;
    let i = index;
    for (;;) {
      const leftIndex = 2 * i + 1;
      if (leftIndex >= length) break;
      const rightIndex = leftIndex + 1;
      let childIndex = leftIndex;
      let child = heap[leftIndex] as Timer;
      if (rightIndex < length) {
        const right = heap[rightIndex] as Timer;
        if (before(right, child)) {
          childIndex = rightIndex;
          child = right;
        }
      }
      if (!before(child, timer)) break;
      heap[i] = child;
      i = childIndex;
    }
    heap[i] = timer;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
