/**
 * Shared by test/firmware-properties.test.ts (a short run in `npm test`) and
 * test/deep/firmware-properties-*.test.ts (issue #3 acceptance: 10,000 seeded random input sequences
 * per model, in `npm run test:deep`, split in two files so the workers share the load). Both use the
 * same fast-check seed per model.
 * - never heating while docked, locked, in error, or with the ambient out of range;
 * - battery levels within 0–100 % and each unit's energy ledger balanced (level = start + in − out);
 * - usage counters never decrease;
 * - a session never exceeds its time limit (plus pauses) or its puff limit (plus FlexPuff's extra);
 * - snapshot → restore → the same future: the same events and the same final state.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  allProfiles,
  Firmware,
  type FirmwareEvent,
  type FirmwareInput,
  HEATING_STATES,
  SETTING_NAMES,
} from '../../firmware-model/index.js';

const inputArb: fc.Arbitrary<FirmwareInput> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('button' as const),
      unit: fc.constantFrom('holder' as const, 'charger' as const),
      action: fc.constantFrom('press' as const, 'release' as const),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant('stick' as const),
      action: fc.constantFrom('insert' as const, 'remove' as const),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('puff' as const),
      durationMs: fc.integer({ min: 200, max: 4000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom<FirmwareInput>(
      { type: 'dock' },
      { type: 'undock' },
      { type: 'tilt' },
      { type: 'statusRead' },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('usb' as const),
      power: fc.constantFrom('none' as const, 'normal' as const, 'weak' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('ambient' as const),
      tempC: fc.oneof(fc.constant(22), fc.integer({ min: -15, max: 65 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('setting' as const),
      name: fc.constantFrom(...SETTING_NAMES),
      value: fc.oneof(fc.boolean(), fc.constantFrom(30, 100), fc.constantFrom('eco', 'performance')),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('clock' as const),
      seconds: fc.integer({ min: 0, max: 0xffffffff }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('findMy' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant<FirmwareInput>({ type: 'reset' }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('level' as const),
      unit: fc.constantFrom('holder' as const, 'charger' as const),
      percent: fc.integer({ min: 0, max: 100 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('connection' as const), value: fc.integer({ min: 0, max: 3 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constantFrom('fault' as const, 'clearFault' as const),
      fault: fc.constantFrom(
        'heaterOverTemp' as const,
        'heaterPower' as const,
        'heaterVariation' as const,
        'dutyCycle' as const,
        'holderError' as const,
        'holderWarning' as const,
        'chargerError' as const,
        'magnet' as const,
        'rtcReset' as const,
      ),
      bits: fc.constantFrom(0x01, 0x02, 0x04, 0x08),
    }),
  },
);

/** A step: wait, then apply an input. Waits are mostly short, sometimes long enough to end a session. */
const stepArb = fc.tuple(
  fc.oneof(
    fc.integer({ min: 0, max: 3_000 }),
    fc.integer({ min: 0, max: 120_000 }),
    fc.integer({ min: 0, max: 400_000 }),
  ),
  inputArb,
);

type Step = [number, FirmwareInput];

/**
 * Tag counters that never go down (tag 17 follows the RTC, which the app may set back:
 * docs/protocol.md D-28).
 */
const MONOTONIC = ['8E', '20', '1E'];

/** Plain checks (not `expect`): they run after every step of every sequence, so they must be cheap. */
function check(ok: boolean, what: string, fw: Firmware): void {
  if (!ok)
    throw new Error(
      `${what} at ${fw.nowMs} ms (holder ${fw.state.holder.state}, charger ${fw.state.charger.state})`,
    );
}

function checkInvariants(fw: Firmware, previous: Map<string, number>): void {
  const s = fw.state;
  if (HEATING_STATES.includes(s.holder.state)) {
    check(!s.holder.docked, 'heating while docked', fw);
    check(!s.settings.lock, 'heating while locked', fw);
    check(s.holder.errorBits === 0, 'heating with a holder error', fw);
    check(fw.status().ambient === 0, 'heating out of the ambient range', fw);
    check(
      fw.profile.parts === 'holder+charger' || s.charger.errorBits === 0,
      'heating with a device error',
      fw,
    );
  }
  for (const level of [s.charger.levelPercent, s.holder.levelPercent])
    check(level >= 0 && level <= 100, `battery level ${level} outside 0–100`, fw);
  const l = s.ledger;
  check(
    Math.abs(l.chargerStartPercent + l.chargerInPercent - l.chargerOutPercent - s.charger.levelPercent) <
      1e-6,
    'charger energy ledger unbalanced',
    fw,
  );
  if (fw.profile.parts === 'holder+charger')
    check(
      Math.abs(l.holderStartPercent + l.holderInPercent - l.holderOutPercent - s.holder.levelPercent) < 1e-6,
      'holder energy ledger unbalanced',
      fw,
    );
  const c = s.counters;
  monotonic(previous, 'lifetimePuffs', c.lifetimePuffs, fw);
  monotonic(previous, 'usage', c.lifetimeUsageQuarterSeconds, fw);
  for (const tag of MONOTONIC) {
    monotonic(previous, `holder ${tag}`, c.holder[tag] ?? 0, fw);
    monotonic(previous, `charger ${tag}`, c.charger[tag] ?? 0, fw);
  }
}

