/** Link faults (docs/faults.md §15.2), scheduling and reproducibility of the fault injector. */
import { describe, expect, it } from 'vitest';
import { buildAdvertising, encodeCommand } from '../../protocol/index.js';
import {
  connect,
  deviceRig,
  expectConsistent,
  linkRig,
  outcome,
  reconnect,
  run,
  status,
} from '../../test/helpers/fault-rig.js';
import { AttError } from '../client/gatt-client.js';

describe('link faults (docs/faults.md §15.2): the client survives, the device stays consistent', () => {
  it('F-40 bad CRC: no reply, badCrc +1, nothing changes', async () => {
    const r = await linkRig();
    r.faults.inject('F-40');
    r.device.handleTimeout(r.clock.now());
    const before = r.device.snapshot();
    const accepted = r.device.scp.diagnostics.accepted;
    const pending = r.client.setBrightness('low');
    r.clock.advanceTo(r.clock.now());
    expect(r.device.snapshot()).toEqual(before);
    expect(await outcome(r, pending)).toBe('SIM_TIMEOUT');
    expect(r.device.scp.diagnostics).toMatchObject({ badCrc: 1, accepted });
    expect(r.faults.log.at(-1)).toMatchObject({
      id: 'F-40',
      detail: expect.stringMatching(/request \d+: last byte XOR/),
    });
    expect((await run(r, r.client.getBrightness())).level).toBe(100);
    expect(r.device.firmware.state.settings.chargerBrightness).toBe(
      before.firmware.state.settings.chargerBrightness,
    );
    expectConsistent(r.device);
  });

  it('F-41 truncated request: no reply, malformed +1, the next request succeeds', async () => {
    const r = await linkRig();
    r.faults.inject('F-41');
    expect(await outcome(r, r.client.setBrightness('low'))).toBe('SIM_TIMEOUT');
    expect(r.device.scp.diagnostics).toMatchObject({ malformed: 1, badCrc: 0 });
    expect((await run(r, r.client.getBrightness())).level).toBe(100);
    // Cut after the header, the frame fails its CRC (checked over what arrived) before its length.
    r.faults.inject('F-41', { keepBytes: 6 });
    expect(await outcome(r, r.client.setBrightness('low'))).toBe('SIM_TIMEOUT');
    expect(r.device.scp.diagnostics).toMatchObject({ malformed: 1, badCrc: 1 });
    expect((await run(r, r.client.getBrightness())).level).toBe(100);
    expectConsistent(r.device);
  });

  it('F-43 dropped replies: each times out, the next succeeds', async () => {
    const r = await linkRig();
    r.faults.inject('F-43', { count: 2 });
    expect(await outcome(r, r.client.getFirmwareVersion())).toBe('SIM_TIMEOUT');
    expect(await outcome(r, r.client.setBrightness('low'))).toBe('SIM_TIMEOUT');
    // A dropped reply is only the reply: the write itself was applied.
    expect((await run(r, r.client.getBrightness())).level).toBe(30);
    expect(r.faults.log.filter((e) => e.detail.startsWith('dropped reply'))).toHaveLength(2);
    expectConsistent(r.device);
  });

  it('F-44 delayed replies: a 120 ms client times out, a 200 ms one succeeds', async () => {
    const r = await linkRig();
    r.faults.inject('F-44', { delayMs: 150 });
    const frame = encodeCommand('get-firmware');
    expect(await outcome(r, r.client.request(frame, 120))).toBe('SIM_TIMEOUT');
    r.clock.advanceBy(200); // the late reply arrives with nothing waiting and is dropped
    const t = r.clock.now();
    await run(r, r.client.request(frame, 200));
    expect(r.clock.now() - t).toBe(155); // 5 ms device latency + 150 ms
    r.faults.clear('F-44');
    expect(await run(r, r.client.getFirmwareVersion())).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expectConsistent(r.device);
  });

  it('F-45 duplicate reply: the client drops the duplicate as stale, pipelined or not', async () => {
    const r = await linkRig();
    r.faults.inject('F-45');
    expect((await run(r, r.client.getBrightness())).level).toBe(100);
    expect(await run(r, r.client.getFirmwareVersion())).toMatch(/^\d+\./);
    r.faults.inject('F-45');
    const first = r.client.call('get-brightness');
    const second = r.client.call('get-firmware');
    const [a, b] = await run(r, Promise.all([first, second]));
    expect(a.command).toBe('get-brightness');
    // Positional pairing would hand the duplicate to the second request; the client checks that a
    // reply answers the register it asked and drops the duplicate instead.
    expect(b.command).toBe('get-firmware');
    expect(r.client.staleReplies).toBeGreaterThanOrEqual(1);
    expect(r.faults.log.filter((e) => e.id === 'F-45' && e.detail.startsWith('duplicated'))).toHaveLength(2);
    r.clock.advanceBy(1000);
    expect(await run(r, r.client.getFirmwareVersion())).toMatch(/^\d+\./);
    expectConsistent(r.device);
  });

  it('F-46 lost last fragment of a multi-packet reply: timeout, then a reconnect succeeds', async () => {
    const r = await linkRig({ mtu: 23 });
    r.faults.inject('F-46', { index: 2 });
    expect(await outcome(r, r.client.readUsageCounters())).toBe('SIM_TIMEOUT');
    expect(r.faults.log.at(-1)).toMatchObject({
      id: 'F-46',
      detail: expect.stringMatching(/dropped fragment 2 of reply C0 90/),
    });
    await reconnect(r);
    expect(await run(r, r.client.readUsageCounters())).toBeDefined();
    expectConsistent(r.device);
  });

  it('F-46 with fewer fragments than the index drops nothing and says so', async () => {
    const r = await linkRig({ mtu: 23 });
    r.faults.inject('F-46', { index: 5 });
    await run(r, r.client.call('get-usage-totals'));
    expect(r.faults.log.at(-1)?.detail).toBe('reply had 2 fragment(s); fragment 5 not dropped');
  });

  it('F-49 disconnect in a multi-packet write: the partial write is discarded, a reconnect succeeds', async () => {
    const r = await linkRig({ mtu: 23 });
    r.device.handleTimeout(r.clock.now());
    const before = r.device.snapshot();
    r.faults.onNthRequest(1).inject('F-49');
    expect(
      await outcome(r, r.client.request(encodeCommand('write-charge-start-record', { args: ['04', 'on'] }))),
    ).toBe('SIM_DISCONNECTED');
    expect(r.device.connected).toBe(false);
    expect(r.link.open).toBe(false);
    expect(r.device.snapshot().registers).toEqual(before.registers);
    expect(r.device.snapshot().firmware.state.settings).toEqual(before.firmware.state.settings);
    await reconnect(r);
    expect((await run(r, r.client.getBrightness())).level).toBe(100);
    expect(r.faults.requestsSeen).toBe(2);
    expectConsistent(r.device);
  });

  it('F-50 bond lost: advertising back to unbonded, a bonded-only device refuses writes until re-paired', async () => {
    const r = await linkRig({ bondedOnly: true });
    r.device.bond(r.clock.now());
    expect(await run(r, r.client.getFirmwareVersion())).toMatch(/^\d+\./);
    r.faults.inject('F-50');
    expect(r.device.bonded).toBe(false);
    const error = await run(r, r.client.getFirmwareVersion()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttError);
    expect((error as AttError).attCode).toBe(0x05);
    r.client.close();
    expect(r.device.advertising()?.advertisement).toEqual(buildAdvertising({ bonded: false }));
    await connect(r);
    r.device.bond(r.clock.now());
    expect(await run(r, r.client.getFirmwareVersion())).toMatch(/^\d+\./);
    expectConsistent(r.device);
  });

  it('F-14 holder communication problem: warning 0x01, holder (C9) requests time out, charger ones do not', async () => {
    const r = await linkRig();
    r.faults.inject('F-14');
    expect(status(r).holderWarnings).toBe(0x01);
    expect(await outcome(r, r.client.getBrightness('holder'))).toBe('SIM_TIMEOUT');
    expect(await outcome(r, r.client.getBrightness('charger'))).toBe('ok');
    r.faults.clear('F-14');
    expect(status(r).holderWarnings).toBe(0);
    expect(await outcome(r, r.client.getBrightness('holder'))).toBe('ok');
  });
});

