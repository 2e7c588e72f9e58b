/**
 * Issue 9 item 2, browser half: the same client routines as `webbluetooth-order.test.ts`, run in
 * real headless Chromium (Debian's /usr/bin/chromium) through the Playwright bridge. The bridge
 * needs real time; the tests wait on events and logs, never on elapsed time.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualDevice, encodeCommand, type VirtualDevice } from '../index.js';
import { type WebBluetoothEvent, WebBluetoothHub } from '../transports/webbluetooth/index.js';
import {
  attachWebBluetooth,
  launchChromium,
  type WebBluetoothAttachment,
} from '../transports/webbluetooth/playwright.js';
import {
  clientLog,
  connectClient,
  connectThenDisconnect,
  disconnectFromPage,
  readValueOrder,
  startNotificationsOrder,
  startPendingRead,
  stopNotificationsThenMark,
  subscribeInThen,
  writeValueOrder,
} from './webbluetooth-clients.js';

/** localhost is a secure context, so the page may use Web Bluetooth; the route serves it. */
const PAGE_URL = 'http://localhost/order.html';

let browser: Browser;
let context: BrowserContext | undefined;
let hub: WebBluetoothHub | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await context?.close();
  hub?.close();
  context = undefined;
  hub = undefined;
});

async function setUp(): Promise<{
  page: Page;
  attachment: WebBluetoothAttachment;
  hub: WebBluetoothHub;
  device: VirtualDevice;
  id: string;
}> {
  const created = new WebBluetoothHub();
  hub = created;
  const device = createVirtualDevice({ model: 'iluma-i' });
  const id = created.addDevice(device);
  context = await browser.newContext();
  const page = await context.newPage();
  await page.route(PAGE_URL, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>order</title>' }),
  );
  const attachment = await attachWebBluetooth(page, created);
  await page.goto(PAGE_URL);
  return { page, attachment, hub: created, device, id };
}

/**
 * Runs a client routine in the page (a user gesture, as Playwright's evaluate is). `BLUETOOTH` as
 * an argument stands for the page's `navigator.bluetooth`; the others travel as JSON.
 */
const BLUETOOTH = Symbol('navigator.bluetooth');
function run<T>(page: Page, routine: (...args: never[]) => unknown, ...args: unknown[]): Promise<T> {
  const list = args.map((a) => (a === BLUETOOTH ? 'navigator.bluetooth' : JSON.stringify(a))).join(', ');
  const call = `(() => { const __name = (target) => target; return (${routine.toString()})(${list}); })()`;
  return page.evaluate(call) as Promise<T>;
}

/** The page's log once it has `count` entries. */
async function logOf(page: Page, count: number): Promise<string[]> {
  await page.waitForFunction(`globalThis.__wb.log.length >= ${count}`);
  return run<string[]>(page, clientLog);
}

function holdRequests(device: VirtualDevice): { readonly held: number } {
  const counter = { held: 0 };
  (device as unknown as { receive: () => void }).receive = () => {
    counter.held++;
  };
  return counter;
}

const GET_BATTERY = [0x00, ...encodeCommand('get-battery-percent')];

describe('Web Bluetooth order of promises and events (headless Chromium)', () => {
  it('gives the value sent on subscription to a listener added in startNotifications().then()', async () => {
    const { page, attachment, device } = await setUp();
    const pushed: WebBluetoothEvent[] = [];
    await expect.poll(() => attachment.session(page) !== undefined).toBe(true);
    attachment.session(page)?.subscribe((event) => pushed.push(event));
    const received = await run<number[]>(page, subscribeInThen, BLUETOOTH);
    expect(pushed[0]).toMatchObject({ type: 'notification', bytes: received });
    expect(received[2]).toBe(device.firmware.battery().chargerPercent);
  });

  it('resolves startNotifications() before the first characteristicvaluechanged', async () => {
    const { page } = await setUp();
    await run(page, connectClient, BLUETOOTH);
    expect(await run(page, startNotificationsOrder)).toEqual([
      'resolved',
      'resolved, next microtask',
      'characteristicvaluechanged',
    ]);
  });

  it('readValue() sets value and fires characteristicvaluechanged before it resolves', async () => {
    const { page } = await setUp();
    await run(page, connectClient, BLUETOOTH);
    expect(await run(page, readValueOrder)).toEqual([
      'characteristicvaluechanged (value set: true)',
      'resolved (same value: true)',
    ]);
  });

  it('writeValueWithResponse() sets value to the bytes written when it resolves', async () => {
    const { page } = await setUp();
    await run(page, connectClient, BLUETOOTH);
    const hex = GET_BATTERY.map((b) => b.toString(16)).join(' ');
    expect(await run(page, writeValueOrder, GET_BATTERY)).toEqual([
      'pending (value unchanged: true)',
      `resolved (value: ${hex})`,
    ]);
  });

  it('fires no value event once stopNotifications() has resolved', async () => {
    const { page } = await setUp();
    await run(page, connectClient, BLUETOOTH);
    expect(await run(page, stopNotificationsThenMark, GET_BATTERY)).toEqual(['stopped', 'scp reply']);
  });

  it('on a device-side drop fires gattserverdisconnected, then rejects the pending call with NetworkError', async () => {
    const { page, hub, device, id } = await setUp();
    await run(page, connectClient, BLUETOOTH);
    const hold = holdRequests(device);
    await run(page, startPendingRead);
    await expect.poll(() => hold.held).toBeGreaterThan(0);
    hub.disconnect(id);
    expect(await logOf(page, 2)).toEqual(['gattserverdisconnected', 'readValue rejected NetworkError']);
  });

  it('on disconnect() fires gattserverdisconnected at once, then rejects the pending call with NetworkError', async () => {
    const { page, device } = await setUp();
    await run(page, connectClient, BLUETOOTH);
    const hold = holdRequests(device);
    await run(page, startPendingRead);
    await expect.poll(() => hold.held).toBeGreaterThan(0);
    await run(page, disconnectFromPage);
    expect(await logOf(page, 3)).toEqual([
      'gattserverdisconnected',
      'disconnect() returned',
      'readValue rejected NetworkError',
    ]);
  });

  it('aborts a connect() in flight on disconnect() with AbortError', async () => {
    const { page, hub, id } = await setUp();
    await run(page, connectClient, BLUETOOTH);
    expect(await run(page, connectThenDisconnect)).toEqual([
      'disconnect() returned (connected: false)',
      'connect rejected AbortError',
    ]);
    await expect.poll(() => hub.isConnected(id)).toBe(false);
  });
});
