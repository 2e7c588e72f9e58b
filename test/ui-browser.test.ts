/**
 * The dashboard of `iqsim ui` in real headless Chromium (issue 20 item 3), one browser launch: a
 * holder button pressed in the page changes the device's state and the lights in the drawing; the
 * capture slider scrubs through a recorded session; the page passes axe-core (no serious or critical
 * violation) and fits a phone; a fleet of 200 (as `--fleet-count 200 --manual-time` makes it) is
 * summed up, paged through, and a device on its second page opened and driven. Time is manual:
 * nothing here waits on the wall clock but the browser. With `IQSIM_UI_SCREENSHOTS=<dir>` it also
 * writes ui-desktop.png, ui-phone.png and ui-fleet.png there (docs/ui.md).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetOptions } from '../cli/fleet.js';
import {
  CaptureList,
  createFleet,
  createVirtualDevice,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  VirtualClock,
} from '../simulator/index.js';
import { DeviceHost, FleetHost, startUiServer, type UiServer } from '../transports/ui/index.js';
import { launchChromium } from '../transports/webbluetooth/playwright.js';

const ROOT = join(import.meta.dirname, '..');
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.IQSIM_UI_SCREENSHOTS;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let browser: Browser;
let server: UiServer;
let page: Page;
let host: DeviceHost;
let fleetServer: UiServer;
let fleetHost: FleetHost;

/** A recorded session: connect, read the battery, undock a second later, read the status at 2 s. */
async function recordedSession() {
  const clock = new VirtualClock();
  const device = createVirtualDevice({ model: 'iluma-i', seed: 2 });
  const list = new CaptureList();
  device.captureTo(list);
  const link = new InMemoryLink(clock, device);
  const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock }));
  await runUntilSettled(clock, client.readBattery());
  clock.advanceTo(1000);
  device.input({ type: 'undock' }, 1000);
  clock.advanceTo(2000);
  await runUntilSettled(clock, client.readStatus());
  link.close();
  return { path: 'session.jsonl', format: 'jsonl', events: list.events };
}

// One browser, one server (a device in manual time and a capture), one page for both tests.
beforeAll(async () => {
  host = new DeviceHost('d1', createVirtualDevice({ model: 'iluma-i', seed: 1 }), { kind: 'manual' }, 1);
  // The fleet `iqsim ui --fleet-count 200 --manual-time` makes.
  const fleet = createFleet(fleetOptions({ count: '200' }, undefined, '--fleet-count'));
  fleetHost = new FleetHost(fleet, { kind: 'manual' });
  [browser, server, fleetServer] = await Promise.all([
    launchChromium(),
    recordedSession().then((capture) => startUiServer({ hosts: [host], capture })),
    startUiServer({ hosts: [], fleet: fleetHost }),
  ]);
  // Reduced motion: the lights hold still (no blink or pulse animation), so screenshots show them lit.
  page = await browser.newPage({ viewport: DESKTOP, reducedMotion: 'reduce' });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fleetServer?.close();
});

/**
 * The axe-core rules whose outcome depends on the viewport: at phone size only these run again (the
 * rest, contrast and names and roles, read the same DOM and styles at any width; about 3 s saved).
 */
const LAYOUT_RULES = ['scrollable-region-focusable', 'target-size', 'meta-viewport', 'region'];

