import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { type DeadlineSource, QUIET_TURNS, VirtualClock } from './clock.js';
import { SimulatorError } from './errors.js';

/** Runs `fn` and returns the SimulatorError it throws (fails the test if it throws anything else). */
function simulatorErrorOf(fn: () => unknown): SimulatorError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SimulatorError);
    return error as SimulatorError;
  }
  throw new Error('expected a SimulatorError, nothing was thrown');
}

/** A sans-IO source firing every `periodMs` from `firstMs`, `count` times; logs each timeout. */
function periodicSource(firstMs: number, periodMs: number, count: number, log: string[], name = 'src') {
  let deadlineMs: number | undefined = firstMs;
  let left = count;
  const source: DeadlineSource & { setDeadline(ms: number | undefined): void } = {
    nextDeadline: () => deadlineMs,
    handleTimeout(nowMs) {
      log.push(`${name}@${nowMs}`);
      left--;
      deadlineMs = left > 0 ? nowMs + periodMs : undefined;
    },
    setDeadline(ms) {
      deadlineMs = ms;
      if (ms !== undefined && left <= 0) left = 1;
    },
  };
  return source;
}

describe('VirtualClock ordering', () => {
  it('fires by time, then insertion order, with now() at each timer time', () => {
    const clock = new VirtualClock(100);
    const log: string[] = [];
    const note = (name: string) => (nowMs: number) => log.push(`${name}@${nowMs}/${clock.now()}`);
    clock.schedule(130, note('c'));
    clock.schedule(110, note('a'));
    clock.after(20, note('b1'));
    clock.schedule(120, note('b2'));
    clock.schedule(500, note('late'));
    clock.advanceTo(200);
    expect(log).toEqual(['a@110/110', 'b1@120/120', 'b2@120/120', 'c@130/130']);
    expect(clock.now()).toBe(200);
    expect(clock.pending()).toBe(1);
    expect(clock.nextAt()).toBe(500);
  });

  it('keeps insertion order among many timers at the same time', () => {
    const clock = new VirtualClock();
    const order: number[] = [];
    for (let i = 0; i < 50; i++) clock.schedule(10, () => order.push(i));
    clock.advanceTo(10);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('fires timers scheduled by callbacks within the same advance, in order', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.schedule(10, (nowMs) => {
      log.push(`a@${nowMs}`);
      clock.schedule(10, (t) => log.push(`a-same@${t}`));
      clock.after(5, (t) => {
        log.push(`a-later@${t}`);
        clock.after(100, (u) => log.push(`too-late@${u}`));
      });
    });
    clock.schedule(10, (nowMs) => log.push(`b@${nowMs}`));
    clock.schedule(12, (nowMs) => log.push(`c@${nowMs}`));
    clock.advanceTo(20);
    expect(log).toEqual(['a@10', 'b@10', 'a-same@10', 'c@12', 'a-later@15']);
    expect(clock.nextAt()).toBe(115);
  });

  it('fires a past time at the next advance, at the current time', () => {
    const clock = new VirtualClock(50);
    const seen: number[] = [];
    const handle = clock.schedule(10, (nowMs) => seen.push(nowMs));
    expect(handle.atMs).toBe(50);
    clock.after(-5, (nowMs) => seen.push(nowMs));
    expect(seen).toEqual([]);
    clock.advanceBy(0);
    expect(seen).toEqual([50, 50]);
  });

  it('advanceBy moves by a delta and fires what falls inside it', () => {
    const clock = new VirtualClock(1_000);
    const seen: number[] = [];
    clock.after(250, (nowMs) => seen.push(nowMs));
    clock.advanceBy(249);
    expect(seen).toEqual([]);
    clock.advanceBy(1);
    expect(seen).toEqual([1_250]);
    expect(clock.now()).toBe(1_250);
  });
});

describe('VirtualClock cancel', () => {
  it('a cancelled timer never fires; cancel is idempotent and a no-op after firing', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const a = clock.schedule(10, () => log.push('a'));
    const b = clock.schedule(10, () => log.push('b'));
    const c = clock.schedule(20, () => log.push('c'));
    expect(clock.pending()).toBe(3);
    b.cancel();
    b.cancel();
    expect(clock.pending()).toBe(2);
    clock.advanceTo(10);
    a.cancel();
    expect(clock.pending()).toBe(1);
    c.cancel();
    expect(clock.pending()).toBe(0);
    expect(clock.nextAt()).toBeUndefined();
    expect(clock.runUntilIdle()).toBe(0);
    expect(log).toEqual(['a']);
  });

  it('a callback can cancel a later timer due in the same advance', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.schedule(5, () => {
      log.push('first');
      second.cancel();
    });
    const second = clock.schedule(5, () => log.push('second'));
    clock.advanceTo(5);
    expect(log).toEqual(['first']);
  });

  it('stays correct when far more timers are cancelled than kept (heap compaction)', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const handle = clock.schedule(5_000 - i, () => fired.push(5_000 - i));
      if (i % 100 !== 0) handle.cancel();
    }
    expect(clock.pending()).toBe(50);
    expect(clock.runUntilIdle()).toBe(50);
    expect(fired).toEqual([...fired].sort((x, y) => x - y));
    expect(fired).toHaveLength(50);
  });
});