describe('scheduling', () => {
  it('at(tMs) applies a device fault at that virtual time', () => {
    const r = deviceRig();
    r.faults.at(5000).inject('F-08');
    r.clock.advanceTo(4999);
    expect(status(r).holderErrors).toBe(0);
    r.clock.advanceTo(5000);
    expect(status(r).holderErrors).toBe(0x01);
    expect(r.faults.log).toEqual([
      { atMs: 5000, id: 'F-08', detail: 'at 5000 ms: fault holderError bits=0x01' },
    ]);
  });

  it('onNthRequest(n) hits the n-th SCP request only', async () => {
    const r = await linkRig();
    r.faults.onNthRequest(2).inject('F-43');
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await outcome(r, r.client.getBrightness()));
    expect(results).toEqual(['ok', 'SIM_TIMEOUT', 'ok']);
    expect(r.faults.requestsSeen).toBe(3);
    expect(() => r.faults.onNthRequest(3)).toThrow(/requests seen/);
  });

  it('withProbability(1) hits every request, withProbability(0) none; cancel stops a trigger', async () => {
    const r = await linkRig();
    const always = r.faults.withProbability(1).inject('F-43');
    r.faults.withProbability(0).inject('F-40');
    expect(await outcome(r, r.client.getBrightness())).toBe('SIM_TIMEOUT');
    expect(await outcome(r, r.client.getBrightness())).toBe('SIM_TIMEOUT');
    always.cancel();
    expect(await outcome(r, r.client.getBrightness())).toBe('ok');
    expect(r.device.scp.diagnostics.badCrc).toBe(0);
  });

  it('a cancelled at() never fires; stop() cancels timers and gives the tap back', async () => {
    const r = await linkRig();
    r.faults.at(1000).inject('F-08').cancel();
    r.faults.inject('F-17');
    r.faults.stop();
    expect(r.link.tap).toBeUndefined();
    r.clock.advanceBy(300_000);
    expect(status(r).holderErrors).toBe(0);
    expect(r.faults.log.map((e) => e.id)).toEqual(['F-17']);
  });

  it('a link fault fired by a timer with no link attached is logged as skipped', () => {
    const r = deviceRig();
    r.faults.at(10).inject('F-43');
    r.clock.advanceTo(10);
    expect(r.faults.log).toEqual([
      { atMs: 10, id: 'F-43', detail: 'at 10 ms: skipped, no open link attached' },
    ]);
  });
});

