/**
 * Issue 18 item 2 in real headless Chromium: the main cells of docs/webbluetooth.md "Situations and
 * errors" through the browser bridge (out of range, back in range, adapter off and removed,
 * forget(), permission revoked). One browser for the file; every cell in Node:
 * test/webbluetooth-situations.test.ts. Waits are bounded by the page's own promises (the hub
 * answers at once), never by sleeps.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualDevice, IQOS_SERVICE_UUID } from '../index.js';
import { type StaticServer, serveStatic, WebBluetoothHub } from '../transports/webbluetooth/index.js';
import { attachWebBluetooth, launchChromium } from '../transports/webbluetooth/playwright.js';

const WEB_ROOT = fileURLToPath(new URL('../examples/web/', import.meta.url));
const GATT =
  'NetworkError: GATT Server is disconnected. Cannot perform GATT operations. (Re)connect first with `device.gatt.connect`.';

let browser: Browser;
let server: StaticServer;
const contexts: BrowserContext[] = [];
const hubs: WebBluetoothHub[] = [];

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), serveStatic(WEB_ROOT)]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  for (const hub of hubs.splice(0)) hub.close();
});

/**
 * A page connected to a virtual ILUMA i, holding `window.t` = { device, server, battery, log }:
 * `log` records `gattserverdisconnected`; `t.outcome(promise)` names what a call came to.
 */
async function connectedPage(): Promise<{ page: Page; hub: WebBluetoothHub; id: string }> {
  const created = new WebBluetoothHub();
  hubs.push(created);
  const id = created.addDevice(createVirtualDevice({ model: 'iluma-i', replyDelayMs: 0 }));
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await attachWebBluetooth(page, created);
  await page.goto(`${server.url}pairing.html`);
  await page.evaluate(async (uuid) => {
    const device = await navigator.bluetooth.requestDevice({ filters: [{ services: [uuid] }] });
    const gatt = await device.gatt.connect();
    const service = await gatt.getPrimaryService(uuid);
    const battery = await service.getCharacteristic('f8a54120-b041-11e4-9be7-0002a5d5c51b');
    const log: string[] = [];
    let dropped: () => void = () => undefined;
    const disconnected = new Promise<void>((resolve) => {
      dropped = resolve;
    });
    device.addEventListener('gattserverdisconnected', () => {
      log.push('gattserverdisconnected');
      dropped();
    });
    const outcome = (call: Promise<unknown>) =>
      call.then(
        () => 'ok',
        (e: Error) => `${e.name}: ${e.message}`,
      );
    Object.assign(globalThis, { t: { device, gatt, battery, log, disconnected, outcome } });
  }, IQOS_SERVICE_UUID);
  return { page, hub: created, id };
}

