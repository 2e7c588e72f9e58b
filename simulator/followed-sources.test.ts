/**
 * The clock's source heap (followed-sources.ts) against the rule it replaces: a naive clock that asks
 * every source for its deadline at every step (docs/simulator.md "The clock and its sources"). Random
 * schedules of clock timers and sources, watched (notifying) and polled, whose callbacks move other
 * sources' deadlines (into the past too), schedule timers and unfollow sources; both clocks must fire
 * the same callbacks at the same times.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DeadlineSource, VirtualClock } from './clock.js';

/** What one callback does; the k-th callback fired runs `plan[k % plan.length]`. */
type Effect =
  | { kind: 'move'; source: number; deltaMs: number | undefined }
  | { kind: 'timer'; deltaMs: number }
  | { kind: 'unfollow'; source: number };

interface SourceSpec {
  readonly watched: boolean;
  readonly firstMs: number | undefined;
  /** Its own next deadline after each timeout, ms after it (≥ 1, so nothing loops at one instant). */
  readonly periodMs: number;
  readonly count: number;
}

interface Schedule {
  readonly sources: readonly SourceSpec[];
  readonly timersMs: readonly number[];
  readonly plan: readonly (readonly Effect[])[];
  readonly stepsMs: readonly number[];
  /** Deadline moves made between advances (outside any callback), one per step. */
  readonly outside: readonly Effect[];
}

/** The clock surface the world needs: the real one and the naive one both have it. */
interface ClockLike {
  now(): number;
  schedule(atMs: number, callback: (nowMs: number) => void): unknown;
  follow(source: DeadlineSource): () => void;
  advanceTo(tMs: number): void;
}

/** The documented rules, literally: every step asks every timer and every source. */
class NaiveClock implements ClockLike {
  private nowMs = 0;
  private seq = 0;
  private readonly timers: { atMs: number; seq: number; callback: (nowMs: number) => void }[] = [];
  private readonly sources: DeadlineSource[] = [];

  now(): number {
    return this.nowMs;
  }

  schedule(atMs: number, callback: (nowMs: number) => void): void {
    this.timers.push({ atMs: Math.max(atMs, this.nowMs), seq: this.seq++, callback });
  }

  follow(source: DeadlineSource): () => void {
    this.sources.push(source);
    let following = true;
    return () => {
      if (!following) return;
      following = false;
      this.sources.splice(this.sources.indexOf(source), 1);
    };
  }

  advanceTo(tMs: number): void {
    for (;;) {
      let timerIndex = -1;
      for (let i = 0; i < this.timers.length; i++) {
        const t = this.timers[i];
        const best = this.timers[timerIndex];
        if (t && (!best || t.atMs < best.atMs || (t.atMs === best.atMs && t.seq < best.seq))) timerIndex = i;
      }
      let dueMs = this.timers[timerIndex]?.atMs;
      let dueSource: DeadlineSource | undefined;
      for (const source of this.sources) {
        const deadline = source.nextDeadline();
        if (deadline === undefined) continue;
        const atMs = Math.max(deadline, this.nowMs);
        if (dueMs === undefined || atMs < dueMs) {
          dueMs = atMs;
          dueSource = source;
        }
      }
      if (dueMs === undefined || dueMs > tMs) break;
      this.nowMs = dueMs;
      if (dueSource) dueSource.handleTimeout(dueMs);
      else this.timers.splice(timerIndex, 1)[0]?.callback(dueMs);
    }
    this.nowMs = tMs;
  }
}

