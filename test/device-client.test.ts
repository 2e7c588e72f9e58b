/**
 * Issue #4 acceptance: a client test per model over the in-memory link in virtual time — connect,
 * read DIS, subscribe, read battery and status, change every setting the model's capabilities allow
 * and read it back, lock and unlock, run a heating session and see the status record's last
 * experience and the usage counters change.
 */
import { describe, expect, it } from 'vitest';
import { allProfiles } from '../firmware-model/index.js';
import type { StatusRecord } from '../protocol/index.js';
import { parseScenario, runScenario } from '../simulator/index.js';
import { createRig } from '../testing/index.js';

const SCP_MODELS = allProfiles().filter((p) => p.info.scp);
const LEGACY = allProfiles().filter((p) => !p.info.scp);

/** Drives one heating session to the end of its profile with `puffs` puffs. */
function session(rig: Awaited<ReturnType<typeof createRig>>, puffs: number): void {
  const fw = rig.device.firmware;
  if (fw.profile.parts === 'holder+charger') rig.input({ type: 'undock' });
  rig.input({ type: 'stick', action: 'insert' });
  if (fw.state.holder.state !== 'PREHEAT') {
    rig.input({ type: 'button', unit: 'holder', action: 'press' });
    rig.advance(1_200);
    rig.input({ type: 'button', unit: 'holder', action: 'release' });
  }
  rig.advanceUntil(() => fw.state.holder.state === 'SESSION_ACTIVE', 60_000);
  for (let i = 0; i < puffs; i++) {
    rig.input({ type: 'puff' });
    rig.advance(25_000);
  }
  rig.advanceUntil(
    () => fw.state.holder.state === 'IDLE_READY' || fw.state.holder.state === 'IDLE_EMPTY',
    400_000,
    1_000,
  );
  rig.input({ type: 'stick', action: 'remove' });
  if (fw.profile.parts === 'holder+charger') rig.input({ type: 'dock' });
}

describe.each(SCP_MODELS.map((p) => [p.id, p] as const))('client against %s', (model, profile) => {
  it('identity, records, every setting, lock, and a session', async () => {
    const rig = await createRig({ model, seed: 7 });
    const client = rig.client;
    if (!client) throw new Error('no client');
    const caps = profile.capabilities;

    const dis = await rig.run(client.readDeviceInformation());
    expect(dis).toMatchObject({
      modelNumber: profile.identity.modelNumber,
      manufacturer: 'Philip Morris International',
    });
    expect(dis.serialNumber).toMatch(/^T[0-9A-Z]{13}$/);
    expect(dis.serialNumber).toBe(await rig.run(client.getProductNumber()));
    expect(await rig.run(client.getFirmwareVersion('charger'))).toBe('135.5.0.33');

    const battery = await rig.run(client.readBattery());
    expect(battery).toMatchObject({
      chargerLevelPct: 80,
      flags: profile.parts === 'one-piece' ? 0x07 : 0x0f,
    });
    const status = await rig.run(client.readStatus());
    expect(status.flags).toBe(0x5b);

    await rig.run(client.setBrightness('low'));
    expect(rig.device.firmware.state.settings.chargerBrightness).toBe(30);
    expect((await rig.run(client.getBrightness())).level).toBe(30);
    await rig.run(client.setVibration(['heating-start']));
    expect(rig.device.firmware.state.settings.vibration).toMatchObject({
      heatingStart: true,
      puffEnd: false,
    });
    const toggles = [
      ['smartGesture', 'smart-gesture'],
      ['autoStart', 'auto-start'],
      ['flexPuff', 'flexpuff'],
      ['pauseMode', 'pause-mode'],
    ] as const;
    for (const [capability, name] of toggles) {
      if (!caps.includes(capability)) continue;
      const before = rig.device.firmware.state.settings[capability];
      await rig.run(client.setSetting(name, !before));
      expect(rig.device.firmware.state.settings[capability]).toBe(!before);
      expect((await rig.run(client.getSetting(name))).enabled).toBe(!before);
      await rig.run(client.setSetting(name, before));
    }
    if (caps.includes('flexBattery')) {
      await rig.run(client.setFlexBattery('eco'));
      expect(rig.device.firmware.state.settings.flexBattery).toBe('eco');
      await rig.run(client.setFlexBattery('performance'));
    }
    await rig.run(client.lock());
    expect(await rig.run(client.isLocked())).toBe(true);
    await rig.run(client.unlock());
    expect(await rig.run(client.isLocked())).toBe(false);

    const unix = Date.UTC(2026, 10, 22, 12, 0, 0);
    await rig.run(client.syncClock(unix));
    expect(await rig.run(client.readClock())).toBe(unix / 1000 - 1_262_304_000);

    const notified: StatusRecord[] = [];
    client.onStatus((r) => notified.push(r));
    const before = await rig.run(client.readUsageCounters());
    session(rig, 5);
    const after = await rig.run(client.readUsageCounters());
    const sticks = (fields: typeof before) =>
      (fields.blocks as { tag: number; value: number }[]).find((b) => b.tag === 0x8e || b.tag === 0x1e)
        ?.value ?? -1;
    expect(sticks(after)).toBe(sticks(before) + 1);
    const record = await rig.run(client.readStatus());
    expect(record.holder1?.lastExperience).toMatchObject({ endOfHeatReason: 2, puffCount: 5 });
    expect(notified.some((r) => r.holder1?.lastExperience?.endOfHeatReason === 1)).toBe(true);
    rig.close();
  });
});

describe.each(LEGACY.map((p) => p.id))('client against %s (no SCP)', (model) => {
  it('serves DIS, battery and status, notifies the session, and answers no SCP', async () => {
    const rig = await createRig({ model, requestTimeoutMs: 300 });
    const client = rig.client;
    if (!client) throw new Error('no client');
    expect((await rig.run(client.readDeviceInformation())).manufacturer).toBe('Philip Morris International');
    await expect(rig.run(client.getBatteryPercent())).rejects.toMatchObject({ code: 'SIM_TIMEOUT' });
    session(rig, 3);
    const record = await rig.run(client.readStatus());
    expect(record.holder1?.lastExperience).toMatchObject({ endOfHeatReason: 2, puffCount: 3 });
    rig.close();
  });
});

describe('a heating session by scenario, per model', () => {
  it.each(allProfiles().map((p) => [p.id, p] as const))('%s', async (model, profile) => {
    const twoPiece = profile.parts === 'holder+charger';
    const start = profile.stickStarts ? [] : [{ press: 'holder', holdMs: 1200 }];
    const parsed = parseScenario(
      JSON.stringify({
        name: `session on ${model}`,
        model,
        steps: [
          ...(twoPiece ? [{ input: { type: 'undock' } }] : []),
          { input: { type: 'stick', action: 'insert' } },
          ...start,
          { waitUntil: { holder: 'SESSION_ACTIVE' }, timeoutMs: 60000 },
          { puff: {}, count: 6, everyMs: 30000 },
          {
            waitUntil: { holder: profile.usesPerCharge === 1 ? 'IDLE_EMPTY' : 'IDLE_READY' },
            timeoutMs: 400000,
          },
          {
            expect: {
              lastExperience: { reason: 2, puffs: 6 },
              status: { endOfHeatReason: 2, puffs: 6 },
              counters: twoPiece ? { holder: { '8E': 1 }, charger: { '1E': 1 } } : { charger: { '8E': 1 } },
            },
          },
        ],
      }),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const report = await runScenario(parsed.scenario);
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
