/**
 * The fault injector against device-model.md §15: each device fault shows its lights, bits and end
 * reason; each link fault is survived by the client (a SIM_TIMEOUT, or a reconnect over a new link)
 * and leaves the device consistent; the triggers fire when told; one seed gives one run.
 */
import { describe, expect, it } from 'vitest';
import type { DeepPartial, FirmwareParams, InitialConditions, Light } from '../firmware-model/index.js';
import { buildAdvertising, encodeCommand } from '../protocol/index.js';
import { IqosClient } from './client.js';
import { VirtualClock } from './clock.js';
import { createVirtualDevice, type DeviceEvent, type VirtualDevice } from './device.js';
import { DEVICE_FAULTS, FaultInjector, LINK_FAULTS } from './faults.js';
import { AttError } from './gatt-client.js';
import { InMemoryLink, runUntilSettled } from './link.js';

interface DeviceOptions {
  model?: string;
  seed?: number;
  initial?: InitialConditions;
  params?: DeepPartial<FirmwareParams>;
  bondedOnly?: boolean;
}

interface Rig {
  readonly clock: VirtualClock;
  readonly device: VirtualDevice;
  readonly faults: FaultInjector;
  readonly events: DeviceEvent[];
}

interface LinkRig extends Rig {
  link: InMemoryLink;
  client: IqosClient;
  readonly mtu: number;
}

function deviceRig(o: DeviceOptions = {}): Rig & { link: InMemoryLink } {
  const clock = new VirtualClock();
  const device = createVirtualDevice({
    model: o.model ?? 'iluma-i',
    seed: o.seed ?? 1,
    bondedOnly: o.bondedOnly ?? false,
    firmware: { ...(o.initial ? { initial: o.initial } : {}), ...(o.params ? { params: o.params } : {}) },
  });
  const events: DeviceEvent[] = [];
  device.queueEvents = false;
  device.events$.subscribe((e) => events.push(e));
  // Not connected: the link only follows the device, so its timers run with the clock.
  const link = new InMemoryLink(clock, device, { connect: false });
  return { clock, device, link, events, faults: new FaultInjector({ clock, device, seed: o.seed ?? 1 }) };
}

async function linkRig(o: DeviceOptions & { mtu?: number } = {}): Promise<LinkRig> {
  const base = deviceRig(o);
  base.link.close();
  const rig = { ...base, mtu: o.mtu ?? 247 } as LinkRig;
  await connect(rig);
  return rig;
}

/** A new link and client (after a fault killed or confused the old ones); the injector follows. */
async function connect(r: LinkRig): Promise<void> {
  r.link = new InMemoryLink(r.clock, r.device);
  r.faults.attach(r.link);
  r.client = await run(
    r,
    IqosClient.connect(r.link, { scheduler: r.clock, requestTimeoutMs: 200, mtu: r.mtu }),
  );
}

async function reconnect(r: LinkRig): Promise<void> {
  r.client.close();
  await connect(r);
}

const run = <T>(r: Rig, promise: Promise<T>): Promise<T> => runUntilSettled(r.clock, promise);

