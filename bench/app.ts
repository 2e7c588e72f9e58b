/**
 * The companion app in headless Chromium (issue #12, Performance):
 * - `flow-wall-ms`: wall time of sign-up → verify (code from the outbox) → log in → pair → automatic
 *   registration, through the app's UI, from the sign-up screen to the "registered" banner; median of
 *   5 runs, each with a new account and a new virtual ILUMA i (target ≤ 3,000 ms).
 * - `browser-request-reply-ms-p50`: one SCP request→reply through the browser bridge, as measured by
 *   the Web Bluetooth benchmark (bench/webbluetooth.ts; target ≤ 2 ms).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createVirtualDevice } from '../index.js';
import { WebBluetoothHub } from '../transports/webbluetooth/index.js';
import { attachWebBluetooth, launchChromium } from '../transports/webbluetooth/playwright.js';
import type { BenchLine } from './codec.js';

const RUNS = 5;

interface AppProcess {
  url: string;
  registryUrl: string;
  stop(): Promise<void>;
}

/** `iqsim app --json` from this build (bench/ may not import cli/): the app and a test-mode registry. */
async function startApp(): Promise<AppProcess> {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'app', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { url, registryUrl } = JSON.parse(line) as { url: string; registryUrl: string };
  return {
    url,
    registryUrl,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

async function verificationCode(app: AppProcess, email: string): Promise<string> {
  const response = await fetch(`${app.registryUrl}/_test/outbox?to=${encodeURIComponent(email)}`);
  const messages = (await response.json()) as { code?: string }[];
  const code = messages.at(-1)?.code;
  if (!code) throw new Error('no verification code in the outbox');
  return code;
}

export async function runAppBench(): Promise<BenchLine[]> {
  const [browser, app] = await Promise.all([launchChromium(), startApp()]);
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
      await page.fill('#verify-form input[name=code]', await verificationCode(app, email));
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
    await app.stop();
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