/** axe-core's serious and critical violations on the page as it is (axe injected once). */
async function seriousViolations(rules?: readonly string[]): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE);
  const only = rules ? `runOnly: { type: "rule", values: ${JSON.stringify(rules)} }, ` : '';
  const result = (await page.evaluate(`axe.run(document, { ${only}resultTypes: ["violations"] })`)) as {
    violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const text = (id: string) => page.locator(`#${id}`).textContent();
const light = (unit: string) => page.locator(`#${unit}-lights`).getAttribute('data-light');

describe('iqsim ui in Chromium', () => {
  it('a holder button press in the page changes the state and the drawn lights', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await expect.poll(() => text('state-holder')).toBe('DOCKED_READY');
    await page.click('#btn-dock');
    await expect.poll(() => text('state-holder')).toBe('IDLE_READY');
    // Auto Start: a stick heats (docs/device.md §2.2); the holder pulses while it pre-heats.
    await page.click('#btn-stick');
    await expect.poll(() => text('state-holder')).toBe('PREHEAT');
    expect(await light('holder')).toBe('pulse white 1');
    await page.click('[data-advance="10000"]');
    await expect.poll(() => text('state-time')).toBe('0:10.0');

    // The app's central: its ATT traffic, decoded.
    await page.click('#btn-central');
    await expect.poll(() => page.locator('#traffic').textContent()).toContain('read battery');
    expect(await page.locator('#traffic').textContent()).toContain('read model number');

    expect(await seriousViolations(), 'axe at 1280×800').toEqual([]);
    if (SHOTS) await page.screenshot({ path: resolve(ROOT, SHOTS, 'ui-desktop.png') });
    await page.setViewportSize(PHONE);
    expect(await page.evaluate('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(await seriousViolations(LAYOUT_RULES), 'axe at 390×844').toEqual([]);
    if (SHOTS) await page.screenshot({ path: resolve(ROOT, SHOTS, 'ui-phone.png') });
    await page.setViewportSize(DESKTOP);

    // The button is held while the pointer is down: a press during heating ends the session.
    expect(await text('state-holder')).toBe('PREHEAT');
    await page.locator('#btn-holder').hover();
    await page.mouse.down();
    await expect.poll(() => page.locator('#btn-holder').getAttribute('aria-pressed')).toBe('true');
    await page.mouse.up();
    await expect.poll(() => text('state-holder')).not.toBe('PREHEAT');
    await expect.poll(() => light('holder')).toBe('off none 0');
    expect(host.device.firmware.state.holder.state).not.toBe('PREHEAT');
    expect(await text('state-session')).toContain('user action');
    expect(await page.locator('#drawing-desc').textContent()).toContain('holder lights off');
    expect(errors).toEqual([]);
  });

  it('scrubs through a capture', async () => {
    await expect.poll(() => text('capture-at')).toMatch(/^0:02\.0: \d+ of \d+/);
    expect(await text('state-cap-status')).toContain('holderStateName=unplugged');
    await page.locator('#scrub').fill('500');
    await expect.poll(() => text('capture-at')).toMatch(/^0:00\.5: /);
    expect(await text('state-cap-status')).not.toContain('unplugged');
    expect(await text('state-cap-battery')).toContain('chargerLevelPct=80');
  });

  it('a fleet: its figures, its second page, a device there opened and driven', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(fleetServer.url);
    await expect.poll(() => text('state-fleet-devices')).toBe('200');
    expect(await text('state-fleet-holders')).toBe('DOCKED_READY 200');
    expect(await text('fleet-range')).toBe('1–20 of 200');
    await page.click('#fleet-next');
    await expect.poll(() => text('fleet-range')).toBe('21–40 of 200');
    await page.click('[aria-label="Show device 1-25"]');
    await expect.poll(() => text('device-title')).toBe('ILUMA i (1-25)');
    await page.click('#btn-dock');
    await page.click('#btn-stick');
    await expect.poll(() => text('state-holder')).toBe('PREHEAT');
    expect(await light('holder')).toBe('pulse white 1');
    await page.locator('#btn-holder').hover();
    await page.mouse.down();
    await page.mouse.up();
    await expect.poll(() => light('holder')).toBe('off none 0');
    expect(fleetHost.fleet.devices[25]?.state).not.toBe('PREHEAT');
    // The fleet's own figures saw it: the list (polled each second) shows the device's new state.
    await page.click('[data-advance="1000"]');
    await expect
      .poll(() => page.locator('tr[data-id="1-25"] td').nth(2).textContent())
      .not.toBe('DOCKED_READY');
    await expect.poll(() => text('state-fleet-sessions')).toMatch(/^1 /);

    expect(await seriousViolations(), 'axe at 1280×800').toEqual([]);
    if (SHOTS) {
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: resolve(ROOT, SHOTS, 'ui-fleet.png') });
    }
    await page.setViewportSize(PHONE);
    expect(await page.evaluate('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(await seriousViolations(LAYOUT_RULES), 'axe at 390×844').toEqual([]);
    await page.setViewportSize(DESKTOP);
    expect(errors).toEqual([]);
  });

  it('a page without the token gets 403 and drives nothing', async () => {
    const response = await page.goto(`${server.origin}/?token=${'0'.repeat(48)}`);
    expect(response?.status()).toBe(403);
    expect(await page.textContent('body')).toContain('UI_BAD_TOKEN');
  });
});
