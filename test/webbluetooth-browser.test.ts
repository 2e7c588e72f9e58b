/**
 * Issue #5 acceptance, browser half: the sample pairing page (examples/web/pairing.html, standard
 * Web Bluetooth only) runs unmodified in real headless Chromium against a virtual ILUMA i. Never
 * skipped: Debian's /usr/bin/chromium is part of the project's set-up.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualDevice, type DeviceEvent, type VirtualDevice } from '../index.js';
import { type StaticServer, serveStatic, WebBluetoothHub } from '../transports/webbluetooth/index.js';
import { attachWebBluetooth, launchChromium } from '../transports/webbluetooth/playwright.js';

const WEB_ROOT = fileURLToPath(new URL('../examples/web/', import.meta.url));

let browser: Browser;
let server: StaticServer;
let context: BrowserContext | undefined;
let hub: WebBluetoothHub | undefined;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), serveStatic(WEB_ROOT)]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  await context?.close();
  hub?.close();
  context = undefined;
  hub = undefined;
});

/** A fresh hub with one virtual ILUMA i, and the pairing page open and paired to it. */
async function pairedPage(): Promise<{
  page: Page;
  device: VirtualDevice;
  id: string;
  hub: WebBluetoothHub;
}> {
  const created = new WebBluetoothHub({ chooser: { name: 'IQOS ILUMA i' } });
  hub = created;
  const device = createVirtualDevice({ model: 'iluma-i' });
  const id = created.addDevice(device);
  context = await browser.newContext();
  const page = await context.newPage();
  await attachWebBluetooth(page, created);
  await page.goto(`${server.url}pairing.html`);
  await page.click('#connect');
  await page.waitForSelector('body[data-state="connected"]', { timeout: 10_000 });
  return { page, device, id, hub: created };
}

const text = (page: Page, selector: string) => page.textContent(selector);

/** Waits until the element's whole text is `expected` (the page updates asynchronously). */
async function waitForText(page: Page, selector: string, expected: string, timeout = 15_000): Promise<void> {
  const exact = new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator(selector, { hasText: exact }).waitFor({ timeout });
}

describe('sample pairing page in headless Chromium', () => {
  it('pairs, shows model and battery, sets brightness, starts Find My and follows battery notifications', async () => {
    const { page, device } = await pairedPage();
    expect(await text(page, '#status')).toBe('Connected');
    expect(await text(page, '#name')).toBe('IQOS ILUMA i');
    expect(await text(page, '#model')).toBe('M0022');
    expect(await text(page, '#battery')).toBe(`${device.firmware.battery().chargerPercent} %`);

    await page.click('#brightness-low');
    await expect.poll(() => device.firmware.state.settings.chargerBrightness, { timeout: 10_000 }).toBe(30);
    await waitForText(page, '#brightness', 'low');
    // The device's SCP reply reached the page as a notification on the control point.
    expect(await text(page, '#reply')).toMatch(/^00 [0-9A-F]{2}( [0-9A-F]{2})+$/);

    await page.click('#brightness-high');
    await expect.poll(() => device.firmware.state.settings.chargerBrightness, { timeout: 10_000 }).toBe(100);
    await waitForText(page, '#brightness', 'high');

    const vibrations: DeviceEvent[] = [];
    const subscription = device.events$.subscribe((e) => {
      if (e.type === 'vibration') vibrations.push(e);
    });
    await page.click('#find-my');
    await expect
      .poll(() => vibrations.some((e) => e.type === 'vibration' && e.reason === 'findMy'), {
        timeout: 10_000,
      })
      .toBe(true);
    subscription.unsubscribe();

    // A battery notification pushed by the device updates the page.
    hub?.input(device, { type: 'level', unit: 'charger', percent: 55 });
    await waitForText(page, '#battery', '55 %');
    expect(await text(page, '#status')).toBe('Connected');
  }, 20_000);

  it('shows Disconnected when the device drops the connection', async () => {
    const { page, id, hub } = await pairedPage();
    expect(hub.isConnected(id)).toBe(true);
    expect(hub.disconnect(id)).toBe(true);
    await page.waitForSelector('body[data-state="disconnected"]', { timeout: 5_000 });
    expect(await text(page, '#status')).toBe('Disconnected');
    expect(await page.isDisabled('#brightness-high')).toBe(true);
    expect(await page.isEnabled('#connect')).toBe(true);
    expect(await text(page, '#log')).toContain('device disconnected');
    expect(hub.isConnected(id)).toBe(false);

    // Connect again from the page: the same virtual device pairs again.
    await page.click('#connect');
    await page.waitForSelector('body[data-state="connected"]', { timeout: 10_000 });
    expect(hub.isConnected(id)).toBe(true);

    // A new document drops the old one's connection, as navigation does in Chromium.
    await page.reload();
    await expect.poll(() => hub.isConnected(id), { timeout: 10_000 }).toBe(false);
  }, 20_000);

  it('refuses requestDevice outside a user gesture, as Chromium does', async () => {
    hub = new WebBluetoothHub();
    hub.addDevice(createVirtualDevice({ model: 'iluma-i' }));
    context = await browser.newContext();
    const page = await context.newPage();
    await attachWebBluetooth(page, hub);
    // A page that asks for a device as it loads (no click, so no transient activation).
    await page.route('**/on-load.html', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body:
          '<script>navigator.bluetooth.requestDevice({ acceptAllDevices: true })' +
          '.then(() => { document.title = "granted"; }, (e) => { document.title = e.name; });</script>',
      }),
    );
    await page.goto(`${server.url}on-load.html`);
    await page.waitForFunction('document.title !== ""', undefined, { timeout: 5_000 });
    expect(await page.title()).toBe('SecurityError');
  }, 20_000);
});
