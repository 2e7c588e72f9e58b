/**
 * Regressions from issue 9 item 3 (register fidelity), over the SCP responder as a client sees it:
 * - computed registers ignored configured bytes (a `C0.0x90` value in the store changed nothing);
 * - tag 17 counted days with a use instead of docs/protocol.md D-28 floor(RTC / 86400) − day offset;
 * - a two-piece device had one clock: the holder answered the case's time.
 * Each test failed on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { Firmware } from '../../firmware-model/index.js';
import { decodeFrame, encodeLongFrame, encodeShortFrame, hexBytes, toHex } from '../../protocol/index.js';
import { createVirtualDevice, runExchange } from '../../simulator/index.js';
import { createRig } from '../../testing/index.js';

const DAY_S = 86_400;
/** docs/protocol.md §9.2: the captured ILUMA i ONE day zero (2025-06-10 = day 5640 since 2010-01-01). */
const CAPTURED_DAY_ZERO = 5640;

function tag17(device: ReturnType<typeof createVirtualDevice>, node: 0xc0 | 0xc9, nowMs: number): number {
  const [reply] = device.scp.handleFrame(encodeLongFrame({ node, table: 0x0101 }), nowMs);
  const decoded = decodeFrame(reply ?? new Uint8Array(0));
  if (!decoded.ok) throw new Error(decoded.error.message);
  const blocks = decoded.value.fields.blocks as { tag: number; value: number }[];
  return blocks.find((b) => b.tag === 0x17)?.value ?? -1;
}

describe('register fidelity regressions', () => {
  it('an override of C0 S 0x90 is answered over BLE and USB', async () => {
    for (const transport of ['ble', 'usb'] as const) {
      const [e] = await runExchange([encodeShortFrame({ node: 0xc0, address: 0x90 })], {
        model: 'iluma-i-one',
        transport,
        device: { overrides: { 'C0.0x90': '38 00 00 00' } },
      });
      expect(toHex(hexBytes(e?.replies[0] ?? '').subarray(3, 7))).toBe('38 00 00 00');
    }
  });

  it('the test rig takes overrides too', async () => {
    const rig = await createRig({ model: 'iluma-i-one', overrides: { 'C0.0x90': '2A 00 00 00' } });
    expect(await rig.run(rig.client?.getBatteryPercent() ?? Promise.resolve(-1))).toBe(42);
    rig.close();
  });

  it('tag 17 follows D-28: days since the day offset, with or without use', () => {
    const device = createVirtualDevice({
      model: 'iluma-i-one',
      firmware: {
        initial: { rtcSeconds: 5700 * DAY_S + 3600 },
        params: { counters: { dayOffset: CAPTURED_DAY_ZERO } },
      },
    });
    expect(tag17(device, 0xc0, 0)).toBe(60);
    // Three idle days: the old counter stayed put without a use.
    expect(tag17(device, 0xc0, 3 * DAY_S * 1000)).toBe(63);
    // The app writes the clock back a day: the formula goes back with it.
    device.input({ type: 'clock', seconds: 5662 * DAY_S }, 3 * DAY_S * 1000);
    expect(tag17(device, 0xc0, 3 * DAY_S * 1000)).toBe(22);
  });

  it('a two-piece case and holder keep their own clocks', () => {
    const device = createVirtualDevice({ model: 'iluma-i', firmware: { initial: { rtcSeconds: 1000 } } });
    const write = encodeLongFrame({ node: 0xc0, table: 4, write: true, data: hexBytes('80 4A 37 1C') });
    expect(device.scp.handleFrame(write, 5000)).toHaveLength(1);
    const seconds = (node: 0xc0 | 0xc9) => {
      const [reply] = device.scp.handleFrame(encodeShortFrame({ node, address: 0x04 }), 7000);
      const decoded = decodeFrame(reply ?? new Uint8Array(0));
      return decoded.ok ? decoded.value.fields.seconds : undefined;
    };
    expect(seconds(0xc0)).toBe(0x1c374a80 + 2);
    expect(seconds(0xc9)).toBe(1007);
  });
});

describe('old snapshots (one clock, stored tag 17) restore', () => {
  it('the holder clock starts as the case clock and tag 17 keeps its value', () => {
    const fw = new Firmware('iluma-i', { initial: { rtcSeconds: 10 * DAY_S } });
    const snapshot = fw.snapshot();
    const legacy = structuredClone(snapshot) as unknown as {
      state: { holderRtc?: unknown; counters: Record<string, unknown> & { charger: Record<string, number> } };
    };
    delete legacy.state.holderRtc;
    delete legacy.state.counters.dayOffset;
    legacy.state.counters.lastUseDay = 10;
    legacy.state.counters.charger['17'] = 4;
    legacy.state.counters.holder = { ...(legacy.state.counters.holder as object), '17': 2 };
    const restored = new Firmware('iluma-i', { snapshot: legacy as unknown as typeof snapshot });
    expect(restored.rtcSeconds('holder')).toBe(10 * DAY_S);
    expect(restored.counters().charger['17']).toBe(4);
    expect(restored.counters().holder['17']).toBe(2);
    expect(restored.state.counters).not.toHaveProperty('lastUseDay');
  });
});
