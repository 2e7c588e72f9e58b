/**
 * Issue #12 item 4 and issue 18 item 7, the device screen: live battery of holder and charger (one
 * battery on a one-piece unit, the holder "in use" or out of the charger), a session as the device runs
 * it (pre-heat, ready, time and puffs left, how it ended), usage counters after it without a Refresh,
 * settings per model (FlexPuff only where the model has it), a disconnect in the middle of a settings
 * write, faults in plain words, diagnostics and the reset guide, out of range and back (also while the
 * settings load), Find My.
 */
import type { Page } from '@playwright/test';
import { checkScreen, expect, pair, signUp, test } from './app.js';

async function openDevice(page: Page, deviceId: string): Promise<void> {
  await page.locator(`li.card[data-device-id="${deviceId}"] a`).click();
  await expect(page.locator('#connection')).toHaveText('Connected');
}

test.describe('ILUMA i', () => {
  test.use({ model: 'iluma-i' });

  test('live battery, a session from pre-heat to its end as the device runs it, usage after it', async ({
    page,
    app: _app,
    registry,
    device,
  }) => {
    // The app times the session with its own clock: the page's clock moves with the device's.
    await page.clock.install();
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    await expect(page.locator('#charger-battery')).toHaveText(
      `${device.virtual.firmware.battery().chargerPercent} %`,
    );
    device.input({ type: 'level', unit: 'charger', percent: 55 });
    await expect(page.locator('#charger-battery')).toHaveText('55 %');
    await expect(page.locator('#holder-battery')).toHaveText(/^\d+ %$/);
    const holderLevel = await page.locator('#holder-battery').textContent();
    await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready');
    await expect(page.locator('#usage-sticks')).toHaveText(/^\d+$/);
    const sticksBefore = Number(await page.locator('#usage-sticks').textContent());
    await page.clock.pauseAt(Date.now() + 60_000);
    const both = async (ms: number) => {
      device.advance(ms);
      await page.clock.runFor(ms);
    };

    device.input({ type: 'undock' });
    await expect(page.locator('#holder-battery')).toHaveText(
      `Out of the charger (${holderLevel?.replace(' %', '')} % when taken out)`,
    );
    await expect(page.locator('#settings-note')).toContainText('Put the holder back in the charger');
    device.input({ type: 'stick', action: 'insert' }); // Auto Start: heating begins
    const session = page.locator('#session');
    await expect(session).toHaveText('Heating up: ready in about 20 s');
    await expect(page.locator('#holder-battery')).toHaveText('In use');
    await both(5_000);
    await expect(session).toHaveText('Heating up: ready in about 15 s');
    await both(15_000); // pre-heat done (docs/device.md §2.2)
    await expect(session).toHaveText('Ready: up to 16 puffs and about 5:40 left (0 puffs taken)'); // FlexPuff on
    device.input({ type: 'puff' });
    await expect(session).toHaveText('Ready: up to 15 puffs and about 5:40 left (1 puff taken)');
    await both(310_000);
    await expect(session).toHaveText('Ending soon: up to 15 puffs and about 0:30 left (1 puff taken)');
    await both(30_000); // six minutes from the start of heating
    await expect(session).toHaveText('The last session ended: its time was up, after 1 puff.');
    await expect(page.locator('#usage-note')).toHaveText(
      'A session ended since the counters were read: they update when the holder is back in the charger.',
    );
    device.input({ type: 'stick', action: 'remove' });
    device.input({ type: 'dock' }); // the holder answers through the charger again (D-13)
    await expect(page.locator('#usage-sticks')).toHaveText(String(sticksBefore + 1)); // no Refresh needed
    await expect(page.locator('#holder-battery')).toHaveText(/^\d+ %$/);
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
    await expect(page.locator('#device-problem')).toBeHidden();
    device.fault('holder-defect');
    const words = 'Your holder has a fault. Reset it; if the light stays red, contact customer care.';
    await expect(page.locator('#diagnostics')).toHaveText(words);
    await expect(page.locator('#device-problem')).toHaveText(words);
    await page.click('#reset-help');
    await expect(page.locator('#reset-guide')).toContainText('Hold the charger button for 10 seconds');
    await expect(page.locator('#reset-state')).toHaveText('Waiting for the device to reset…');
    device.input({ type: 'reset' });
    device.advance(5_000);
    await expect(page.locator('#reset-state')).toHaveText('Your device is working again.');
    await expect(page.locator('#device-problem')).toBeHidden();

    await page.click('#find-my');
    await expect(page.locator('#find-my')).toHaveText('Stop ringing');
    expect(device.events.some((e) => e.type === 'vibration' && e.reason === 'findMy')).toBe(true);
    await page.click('#find-my');
    await expect(page.locator('#find-my')).toHaveText('Find my device');
  });

  test('out of range while the settings load, then back: no retry spin, the settings load', async ({
    page,
    app: _app,
    registry,
    device,
  }) => {
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    // The settings read is in flight: it fails with the link. The app used to retry it at once, on the
    // old connection's objects while Reconnect was still setting up, and the page froze.
    device.outOfRange();
    await expect(page.locator('#connection')).toHaveText('Disconnected');
    device.inRange();
    await page.click('#reconnect');
    await expect(page.locator('#connection')).toHaveText('Connected');
    await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready');
  });

  test('over-temperature in a session in plain words; out of range and back', async ({
    page,
    app: _app,
    registry,
    device,
  }) => {
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready');
    device.input({ type: 'undock' });
    device.input({ type: 'stick', action: 'insert' });
    await expect(page.locator('#session')).toHaveAttribute('data-phase', 'preheat');
    await checkScreen(page, 'session'); // axe times itself: not under the paused clock of the test above

    // Out of range mid-session: no stale session line, and Reconnect says why it cannot.
    device.outOfRange();
    await expect(page.locator('#connection')).toHaveText('Disconnected');
    await expect(page.locator('#session')).toHaveText('Not connected: reconnect to see the device.');
    await expect(page.locator('#settings-note')).toHaveText('Reconnect to change settings.');
    await page.click('#reconnect');
    // Chromium reports a device out of range as NetworkError (docs/webbluetooth.md "Situations and errors").
    await expect(page.locator('#banner[data-kind="error"]')).toHaveText(
      'The device is out of range or switched off. Bring it closer and try again.',
    );
    device.inRange();
    await page.click('#reconnect');
    await expect(page.locator('#connection')).toHaveText('Connected');
    // The session began before this connection: the app cannot time it.
    await expect(page.locator('#session')).toHaveText(
      'In use: up to 16 puffs left (the session started before the app connected; time left unknown)',
    );

    device.advance(20_000);
    device.fault('F-02');
    device.advance(5_000); // the heater runs away past its limit
    const words = 'Your holder overheated and stopped. Let it cool down, then reset it.';
    await expect(page.locator('#device-problem')).toHaveText(words);
    await expect(page.locator('#session')).toHaveText(
      'The last session stopped: the heater overheated, after 0 puffs.',
    );
    await page.click('#diagnostics-run');
    await expect(page.locator('#diagnostics li')).toHaveText([words]);
    await expect(page.locator('#settings-note')).toContainText('Put the holder back in the charger');
    await checkScreen(page, 'fault');
  });
});

