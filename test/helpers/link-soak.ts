/**
 * One seeded link-fault schedule (issue 10 item 8): a virtual ILUMA i, a BLE client with a 200 ms
 * request timeout, link faults F-40…F-46 and F-49 armed at random on about one request in ten, and
 * 20 app steps (one or two client calls with up to 60 promise turns between them, as app code
 * does). What must hold: every call settles within its own budget of virtual time; "nothing left to
 * run" never happens; a call that ends SIM_TIMEOUT did not lose its link meanwhile (a disconnect is
 * reported as SIM_DISCONNECTED); after the faults stop, a reconnected client answers every call.
 */
import { IqosClient } from '../../simulator/client/client.js';
import { VirtualClock } from '../../simulator/clock.js';
import { createVirtualDevice } from '../../simulator/device/device.js';
import { FaultInjector } from '../../simulator/faults/faults.js';
import { InMemoryLink, runUntilSettled } from '../../simulator/link.js';
import { SeededRandom } from '../../simulator/random.js';
import { hostTurn } from '../../testing/host-turn.js';

const FAULTS = ['F-40', 'F-41', 'F-43', 'F-44', 'F-45', 'F-46', 'F-49'] as const;
const REQUEST_TIMEOUT_MS = 200;
/** The slowest call (a GATT read) fails by the ATT transaction timeout (30 s). */
const ATT_TIMEOUT_MS = 30_000;

type Call = (client: IqosClient) => Promise<unknown>;
const CALLS: readonly [name: string, call: Call, budgetMs: number][] = [
  ['getBatteryPercent', (c) => c.getBatteryPercent(), REQUEST_TIMEOUT_MS],
  ['getFirmwareVersion', (c) => c.getFirmwareVersion(), REQUEST_TIMEOUT_MS],
  ['readClock', (c) => c.readClock(), REQUEST_TIMEOUT_MS],
  ['readUsageCounters', (c) => c.readUsageCounters(), REQUEST_TIMEOUT_MS],
  ['setBrightness', (c) => c.setBrightness('high'), REQUEST_TIMEOUT_MS],
  ['readBattery', (c) => c.readBattery(), ATT_TIMEOUT_MS],
];

export interface SoakResult {
  readonly seed: number;
  /** Outcome counts: ok, SIM_TIMEOUT, SIM_DISCONNECTED, PROTOCOL_* … */
  readonly outcomes: Record<string, number>;
  /** Every broken promise of the client, as text; empty when the schedule passed. */
  readonly violations: string[];
}

async function outcomeOf(clock: VirtualClock, promise: Promise<unknown>, limitMs: number): Promise<string> {
  try {
    await runUntilSettled(clock, promise, limitMs);
    return 'ok';
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (/nothing left to run/.test(message ?? '')) return 'NOTHING_LEFT';
    if (/did not finish within/.test(message ?? '')) return 'OVER_BUDGET';
    return code ?? String(error);
  }
}

export async function runLinkSoak(seed: number): Promise<SoakResult> {
  const rng = new SeededRandom(seed);
  // Half the schedules use the host turn (exact), half the clock's own quiet-turn count.
  const clock = seed % 2 === 0 ? new VirtualClock(0, { hostTurn }) : new VirtualClock();
  const device = createVirtualDevice({ model: 'iluma-i', seed });
  const faults = new FaultInjector({ clock, device, seed });
  const latencyMs = rng.int(3) * 5;
  const mtu = rng.next() < 0.5 ? 23 : 247;
  const outcomes: Record<string, number> = {};
  const violations: string[] = [];
  let faulty = true;
  let link: InMemoryLink | undefined;
  let client: IqosClient | undefined;
  const connect = async (): Promise<IqosClient> => {
    client?.close();
    link = new InMemoryLink(clock, device, { latencyMs });
    if (faulty) faults.attach(link);
    const connecting = IqosClient.connect(link, {
      scheduler: clock,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      mtu,
    });
    client = await runUntilSettled(clock, connecting, 10 * ATT_TIMEOUT_MS);
    return client;
  };
  for (let k = 0; k < 3; k++) {
    const id = FAULTS[rng.int(FAULTS.length)] as (typeof FAULTS)[number];
    faults.withProbability(0.1).inject(id, { index: rng.int(3), count: 1 + rng.int(3) });
  }
  for (let step = 0; step < 20; step++) {
    const c = link?.open && client ? client : await connect().catch(() => undefined);
    if (!c) {
      violations.push(`seed ${seed} step ${step}: connect failed`);
      continue;
    }
    const [nameA, callA, budgetA] = CALLS[rng.int(CALLS.length)] as (typeof CALLS)[number];
    const [nameB, callB, budgetB] = CALLS[rng.int(CALLS.length)] as (typeof CALLS)[number];
    const two = rng.next() < 0.5;
    const gap = rng.int(61);
    const stepLink = link as InMemoryLink;
    const app = async () => {
      await callA(c);
      if (!two) return;
      for (let i = 0; i < gap; i++) await undefined;
      await callB(c);
    };
    // Budget: each call's own timeout, plus the link latency both ways.
    const budget = budgetA + (two ? budgetB : 0) + 4 * latencyMs;
    const start = clock.now();
    const outcome = await outcomeOf(clock, app(), budget);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const what = `seed ${seed} step ${step} ${nameA}${two ? ` +${gap} turns+ ${nameB}` : ''} at ${start} ms`;
    if (outcome === 'NOTHING_LEFT' || outcome === 'OVER_BUDGET') violations.push(`${what}: ${outcome}`);
    if (outcome === 'SIM_TIMEOUT' && !stepLink.open)
      violations.push(`${what}: link lost, reported as a timeout`);
  }
  faults.stop();
  faulty = false;
  try {
    const fresh = await connect();
    for (const [name, call, budget] of CALLS) {
      const outcome = await outcomeOf(clock, call(fresh), budget + 4 * latencyMs);
      if (outcome !== 'ok') violations.push(`seed ${seed} after the faults: ${name} ${outcome}`);
    }
  } catch (error) {
    violations.push(`seed ${seed} after the faults: reconnect ${(error as Error).message}`);
  }
  client?.close();
  return { seed, outcomes, violations };
}

/** Runs seeds `1…count` and sums the outcomes. */
export async function runLinkSoaks(
  count: number,
  firstSeed = 1,
): Promise<{ outcomes: Record<string, number>; violations: string[] }> {
  const outcomes: Record<string, number> = {};
  const violations: string[] = [];
  for (let seed = firstSeed; seed < firstSeed + count; seed++) {
    const result = await runLinkSoak(seed);
    for (const [k, v] of Object.entries(result.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
    violations.push(...result.violations);
  }
  return { outcomes, violations };
}
