/**
 * Virtual-device cost (issue #4). One JSON line per metric:
 * - `session-realtime-ratio`: a whole 6-minute ILUMA i session (undock, stick, a puff every 30 s,
 *   the end, dock) with a BLE client subscribed to battery and status through the in-memory link,
 *   in virtual time: virtual seconds per wall second (median of 10 runs). `notifications-per-session`
 *   counts what the client received, so the run is known to carry traffic.
 * - `device-request-reply-us-p50` / `-p99`: one SCP read (get-battery-percent) as an ATT Write
 *   Request into `VirtualDevice.receive` until its notification comes out of `pollTransmit`: the
 *   sans-IO device path, in-process.
 * - `client-request-reply-us-p50`: the same read through `IqosClient.call` over the in-memory link,
 *   driven by `runUntilSettled` (promises, clock, GATT client, assembler included) on a clock with
 *   no host turn: it settles after `QUIET_TURNS` promise turns without clock activity each time time
 *   would move. `rig-request-reply-us-p50`: the same on a clock with the host turn (`hostTurn` of
 *   iqsim/testing, what `createRig` uses): settling is exact, one `setImmediate` per time step.
 * - `idle-connected-holder-bytes` (named `idle-holder-bytes` before issue 19): heap per idle, connected
 *   virtual ILUMA i (MTU exchanged, SCP, battery and status subscribed; 1,000 devices, after GC where
 *   exposed). Target ≤ 10,000 (issue 19; 18,651 before the GATT tables and default parameters were
 *   shared between devices).
 */
import { performance } from 'node:perf_hooks';
import {
  createVirtualDevice,
  encodeCommand,
  fragmentFrame,
  HANDLES,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  VirtualClock,
} from '../index.js';
import { encodeAttPdu } from '../protocol/index.js';
import type { CaptureSink, VirtualClockOptions, VirtualDevice } from '../simulator/index.js';
import { hostTurn } from '../testing/index.js';
import type { BenchLine } from './codec.js';

const MODEL = 'iluma-i';

/**
 * The session bench; with `capture`, each run's device sends its capture stream to a fresh sink from
 * it; with `attach`, it is called with each run's clock and device before the session and what it
 * returns after it (bench/trace.ts attaches a trace sampler).
 */
export async function sessionRatio(
  capture?: () => CaptureSink,
  runs = 12,
  attach?: (clock: VirtualClock, device: VirtualDevice) => () => void,
): Promise<{ ratio: number; notifications: number }> {
  const ratios: number[] = [];
  let notifications = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: MODEL });
    device.captureTo(capture?.());
    const detach = attach?.(clock, device);
    const link = new InMemoryLink(clock, device);
    const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock }));
    let received = 0;
    client.onBattery(() => received++);
    client.onStatus(() => received++);
    const t0 = clock.now();
    device.input({ type: 'undock' }, clock.now());
    device.input({ type: 'stick', action: 'insert' }, clock.now());
    clock.advanceBy(20_000);
    for (let i = 0; i < 11; i++) {
      device.input({ type: 'puff' }, clock.now());
      clock.advanceBy(30_000);
    }
    clock.advanceBy(40_000);
    device.input({ type: 'stick', action: 'remove' }, clock.now());
    device.input({ type: 'dock' }, clock.now());
    clock.advanceBy(1_000);
    detach?.();
    const virtualMs = clock.now() - t0;
    const wallMs = performance.now() - started;
    if (device.firmware.state.holder.lastExperience.reason !== 2)
      throw new Error('the session did not end normally');
    if (run >= 2) ratios.push(virtualMs / wallMs);
    notifications = received;
    client.close();
  }
  ratios.sort((a, b) => a - b);
  return { ratio: Math.round(ratios[Math.floor(ratios.length / 2)] ?? 0), notifications };
}

