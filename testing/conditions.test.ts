import { filter, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { batteryAtMost, createRig, event, puffs, state, when } from './index.js';

describe('rig.until: waits in virtual time', () => {
  it('waits for SESSION_ACTIVE, then for three puffs, at the times the firmware reaches them', async () => {
    const rig = await createRig({ model: 'iluma-i', client: false });
    rig.input({ type: 'undock' });
    rig.input({ type: 'stick', action: 'insert' });
    const start = rig.clock.now();
    const activeAt = await rig.until(state('SESSION_ACTIVE'));
    expect(rig.device.firmware.state.holder.state).toBe('SESSION_ACTIVE');
    expect(activeAt).toBe(rig.clock.now());
    expect(activeAt - start).toBeGreaterThan(10_000); // pre-heat (docs/device.md §2.2)
    const puffing = rig.until(puffs(3));
    for (let i = 0; i < 3; i++) {
      rig.input({ type: 'puff', durationMs: 2_000 });
      rig.advance(30_000);
    }
    expect(await puffing).toBeLessThanOrEqual(rig.clock.now());
    expect(rig.device.firmware.state.session?.puffs).toBe(3);
    // Already true: resolves at once, without moving time.
    const now = rig.clock.now();
    await rig.until(puffs(3));
    expect(rig.clock.now()).toBe(now);
    rig.close();
  });

  it('waits for the battery to drop to 79 % while heating, and takes any Observable', async () => {
    const rig = await createRig({ model: 'iluma-i-one', client: false });
    rig.input({ type: 'stick', action: 'insert' });
    const samples = rig.until(
      rig.device.events$.pipe(
        filter((e) => e.type === 'heater'),
        take(3),
        toArray(),
      ),
    );
    const heater = await samples;
    expect(heater.map((e) => e.atMs - (heater[0]?.atMs ?? 0))).toEqual([0, 1000, 2000]);
    await rig.until(batteryAtMost(79, 'charger'));
    expect(Math.round(rig.device.firmware.state.charger.levelPercent)).toBeLessThanOrEqual(79);
    const battery = await rig.until(event('battery'));
    expect(battery.chargerPct).toBeLessThanOrEqual(78);
    rig.close();
  });

  it('fails with SIM_ASSERTION when the condition is not reached within the limit', async () => {
    const rig = await createRig({ model: 'iluma-i', client: false });
    await expect(rig.until(state('SESSION_ACTIVE'), 60_000)).rejects.toMatchObject({
      code: 'SIM_ASSERTION',
      message: expect.stringMatching(/holder in SESSION_ACTIVE not reached/),
    });
    await expect(
      rig.until(
        when(() => false, 'never'),
        1_000,
      ),
    ).rejects.toMatchObject({ code: 'SIM_ASSERTION' });
    rig.close();
  });
});

it("the README's waits example, as written there", async () => {
  const rig = await createRig({ model: 'iluma-i', client: false });
  rig.input({ type: 'undock' });
  rig.input({ type: 'stick', action: 'insert' });
  await rig.until(state('SESSION_ACTIVE'));
  const third = rig.until(puffs(3));
  for (let i = 0; i < 3; i++) {
    rig.input({ type: 'puff' });
    rig.advance(30_000);
  }
  await third;
  await rig.until(batteryAtMost(70, 'holder'));
  const end = await rig.until(event('session', (e) => e.phase === 'end'));
  expect(end).toMatchObject({ puffs: 3, reason: 2 });
  expect(Math.round(rig.device.firmware.state.holder.levelPercent)).toBeLessThanOrEqual(70);
  rig.close();
});