describe('VirtualClock time errors and loop limit', () => {
  it('never goes back (SIM_TIME)', () => {
    const clock = new VirtualClock(100);
    expect(simulatorErrorOf(() => clock.advanceTo(99)).code).toBe('SIM_TIME');
    expect(simulatorErrorOf(() => clock.advanceBy(-1)).code).toBe('SIM_TIME');
    expect(clock.now()).toBe(100);
    clock.advanceTo(100);
    expect(clock.now()).toBe(100);
  });

  it('rejects NaN and infinite times (SIM_TIME)', () => {
    const clock = new VirtualClock();
    const error = simulatorErrorOf(() => clock.advanceTo(Number.NaN));
    expect(error.code).toBe('SIM_TIME');
    expect(error.name).toBe('SimulatorError');
    expect(simulatorErrorOf(() => clock.advanceTo(Number.POSITIVE_INFINITY)).code).toBe('SIM_TIME');
    expect(simulatorErrorOf(() => clock.schedule(Number.NaN, () => {})).code).toBe('SIM_TIME');
    expect(simulatorErrorOf(() => clock.after(Number.NaN, () => {})).code).toBe('SIM_TIME');
    expect(simulatorErrorOf(() => new VirtualClock(Number.NaN)).code).toBe('SIM_TIME');
  });

  it('refuses to advance from inside a callback', () => {
    const clock = new VirtualClock();
    let inner: unknown;
    clock.schedule(5, () => {
      try {
        clock.advanceTo(7);
      } catch (error) {
        inner = error;
      }
    });
    clock.advanceTo(10);
    expect((inner as SimulatorError).code).toBe('SIM_TIME');
    expect(clock.now()).toBe(10);
  });

  it('runUntilIdle advances to each timer and returns how many fired', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    clock.schedule(30, (nowMs) => seen.push(nowMs));
    clock.schedule(10, (nowMs) => {
      seen.push(nowMs);
      clock.after(5, (t) => seen.push(t));
    });
    expect(clock.runUntilIdle()).toBe(3);
    expect(seen).toEqual([10, 15, 30]);
    expect(clock.now()).toBe(30);
    expect(clock.pending()).toBe(0);
  });

  it('runUntilIdle with a self-rescheduling timer stops at the loop limit (SIM_LOOP_LIMIT)', () => {
    const clock = new VirtualClock();
    let fired = 0;
    const tick = () => {
      fired++;
      clock.after(10, tick);
    };
    clock.after(10, tick);
    const error = simulatorErrorOf(() => clock.runUntilIdle({ loopLimit: 1_000 }));
    expect(error.code).toBe('SIM_LOOP_LIMIT');
    expect(error.message).toMatch(/fired 1000 callbacks, reaching 10000 ms/);
    expect(fired).toBe(1_000);
    expect(clock.now()).toBe(10_000);
    // The clock is usable afterwards.
    clock.advanceBy(25);
    expect(fired).toBe(1_002);
  });

  it('runUntilIdle uses a default loop limit of 100 000', () => {
    const clock = new VirtualClock();
    const tick = () => clock.after(1, tick);
    clock.after(1, tick);
    expect(simulatorErrorOf(() => clock.runUntilIdle()).message).toMatch(/fired 100000 callbacks/);
  });

  it('an advance that loops at one instant stops at the loop limit instead of hanging', () => {
    const clock = new VirtualClock();
    const stuck: DeadlineSource = { nextDeadline: () => 5, handleTimeout: () => {} };
    clock.follow(stuck);
    const error = simulatorErrorOf(() => clock.advanceTo(100, { loopLimit: 50 }));
    expect(error.code).toBe('SIM_LOOP_LIMIT');
    expect(error.message).toMatch(/fired 50 callbacks at 5 ms without time moving/);
  });

  it('an advance may fire any number of timers as long as time moves', () => {
    const clock = new VirtualClock();
    let fired = 0;
    const tick = () => {
      fired++;
      clock.after(1, tick);
    };
    clock.after(1, tick);
    clock.advanceTo(1_000, { loopLimit: 2 });
    expect(fired).toBe(1_000);
  });

  it('rejects a bad loop limit (SIM_BAD_INPUT)', () => {
    const clock = new VirtualClock();
    expect(simulatorErrorOf(() => clock.runUntilIdle({ loopLimit: -1 })).code).toBe('SIM_BAD_INPUT');
    expect(simulatorErrorOf(() => clock.advanceBy(1, { loopLimit: 1.5 })).code).toBe('SIM_BAD_INPUT');
  });
});

