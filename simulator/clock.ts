/**
 * The virtual clock of the simulator core (docs/architecture.md house rules 2 and 4). All times are virtual
 * milliseconds; nothing here reads the wall clock or touches global timers, so the clock also works while
 * a test has vitest's fake timers installed.
 *
 * Ordering, written down once:
 * - Due timers fire by (atMs, insertion order). A timer that a callback schedules for a time within the
 *   current advance fires in the same advance, in its place in that order.
 * - Followed sans-IO sources (`follow`) are interleaved by time. At equal times the clock's own timers fire
 *   first, then the sources in the order they were followed. What a callback changes is seen before the
 *   next step: a timer it schedules at once, a source's moved deadline when the source says so
 *   (`watchDeadline`, read again before the next step) or, for a source without it, because such a
 *   source is asked again at every step. A source is always read again after its own `handleTimeout`.
 * - Cost: timers and watched sources sit in binary heaps (timer-queue.ts, followed-sources.ts), so a step
 *   costs O(log n) in them, and a watched source with no deadline costs nothing; each source without
 *   `watchDeadline` costs one `nextDeadline()` per step (docs/simulator.md "The clock and its sources").
 * - A time in the past (a `schedule` before now, a source deadline before now) counts as now.
 * - Time never goes back: during a callback `now()` equals the time it fires at, and after
 *   `advanceTo(tMs)` returns, `now() === tMs`.
 */
import { SimulatorError } from './errors.js';
import { type DeadlineSource, type Followed, FollowedSources } from './followed-sources.js';
import { type TimerCallback, type TimerHandle, TimerQueue } from './timer-queue.js';

export type { DeadlineSource } from './followed-sources.js';
export type { TimerCallback, TimerHandle } from './timer-queue.js';

/**
 * One turn of the host's event loop (a macrotask): when it resolves, every promise job queued before
 * it, and every job those queued, has run. The core has no timers (docs/architecture.md house rule 1), so
 * whoever owns I/O passes it in: `hostTurn` of `iqsim/testing` (testing/host-turn.ts), which `createRig`
 * uses.
 */
export type HostTurn = () => Promise<void>;

export interface VirtualClockOptions {
  /**
   * Lets `settleJobs` wait for the promise job queue to be empty, exactly. Without it the clock waits
   * until `QUIET_TURNS` promise turns pass with no timer scheduled, cancelled or fired.
   */
  readonly hostTurn?: HostTurn;
}

/** Promise turns with no clock activity after which a clock without a host turn calls the jobs done. */
export const QUIET_TURNS = 256;

export interface ClockRunOptions {
  /**
   * Guard against a timer or source that reschedules itself forever. For `runUntilIdle` it caps the
   * callbacks fired in the whole call; for `advanceTo`/`advanceBy`, which are bounded in time, it caps the
   * callbacks fired at one instant without time moving (the only way an advance can loop forever).
   * Default `DEFAULT_LOOP_LIMIT`; `Infinity` disables it.
   */
  readonly loopLimit?: number;
}

/** Default loop limit (callbacks), as in sinonjs/fake-timers' `runAll`. */
export const DEFAULT_LOOP_LIMIT = 100_000;

function assertFiniteMs(valueMs: number, what: string): void {
  if (!Number.isFinite(valueMs)) {
    throw new SimulatorError('SIM_TIME', `${what}: ${valueMs} is not a finite number of milliseconds`);
  }
}

function loopLimitOf(options: ClockRunOptions | undefined): number {
  const loopLimit = options?.loopLimit ?? DEFAULT_LOOP_LIMIT;
  if (!(loopLimit >= 0) || (!Number.isInteger(loopLimit) && loopLimit !== Number.POSITIVE_INFINITY)) {
    throw new SimulatorError(
      'SIM_BAD_INPUT',
      `loopLimit must be a whole number ≥ 0 or Infinity, got ${loopLimit}`,
    );
  }
  return loopLimit;
}

export class VirtualClock {
  private nowMs: number;
  private readonly queue = new TimerQueue();
  private readonly sources = new FollowedSources();
  /** Set by `findNext`: the source that is due next, or undefined when a clock timer is. */
  private dueSource: Followed | undefined;
  /** True while an advance or `runUntilIdle` is firing callbacks. */
  private firing = false;
  private readonly hostTurn: HostTurn | undefined;

  constructor(startMs = 0, options: VirtualClockOptions = {}) {
    assertFiniteMs(startMs, 'VirtualClock start');
    this.nowMs = startMs;
    this.hostTurn = options.hostTurn;
  }

  /** Whether `settleJobs` is exact (a host turn was given) rather than counting quiet promise turns. */
  get exactSettle(): boolean {
    return this.hostTurn !== undefined;
  }

  /**
   * Resolves once the promise jobs queued now have run (and those they queued), or as soon as `done()`
   * holds: what a driver awaits before it moves time, so async client code that is still between two
   * awaits gets to schedule its next timer first. Exact with a host turn; otherwise it waits for
   * `QUIET_TURNS` consecutive promise turns in which no timer was scheduled, cancelled or fired.
   */
  async settleJobs(done: () => boolean = () => false): Promise<void> {
    // Most calls settle within a few turns of the callback that resolved them: no host turn needed.
    for (let i = 0; i < 4; i++) {
      if (done()) return;
      await undefined;
    }
    if (done()) return;
    if (this.hostTurn) {
      await this.hostTurn();
      return;
    }
    let mark = this.queue.activity;
    for (let quiet = 0; quiet < QUIET_TURNS && !done(); ) {
      await undefined;
      if (this.queue.activity === mark) quiet++;
      else {
        mark = this.queue.activity;
        quiet = 0;
      }
    }
  }