/** Runs `schedule` on `clock`; returns the log of what fired, when. */
function play(clock: ClockLike, schedule: Schedule): string[] {
  const log: string[] = [];
  let fired = 0;
  const sources: { deadlineMs: number | undefined; changed?: () => void; unfollow: () => void }[] = [];
  const apply = (effect: Effect): void => {
    const now = clock.now();
    if (effect.kind === 'timer') {
      const id = fired;
      clock.schedule(now + effect.deltaMs, (t) => {
        log.push(`timer${id}@${t}`);
        afterCallback();
      });
      return;
    }
    const target = sources[effect.source % sources.length];
    if (!target) return;
    if (effect.kind === 'unfollow') target.unfollow();
    else {
      target.deadlineMs = effect.deltaMs === undefined ? undefined : now + effect.deltaMs;
      target.changed?.();
    }
  };
  const afterCallback = (): void => {
    // A bounded number of callbacks make more work, so every run ends.
    if (fired++ < 150) for (const effect of schedule.plan[fired % schedule.plan.length] ?? []) apply(effect);
  };
  schedule.sources.forEach((spec, index) => {
    let left = spec.count;
    const entry: (typeof sources)[number] = { deadlineMs: spec.firstMs, unfollow: () => undefined };
    const source: DeadlineSource = {
      nextDeadline: () => entry.deadlineMs,
      handleTimeout: (nowMs) => {
        log.push(`source${index}@${nowMs}`);
        left--;
        // Its own move, inside its own handleTimeout: no notification needed.
        entry.deadlineMs = left > 0 ? nowMs + spec.periodMs : undefined;
        afterCallback();
      },
      ...(spec.watched
        ? {
            watchDeadline: (changed: () => void) => {
              entry.changed = changed;
              return () => {
                entry.changed = undefined;
              };
            },
          }
        : {}),
    };
    sources.push(entry);
    entry.unfollow = clock.follow(source);
  });
  schedule.timersMs.forEach((atMs, index) => {
    clock.schedule(atMs, (t) => {
      log.push(`initial${index}@${t}`);
      afterCallback();
    });
  });
  schedule.stepsMs.forEach((stepMs, index) => {
    clock.advanceTo(clock.now() + stepMs);
    log.push(`now ${clock.now()}`);
    const outside = schedule.outside[index];
    if (outside) apply(outside);
  });
  return log;
}

const deltaMs = fc.integer({ min: -20, max: 60 });
const effect: fc.Arbitrary<Effect> = fc.oneof(
  fc.record({
    kind: fc.constant('move' as const),
    source: fc.nat(20),
    deltaMs: fc.option(deltaMs, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('timer' as const), deltaMs }),
  fc.record({ kind: fc.constant('unfollow' as const), source: fc.nat(20) }),
);
const schedule: fc.Arbitrary<Schedule> = fc.record({
  sources: fc.array(
    fc.record({
      watched: fc.boolean(),
      firstMs: fc.option(fc.integer({ min: 0, max: 80 }), { nil: undefined }),
      periodMs: fc.integer({ min: 1, max: 30 }),
      count: fc.integer({ min: 1, max: 6 }),
    }),
    { maxLength: 12 },
  ),
  timersMs: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 10 }),
  plan: fc.array(fc.array(effect, { maxLength: 3 }), { minLength: 1, maxLength: 8 }),
  stepsMs: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 8 }),
  outside: fc.array(effect, { maxLength: 8 }),
});

describe('VirtualClock source heap', () => {
  it('fires the same sequence as a clock that asks every source at every step', () => {
    fc.assert(
      fc.property(schedule, (s) => {
        expect(play(new VirtualClock(), s)).toEqual(play(new NaiveClock(), s));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a watched source only when it said its deadline changed, or after its own timeout', () => {
    const clock = new VirtualClock();
    let reads = 0;
    let deadlineMs: number | undefined = 10;
    let changed: () => void = () => undefined;
    clock.follow({
      nextDeadline: () => {
        reads++;
        return deadlineMs;
      },
      handleTimeout: (nowMs) => {
        deadlineMs = nowMs === 10 ? 1_000 : undefined;
      },
      watchDeadline: (onChange) => {
        changed = onChange;
        return () => undefined;
      },
    });
    for (let t = 1; t <= 5; t++) clock.after(t, () => undefined);
    clock.advanceTo(500);
    // Once when followed, once after its timeout at 10; not at the five timers.
    expect(reads).toBe(2);
    deadlineMs = 600;
    changed();
    clock.advanceTo(700);
    expect(reads).toBe(4);
    expect(clock.pending()).toBe(0);
  });
});
