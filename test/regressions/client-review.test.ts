/** Regressions from the review of the device and the client (each failed before its fix). */
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeCommand } from '../../protocol/index.js';
import {
  createVirtualDevice,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  VirtualClock,
} from '../../simulator/index.js';
import { createRig } from '../../testing/index.js';

describe('device and client regressions', () => {
  it('SCP replies leave in request order: a write echo does not overtake an earlier read reply', async () => {
    const rig = await createRig({ model: 'iluma-i' });
    const client = rig.client;
    if (!client) throw new Error('no client');
    const [a, b] = await rig.run(
      Promise.all([client.call('get-battery-percent'), client.call('set-lock', { args: ['lock'] })]),
    );
    expect(a.command).toBe('get-battery-percent');
    expect(b.command).toBe('set-lock');
  });

  it('fragments of concurrent long frames are not interleaved (MTU 23)', async () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i' });
    const link = new InMemoryLink(clock, device);
    const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock, mtu: 23 }));
    const a = encodeCommand('write-charge-start-record', { args: ['04', 'off'] });
    const b = encodeCommand('write-charge-start-record', { args: ['05', 'off'] });
    const results = await runUntilSettled(clock, Promise.allSettled([client.request(a), client.request(b)]));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(device.scp.diagnostics.badCrc).toBe(0);
  });

  it('a reply arriving after its request timed out is not handed to the next request', async () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i' });
    const link = new InMemoryLink(clock, device, { latencyMs: 60 });
    const client = await runUntilSettled(
      clock,
      IqosClient.connect(link, { scheduler: clock, requestTimeoutMs: 100 }),
    );
    await expect(runUntilSettled(clock, client.getBatteryPercent())).rejects.toMatchObject({
      code: 'SIM_TIMEOUT',
    });
    const reply = await runUntilSettled(clock, client.request(encodeCommand('get-firmware'), 1_000));
    const firmware = decodeFrame(reply);
    expect(firmware.ok && firmware.value.command).toBe('get-firmware');
    expect(client.staleReplies).toBe(1);
  });

  it('closing the client rejects pending GATT reads at once', async () => {
    const rig = await createRig({ model: 'iluma-i', latencyMs: 5 });
    const client = rig.client;
    if (!client) throw new Error('no client');
    const pending = client.readBattery();
    client.close();
    await expect(rig.run(pending)).rejects.toMatchObject({ code: 'SIM_DISCONNECTED' });
  });

  it('a device input stamped ahead of the clock does not break the link', async () => {
    const rig = await createRig({ model: 'iluma-i' });
    const client = rig.client;
    if (!client) throw new Error('no client');
    rig.device.input({ type: 'tilt' }, rig.clock.now() + 100);
    expect(await rig.run(client.getBatteryPercent())).toBe(80);
  });

  it('battery notifications carry a change of the record and respect the 1 s interval after enable', async () => {
    const rig = await createRig({ model: 'iluma-i' });
    const client = rig.client;
    if (!client) throw new Error('no client');
    const values: string[] = [];
    client.onBattery((r) => values.push(JSON.stringify(r)));
    rig.input({ type: 'ambient', tempC: -5 });
    rig.advance(2_000);
    rig.input({ type: 'ambient', tempC: -8 });
    rig.advance(2_000);
    expect(new Set(values).size).toBe(values.length);
  });
});
