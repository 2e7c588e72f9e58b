/**
 * Issue 19 item 3 in real headless Chromium: a scan of 200 virtual holders through the browser
 * bridge (docs/webbluetooth.md "Crowds"). The page calls `navigator.bluetooth.requestDevice`; the
 * hub's chooser records what it offered. One browser, one page; virtual time is jumped with
 * `hub.clock.advanceTo`, never waited for. The same cases in Node, smaller:
 * test/webbluetooth-crowd.test.ts.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IQOS_SERVICE_UUID } from '../index.js';
import {
  type BluetoothDevice,
  type ChooserOption,
  type StaticServer,
  serveStatic,
  WebBluetoothHub,
} from '../transports/webbluetooth/index.js';
import { attachWebBluetooth, launchChromium } from '../transports/webbluetooth/playwright.js';

const WEB_ROOT = fileURLToPath(new URL('../examples/web/', import.meta.url));
const SLOT_MS = 60_000;
const ROTATE_MS = 900_000;
/** Real time a step of the test may take on a busy machine, ms. */
const SLACK_MS = 10_000;

let browser: Browser;
let server: StaticServer;
let page: Page;
let hub: WebBluetoothHub;
const offers: ChooserOption[][] = [];
/** The hub's virtual time at each offer: the hub runs in real time, so the test reads the crowd then. */
const offeredAtMs: number[] = [];
/** The id the chooser picks next (undefined: the first offered). */
let pickId: string | undefined;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), serveStatic(WEB_ROOT)]);
  hub = new WebBluetoothHub({
    chooser: (options) => {
      offers.push([...options]);
      offeredAtMs.push(hub.nowMs());
      return pickId ?? options[0]?.id;
    },
  });
  page = await browser.newPage();
  await attachWebBluetooth(page, hub);
  await page.goto(`${server.url}pairing.html`);
});

afterAll(async () => {
  hub?.close();
  await browser?.close();
  await server?.close();
});

/** Every id the page was granted. */
const grantedIds = new Set<string>();

/** requestDevice in the page, keeping the device in `window.devices[key]`: its id and name. */
async function request(key: string): Promise<{ id: string; name: string | null }> {
  const device = await page.evaluate(
    async ({ uuid, key }) => {
      const device = await navigator.bluetooth.requestDevice({ filters: [{ services: [uuid] }] });
      const scope = globalThis as { devices?: Record<string, BluetoothDevice> };
      scope.devices = { ...scope.devices, [key]: device };
      return { id: device.id, name: device.name ?? null };
    },
    { uuid: IQOS_SERVICE_UUID, key },
  );
  grantedIds.add(device.id);
  return device;
}

/** `gatt.connect()` of a kept device, then disconnect: 'ok' or the error. */
function connect(key: string): Promise<string> {
  return page.evaluate(async (key) => {
    const device = (globalThis as unknown as { devices: Record<string, BluetoothDevice> }).devices[key];
    try {
      await device?.gatt?.connect();
      device?.gatt?.disconnect();
      return 'ok';
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  }, key);
}

describe('a crowd of 200 holders in headless Chromium', () => {
  it('lists them as a scan would: counts, names apart by id, RSSI churn, vanished and rotated members', async () => {
    const crowd = hub.addCrowd({
      count: 200,
      seed: 19,
      rotateAddressEveryMs: ROTATE_MS,
      vanishShare: 0.3,
      presenceSlotMs: SLOT_MS,
    });
    const t0 = hub.nowMs();
    // Heard now: everyone who is present (each is its own advertiser).
    const first = await request('first');
    const listed = offers[0] ?? [];
    const heard = crowd.sightings(offeredAtMs[0] ?? hub.nowMs());
    expect(listed).toHaveLength(heard.length);
    expect(heard.length).toBeGreaterThan(140);
    expect(heard.length).toBeLessThan(200);
    expect(first.id).toBe(listed[0]?.id);

    // Duplicate names, told apart by id: the page gets two devices of one name.
    expect(new Set(listed.map((o) => o.name))).toEqual(new Set(['IQOS ILUMA i']));
    expect(new Set(listed.map((o) => o.id)).size).toBe(listed.length);
    pickId = listed[1]?.id;
    const second = await request('second');
    expect(second.name).toBe(first.name);
    expect(second.id).not.toBe(first.id);

    // RSSI churn: one second later most members are heard at another level.
    hub.clock.advanceTo(hub.nowMs() + 1_000);
    pickId = undefined;
    await request('again');
    const rssiBefore = new Map(listed.map((o) => [o.id, o.rssiDbm]));
    const again = offers.at(-1) ?? [];
    const changed = again.filter((o) => rssiBefore.has(o.id) && rssiBefore.get(o.id) !== o.rssiDbm);
    expect(changed.length).toBeGreaterThan(again.length / 2);

    // A member that leaves is no longer offered, and its granted id is out of range. Chosen gone (or
    // there, under the same address) for the SLACK_MS after the jump, however slow the machine.
    const atMs = t0 + 2 * SLOT_MS;
    const during = (test: (t: number) => boolean) => test(atMs) && test(atMs + SLACK_MS);
    const leaver = heard.find((s) => during((t) => !crowd.isPresent(s.index, t)));
    const stayer = heard.find((s) =>
      during((t) => crowd.isPresent(s.index, t) && crowd.addressAt(s.index, t) === s.address),
    );
    expect(leaver && stayer).toBeDefined();
    pickId = listed[leaver ? heard.indexOf(leaver) : -1]?.id;
    const leaving = await request('leaving');
    pickId = listed[stayer ? heard.indexOf(stayer) : -1]?.id;
    await request('staying');
    hub.clock.advanceTo(atMs);
    pickId = undefined;
    await request('later');
    const later = offers.at(-1) ?? [];
    expect(later.map((o) => o.id)).not.toContain(leaving.id);
    expect(await connect('leaving')).toBe('NetworkError: Bluetooth Device is no longer in range.');
    expect(await connect('staying')).toBe('ok');

    // A rotated address is a new advertiser: a new id, and the old one no longer reaches it.
    hub.clock.advanceTo(t0 + 2 * ROTATE_MS);
    pickId = undefined;
    await request('rotated');
    const rotated = offers.at(-1) ?? [];
    const earlier = new Set(offers.slice(0, -1).flatMap((o) => o.map((c) => c.id)));
    expect(rotated.filter((o) => earlier.has(o.id))).toEqual([]);
    expect(await connect('staying')).toBe('NetworkError: Bluetooth Device is no longer in range.');
    expect(await connect('rotated')).toBe('ok');
    const granted = await page.evaluate(async () => (await navigator.bluetooth.getDevices()).length);
    // Permissions outlive the advertisement: every device granted is still listed.
    expect(granted).toBe(grantedIds.size);
  });
});

/** The page's `navigator`, as far as these routines use it. */
declare const navigator: { readonly bluetooth: import('../transports/webbluetooth/index.js').Bluetooth };
