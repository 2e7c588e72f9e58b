/**
 * The companion app's test fixture: iqsim/playwright (whose `app` serves the reference app wired to
 * the test's registry) with a check on the page's console, and the flows every spec starts with,
 * driven through the UI.
 */
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
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Date of birth').fill('1990-05-17');
  await page.getByLabel('Country').fill('DE');
  await page.click('#signup-form-submit');
  await expect(page.locator('#verify')).toBeVisible();
  await page.getByLabel('Code').fill(registry.outbox.lastCode(email, 'verify-email'));
  await page.click('#verify-form-submit');
  await expect(page.locator('#devices')).toBeVisible();
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
