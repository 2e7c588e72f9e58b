/**
 * The companion app in headless Chromium (issue #12, Performance):
 * - `flow-wall-ms`: wall time of sign-up → verify (code from the outbox) → log in → pair → automatic
 *   registration, through the app's UI, from the sign-up screen to the "registered" banner; median of
 *   5 runs, each with a new account and a new virtual ILUMA i (target ≤ 3,000 ms).
 * - `browser-request-reply-ms-p50`: one SCP request→reply through the browser bridge, as measured by
 *   the Web Bluetooth benchmark (bench/webbluetooth.ts; target ≤ 2 ms).
 */
import { performance } from 'node:perf_hooks';
import { startCompanionServer } from '../cli/app.js';
import { createVirtualDevice } from '../index.js';
import { WebBluetoothHub } from '../simulator/transports/webbluetooth/index.js';
import { attachWebBluetooth, launchChromium } from '../simulator/transports/webbluetooth/playwright.js';
import type { BenchLine } from './codec.js';

const RUNS = 5;

export async function runAppBench(): Promise<BenchLine[]> {
  const [browser, app] = await Promise.all([launchChromium(), startCompanionServer()]);
  const hub = new WebBluetoothHub();
  const samples: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const id = hub.addDevice(createVirtualDevice({ model: 'iluma-i', seed: 100 + run }));
      hub.chooser = { id };
      const context = await browser.newContext();
      const page = await context.newPage();
      await attachWebBluetooth(page, hub);
      await page.goto(`${app.url}#/signup`);
      await page.waitForSelector('#signup-form');
      const email = `bench${run}@example.com`;
      const started = performance.now();
      await page.fill('#signup-form input[name=email]', email);
      await page.fill('#signup-form input[name=password]', 'correct horse 1');
      await page.fill('#signup-form input[name=dateOfBirth]', '1990-05-17');
      await page.fill('#signup-form input[name=country]', 'DE');
      await page.click('#signup-form-submit');
      await page.waitForSelector('#verify-form');
      const code = app.registry?.outbox.messages.filter((m) => m.to === email).at(-1)?.code;
      if (!code) throw new Error('no verification code in the outbox');
      await page.fill('#verify-form input[name=code]', code);
      await page.click('#verify-form-submit');
      await page.waitForSelector('#pair');
      await page.click('#pair');
      await page.waitForSelector('#banner[data-kind="ok"]:has-text("registered")');
      samples.push(performance.now() - started);
      await context.close();
    }
  } finally {
    hub.close();
    await browser.close();
    await app.close();
  }
  samples.sort((a, b) => a - b);
  const { runWebBluetoothBench } = await import('./webbluetooth.js');
  const bridge = (await runWebBluetoothBench()).find((l) => l.metric === 'browser-request-reply-ms-p50');
  return [
    {
      bench: 'app',
      metric: 'flow-wall-ms',
      value: Math.round(samples[Math.floor(RUNS / 2)] ?? Number.NaN),
      unit: 'ms',
    },
    ...(bridge ? [{ ...bridge, bench: 'app' }] : []),
  ];
}