describe('situations in headless Chromium (docs/webbluetooth.md "Situations and errors")', () => {
  it('out of range: gattserverdisconnected, NetworkError on the next GATT call and on connect; back in range the same device reconnects', async () => {
    const { page, hub, id } = await connectedPage();
    hub.outOfRange(id);
    const after = await page.evaluate(async () => {
      await t.disconnected;
      return {
        log: [...t.log],
        read: await t.outcome(t.battery.readValue()),
        connect: await t.outcome(t.device.gatt.connect()),
        listed: (await navigator.bluetooth.getDevices()).includes(t.device),
      };
    });
    expect(after).toEqual({
      log: ['gattserverdisconnected'],
      read: GATT,
      connect: 'NetworkError: Bluetooth Device is no longer in range.',
      listed: true,
    });
    hub.inRange(id);
    const back = await page.evaluate(async () => {
      const gatt = await t.device.gatt.connect();
      const service = await gatt.getPrimaryService('daebb240-b041-11e4-9e45-0002a5d5c51b');
      const battery = await service.getCharacteristic('f8a54120-b041-11e4-9be7-0002a5d5c51b');
      return {
        same: gatt === t.gatt,
        connected: gatt.connected,
        bytes: (await battery.readValue()).byteLength,
      };
    });
    expect(back.same && back.connected && back.bytes > 2).toBe(true);
    expect(hub.isConnected(id)).toBe(true);
  });

  it("adapter off: requestDevice is cancelled, getAvailability stays true; removed: Chromium's no-adapter error", async () => {
    const { page, hub } = await connectedPage();
    hub.setAdapter('powered-off');
    const ask = () =>
      page.evaluate(async () => {
        await t.disconnected;
        return {
          request: await t.outcome(navigator.bluetooth.requestDevice({ acceptAllDevices: true })),
          available: await navigator.bluetooth.getAvailability(),
        };
      });
    expect(await ask()).toEqual({
      request: 'NotFoundError: User cancelled the requestDevice() chooser.',
      available: true,
    });
    hub.setAdapter('absent');
    expect(await ask()).toEqual({
      request: 'NotFoundError: Bluetooth adapter not available.',
      available: false,
    });
  });

  it('forget() and a revoked permission: the device leaves getDevices, GATT calls and connect fail as in Chromium', async () => {
    const { page, hub, id } = await connectedPage();
    const forgotten = await page.evaluate(async () => {
      await t.device.forget();
      return {
        log: [...t.log],
        devices: (await navigator.bluetooth.getDevices()).length,
        read: await t.outcome(t.battery.readValue()),
        connect: await t.outcome(t.device.gatt.connect()),
      };
    });
    expect(forgotten).toEqual({
      log: ['gattserverdisconnected'],
      devices: 0,
      read: GATT,
      connect: 'SecurityError: GATT operation not authorized.',
    });
    expect(hub.isConnected(id)).toBe(false);

    const second = await connectedPage();
    second.hub.revoke(second.id);
    const revoked = await second.page.evaluate(async () => {
      await t.disconnected;
      return {
        devices: (await navigator.bluetooth.getDevices()).length,
        connect: await t.outcome(t.device.gatt.connect()),
      };
    });
    expect(revoked).toEqual({ devices: 0, connect: 'SecurityError: GATT operation not authorized.' });
  });
});

describe('the page channel reaches child frames', () => {
  it('an iframe is its own session: it connects, reads and hears the drop, as the main frame does', async () => {
    const created = new WebBluetoothHub();
    hubs.push(created);
    const id = created.addDevice(createVirtualDevice({ model: 'iluma-i', replyDelayMs: 0 }));
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const attachment = await attachWebBluetooth(page, created);
    await page.route('**/outer.html', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<iframe src="pairing.html"></iframe>' }),
    );
    await page.goto(`${server.url}outer.html`);
    const child = page.frames()[1];
    if (!child) throw new Error('no child frame');
    await child.waitForLoadState();
    const read = await child.evaluate(async (uuid) => {
      const device = await navigator.bluetooth.requestDevice({ filters: [{ services: [uuid] }] });
      const gatt = await device.gatt.connect();
      const service = await gatt.getPrimaryService(uuid);
      const battery = await service.getCharacteristic('f8a54120-b041-11e4-9be7-0002a5d5c51b');
      const dropped = new Promise((resolve) => device.addEventListener('gattserverdisconnected', resolve));
      Object.assign(globalThis, { dropped });
      return (await battery.readValue()).byteLength;
    }, IQOS_SERVICE_UUID);
    expect(read).toBeGreaterThan(2);
    expect(attachment.session(child)).toBeDefined();
    expect(attachment.session(page)).not.toBe(attachment.session(child));
    created.disconnect(id);
    expect(
      await child.evaluate(() =>
        (globalThis as unknown as { dropped: Promise<Event> }).dropped.then((e) => e.type),
      ),
    ).toBe('gattserverdisconnected');
  });
});

/** The page-side handle `connectedPage` leaves on `globalThis`. */
declare const t: {
  device: import('../transports/webbluetooth/index.js').BluetoothDevice;
  gatt: import('../transports/webbluetooth/index.js').BluetoothRemoteGATTServer;
  battery: import('../transports/webbluetooth/index.js').BluetoothRemoteGATTCharacteristic;
  log: string[];
  disconnected: Promise<void>;
  outcome(call: Promise<unknown>): Promise<string>;
};

/** The page's `navigator`, as far as these routines use it. */
declare const navigator: { readonly bluetooth: import('../transports/webbluetooth/index.js').Bluetooth };