describe('reproducibility', () => {
  /** Random link faults on requests and packets, weak USB and a timed device fault, over 40 requests. */
  async function scenario(seed: number): Promise<string> {
    const r = await linkRig({ seed });
    r.faults.withProbability(0.3).inject('F-43');
    r.faults.withProbability(0.2).inject('F-40');
    r.faults.withProbability(0.02, { per: 'packet' }).inject('F-44', { delayMs: 80, count: 1 });
    r.faults.inject('F-17');
    r.faults.at(200_000).inject('F-08');
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) {
      outcomes.push(
        await outcome(r, i % 2 ? r.client.getBrightness() : r.client.setBrightness(i % 4 ? 'low' : 'high')),
      );
      r.clock.advanceBy(10_000);
    }
    expect(r.faults.log.some((e) => e.id === 'F-43' && e.detail.startsWith('dropped'))).toBe(true);
    expect(r.faults.log.some((e) => e.id === 'F-17' && e.detail.startsWith('dropout'))).toBe(true);
    expectConsistent(r.device);
    return JSON.stringify({ log: r.faults.log, events: r.events, outcomes, diag: r.device.scp.diagnostics });
  }

  it('the same seed gives the same fault log and the same events; another seed does not', async () => {
    const a = await scenario(7);
    expect(await scenario(7)).toBe(a);
    expect(await scenario(8)).not.toBe(a);
  });
});
