/**
 * The live dashboard of `iqsim ui` in headless Chromium (issue 20, Performance), one virtual ILUMA i
 * in real time at 1× behind the server, the page showing 10 charts (`?charts=10`):
 * - `input-to-redraw-ms-p50`: a button of the page clicked (Dock/Undock, which changes the holder's
 *   state every time) → POST → the input applied → the server-sent update → the new state in the
 *   page, to the first animation frame that shows it; median of 25 (target ≤ 50).
 * - `frame-ms-p95`: while the device heats (so every series moves) and the server sends 10 updates a
 *   second, the main-thread time of each frame that redraws the charts: from the start of its
 *   animation-frame callbacks to the first task after its rendering (style, layout, paint); 95th
 *   percentile over 8 s (target ≤ 16.7, one 60 Hz frame).
 */
import { createVirtualDevice } from '../index.js';
import { DeviceHost, startUiServer } from '../transports/ui/index.js';
import { launchChromium } from '../transports/webbluetooth/playwright.js';
import type { BenchLine } from './codec.js';

const CLICKS = 25;
const FRAME_WINDOW_MS = 8000;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** In the page: clicks Dock/Undock and times until a frame shows the holder's new state. */
const CLICK_TO_FRAME = `(async () => {
  const before = document.getElementById('state-holder').textContent;
  const states = document.getElementById('states');
  const t0 = performance.now();
  const shown = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (document.getElementById('state-holder')?.textContent === before) return;
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now()));
    });
    observer.observe(states, { childList: true, subtree: true, characterData: true });
  });
  document.getElementById('btn-dock').click();
  return (await shown) - t0;
})()`;

/** In the page: the cost of each frame in which the charts redrew, for \`ms\` of wall time. */
const FRAME_COSTS = (ms: number) => `new Promise((resolve) => {
  const costs = [];
  const end = performance.now() + ${ms};
  const channel = new MessageChannel();
  let started = 0;
  let drawsAtStart = 0;
  channel.port1.onmessage = () => {
    if (window.__iqsimChartDraws !== drawsAtStart) costs.push(performance.now() - started);
    if (performance.now() < end) requestAnimationFrame(frame);
    else resolve(costs);
  };
  function frame() {
    started = performance.now();
    drawsAtStart = window.__iqsimChartDraws;
    channel.port2.postMessage(0);
  }
  requestAnimationFrame(frame);
})`;

export async function runUiBench(): Promise<BenchLine[]> {
  const browser = await launchChromium();
  const host = new DeviceHost(
    'd1',
    createVirtualDevice({ model: 'iluma-i', seed: 1 }),
    { kind: 'real', speed: 1 },
    1,
  );
  const server = await startUiServer({ hosts: [host] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}&charts=10`);
    await page.waitForSelector('#state-holder');
    const clicks: number[] = [];
    for (let i = 0; i < CLICKS + 3; i++) {
      const ms = (await page.evaluate(CLICK_TO_FRAME)) as number;
      if (i >= 3) clicks.push(ms);
    }
    // Out of the charger with a stick: a heating session, every chart moving.
    host.input({ type: 'undock' });
    host.input({ type: 'stick', action: 'insert' });
    await page.waitForFunction('window.__iqsimChartDraws > 5');
    const costs = (await page.evaluate(FRAME_COSTS(FRAME_WINDOW_MS))) as number[];
    const charts = (await page.locator('#charts .chart').count()) as number;
    if (charts !== 10) throw new Error(`the page drew ${charts} charts, not 10`);
    const round = (x: number) => Math.round(x * 100) / 100;
    return [
      { bench: 'ui', metric: 'input-to-redraw-ms-p50', value: round(percentile(clicks, 50)), unit: 'ms' },
      { bench: 'ui', metric: 'frame-ms-p95', value: round(percentile(costs, 95)), unit: 'ms' },
      { bench: 'ui', metric: 'frame-ms-p50', value: round(percentile(costs, 50)), unit: 'ms' },
      { bench: 'ui', metric: 'frames-measured', value: costs.length, unit: 'frames' },
    ];
  } finally {
    await server.close();
    await browser.close();
  }
}
