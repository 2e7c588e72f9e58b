/**
 * Issue 10 "Why": `runUntilSettled` gave up after 8 promise turns (a false "nothing left to run"
 * timeout, or a jump to a later timer while the caller was still between two awaits), so a dropped
 * link read as a timeout; and a reply that lost its last fragment spoiled the next reply.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulator/clock.js';
import { hostTurn } from '../../testing/host-turn.js';
import { connect, linkRig, outcome, run } from '../helpers/fault-rig.js';

/** An app step that awaits `gap` times between two calls (a UI update, a store write …). */
async function twoCalls<T>(first: () => Promise<unknown>, second: () => Promise<T>, gap: number): Promise<T> {
  await first();
  for (let i = 0; i < gap; i++) await undefined;
  return second();
}

describe('the client never lies about what happened', () => {
  it('a caller that spends 40 promise turns between two calls gets its reply, not "nothing left to run"', async () => {
    const r = await linkRig();
    const start = r.clock.now();
    const percent = await run(
      r,
      twoCalls(
        () => r.client.getBatteryPercent(),
        () => r.client.getBatteryPercent(),
        40,
      ),
    );
    expect(percent).toBeGreaterThan(0);
    // Two reads of 5 ms each (D-10): time moved only for the device's own reply latency.
    expect(r.clock.now() - start).toBe(10);
  });

  it('the same with the host turn (exact) and 10,000 turns between the calls', async () => {
    const r = await linkRig();
    const clock = new VirtualClock(r.clock.now(), { hostTurn });
    r.link.close();
    Object.assign(r, { clock });
    await connect(r);
    const percent = await run(
      r,
      twoCalls(
        () => r.client.getBatteryPercent(),
        () => r.client.getBatteryPercent(),
        10_000,
      ),
    );
    expect(percent).toBeGreaterThan(0);
  });

  it('a link dropped on the second request of an app step is reported as SIM_DISCONNECTED', async () => {
    const r = await linkRig();
    r.faults.onNthRequest(r.faults.requestsSeen + 2).inject('F-49');
    const call = twoCalls(
      () => r.client.getBatteryPercent(),
      () => r.client.getBatteryPercent(),
      40,
    );
    expect(await outcome(r, call)).toBe('SIM_DISCONNECTED');
  });

  it('a reply that lost its last fragment times out alone: the next reply on the same link is whole', async () => {
    const r = await linkRig({ mtu: 23 });
    r.faults.inject('F-46', { index: 2 });
    expect(await outcome(r, r.client.readUsageCounters())).toBe('SIM_TIMEOUT');
    expect(r.faults.log.at(-1)?.detail).toMatch(/dropped fragment 2 of reply C0 90/);
    // No reconnect: the partial reply must not eat the next one's fragments.
    expect(await outcome(r, r.client.readUsageCounters())).toBe('ok');
    expect(await outcome(r, r.client.getBatteryPercent())).toBe('ok');
  });
});
