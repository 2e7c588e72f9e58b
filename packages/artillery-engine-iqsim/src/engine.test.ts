/**
 * The engine without Artillery: a fake scenario event emitter records what Artillery would count,
 * the virtual users run on this repository's iqsim against the registration service in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../../testing/index.js';
import { type ArtilleryScript, type EngineDeps, IqsimEngine, type ScenarioSpec } from './engine.js';
import { METRIC } from './metrics.js';

type Emitted = [string, ...unknown[]];

class FakeEvents {
  readonly emitted: Emitted[] = [];
  emit(event: string, ...args: unknown[]) {
    this.emitted.push([event, ...args]);
    return true;
  }
  /** Counter totals, as Artillery's report sums them. */
  counters(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const [event, name, value] of this.emitted)
      if (event === 'counter') totals[name as string] = (totals[name as string] ?? 0) + (value as number);
    return totals;
  }
  histogram(name: string): number[] {
    return this.emitted.filter(([e, n]) => e === 'histogram' && n === name).map(([, , v]) => v as number);
  }
  events(): string[] {
    return this.emitted.map(([event]) => event).filter((e) => e !== 'counter' && e !== 'histogram');
  }
}

const sleeps: number[] = [];
const deps: Partial<EngineDeps> = {
  load: () => import('../../../testing/index.js'),
  clock: { nowMs: () => 0, sleep: async (ms) => void sleeps.push(ms) },
  env: {},
};

function script(
  target: string,
  flow: unknown[],
  engines: Record<string, unknown> = { seed: 7 },
): ArtilleryScript {
  return { config: { target, engines: { iqsim: engines } }, scenarios: [{ engine: 'iqsim', flow }] };
}

/** Runs `users` virtual users one after the other; resolves with each callback's error. */
async function runUsers(engine: IqsimEngine, spec: ScenarioSpec, ee: FakeEvents, users: number) {
  const scenario = engine.createScenario(spec, ee);
  const errors: (Error | null)[] = [];
  for (let i = 0; i < users; i++)
    errors.push(
      await new Promise((resolve) => scenario({ vars: { $testId: 'tUnit_1' } }, (error) => resolve(error))),
    );
  return errors;
}

let registry: Registry;
beforeAll(async () => {
  registry = await createRegistry();
});
afterAll(() => registry.close());

describe('IqsimEngine', () => {
  it('two owners: sign up, pair, a 12-puff session, sync; a second buyer is refused the used device', async () => {
    const flow = [
      { signup: {} },
      { pair: {} },
      { heat: { puffs: 12 } },
      { sync: {} },
      { think: 0.25 },
      { signup: {} },
      { register: {} },
    ];
    const s = script(registry.url, flow);
    const engine = new IqsimEngine(s, undefined, undefined, deps);
    const ee = new FakeEvents();
    expect(await runUsers(engine, s.scenarios?.[0] as ScenarioSpec, ee, 2)).toEqual([null, null]);
    expect(ee.counters()).toMatchObject({
      [METRIC.accountsCreated]: 4,
      [METRIC.devicesRegistered]: 2,
      [METRIC.devicesPaired]: 2,
      [METRIC.sessionsStarted]: 2,
      [METRIC.sessionsCompleted]: 2,
      [METRIC.puffs]: 24,
      [METRIC.syncs]: 2,
      [`${METRIC.refused}.REGISTRY_DEVICE_UNAVAILABLE`]: 2,
    });
    expect(ee.counters()[METRIC.syncDeviceMissing]).toBeUndefined();
    expect(ee.events()).toEqual(['started', 'done', 'started', 'done']);
    // Profile end at 6 min after the start (docs/device.md §11.1): 12 puffs at 25 s do not end it early.
    expect(ee.histogram(METRIC.sessionVirtualS).map(Math.round)).toEqual([360, 360]);
    expect(sleeps).toEqual([250, 250]);
    // Devices 0 and 1 of seed 7, as the service stored them, each owned by its first account.
    const owned = registry.server.store.query('SELECT COUNT(*) AS n FROM devices')[0];
    expect(Number(owned?.n)).toBe(2);
  });

  it('a user without an account fails with a code, and the next user runs', async () => {
    const s = script(registry.url, [{ register: {} }]);
    const ee = new FakeEvents();
    const errors = await runUsers(
      new IqsimEngine(s, undefined, undefined, deps),
      s.scenarios?.[0] as ScenarioSpec,
      ee,
      2,
    );
    expect(errors.map((e) => (e as { code?: string } | null)?.code)).toEqual([
      'IQSIM_NO_ACCOUNT',
      'IQSIM_NO_ACCOUNT',
    ]);
    expect(ee.events()).toEqual(['started', 'error', 'started', 'error']);
    expect(ee.emitted.filter(([e]) => e === 'error').map(([, code]) => code)).toEqual([
      'IQSIM_NO_ACCOUNT',
      'IQSIM_NO_ACCOUNT',
    ]);
  });

  it('an unreachable service and a missing iqsim are failures with their codes', async () => {
    const s = script('http://127.0.0.1:9', [{ signup: {} }]);
    const ee = new FakeEvents();
    const [unreachable] = await runUsers(
      new IqsimEngine(s, undefined, undefined, deps),
      s.scenarios?.[0] as ScenarioSpec,
      ee,
      1,
    );
    expect((unreachable as { code?: string }).code).toBe('IQSIM_TARGET_UNREACHABLE');
    const missing = new IqsimEngine(s, undefined, undefined, {
      ...deps,
      load: () => Promise.reject(new Error("Cannot find package 'iqsim'")),
    });
    const [notInstalled] = await runUsers(missing, s.scenarios?.[0] as ScenarioSpec, ee, 1);
    expect(notInstalled?.message).toMatch(/needs the iqsim package beside it/);
    expect((notInstalled as { code?: string }).code).toBe('IQSIM_NOT_INSTALLED');
  });

  it('refuses a script it cannot run when Artillery loads it, with every problem', () => {
    const bad: ArtilleryScript = {
      config: { engines: { iqsim: { shard: '3/2' } } },
      scenarios: [{ engine: 'iqsim', flow: [{ heats: {} }] }, { flow: [{ get: { url: '/' } }] }],
    };
    expect(() => new IqsimEngine(bad, undefined, undefined, deps)).toThrow(
      /shard: "3\/2" is not i\/n[\s\S]*config.target: the URL[\s\S]*scenarios\[0\].flow\[0\]: unknown step "heats"/,
    );
  });

  it('takes its shard from IQSIM_SHARD and its worker thread from the phases: the users are its devices', async () => {
    // Shard 1 of 3, thread 2 of 2: devices 1 + 3 × (1 + 2k) = 4, 10, … (identity.ts); the index shows
    // in each account's e-mail address.
    const s: ArtilleryScript = {
      config: { target: registry.url, phases: [{ worker: 2, totalWorkers: 2 }] },
      scenarios: [{ engine: 'iqsim', flow: [{ signup: {} }] }],
    };
    const engine = new IqsimEngine(s, undefined, undefined, { ...deps, env: { IQSIM_SHARD: '1/3' } });
    expect(await runUsers(engine, s.scenarios?.[0] as ScenarioSpec, new FakeEvents(), 2)).toEqual([
      null,
      null,
    ]);
    const verified = registry.outbox
      .all()
      .filter((m) => m.template === 'verify-email')
      .map((m) => m.to);
    expect(verified).toEqual(expect.arrayContaining(['d4.1.tunit1@example.com', 'd10.1.tunit1@example.com']));
  });
});
