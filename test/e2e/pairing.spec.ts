/**
 * Issue #12 item 4: pair → auto-register → My devices, on ILUMA i, ILUMA i ONE and IQOS 3 DUO; a
 * second account refused the same device with the reason (D-R5); a 503 from the service in the middle
 * of the registration shown, then a retry that succeeds.
 */
import { expect, logIn, logOut, pair, signUp, test } from './app.js';

for (const model of ['iluma-i', 'iluma-i-one', 'iqos-3-duo']) {
  test.describe(model, () => {
    test.use({ model });

    test('pair → auto-register → appears in My devices; a second account is refused', async ({
      page,
      app: _app,
      registry,
      device,
    }) => {
      const first = await signUp(page, registry);
      await pair(page);
      const card = page.locator(`li.card[data-device-id="${device.deviceId}"]`);
      await expect(card).toContainText('connected');
      await expect(card).toContainText('Accidental damage claims left1');
      expect(await registry.client.call<{ deviceId: string }[]>('GET', '/_test/devices')).toEqual(
        expect.arrayContaining([expect.objectContaining({ deviceId: device.deviceId })]),
      );

      await logOut(page);
      await signUp(page, registry);
      await page.click('#pair');
      await expect(page.locator('#banner[data-kind="error"]')).toContainText('registered to another account');
      await expect(page.locator('#no-devices')).toBeVisible();

      await logOut(page);
      await logIn(page, first);
      await expect(page.locator(`li.card[data-device-id="${device.deviceId}"]`)).toBeVisible();
    });
  });
}

test('a 503 in the middle of the registration is shown and a retry succeeds', async ({
  page,
  app: _app,
  registry,
  device,
}) => {
  await signUp(page, registry);
  await registry.client.call('PUT', '/_test/faults', {
    route: 'POST /devices/pair',
    kind: 'status',
    status: 503,
    times: 1,
  });
  await page.click('#pair');
  await expect(page.locator('#banner[data-kind="error"]')).toContainText('unavailable');
  await expect(page.locator('#no-devices')).toBeVisible();
  await page.click('#banner-action');
  await expect(page.locator('#banner[data-kind="ok"]')).toContainText(`${device.deviceId} is now registered`);
  await expect(page.locator(`li.card[data-device-id="${device.deviceId}"]`)).toBeVisible();
});