/** 'ok' or the SimulatorError code the call rejected with. */
async function outcome(r: Rig, promise: Promise<unknown>): Promise<string> {
  try {
    await run(r, promise);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** Out of the case with a stick in, through pre-heat (20 s) into SESSION_ACTIVE. */
function startSession(r: Rig): void {
  if (r.device.firmware.state.holder.docked) r.device.input({ type: 'undock' }, r.clock.now());
  r.device.input({ type: 'stick', action: 'insert' }, r.clock.now());
  r.clock.advanceBy(21_000);
  expect(r.device.firmware.state.holder.state).toBe('SESSION_ACTIVE');
}

const holder = (r: Rig) => r.device.firmware.state.holder;
const charger = (r: Rig) => r.device.firmware.state.charger;
const status = (r: Rig) => r.device.firmware.status();
const light = (pattern: Light['pattern'], colour: Light['colour'], count = 1): Light => ({
  pattern,
  colour,
  count,
});
const OFF = light('off', 'none', 0);

/** The snapshot survives a JSON round trip into a fresh device unchanged (no NaN, no broken state). */
function expectConsistent(device: VirtualDevice): void {
  const snapshot = device.snapshot();
  const restored = createVirtualDevice({
    model: device.model,
    snapshot: JSON.parse(JSON.stringify(snapshot)),
  });
  expect(restored.snapshot()).toEqual(snapshot);
}

describe('catalogue', () => {
  it('has one row per §15 id, in order', () => {
    const ids = (rows: readonly { id: string }[]) => rows.map((f) => f.id);
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `F-${String(from + i).padStart(2, '0')}`);
    expect(ids(DEVICE_FAULTS)).toEqual(range(1, 28));
    expect(ids(LINK_FAULTS)).toEqual(range(40, 57));
    for (const row of [...DEVICE_FAULTS, ...LINK_FAULTS])
      expect(row.name.length * row.applied.length).toBeGreaterThan(0);
  });

  it.each(['F-25', 'F-27', 'F-42', 'F-47', 'F-57'])('%s is not applicable: SIM_BAD_INPUT naming it', (id) => {
    const r = deviceRig();
    expect(() => r.faults.inject(id)).toThrow(expect.objectContaining({ code: 'SIM_BAD_INPUT' }));
    expect(() => r.faults.at(1000).inject(id)).toThrow(new RegExp(`${id} \\(`));
    expect(r.faults.log).toEqual([]);
  });

  it('rejects unknown ids, bad options and bad triggers', () => {
    const r = deviceRig();
    const bad = (f: () => unknown, text: RegExp) =>
      expect(f).toThrow(
        expect.objectContaining({ code: 'SIM_BAD_INPUT', message: expect.stringMatching(text) }),
      );
    bad(() => r.faults.inject('F-99'), /unknown fault id 'F-99'/);
    bad(() => r.faults.inject('F-43'), /F-43 needs an open link/);
    bad(() => r.faults.inject('F-43', { count: 0 }), /count must be a whole number/);
    bad(() => r.faults.inject('F-44', { delayMs: Number.NaN }), /delayMs/);
    bad(() => r.faults.at(Number.NaN), /not a finite time/);
    bad(() => r.faults.onNthRequest(0), /onNthRequest\(0\)/);
    bad(() => r.faults.withProbability(1.5), /\[0, 1\]/);
    bad(() => r.faults.clear('F-05'), /F-05 cannot be cleared/);
    bad(() => new FaultInjector({ ...r, seed: 1, weakUsbDropoutMs: [10, 5] }), /weakUsbDropoutMs/);
  });
});

describe('device faults (§15.1, ILUMA i unless named)', () => {
  it('F-01 too hot: charger out-of-range light, ambient bits 2, start refused with white blink × 2', () => {
    const r = deviceRig();
    r.faults.inject('F-01');
    expect(status(r).ambient).toBe(2);
    expect(charger(r).state).toBe('TEMP_OUT_OF_RANGE');
    expect(charger(r).light).toEqual(light('blink', 'red'));
    r.device.input({ type: 'undock' }, r.clock.now());
    r.device.input({ type: 'stick', action: 'insert' }, r.clock.now());
    expect(holder(r).state).toBe('TEMP_OUT_OF_RANGE');
    expect(holder(r).light).toEqual(light('blinkN', 'white', 2));
    expect(r.events).toContainEqual(
      expect.objectContaining({ type: 'rejected', reason: expect.stringMatching(/ambient/) }),
    );
    r.faults.clear('F-01');
    expect(status(r).ambient).toBe(0);
  });

  it('F-01 too cold sets ambient bit 1; during a session heating ends with reason 9', () => {
    const cold = deviceRig();
    cold.faults.inject('F-01', { cold: true });
    expect(status(cold).ambient).toBe(1);
    const hot = deviceRig();
    startSession(hot);
    hot.faults.inject('F-01');
    expect(status(hot).endOfHeatReason).toBe(9);
    expect(holder(hot).light).toEqual(OFF);
  });

  it('F-02 heater over-temperature: heater off, reason 4, red blinking ERROR', () => {
    const r = deviceRig();
    startSession(r);
    r.clock.advanceBy(10_000);
    expect(holder(r).state).toBe('SESSION_ACTIVE');
    r.faults.inject('F-02');
    r.clock.advanceBy(10_000);
    expect(status(r)).toMatchObject({
      endOfHeatReason: 4,
      holderErrors: 0x01,
      holderDefect: true,
      holderSystemError: 4,
    });
    expect(holder(r).state).toBe('ERROR');
    expect(holder(r).light).toEqual(light('blink', 'red'));
    expect(r.device.firmware.state.heater).toBeNull();
  });

  it.each([
    ['F-03', 5],
    ['F-04', 10],
  ] as const)('%s during a session: reason %i, holder error 0x01, red blinking ERROR', (id, reason) => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject(id);
    r.clock.advanceBy(1000);
    expect(status(r)).toMatchObject({ endOfHeatReason: reason, holderErrors: 0x01, holderDefect: true });
    expect(holder(r).state).toBe('ERROR');
    expect(holder(r).light).toEqual(light('blink', 'red'));
  });

  it('F-02…F-04 outside a session change nothing until heating starts', () => {
    const r = deviceRig();
    const before = r.device.snapshot().firmware.state.holder;
    for (const id of ['F-02', 'F-03', 'F-04']) r.faults.inject(id);
    expect(r.device.snapshot().firmware.state.holder).toEqual(before);
  });

  it('F-05 holder below cut-off mid-session: reason 6, lights off', () => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-05');
    expect(status(r).endOfHeatReason).toBe(6);
    expect(holder(r).light).toEqual(OFF);
    expect(holder(r).levelPercent).toBeCloseTo(1);
  });

  it('F-06 duty-cycle fault: flag on the session record, no light change', () => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-06');
    expect(holder(r).light).toEqual(light('steady', 'white'));
    r.faults.inject('F-19');
    expect(status(r)).toMatchObject({ dutyCycleFault: true, endOfHeatReason: 3 });
  });

  it('F-07 intensive puffing: puffs 4 s apart set the intensive-puffing flag', () => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-07');
    r.clock.advanceBy(16_000);
    r.faults.inject('F-19');
    expect(status(r)).toMatchObject({ intensivePuffing: true, puffs: 4, endOfHeatReason: 3 });
  });

  it('F-08 holder system defect: error 0x01, red blinking until reset', () => {
    const r = deviceRig();
    r.faults.inject('F-08');
    expect(status(r)).toMatchObject({ holderErrors: 0x01, holderDefect: true });
    expect(holder(r).light).toEqual(light('blink', 'red'));
    r.clock.advanceBy(600_000);
    expect(holder(r).state).toBe('ERROR');
  });

  it('F-09 holder charging timeout: keeps charging without gaining, then error 0x02', () => {
    const r = deviceRig({ initial: { holderPercent: 50 } });
    r.clock.advanceBy(10_000);
    expect(holder(r).state).toBe('DOCKED_CHARGING');
    r.faults.inject('F-09');
    const level = holder(r).levelPercent;
    r.clock.advanceBy(300_000);
    expect(holder(r).state).toBe('DOCKED_CHARGING');
    expect(holder(r).light.pattern).toBe('blink');
    expect(holder(r).levelPercent).toBe(level);
    r.clock.advanceBy(301_000);
    expect(status(r)).toMatchObject({ holderErrors: 0x02, holderDefect: true });
    expect(holder(r).light).toEqual(light('blink', 'red'));
  });

  it('F-10 holder identification failure: error 0x08, red, not charged', () => {
    const r = deviceRig({ initial: { holderPercent: 50 } });
    r.faults.inject('F-10');
    r.clock.advanceBy(60_000);
    expect(status(r).holderErrors).toBe(0x08);
    expect(holder(r).light).toEqual(light('blink', 'red'));
    expect(charger(r).chargingHolder).toBe(false);
    expect(holder(r).levelPercent).toBe(50);
  });

  it.each([
    ['iluma-i', light('steady', 'red')],
    ['iqos-2.4-plus', light('blink', 'orange')],
  ] as const)('F-11 contact fault on %s: connection field, its light, no charging', (model, expected) => {
    const r = deviceRig({ model, initial: { holderPercent: 50 } });
    r.faults.inject('F-11', { value: 2 });
    r.clock.advanceBy(10_000);
    expect(status(r).holderConnection).toBe(2);
    expect(holder(r).state).toBe('DOCKED_UNCHARGED');
    expect(holder(r).light).toEqual(expected);
    expect(charger(r).chargingHolder).toBe(false);
    r.faults.clear('F-11');
    r.clock.advanceBy(10_000);
    expect(charger(r).chargingHolder).toBe(true);
  });

  it('F-12 aged holder battery: warning 0x08, lights unchanged', () => {
    const r = deviceRig();
    const before = holder(r).light;
    r.faults.inject('F-12');
    expect(status(r)).toMatchObject({ holderWarnings: 0x08, holderErrors: 0 });
    expect(holder(r).light).toEqual(before);
  });

  it('F-13 protocol not supported: warning 0x04, holder not charged', () => {
    const r = deviceRig({ initial: { holderPercent: 50 } });
    r.faults.inject('F-13');
    r.clock.advanceBy(10_000);
    expect(status(r).holderWarnings).toBe(0x04);
    expect(holder(r).state).toBe('DOCKED_UNCHARGED');
    expect(holder(r).light).toEqual(light('blink', 'white'));
    expect(charger(r).chargingHolder).toBe(false);
  });

  it.each([
    [undefined, 0x04],
    [0x02, 0x02],
    [0x08, 0x08],
  ])('F-15 charger error (bits %s): charger error bits, red blinking charger light', (bits, expected) => {
    const r = deviceRig();
    r.faults.inject('F-15', bits === undefined ? {} : { bits });
    expect(status(r)).toMatchObject({ chargerErrors: expected, chargerDefect: true });
    expect(charger(r).state).toBe('ERROR');
    expect(charger(r).light).toEqual(light('blink', 'red'));
    r.faults.clear('F-15');
    expect(status(r).chargerErrors).toBe(0);
  });

  it('F-16 deeply discharged charger: no lights for 15 min after USB connect', () => {
    const r = deviceRig();
    r.faults.inject('F-16');
    expect(charger(r).state).toBe('DEEP_DISCHARGED');
    expect(charger(r).light).toEqual(OFF);
    r.device.input({ type: 'usb', power: 'normal' }, r.clock.now());
    r.clock.advanceBy(899_000);
    expect(charger(r).state).toBe('USB_CHARGING');
    expect(charger(r).light).toEqual(OFF);
    r.clock.advanceBy(1000);
    expect(charger(r).light).toMatchObject({ pattern: 'blink', colour: 'white' });
  });

  it('F-17 weak USB: half-rate charging and a seeded dropout every 120 s', () => {
    const normal = deviceRig({ initial: { chargerPercent: 50, usb: 'normal' } });
    const r = deviceRig({ initial: { chargerPercent: 50 } });
    r.faults.inject('F-17');
    expect(charger(r)).toMatchObject({ usbPower: 'weak', state: 'USB_CHARGING' });
    expect(charger(r).light).toMatchObject({ pattern: 'blink', colour: 'white' });
    expect(r.device.firmware.levelRates().charger).toBeCloseTo(
      normal.device.firmware.levelRates().charger / 2,
    );
    r.clock.advanceTo(119_999);
    expect(charger(r).usbPower).toBe('weak');
    r.clock.advanceTo(120_000);
    expect(charger(r)).toMatchObject({ usbPower: 'none', state: 'STANDBY', light: OFF });
    const first = Number(/dropout for (\d+) ms/.exec(r.faults.log.at(-1)?.detail ?? '')?.[1]);
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(5000);
    r.clock.advanceTo(120_000 + first);
    expect(charger(r)).toMatchObject({ usbPower: 'weak', state: 'USB_CHARGING' });
    r.clock.advanceTo(600_000);
    const dropouts = r.faults.log.filter((e) => e.id === 'F-17' && e.detail.startsWith('dropout'));
    expect(dropouts.map((e) => e.atMs)).toEqual([120_000, 240_000, 360_000, 480_000, 600_000]);
    r.clock.advanceBy(5000);
    r.faults.clear('F-17');
    expect(charger(r).usbPower).toBe('normal');
    r.clock.advanceBy(600_000);
    expect(r.faults.log.filter((e) => e.detail.startsWith('dropout'))).toHaveLength(5);
  });

  it('F-18 charger low battery: status bit, yellow × 3 on a press', () => {
    const r = deviceRig();
    r.faults.inject('F-18');
    expect(status(r).chargerLowBattery).toBe(true);
    r.device.input({ type: 'button', unit: 'charger', action: 'press' }, r.clock.now());
    r.device.input({ type: 'button', unit: 'charger', action: 'release' }, r.clock.now() + 100);
    expect(charger(r).state).toBe('SHOW_LEVEL');
    expect(charger(r).light).toEqual(light('blinkN', 'yellow', 3));
  });

  it.each(['removeStick', 'press'] as const)('F-19 (%s) mid-session: reason 3', (variant) => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-19', { variant });
    r.clock.advanceBy(1000);
    expect(status(r).endOfHeatReason).toBe(3);
    expect(holder(r).state).not.toBe('SESSION_ACTIVE');
  });

  it('F-20 used stick: the session runs normally, no error', () => {
    const r = deviceRig();
    r.device.input({ type: 'undock' }, 0);
    r.faults.inject('F-20');
    r.clock.advanceBy(21_000);
    expect(holder(r).state).toBe('SESSION_ACTIVE');
    expect(status(r)).toMatchObject({ holderErrors: 0, holderWarnings: 0, chargerErrors: 0 });
  });

  it('F-21 magnet near an ILUMA: red blinking, the session continues', () => {
    const r = deviceRig();
    startSession(r);
    r.faults.inject('F-21');
    r.clock.advanceBy(30_000);
    expect(holder(r).state).toBe('SESSION_ACTIVE');
    expect(holder(r).light).toEqual(light('blink', 'red'));
    r.faults.clear('F-21');
    expect(holder(r).light).toEqual(light('steady', 'white'));
  });

  it('F-22 locked: start refused until unlocked', () => {
    const r = deviceRig();
    r.device.input({ type: 'undock' }, 0);
    r.faults.inject('F-22');
    r.device.input({ type: 'stick', action: 'insert' }, 0);
    expect(holder(r).state).toBe('IDLE_READY');
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'rejected', reason: 'locked' }));
    r.faults.clear('F-22');
    r.device.input({ type: 'button', unit: 'holder', action: 'press' }, 0);
    r.clock.advanceBy(1500);
    expect(holder(r).state).toBe('PREHEAT');
  });

  it('F-23 undocked while charging stops charging; docked mid-session ends it with reason 3', () => {
    const r = deviceRig({ initial: { holderPercent: 50 } });
    r.clock.advanceBy(10_000);
    expect(charger(r).chargingHolder).toBe(true);
    r.faults.inject('F-23');
    expect(holder(r).docked).toBe(false);
    expect(charger(r).chargingHolder).toBe(false);
    r.device.input({ type: 'stick', action: 'insert' }, r.clock.now());
    r.clock.advanceBy(21_000);
    r.faults.inject('F-23');
    expect(holder(r).docked).toBe(true);
    expect(status(r).endOfHeatReason).toBe(3);
  });

  it('F-24 RTC reset: the clock restarts from the epoch', () => {
    const r = deviceRig({ initial: { rtcSeconds: 500_000_000 } });
    const rtc = () => {
      r.device.handleTimeout(r.clock.now());
      return r.device.firmware.rtcSeconds();
    };
    r.clock.advanceBy(10_000);
    expect(rtc()).toBe(500_000_010);
    r.faults.inject('F-24');
    r.clock.advanceBy(3000);
    expect(rtc()).toBe(3);
  });

  it('F-26 counter anomaly: the usage-totals reply carries the injected value', async () => {
    const r = await linkRig();
    r.faults.inject('F-26', { value: 0xfffe });
    const totals = await run(r, r.client.call('get-usage-totals'));
    expect(totals.fields.sticks).toBe(0xfffe);
  });

  it('F-28 over-temperature while charging (IQOS 3, in its ambient range): holder charging suspended', () => {
    const r = deviceRig({ model: 'iqos-3', initial: { holderPercent: 50 } });
    r.clock.advanceBy(10_000);
    expect(charger(r).chargingHolder).toBe(true);
    r.faults.inject('F-28');
    r.clock.advanceBy(10_000);
    expect(status(r).ambient).toBe(0);
    expect(charger(r).chargingHolder).toBe(false);
    expect(holder(r).state).toBe('DOCKED_UNCHARGED');
  });
});

describe('link faults (§15.2): the client survives, the device stays consistent', () => {
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
    expect(await outcome(r, r.client.request(encodeCommand('write-charge-start-record')))).toBe(
      'SIM_DISCONNECTED',
    );
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