function monotonic(previous: Map<string, number>, key: string, value: number, fw: Firmware): void {
  check(value >= (previous.get(key) ?? 0), `counter ${key} went down`, fw);
  previous.set(key, value);
}

/** Session limits from the event stream: time from start to end minus pauses, and puffs at the end. */
function checkSessions(fw: Firmware, events: FirmwareEvent[]): void {
  const p = fw.params;
  const flex = fw.profile.capabilities.includes('flexPuff') ? p.flexPuff.extraPuffs : 0;
  const limitMs =
    (p.session.maxSeconds + (p.session.timerStartsAt === 'ready' ? p.session.preheatSeconds : 0)) * 1000;
  let start = -1;
  let pausedAt = -1;
  let paused = 0;
  for (const e of events) {
    if (e.type !== 'session') continue;
    if (e.phase === 'start') {
      start = e.atMs;
      paused = 0;
    } else if (e.phase === 'paused') pausedAt = e.atMs;
    else if (e.phase === 'resumed') paused += e.atMs - pausedAt;
    else if (e.phase === 'end') {
      if (pausedAt >= 0 && e.reason === 3 && start >= 0) paused += e.atMs - pausedAt;
      check(e.puffs <= p.session.maxPuffs + flex, `session ended with ${e.puffs} puffs`, fw);
      if (start >= 0)
        check(e.atMs - start - paused <= limitMs + 1, `session lasted ${e.atMs - start - paused} ms`, fw);
      start = -1;
      pausedAt = -1;
    }
  }
}

function run(fw: Firmware, steps: readonly Step[], fromMs: number, check: boolean): FirmwareEvent[] {
  const events: FirmwareEvent[] = [];
  const previous = new Map<string, number>();
  let t = fromMs;
  for (const [waitMs, input] of steps) {
    t += waitMs;
    fw.input(input, t);
    events.push(...fw.drainEvents());
    if (check) checkInvariants(fw, previous);
  }
  fw.advanceTo(t + 30_000);
  events.push(...fw.drainEvents());
  if (check) checkInvariants(fw, previous);
  return events;
}

/**
 * Registers the invariant property test, `runs` sequences each, for every model whose index has the
 * given parity (or every model).
 */
export function describeInvariants(runs: number, parity?: 0 | 1): void {
  describe.each(
    allProfiles()
      .map((p, i) => [p.id, i] as const)
      .filter(([, i]) => parity === undefined || i % 2 === parity),
  )('%s invariants', (model, index) => {
    it(`hold over ${runs} random sequences, and a restored snapshot behaves the same`, () => {
      fc.assert(
        fc.property(fc.array(stepArb, { maxLength: 24 }), fc.nat(), (steps, cut) => {
          const fw = new Firmware(model, { initial: { docked: index % 2 === 0 } });
          const split = steps.length === 0 ? 0 : cut % steps.length;
          const head = steps.slice(0, split);
          const tail = steps.slice(split);
          const events = run(fw, head, 0, true);
          const snapshot = JSON.parse(JSON.stringify(fw.snapshot()));
          const copy = new Firmware(model, { snapshot });
          const at = fw.nowMs;
          const original = run(fw, tail, at, true);
          const restored = run(copy, tail, at, false);
          check(
            JSON.stringify(restored) === JSON.stringify(original),
            'restored device emitted other events',
            fw,
          );
          check(
            JSON.stringify(copy.snapshot()) === JSON.stringify(fw.snapshot()),
            'restored device ended in another state',
            fw,
          );
          checkSessions(fw, [...events, ...original]);
        }),
        { numRuns: runs, seed: 0x1c05 + index },
      );
    });
  });
}