test.describe('ILUMA i ONE', () => {
  test.use({ model: 'iluma-i-one' });

  test('one battery; settings without FlexPuff; a session and the usage after it', async ({
    page,
    app: _app,
    registry,
    device,
  }) => {
    await signUp(page, registry);
    await pair(page);
    await openDevice(page, device.deviceId);
    await expect(page.locator('#device-name')).toHaveText('ILUMA i ONE');
    await expect(page.locator('#holder-battery')).toHaveCount(0);
    device.input({ type: 'level', unit: 'charger', percent: 55 });
    await expect(page.locator('#battery')).toHaveText('55 %');
    await expect(page.locator('#session')).toHaveText('No session yet.');
    await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready');
    await expect(page.locator('#flexpuff')).toHaveCount(0);
    await expect(page.locator('#auto-start')).toBeVisible();
    await page.selectOption('#brightness', 'low');
    await expect(page.locator('#banner')).toContainText('Brightness saved');
    expect(device.state.settings.chargerBrightness).toBe(30);
    await expect(page.locator('#usage-sticks')).toHaveText(/^\d+$/);
    const sticksBefore = Number(await page.locator('#usage-sticks').textContent());

    device.input({ type: 'stick', action: 'insert' });
    await expect(page.locator('#session')).toHaveText(/^Heating up: ready in about \d+ s$/);
    await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready'); // one unit: it answers
    device.advance(20_000);
    for (let puff = 0; puff < 14; puff++) {
      device.input({ type: 'puff' });
      device.advance(10_000);
    }
    await expect(page.locator('#session')).toHaveText(
      'The last session ended: all puffs were taken, after 14 puffs.',
    );
    await expect(page.locator('#usage-sticks')).toHaveText(String(sticksBefore + 1));
    await checkScreen(page, 'one-piece');
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
