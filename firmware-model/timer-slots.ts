/**
 * The firmware's named timers in fixed slots (docs/firmware-model.md "Timers"): one slot per
 * `TimerName`, indexed by its id, with the earliest armed timer cached. Arming or clearing a timer
 * later than the cached one leaves the cache as it is; only a change to the cached timer itself
 * (or nothing cached yet) makes the next read scan the slots again. Ties between equal times go to
 * the timer armed first (re-arming moves a timer to the end of that order), as the named record of
 * a snapshot lists them. A timer armed at +∞ (or NaN) stays armed and never fires.
 */

/** Every firmware timer; a timer's id is its index here. */
export const TIMER_NAMES = [
  'level',
  'heaterReport',
  'chargerPowerHold',
  'chargerResetHold',
  'holderStartHold',
  'preheatEnd',
  'warning',
  'sessionEnd',
  'pauseExpire',
  'cooldownEnd',
  'cleaningEnd',
  'chargerResetEnd',
  'holderResetEnd',
  'showLevelEnd',
  'holderShowEnd',
  'outOfRangeEnd',
  'idleSleep',
  'findMyEnd',
  'recheck',
  'firstLight',
  'chargeTimeout',
  'holderChargeTimeout',
  'puffCheck',
] as const;

export type TimerName = (typeof TIMER_NAMES)[number];

const TIMER_ID = Object.fromEntries(TIMER_NAMES.map((name, id) => [name, id])) as Record<TimerName, number>;

/** `TimerSlots.earliest()` when no timer is armed. */
export const NO_TIMER = -1;

export class TimerSlots {
  /** When each timer fires, ms; meaningful only where `order` is non-zero. */
  private readonly atMs = new Float64Array(TIMER_NAMES.length);
  /** Arming order (1, 2, …) of each armed timer; 0 = not armed. */
  private readonly order = new Float64Array(TIMER_NAMES.length);
  private armedCount = 0;
  private nextOrder = 1;
  /** Id of the earliest armed timer (`NO_TIMER` when none), while `cacheValid`. */
  private cached = NO_TIMER;
  private cacheValid = true;

  /** Arms (or re-arms) a timer; re-arming moves it to the end of the arming order. */
  set(name: TimerName, atMs: number): void {
    const id = TIMER_ID[name];
    if (this.order[id] === 0) this.armedCount++;
    this.order[id] = this.nextOrder++;
    const previousAtMs = this.atMs[id] as number;
    this.atMs[id] = atMs;
    if (!this.cacheValid) return;
    const cached = this.cached;
    if (cached === id) {
      // Strictly earlier than before: still earlier than every other timer. Later, or the same time
      // with a new place in the arming order: another timer may now come first.
      if (!(atMs < previousAtMs)) this.cacheValid = false;
    } else if (atMs < (cached === NO_TIMER ? Number.POSITIVE_INFINITY : (this.atMs[cached] as number))) {
      this.cached = id;
    }
  }

  clear(name: TimerName): void {
    this.clearId(TIMER_ID[name]);
  }

  clearId(id: number): void {
    if (this.order[id] === 0) return;
    this.order[id] = 0;
    this.armedCount--;
    if (this.cached === id) this.cacheValid = false;
  }

  has(name: TimerName): boolean {
    return this.order[TIMER_ID[name]] !== 0;
  }

  /** Id of the timer that fires next, or `NO_TIMER`. */
  earliest(): number {
    if (!this.cacheValid) this.rescan();
    return this.cached;
  }

  /** When timer `id` fires, ms (only meaningful while it is armed). */
  atOf(id: number): number {
    return this.atMs[id] as number;
  }

  /** When the next timer fires, ms, or undefined. */
  nextAtMs(): number | undefined {
    const id = this.earliest();
    return id === NO_TIMER ? undefined : (this.atMs[id] as number);
  }

  /** The armed timers as a snapshot stores them: name → time, in arming order. */
  toRecord(): Record<string, number> {
    const ids: number[] = [];
    for (let id = 0; id < TIMER_NAMES.length; id++) if (this.order[id] !== 0) ids.push(id);
    ids.sort((a, b) => (this.order[a] as number) - (this.order[b] as number));
    const record: Record<string, number> = {};
    for (const id of ids) record[TIMER_NAMES[id] as TimerName] = this.atMs[id] as number;
    return record;
  }

  /**
   * Arms the timers of a snapshot's record, in its order. A name this firmware does not know (a timer
   * of an older version) is dropped: it would fire as a no-op.
   */
  load(record: Readonly<Record<string, number>>): void {
    for (const name in record) {
      if (Object.hasOwn(TIMER_ID, name)) this.set(name as TimerName, record[name] as number);
    }
  }

  private rescan(): void {
    let best = NO_TIMER;
    if (this.armedCount > 0) {
      let bestAtMs = Number.POSITIVE_INFINITY;
      let bestOrder = Number.POSITIVE_INFINITY;
      for (let id = 0; id < TIMER_NAMES.length; id++) {
        const order = this.order[id] as number;
        const atMs = this.atMs[id] as number;
        // Not armed, or armed at a time that never comes (+∞, NaN): never the next one.
        if (order === 0 || !(atMs < Number.POSITIVE_INFINITY)) continue;
        if (atMs < bestAtMs || (atMs === bestAtMs && order < bestOrder)) {
          best = id;
          bestAtMs = atMs;
          bestOrder = order;
        }
      }
    }
    this.cached = best;
    this.cacheValid = true;
  }
}