describe('VirtualClock.follow', () => {
  it('interleaves a source deadline that moves with the clock timers', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const source = periodicSource(10, 10, 3, log);
    const unfollow = clock.follow(source);
    clock.schedule(15, (t) => log.push(`timer@${t}`));
    // Tie at 20 ms: the clock timer fires before the source.
    clock.schedule(20, (t) => log.push(`timer@${t}`));
    expect(clock.nextAt()).toBe(10);
    expect(clock.pending()).toBe(3);
    clock.advanceTo(100);
    expect(log).toEqual(['src@10', 'timer@15', 'timer@20', 'src@20', 'src@30']);
    expect(clock.nextAt()).toBeUndefined();
    unfollow();
    unfollow();
  });

  it('re-reads the deadline after every callback, and treats a past deadline as now', () => {
    const clock = new VirtualClock(100);
    const log: string[] = [];
    const source = periodicSource(50, 10, 1, log);
    clock.follow(source);
    expect(clock.nextAt()).toBe(100);
    clock.schedule(105, (t) => {
      log.push(`timer@${t}`);
      // The timer pulls the source's deadline into the past: it runs at once, at 105.
      source.setDeadline(0);
    });
    clock.advanceTo(200);
    expect(log).toEqual(['src@100', 'timer@105', 'src@105']);
    expect(clock.now()).toBe(200);
  });

  it('a source callback can schedule clock timers, which fire in the same advance', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const inner = periodicSource(10, 5, 2, log);
    clock.follow({
      nextDeadline: () => inner.nextDeadline(),
      handleTimeout(nowMs) {
        inner.handleTimeout(nowMs);
        clock.schedule(nowMs, (t) => log.push(`same-instant@${t}`));
      },
    });
    clock.advanceTo(50);
    expect(log).toEqual(['src@10', 'same-instant@10', 'src@15', 'same-instant@15']);
  });

  it('runUntilIdle drives a source to idle; unfollow stops driving it', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const a = periodicSource(0, 7, 3, log, 'a');
    const b = periodicSource(7, 7, 10, log, 'b');
    clock.follow(a);
    const unfollowB = clock.follow(b);
    clock.advanceTo(7);
    // Tie at 7 ms between two sources: the one followed first goes first.
    expect(log).toEqual(['a@0', 'a@7', 'b@7']);
    unfollowB();
    expect(clock.runUntilIdle()).toBe(1);
    expect(log.at(-1)).toBe('a@14');
    expect(clock.now()).toBe(14);
    expect(b.nextDeadline()).toBe(14);
  });
});

