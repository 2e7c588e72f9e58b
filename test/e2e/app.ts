/**
 * The companion app's test fixture: iqsim/playwright (whose `app` serves the reference app wired to
 * the test's registry) with a check on the page's console, and the flows every spec starts with,
 * driven through the UI.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test as base, expect, type Registry } from '../../playwright/index.js';

export { expect };

export const test = base.extend({
  page: async ({ page }, use) => {
    // The app's Content-Security-Policy (testing/app-http.ts) must never refuse anything the app does.
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) refused.push(message.text());
    });
    await use(page);
    expect(refused).toEqual([]);
  },
});

/** Follows an in-app link (hash route) as a click would. */
export async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

export const PASSWORD = 'correct horse 1';
let accounts = 0;

/** Sign-up (an adult), verification by the outboxed code, landing logged in on My devices. */
export async function signUp(
  page: Page,
  registry: Registry,
  email = `qa${++accounts}@example.com`,
): Promise<string> {
  await go(page, '#/signup');
  await expect(page.locator('#nav')).toBeHidden(); // logged out: no My devices, Account, Log out
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Date of birth').fill('1990-05-17');
  await page.getByLabel('Country').fill('DE');
  await page.click('#signup-form-submit');
  await expect(page.locator('#verify')).toBeVisible();
  await expect(page.locator('#banner')).toHaveText(`We sent a verification code to ${email}.`);
  await page.getByLabel('Code').fill(registry.outbox.lastCode(email, 'verify-email'));
  await page.click('#verify-form-submit');
  await expect(page.locator('#devices')).toBeVisible();
  await expect(page.locator('#banner')).toHaveText('Email verified. Welcome!');
  await expect(page.locator('#nav')).toBeVisible();
  return email;
}

/** Pair through the chooser; the app registers the device and says so. */
export async function pair(page: Page): Promise<void> {
  await page.click('#pair');
  await expect(page.locator('#banner[data-kind="ok"]')).toContainText('registered');
}

export async function logOut(page: Page): Promise<void> {
  await page.click('#logout');
  await expect(page.locator('#login')).toBeVisible();
}

export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.locator('#login-form').getByLabel('Email').fill(email);
  await page.locator('#login-form').getByLabel('Password').fill(password);
  await page.click('#login-form-submit');
  await expect(page.locator('#devices')).toBeVisible();
}

/** The sizes every screen is checked at (docs/companion.md "Layout and accessibility"). */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

const ROOT = join(import.meta.dirname, '../..');
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
/**
 * With `IQSIM_E2E_SCREENSHOTS=<dir>` (`docs` for the ones docs/companion.md shows), checkScreen also
 * writes these screens, scrolled to the top, as `<dir>/<file>` (README.md shows companion.png).
 */
const SHOTS = process.env.IQSIM_E2E_SCREENSHOTS;
const SHOWN = new Map([
  ['login-desktop', 'companion-login-desktop.png'],
  ['devices-phone', 'companion-devices-phone.png'],
  ['device-phone', 'companion-device-phone.png'],
  ['device-desktop', 'companion.png'],
  ['session-phone', 'companion-session-phone.png'],
  ['fault-phone', 'companion-fault-phone.png'],
  ['one-piece-phone', 'companion-one-piece-phone.png'],
  ['account-phone', 'companion-account-phone.png'],
]);

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core's serious and critical violations on the page as it is. The script goes in by CDP
 * (page.evaluate), which the app's Content-Security-Policy does not govern; an injected <script> it
 * would refuse, as it should.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: AxeViolation[];
  };
  const violations = result.violations;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * One screen at phone and desktop size: nothing wider than the phone's screen, no serious or
 * critical axe violation at either size. Leaves the page at desktop size.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    if (size === 'phone')
      expect(
        await page.evaluate('document.scrollingElement.scrollWidth'),
        `${name} fits ${viewport.width} px`,
      ).toBeLessThanOrEqual(viewport.width);
    expect(await axeViolations(page), `${name} at ${size} size`).toEqual([]);
    const file = SHOWN.get(`${name}-${size}`);
    if (SHOTS && file) {
      await page.evaluate('scrollTo(0, 0)');
      await page.screenshot({ path: resolve(ROOT, SHOTS, file) });
    }
  }
}
