/**
 * Request→reply latency over a real pty (issue #5 acceptance: goal ≤ 1 ms p50): the serial client
 * transport ↔ socat ↔ the device bridge of `iqsim run --serial`, all in this process, with
 * `IqosClient.request` timing each `get-brightness` from the write to the reply resolving.
 *
 * The device answers with `replyDelayMs: 0`, so the figure is the transport's own cost; the shipped
 * default of 5 ms (docs/protocol.md D-10) is device behaviour and would only add itself. A second, shorter
 * run with that default shows the end-to-end figure a tool actually sees.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeCommand } from '../protocol/index.js';
import { createVirtualDevice, IqosClient } from '../simulator/index.js';
import {
  openSerialDevice,
  openTransport,
  startRealTimePump,
  type UsbDeviceBridge,
} from '../transports/index.js';
import type { BenchLine } from './codec.js';

const REQUESTS = 500;
const WARMUP = 50;

interface Latency {
  p50: number;
  p99: number;
  mean: number;
}

/** Latency over one pty pair for `requests` sequential requests, ms. */
async function measure(replyDelayMs: number, requests: number): Promise<Latency> {
  const dir = mkdtempSync(join(tmpdir(), 'iqsim-bench-serial-'));
  const port = await openSerialDevice(join(dir, 'ttyBENCH'));
  const device = createVirtualDevice({ model: 'iluma-i', seed: 1, replyDelayMs });
  let bridge: UsbDeviceBridge | undefined;
  const pump = startRealTimePump(device, { onTransmit: (packet) => bridge?.transmit(packet) });
  bridge = port.attach(device, { nowMs: () => pump.nowMs() });
  const opened = await openTransport(`serial:${port.path}`);
  try {
    const client = await IqosClient.connect(opened.transport, {
      scheduler: opened.scheduler,
      channel: 'usb',
    });
    const request = encodeCommand('get-brightness');
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + requests; i++) {
      const startMs = performance.now();
      await client.request(request);
      if (i >= WARMUP) samples.push(performance.now() - startMs);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] as number;
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return {
      p50: round(at(0.5)),
      p99: round(at(0.99)),
      mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
    };
  } finally {
    await opened.close();
    pump.stop();
    await port.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runSerialBench(): Promise<BenchLine[]> {
  const transport = await measure(0, REQUESTS);
  const withDeviceDelay = await measure(5, 100);
  return [
    { bench: 'serial', metric: 'pty-request-reply-ms-p50', value: transport.p50, unit: 'ms' },
    { bench: 'serial', metric: 'pty-request-reply-ms-p99', value: transport.p99, unit: 'ms' },
    { bench: 'serial', metric: 'pty-request-reply-ms-mean', value: transport.mean, unit: 'ms' },
    {
      bench: 'serial',
      metric: 'pty-request-reply-ms-p50-device-5ms',
      value: withDeviceDelay.p50,
      unit: 'ms',
    },
  ];
}