describe('VirtualClock under vitest fake timers', () => {
  it('works while vi.useFakeTimers() is active and is independent of the faked globals', () => {
    vi.useFakeTimers();
    try {
      const clock = new VirtualClock();
      const seen: number[] = [];
      clock.after(1_000, (nowMs) => seen.push(nowMs));
      // Advancing vitest's fake time does not move the virtual clock...
      vi.advanceTimersByTime(5_000);
      expect(seen).toEqual([]);
      expect(clock.now()).toBe(0);
      // ...and the virtual clock runs without any real or fake timer.
      clock.advanceTo(1_000);
      expect(seen).toEqual([1_000]);
      expect(vi.getTimerCount()).toBe(0);
      clock.after(5, (nowMs) => seen.push(nowMs));
      expect(clock.runUntilIdle()).toBe(1);
      expect(seen).toEqual([1_000, 1_005]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('VirtualClock properties', () => {
  it('fires the non-cancelled timers in stable order of (clamped) time, and now() never decreases', () => {
    const timerArb = fc.record({ atMs: fc.integer({ min: 0, max: 100 }), cancel: fc.boolean() });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.array(timerArb, { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 10 }),
        (startMs, timers, stepsMs) => {
          const clock = new VirtualClock(startMs);
          const fired: number[] = [];
          let lastNowMs = clock.now();
          const handles = timers.map(({ atMs }, index) =>
            clock.schedule(atMs, (nowMs) => {
              expect(nowMs).toBe(clock.now());
              expect(nowMs).toBeGreaterThanOrEqual(lastNowMs);
              lastNowMs = nowMs;
              fired.push(index);
            }),
          );
          timers.forEach(({ cancel }, index) => {
            if (cancel) handles[index]?.cancel();
          });
          for (const stepMs of stepsMs) {
            clock.advanceBy(stepMs);
            expect(clock.now()).toBeGreaterThanOrEqual(lastNowMs);
            lastNowMs = clock.now();
          }
          clock.runUntilIdle();
          const dueMs = (index: number) => Math.max(startMs, timers[index]?.atMs ?? 0);
          // Array.prototype.sort is stable (ES2019), so ties keep scheduling order.
          const expected = timers
            .map((_, index) => index)
            .filter((index) => !timers[index]?.cancel)
            .sort((x, y) => dueMs(x) - dueMs(y));
          expect(fired).toEqual(expected);
          expect(clock.pending()).toBe(0);
        },
      ),
    );
  });
});

describe('VirtualClock.settleJobs', () => {
  /** A chain of `turns` promise turns that schedules a timer at its end, as client code between awaits does. */
  async function chain(clock: VirtualClock, turns: number, fired: number[]): Promise<void> {
    for (let i = 0; i < turns; i++) await undefined;
    clock.after(5, (t) => fired.push(t));
  }

  it('without a host turn, waits until QUIET_TURNS turns pass with no timer activity', async () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    void chain(clock, QUIET_TURNS - 1, fired);
    await clock.settleJobs();
    expect(clock.pending()).toBe(1);
    clock.runUntilIdle();
    expect(fired).toEqual([5]);
  });

  it('with a host turn, waits for every queued job whatever the chain length', async () => {
    let turns = 0;
    const clock = new VirtualClock(0, {
      hostTurn: async () => {
        turns++;
        for (let i = 0; i < 20_000; i++) await undefined;
      },
    });
    const fired: number[] = [];
    void chain(clock, 10_000, fired);
    await clock.settleJobs();
    expect(turns).toBe(1);
    expect(clock.pending()).toBe(1);
  });

  it('returns as soon as done() holds, without a host turn', async () => {
    let turns = 0;
    const clock = new VirtualClock(0, {
      hostTurn: async () => {
        turns++;
      },
    });
    await clock.settleJobs(() => true);
    expect(turns).toBe(0);
  });
});
