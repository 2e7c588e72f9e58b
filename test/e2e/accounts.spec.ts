/**
 * Issue #12 item 4, the account flows through the app: sign-up refused under 18, verification
 * by the emailed code, login by email and password and by SMS code on a verified mobile
 * change email with re-verification and change password, marketing opt-in/out,
 * register by device ID typed or read from the QR label, delete account releasing the device.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelOf, labelPng } from '../../cli/label.js';
import { expect, go, logIn, logOut, PASSWORD, signUp, test } from './app.js';

test('sign-up refuses a date of birth under 18', async ({ page, app: _app }) => {
  await go(page, '#/signup');
  await page.getByLabel('Email').fill('young@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  const today = new Date();
  await page.getByLabel('Date of birth').fill(`${today.getUTCFullYear() - 17}-01-01`);
  await page.click('#signup-form-submit');
  await expect(page.locator('#banner[data-kind="error"]')).toHaveText(
    'You must be 18 or older to create an account.',
  );
  await expect(page.locator('#signup')).toBeVisible();
});

test('change email (verified again), password and marketing; log in with the new ones', async ({
  page,
  app: _app,
  registry,
}) => {
  const email = await signUp(page, registry);
  await page.click('nav a[href="#/account"]');
  await expect(page.locator('#account-email')).toHaveText(email);

  await page.check('#marketing-opt-in');
  await expect(page.locator('#banner')).toContainText('never for tobacco');
  await page.uncheck('#marketing-opt-in');
  await expect(page.locator('#banner')).toContainText('no longer get news');

  await page.locator('#password-form').getByLabel('Current password').fill(PASSWORD);
  await page.locator('#password-form').getByLabel('New password').fill('battery staple 2');
  await page.click('#password-form-submit');
  await expect(page.locator('#banner')).toContainText('password has been changed');

  const newEmail = `new-${email}`;
  await page.locator('#email-form').getByLabel('New email').fill(newEmail);
  await page.click('#email-form-submit');
  await expect(page.locator('#email-code-form')).toBeVisible(); // the email is sent by then
  await page
    .locator('#email-code-form')
    .getByLabel('Code from the new address')
    .fill(registry.outbox.lastCode(newEmail));
  await page.click('#email-code-form-submit');
  await expect(page.locator('#account-email')).toHaveText(newEmail);

  await logOut(page);
  await page.locator('#login-form').getByLabel('Email').fill(newEmail);
  await page.locator('#login-form').getByLabel('Password').fill(PASSWORD);
  await page.click('#login-form-submit');
  await expect(page.locator('#banner[data-kind="error"]')).toContainText('Login failed');
  await logIn(page, newEmail, 'battery staple 2');
});

test('login by SMS code on a verified mobile (R-4)', async ({ page, app: _app, registry }) => {
  await signUp(page, registry);
  await page.click('nav a[href="#/account"]');
  await page.locator('#mobile-form').getByLabel('Mobile').fill('+491701234567');
  await page.click('#mobile-form-submit');
  await expect(page.locator('#mobile-code-form')).toBeVisible(); // the SMS is sent by then
  await page
    .locator('#mobile-code-form')
    .getByLabel('SMS code')
    .fill(registry.outbox.lastCode('+491701234567'));
  await page.click('#mobile-code-form-submit');
  await expect(page.locator('#account-mobile')).toHaveText('+491701234567');
  await logOut(page);

  await page.locator('#otp-form').getByLabel('Mobile').fill('+491701234567');
  await page.click('#otp-form-submit');
  await expect(page.locator('#banner')).toContainText('We sent a code by SMS');
  await page.locator('#otp-form').getByLabel('SMS code').fill(registry.outbox.lastCode('+491701234567'));
  await page.click('#otp-form-submit');
  await expect(page.locator('#devices')).toBeVisible();
});

test('register by device ID typed and read from the QR label; delete the account', async ({
  page,
  app: _app,
  registry,
  device,
}) => {
  await signUp(page, registry);
  await page.getByLabel('Device ID').fill('T123');
  await page.click('#register-form-submit');
  await expect(page.locator('#banner[data-kind="error"]')).toContainText(
    'T followed by 13 letters or digits',
  );

  const dir = await mkdtemp(join(tmpdir(), 'iqsim-e2e-'));
  try {
    const other = labelOf('iluma-i', 77);
    const file = join(dir, 'label.png');
    await writeFile(file, await labelPng(other));
    await page.setInputFiles('#qr-file', file);
    await expect(page.getByLabel('Device ID')).toHaveValue(other.deviceId);
    await page.click('#register-form-submit');
    await expect(page.locator(`li.card[data-device-id="${other.deviceId}"]`)).toContainText('not paired');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await page.getByLabel('Device ID').fill(device.deviceId.toLowerCase());
  await page.click('#register-form-submit');
  await expect(page.locator('#device-list')).toHaveAttribute('data-count', '2');

  await page.click('nav a[href="#/account"]');
  await page.click('#delete-account');
  await page.click('#delete-confirm-button');
  await expect(page.locator('#signup')).toBeVisible();
  const devices = await registry.client.call<{ deviceId: string; accountId?: string | null }[]>(
    'GET',
    '/_test/devices',
  );
  expect(devices.find((d) => d.deviceId === device.deviceId)?.accountId ?? null).toBeNull();
});

test('pairing errors: chooser cancelled, device out of range, service down', async ({
  page,
  app,
  registry,
  device,
  bluetooth,
}) => {
  await signUp(page, registry);
  bluetooth.cancel();
  await page.click('#pair');
  await expect(page.locator('#banner[data-kind="error"]')).toContainText('No device selected');
  bluetooth.choose('first');
  device.outOfRange();
  await page.click('#pair');
  await expect(page.locator('#banner[data-kind="error"]')).toContainText('No device selected');
  device.inRange();
  await registry.server.close(); // the registration service goes down
  await page.click('#pair');
  await expect(page.locator('#banner[data-kind="error"]')).toContainText('registration service');
  void app;
});