  /** Current virtual time (ms). */
  now(): number {
    return this.nowMs;
  }

  /** Fires `callback` at virtual time `atMs`; a time before now fires at the next advance, at now. */
  schedule(atMs: number, callback: TimerCallback): TimerHandle {
    assertFiniteMs(atMs, 'schedule');
    return this.queue.push(atMs < this.nowMs ? this.nowMs : atMs, callback);
  }

  /** Fires `callback` `delayMs` after now; a negative delay counts as 0. */
  after(delayMs: number, callback: TimerCallback): TimerHandle {
    assertFiniteMs(delayMs, 'after');
    return this.schedule(this.nowMs + delayMs, callback);
  }

  /**
   * Makes the clock treat `source.nextDeadline()` as one more timer: advances call
   * `source.handleTimeout(t)` when it is due (ties: after the clock's own timers). A source with
   * `watchDeadline` is read only when it reports a change; one without is asked at every step. Returns
   * the unsubscribe function, which is idempotent.
   */
  follow(source: DeadlineSource): () => void {
    return this.sources.follow(source);
  }

  /** Time (ms) of the next timer or followed deadline (a past deadline reads as now), if any. */
  nextAt(): number | undefined {
    return this.findNext();
  }

  /** Pending timers, plus one per followed source that has a deadline. */
  pending(): number {
    return this.queue.live + this.sources.count();
  }

  /**
   * Fires everything due up to and including `tMs`, then sets now to `tMs`. Throws SIM_TIME when `tMs`
   * is before now, not finite, or when called from inside a callback. If a callback throws, the error
   * propagates and now stays at that callback's time.
   */
  advanceTo(tMs: number, options?: ClockRunOptions): void {
    assertFiniteMs(tMs, 'advanceTo');
    if (tMs < this.nowMs) {
      throw new SimulatorError('SIM_TIME', `advanceTo(${tMs}): time cannot go back from ${this.nowMs} ms`);
    }
    this.run('advanceTo', tMs, loopLimitOf(options), true);
    this.nowMs = tMs;
  }

  /** `advanceTo(now + deltaMs)`; a negative delta throws SIM_TIME. */
  advanceBy(deltaMs: number, options?: ClockRunOptions): void {
    assertFiniteMs(deltaMs, 'advanceBy');
    if (deltaMs < 0) throw new SimulatorError('SIM_TIME', `advanceBy(${deltaMs}): time cannot go back`);
    this.advanceTo(this.nowMs + deltaMs, options);
  }

  /**
   * Fires timers and source deadlines, advancing to each, until none are left; returns how many fired.
   * Now ends at the last one fired. Throws SIM_LOOP_LIMIT when more than `loopLimit` would fire.
   */
  runUntilIdle(options?: ClockRunOptions): number {
    return this.run('runUntilIdle', Number.POSITIVE_INFINITY, loopLimitOf(options), false);
  }

  /**
   * The one firing loop. `perInstant` picks what the loop limit counts: callbacks at one instant
   * (advances) or callbacks in the whole call (`runUntilIdle`).
   */
  private run(caller: string, untilMs: number, loopLimit: number, perInstant: boolean): number {
    if (this.firing) {
      // A nested advance would move time under the outer one, which then could not keep its order.
      throw new SimulatorError('SIM_TIME', `${caller} called from inside a clock callback`);
    }
    this.firing = true;
    let fired = 0;
    let firedThisInstant = 0;
    try {
      for (let atMs = this.findNext(); atMs !== undefined && atMs <= untilMs; atMs = this.findNext()) {
        if (atMs > this.nowMs) firedThisInstant = 0;
        if ((perInstant ? firedThisInstant : fired) >= loopLimit) {
          throw this.loopLimitError(caller, loopLimit, fired, firedThisInstant, perInstant);
        }
        this.fireNext(atMs);
        fired++;
        firedThisInstant++;
      }
    } finally {
      this.firing = false;
    }
    return fired;
  }

  /** The earliest due time among the clock's timers and followed sources; sets `dueSource`. */
  private findNext(): number | undefined {
    const timerAtMs = this.queue.peek()?.atMs;
    const sourceAtMs = this.sources.earliest(this.nowMs);
    // Strictly earlier only: on a tie the clock timer stays first.
    if (sourceAtMs !== undefined && (timerAtMs === undefined || sourceAtMs < timerAtMs)) {
      this.dueSource = this.sources.due;
      return sourceAtMs;
    }
    this.dueSource = undefined;
    return timerAtMs;
  }

  /** Fires what `findNext` just picked, at `atMs`. */
  private fireNext(atMs: number): void {
    this.nowMs = atMs;
    const record = this.dueSource;
    if (record !== undefined) {
      this.dueSource = undefined;
      this.sources.firing(record);
      record.source.handleTimeout(atMs);
      return;
    }
    this.queue.take().callback(atMs);
  }

  private loopLimitError(
    caller: string,
    loopLimit: number,
    fired: number,
    firedThisInstant: number,
    perInstant: boolean,
  ): SimulatorError {
    const what = perInstant
      ? `fired ${firedThisInstant} callbacks at ${this.nowMs} ms without time moving`
      : `fired ${fired} callbacks, reaching ${this.nowMs} ms, and work is still pending`;
    return new SimulatorError(
      'SIM_LOOP_LIMIT',
      `${caller} ${what} (loopLimit ${loopLimit}); a timer or followed source probably reschedules ` +
        'itself forever (does a handleTimeout leave its nextDeadline unchanged?)',
    );
  }
}
