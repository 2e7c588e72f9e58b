/**
 * Issue #12 item 5: opened in a browser without Web Bluetooth (here: a page of the test's browser
 * without the shim, and with Chromium's own `navigator.bluetooth` removed), the app explains how to
 * use the Playwright fixture or the Node shim instead, and its account screens still work.
 */
import { expect, test } from './app.js';

test('a browser without Web Bluetooth gets the instructions, not a blank page', async ({ browser, app }) => {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: 'delete Navigator.prototype.bluetooth;' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    await expect(page.locator('#no-bluetooth')).toContainText('This browser has no Web Bluetooth');
    await expect(page.locator('#no-bluetooth pre')).toContainText("from 'iqsim/playwright'");
    await expect(page.locator('#no-bluetooth')).toContainText('iqsim/webbluetooth');
    await expect(page.locator('#login')).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
