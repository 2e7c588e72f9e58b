/**
 * Web Bluetooth request→reply latency (issue 18 item 6; goal ≤ 1.0 ms p50 and ≤ 5 ms p99 through the
 * browser bridge; figures and the design: docs/webbluetooth.md "Latency").
 * One sample: the app writes an SCP read (get-battery-percent) to the control point with
 * `writeValueWithResponse` and the time runs until the reply's `characteristicvaluechanged` fires.
 * - `browser-request-reply-ms-p50` / `-p99`: the sample pairing page in headless Chromium, the
 *   routine running in the page (page → CDP binding → hub → virtual device → `Runtime.evaluate` → page).
 * - `node-request-reply-ms-p50` / `-p99`: the same routine against the Node shim in-process.
 * The device answers reads with no delay (`replyDelayMs: 0`), so the figures are the bridge's own
 * cost; a default device adds its D-10 5 ms read latency on top. 300 samples after 30 warm-up ones.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createVirtualDevice, encodeCommand } from '../index.js';
import { type Bluetooth, serveStatic, WebBluetoothHub } from '../transports/webbluetooth/index.js';
import { attachWebBluetooth, launchChromium } from '../transports/webbluetooth/playwright.js';
import type { BenchLine } from './codec.js';

const ITERATIONS = 300;
const WARMUP = 30;
/** get-battery-percent with its BLE transport byte. */
const REQUEST = [0x00, ...encodeCommand('get-battery-percent')];

/**
 * The measured routine, in standard Web Bluetooth. Self-contained: the browser run serialises it
 * into the page. Returns one latency per iteration, ms.
 */
async function measure(bluetooth: Bluetooth, request: number[], iterations: number, warmup: number) {
  const device = await bluetooth.requestDevice({
    filters: [{ services: ['daebb240-b041-11e4-9e45-0002a5d5c51b'] }],
  });
  const server = await device.gatt.connect();
  const service = await server.getPrimaryService('daebb240-b041-11e4-9e45-0002a5d5c51b');
  const controlPoint = await service.getCharacteristic('e16c6e20-b041-11e4-a4c3-0002a5d5c51b');
  await controlPoint.startNotifications();
  const bytes = new Uint8Array(request);
  const samples: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const started = performance.now();
    const replied = new Promise<number>((resolve) => {
      controlPoint.addEventListener('characteristicvaluechanged', () => resolve(performance.now()), {
        once: true,
      });
    });
    const written = controlPoint.writeValueWithResponse(bytes);
    const repliedAt = await replied;
    await written;
    if (i >= warmup) samples.push(repliedAt - started);
  }
  server.disconnect();
  return samples;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function lines(side: 'browser' | 'node', samples: number[]): BenchLine[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const line = (metric: string, value: number): BenchLine => ({
    bench: 'webbluetooth',
    metric: `${side}-request-reply-ms-${metric}`,
    value: Number(value.toFixed(3)),
    unit: 'ms',
  });
  return [line('p50', quantile(sorted, 0.5)), line('p99', quantile(sorted, 0.99))];
}

function newHub(): WebBluetoothHub {
  const hub = new WebBluetoothHub();
  hub.addDevice(createVirtualDevice({ model: 'iluma-i', replyDelayMs: 0 }));
  return hub;
}

async function browserSamples(): Promise<number[]> {
  const hub = newHub();
  // From bench/ (sources) or dist/bench/ (built).
  const root = ['../examples/web/', '../../examples/web/']
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((path) => existsSync(`${path}pairing.html`));
  if (!root) throw new Error('examples/web/pairing.html not found');
  const [browser, server] = await Promise.all([launchChromium(), serveStatic(root)]);
  try {
    const page = await browser.newPage();
    await attachWebBluetooth(page, hub);
    await page.goto(`${server.url}pairing.html`);
    // A string, so the routine runs exactly as compiled; evaluate counts as a user gesture.
    const run = `(${measure.toString()})(navigator.bluetooth, ${JSON.stringify(REQUEST)}, ${ITERATIONS}, ${WARMUP})`;
    return (await page.evaluate(run)) as number[];
  } finally {
    await browser.close();
    await server.close();
    hub.close();
  }
}

async function nodeSamples(): Promise<number[]> {
  const hub = newHub();
  try {
    return await measure(hub.bluetooth(), REQUEST, ITERATIONS, WARMUP);
  } finally {
    hub.close();
  }
}

export async function runWebBluetoothBench(): Promise<BenchLine[]> {
  return [...lines('browser', await browserSamples()), ...lines('node', await nodeSamples())];
}
