/**
 * The fixed timer slots against the named record they replace (a `Record<name, atMs>` re-inserted on
 * every arm, scanned in insertion order for the first strictly earliest): same next timer after any
 * sequence of arms and clears, same snapshot record.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_TIMER, TIMER_NAMES, TimerSlots } from './timer-slots.js';

function recordEarliest(record: Record<string, number>): string | undefined {
  let best: string | undefined;
  let bestAt = Number.POSITIVE_INFINITY;
  for (const name in record) {
    const at = record[name] as number;
    if (at < bestAt) {
      best = name;
      bestAt = at;
    }
  }
  return best;
}

const name = fc.constantFrom(...TIMER_NAMES.slice(0, 6));
const operation = fc.oneof(
  fc.record({
    set: name,
    atMs: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(Number.POSITIVE_INFINITY)),
  }),
  fc.record({ clear: name }),
);

describe('TimerSlots', () => {
  it('picks the same next timer as the named record, and saves the same record', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
        const slots = new TimerSlots();
        const record: Record<string, number> = {};
        for (const op of operations) {
          if ('set' in op) {
            slots.set(op.set, op.atMs);
            delete record[op.set];
            record[op.set] = op.atMs;
          } else {
            slots.clear(op.clear);
            delete record[op.clear];
          }
          const id = slots.earliest();
          expect(id === NO_TIMER ? undefined : TIMER_NAMES[id]).toBe(recordEarliest(record));
        }
        expect(slots.toRecord()).toEqual(record);
        expect(Object.keys(slots.toRecord())).toEqual(Object.keys(record));
      }),
      { numRuns: 150 },
    );
  });

  it('loads a snapshot record in its order and drops names it does not know', () => {
    const slots = new TimerSlots();
    slots.load({ idleSleep: 50, retired: 10, level: 50 });
    expect(slots.has('idleSleep')).toBe(true);
    expect(TIMER_NAMES[slots.earliest()]).toBe('idleSleep');
    expect(slots.toRecord()).toEqual({ idleSleep: 50, level: 50 });
  });
});
