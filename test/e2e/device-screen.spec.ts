/**
 * Issue #12 item 4, the device screen: live battery of holder and charger, a heating session seen as
 * it happens, usage counters after it, settings per model (FlexPuff only where the model has it), a
 * disconnect in the middle of a settings write, diagnostics and the reset guide, Find My.
 */
import type { Page } from '@playwright/test';
import { expect, pair, signUp, test } from './app.js';

async function openDevice(page: Page, deviceId: string): Promise<void> {
  await page.locator(`li.card[data-device-id="${deviceId}"] a`).click();
  await expect(page.locator('#connection')).toHaveText('Connected');
}

test.describe('ILUMA i', () => {
  test.use({ model: 'iluma-i' });

  test('live battery, a heating session as it happens, usage after it', async ({
    page,
    app: _app,
    registry,
    device,
  }) => {
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    await expect(page.locator('#charger-battery')).toHaveText(
      `${device.virtual.firmware.battery().chargerPercent} %`,
    );
    device.input({ type: 'level', unit: 'charger', percent: 55 });
    await expect(page.locator('#charger-battery')).toHaveText('55 %');
    await expect(page.locator('#holder-battery')).toHaveText(/^\d+ %$/);
    await expect(page.locator('#usage-sticks')).toHaveText(/^\d+$/);
    const sticksBefore = Number(await page.locator('#usage-sticks').textContent());

    device.input({ type: 'undock' });
    device.input({ type: 'stick', action: 'insert' }); // Auto Start: heating begins
    await expect(page.locator('#session')).toHaveText('Heating: 0 puffs');
    device.advance(30_000); // pre-heat done
    device.input({ type: 'puff' });
    await expect(page.locator('#session')).toHaveText('Heating: 1 puffs');
    device.advance(400_000); // the rest of the session, in virtual time
    await expect(page.locator('#session')).toContainText('last session finished');
    device.input({ type: 'stick', action: 'remove' });
    device.input({ type: 'dock' }); // the holder answers through the charger again (D-13)
    await page.click('#usage-refresh');
    await expect(page.locator('#usage-sticks')).toHaveText(String(sticksBefore + 1));
  });

  test('settings apply on the device; FlexPuff and auto-start are there', async ({
    page,
    app: _app,
    registry,
    device,
  }) => {
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready');
    await page.selectOption('#brightness', 'low');
    await expect(page.locator('#banner')).toContainText('Brightness saved');
    expect(device.state.settings.chargerBrightness).toBe(30);
    await page.uncheck('#vibrations');
    await expect(page.locator('#banner')).toContainText('Vibrations saved');
    expect(device.state.settings.vibration.heatingStart).toBe(false);
    await page.uncheck('#auto-start');
    await expect(page.locator('#banner')).toContainText('Auto-start saved');
    expect(device.state.settings.autoStart).toBe(false);
    const flexPuff = device.state.settings.flexPuff;
    await expect(page.locator('#flexpuff')).toBeChecked({ checked: flexPuff }); // read from the device
    await page.setChecked('#flexpuff', !flexPuff);
    await expect(page.locator('#banner')).toContainText('FlexPuff saved');
    expect(device.state.settings.flexPuff).toBe(!flexPuff);
  });

  test('the device drops the link during a settings write', async ({ page, app: _app, registry, device }) => {
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready');
    const dropped = device.disconnectOnNextWrite();
    // A click, not uncheck(): the app puts the box back when the write fails, maybe before uncheck() looks.
    await page.click('#auto-start');
    await dropped;
    await expect(page.locator('#banner[data-kind="error"]')).toContainText(
      'disconnected while saving auto-start',
    );
    await expect(page.locator('#connection')).toHaveText('Disconnected');
    await expect(page.locator('#auto-start')).toBeChecked();
    await page.click('#reconnect');
    await expect(page.locator('#connection')).toHaveText('Connected');
    await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready');
    // The write reached the device before the link went: after reconnecting the screen shows what it kept.
    await expect(page.locator('#auto-start')).toBeChecked({ checked: device.state.settings.autoStart });
  });

  test('diagnostics, the reset guide and Find My', async ({ page, app: _app, registry, device }) => {
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    await page.click('#diagnostics-run');
    await expect(page.locator('#diagnostics')).toHaveText('No problems found.');
    device.fault('F-08'); // holder system defect
    await expect(page.locator('#diagnostics')).toContainText('holder system defect');
    await page.click('#reset-help');
    await expect(page.locator('#reset-guide')).toContainText('Hold the charger button for 10 seconds');
    await expect(page.locator('#reset-state')).toHaveText('Waiting for the device to reset…');
    device.input({ type: 'reset' });
    device.advance(5_000);
    await expect(page.locator('#reset-state')).toHaveText('Your device is working again.');

    await page.click('#find-my');
    await expect(page.locator('#find-my')).toHaveText('Stop ringing');
    expect(device.events.some((e) => e.type === 'vibration' && e.reason === 'findMy')).toBe(true);
    await page.click('#find-my');
    await expect(page.locator('#find-my')).toHaveText('Find my device');
  });
});

test.describe('ILUMA i ONE', () => {
  test.use({ model: 'iluma-i-one' });

  test('settings without FlexPuff; usage of the one-piece unit', async ({
    page,
    app: _app,
    registry,
    device,
  }) => {
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready');
    await expect(page.locator('#flexpuff')).toHaveCount(0);
    await expect(page.locator('#auto-start')).toBeVisible();
    await page.selectOption('#brightness', 'low');
    await expect(page.locator('#banner')).toContainText('Brightness saved');
    expect(device.state.settings.chargerBrightness).toBe(30);
    await expect(page.locator('#usage-sticks')).toHaveText(/^\d+$/);
    await expect(page.locator('#holder-battery')).toHaveText('—');
  });
});

test.describe('IQOS 3 DUO', () => {
  test.use({ model: 'iqos-3-duo' });

  test('battery only: no settings over Bluetooth', async ({ page, app: _app, registry, device }) => {
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    await expect(page.locator('#no-settings')).toContainText('no settings over Bluetooth');
    device.input({ type: 'level', unit: 'charger', percent: 42 });
    await expect(page.locator('#charger-battery')).toHaveText('42 %');
  });
});