function deviceLatency(): { p50: number; p99: number } {
  const device = createVirtualDevice({ model: MODEL, replyDelayMs: 0 });
  let now = 0;
  device.connect(now);
  // Subscribe to SCP notifications (CCCD = value handle + 1).
  device.receive(
    { channel: 'att', bytes: Uint8Array.of(0x12, (HANDLES.scp + 1) & 0xff, (HANDLES.scp + 1) >> 8, 1, 0) },
    now,
  );
  while (device.pollTransmit());
  const [packet] = fragmentFrame(encodeCommand('get-battery-percent'), 23);
  const request = encodeAttPdu({ kind: 'writeRequest', handle: HANDLES.scp, value: packet as Uint8Array });
  const samples: number[] = [];
  for (let i = 0; i < 30_000; i++) {
    now += 1;
    const t = performance.now();
    device.receive({ channel: 'att', bytes: request }, now);
    let out = 0;
    for (let p = device.pollTransmit(); p; p = device.pollTransmit()) out++;
    const dt = performance.now() - t;
    if (out !== 2) throw new Error(`expected a write response and a notification, got ${out} packets`);
    if (i >= 5_000) samples.push(dt * 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    p50: round(samples[Math.floor(samples.length * 0.5)] ?? 0),
    p99: round(samples[Math.floor(samples.length * 0.99)] ?? 0),
  };
}

async function clientLatency(options: VirtualClockOptions = {}): Promise<number> {
  const clock = new VirtualClock(0, options);
  const device = createVirtualDevice({ model: MODEL, replyDelayMs: 0 });
  const link = new InMemoryLink(clock, device);
  const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock }));
  const samples: number[] = [];
  for (let i = 0; i < 3_000; i++) {
    const t = performance.now();
    await runUntilSettled(clock, client.call('get-battery-percent'));
    if (i >= 500) samples.push((performance.now() - t) * 1000);
  }
  samples.sort((a, b) => a - b);
  client.close();
  return round(samples[Math.floor(samples.length / 2)] ?? 0);
}

/**
 * Heap per connected idle holder: a central connected, ATT MTU 247 exchanged, notifications on for
 * SCP, battery and status (what `IqosClient.connect` leaves behind on the device), the values sent
 * on subscription drained. The device alone: no client, link or clock is counted.
 */
function idleHolderBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  const mtuRequest = encodeAttPdu({ kind: 'exchangeMtuRequest', clientRxMtu: 247 });
  const subscribe = [HANDLES.scp, HANDLES.battery, HANDLES.status].map((valueHandle) =>
    encodeAttPdu({ kind: 'writeRequest', handle: valueHandle + 1, value: Uint8Array.of(1, 0) }),
  );
  const connected = (seed: number) => {
    const device = createVirtualDevice({ model: MODEL, seed });
    device.connect(0);
    for (const bytes of [mtuRequest, ...subscribe]) device.receive({ channel: 'att', bytes }, 0);
    device.handleTimeout(1_000);
    let sent = 0;
    while (device.pollTransmit()) sent++;
    // An MTU response, three Write Responses and the battery and status values.
    if (sent < 6) throw new Error(`expected the connection traffic, got ${sent} packets`);
    return device;
  };
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const devices = Array.from({ length: 1_000 }, (_, i) => connected(i));
  gc?.();
  const after = process.memoryUsage().heapUsed;
  if (devices.length !== 1_000) throw new Error('unreachable');
  return Math.round((after - before) / devices.length);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export async function runDeviceBench(): Promise<BenchLine[]> {
  const session = await sessionRatio();
  const device = deviceLatency();
  const client = await clientLatency();
  const clientExact = await clientLatency({ hostTurn });
  const idle = idleHolderBytes();
  return [
    { bench: 'device', metric: 'session-realtime-ratio', value: session.ratio, unit: 'virtual s/wall s' },
    {
      bench: 'device',
      metric: 'notifications-per-session',
      value: session.notifications,
      unit: 'notifications',
    },
    { bench: 'device', metric: 'device-request-reply-us-p50', value: device.p50, unit: 'µs' },
    { bench: 'device', metric: 'device-request-reply-us-p99', value: device.p99, unit: 'µs' },
    { bench: 'device', metric: 'client-request-reply-us-p50', value: client, unit: 'µs' },
    { bench: 'device', metric: 'rig-request-reply-us-p50', value: clientExact, unit: 'µs' },
    { bench: 'device', metric: 'idle-connected-holder-bytes', value: idle, unit: 'bytes' },
  ];
}
