/**
 * Fleets (docs/fleet.md): device k is drawn from (seed, k) alone, so shards are disjoint slices whose
 * union is the whole fleet with the very same devices doing the very same things; bad specs are
 * refused with a code (placed at their line in a file); a device that throws is isolated.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimulatorError } from '../errors.js';
import { createFleet, type Fleet, type FleetEvent } from './fleet.js';
import { FLEET_SCHEMA } from './format.js';
import { shardRange } from './identity.js';
import { parseFleet } from './spec.js';

const HOUR_MS = 3_600_000;
const spec = {
  count: 12,
  seed: 7,
  models: [
    { model: 'iluma-i', share: 0.5 },
    { model: 'iluma-one', share: 0.25 },
    { model: 'iqos-3-duo', share: 0.25 },
  ],
  faults: { share: 0.3, withinMs: HOUR_MS },
};

/** Everything observable of a fleet's devices, by index: who they are and where they got to. */
function portrait(fleet: Fleet): Map<number, string> {
  return new Map(
    fleet.devices.map((d) => [
      d.index,
      JSON.stringify({
        id: d.id,
        serial: d.serial,
        name: d.name,
        address: d.address,
        model: d.model,
        behaviour: d.behaviour,
        fault: d.fault,
        snapshot: d.device.snapshot(),
      }),
    ]),
  );
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(SimulatorError);
    return (e as SimulatorError).code;
  }
  throw new Error('expected a SimulatorError');
}

describe('determinism', () => {
  it('runs shards whose union is the whole fleet, device by device', () => {
    const whole = createFleet(spec);
    whole.runFor(HOUR_MS);
    const expected = portrait(whole);
    expect(whole.stats().sessions).toBeGreaterThan(0);
    const seen = new Map<number, string>();
    for (let index = 0; index < 3; index++) {
      const shard = createFleet({ ...spec, shard: { index, count: 3 } });
      shard.runFor(HOUR_MS);
      for (const [k, picture] of portrait(shard)) {
        expect(seen.has(k), `device ${k} in two shards`).toBe(false);
        seen.set(k, picture);
      }
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()]);
    for (const [k, picture] of seen) expect(picture, `device ${k}`).toBe(expected.get(k));
  });

  it('keeps device k whatever the count', () => {
    const small = createFleet({ ...spec, count: 3 });
    const large = createFleet({ ...spec, count: 5 });
    small.runFor(HOUR_MS / 2);
    large.runFor(HOUR_MS / 2);
    const inLarge = portrait(large);
    for (const [k, picture] of portrait(small)) expect(picture).toBe(inLarge.get(k));
  });

  it('cuts shards of equal size ±1 that tile [0, count)', () => {
    for (const [count, shards] of [
      [10, 3],
      [7, 7],
      [3, 5],
      [1_000_000, 97],
    ] as const) {
      let next = 0;
      for (let i = 0; i < shards; i++) {
        const { start, end } = shardRange(count, i, shards);
        expect(start).toBe(next);
        expect(end - start).toBeGreaterThanOrEqual(Math.floor(count / shards));
        expect(end - start).toBeLessThanOrEqual(Math.ceil(count / shards));
        next = end;
      }
      expect(next).toBe(count);
    }
  });
});

describe('bad specs', () => {
  const models = ['iluma-i'];
  it('refuses each with a code', () => {
    expect(codeOf(() => createFleet({ count: -1, models }))).toBe('SIM_FLEET');
    expect(codeOf(() => createFleet({ count: 1.5, models }))).toBe('SIM_FLEET');
    expect(codeOf(() => createFleet({ count: 1, models: ['iluma-x'] }))).toBe('SIM_UNKNOWN_MODEL');
    expect(codeOf(() => createFleet({ count: 1, models: [] }))).toBe('SIM_FLEET');
    expect(codeOf(() => createFleet({ count: 4, models, shard: { index: 2, count: 2 } }))).toBe('SIM_FLEET');
    expect(
      codeOf(() =>
        createFleet({
          count: 1,
          models: [
            { model: 'iluma-i', share: 0.5 },
            { model: 'iluma-one', share: 0.4 },
          ],
        }),
      ),
    ).toBe('SIM_FLEET');
    const behaviour = { share: 0.7, sessionsPerDay: 5, puffsPerSession: 10 };
    expect(codeOf(() => createFleet({ count: 1, models, behaviours: [behaviour] }))).toBe('SIM_FLEET');
    expect(codeOf(() => createFleet({ count: 1, models, faults: { share: 2 } }))).toBe('SIM_FLEET');
  });

  it('places the problems of a file at their lines', () => {
    const text = `{
  "count": 10,
  "models": [
    { "model": "iluma-i", "share": 0.6 },
    { "model": "iluma-one", "share": 0.6 }
  ],
  "shard": { "index": 0, "count": 2 }
}`;
    const result = parseFleet(text, 'f.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({ code: 'SIM_FLEET', pointer: '/models', line: 3 }),
    ]);
    const typo = parseFleet('{"count": 1, "modles": ["iluma-i"]}');
    expect(typo.ok ? [] : typo.errors.map((e) => e.message).join(' ')).toMatch(/models/);
  });

  it('accepts the example file, and the schema file is generated from the source', () => {
    const example = parseFleet(readFileSync('examples/fleet.json', 'utf8'), 'examples/fleet.json');
    expect(example.ok ? [] : example.errors).toEqual([]);
    expect(readFileSync('schema/fleet.schema.json', 'utf8'), 'run npm run schema').toBe(
      `${JSON.stringify(FLEET_SCHEMA, null, 2)}\n`,
    );
  });
});

describe('a device that throws', () => {
  it('is isolated and reported; the others run on', () => {
    const fleet = createFleet({ ...spec, count: 3, faults: { share: 0 } });
    const events: FleetEvent[] = [];
    fleet.subscribe((e) => events.push(e));
    const victim = fleet.devices[1];
    if (!victim) throw new Error('no device 1');
    victim.device.input = () => {
      throw new SimulatorError('SIM_BAD_INPUT', 'broken on purpose');
    };
    fleet.runFor(2 * HOUR_MS);
    const stats = fleet.stats();
    expect(stats.isolated).toEqual([expect.objectContaining({ index: 1, code: 'SIM_BAD_INPUT' })]);
    expect(stats.running).toBe(2);
    expect(victim.state).toBe('ISOLATED');
    expect(events.filter((e) => e.type === 'isolated')).toHaveLength(1);
    const others = events.filter(
      (e) => e.type === 'state' && e.index !== 1 && e.atMs > (stats.isolated[0]?.atMs ?? 0),
    );
    expect(others.length).toBeGreaterThan(0);
    expect(stats.sessions).toBeGreaterThan(0);
  });
});
