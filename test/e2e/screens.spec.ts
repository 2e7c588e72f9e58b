/**
 * Issue 18 item 7, every screen of the app at phone (390×844) and desktop (1280×800) size: nothing
 * wider than the phone, no serious or critical axe-core violation; the navigation and the code forms
 * only when they apply; the messages that come with a move to another screen; model names. The app
 * keeps its own tables (it imports nothing from iqsim): the last tests check them against iqsim's.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { labelOf } from '../../cli/label.js';
import { DEFAULT_PARAMS } from '../../firmware-model/params.js';
import { MODELS as IQSIM_MODELS } from '../../protocol/models.js';
import { FAULT_GUIDE } from '../../simulator/index.js';
import { checkScreen, expect, go, pair, signUp, test } from './app.js';

interface AppModel {
  id?: string;
  label: string;
  scp: boolean;
  onePiece: boolean;
  autoStart?: boolean;
  flexPuff?: boolean;
}
/** The app's own modules (plain JavaScript, no types: loaded by URL). */
const appModule = (file: string) =>
  import(pathToFileURL(join(import.meta.dirname, '../../examples/companion', file)).href);
const { MODEL_NAMES, MODELS, SESSION } = (await appModule('device.js')) as {
  MODEL_NAMES: Record<string, string>;
  MODELS: [string, AppModel][];
  SESSION: Record<string, number>;
};
const { FAULT_WORDS } = (await appModule('faults.js')) as { FAULT_WORDS: Record<string, string> };

test('every screen fits a phone and passes axe; what shows when', async ({
  page,
  app: _app,
  registry,
  device,
}) => {
  await expect(page.locator('#login')).toBeVisible();
  await expect(page.locator('#nav')).toBeHidden();
  await checkScreen(page, 'login');
  await go(page, '#/signup');
  await checkScreen(page, 'signup');

  // A long address: it wraps on a phone instead of widening the page.
  const email = await signUp(page, registry, 'a.rather.long.address.for.a.phone@example-company.com');
  await go(page, '#/verify');
  await checkScreen(page, 'verify');
  await go(page, '#/devices');
  await pair(page);
  const other = labelOf('iluma-i', 77).deviceId;
  await page.getByLabel('Device ID').fill(other);
  await page.click('#register-form-submit');
  await expect(page.locator(`li.card[data-device-id="${device.deviceId}"] h3`)).toHaveText('ILUMA i');
  // Registered by its ID alone: the service has no model for it, and an ID does not name one.
  await expect(page.locator(`li.card[data-device-id="${other}"]`)).toContainText(
    'Model not known yetPair it with this browser to see its model.',
  );
  await checkScreen(page, 'devices');

  await page.locator(`li.card[data-device-id="${device.deviceId}"] a`).click();
  await expect(page.locator('#settings')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('#usage-sticks')).toHaveText(/^\d+$/);
  await expect(page.locator('#device-name')).toHaveText('ILUMA i');
  await checkScreen(page, 'device');

  await page.click('nav a[href="#/account"]');
  await expect(page.locator('#account-email')).toHaveText(email);
  for (const hidden of ['#email-code-form', '#mobile-code-form', '#delete-confirm'])
    await expect(page.locator(hidden)).toBeHidden(); // no code was sent, nothing to confirm yet
  await checkScreen(page, 'account');

  await page.click('#delete-account');
  await page.click('#delete-confirm-button');
  await expect(page.locator('#signup')).toBeVisible();
  await expect(page.locator('#banner')).toHaveText('Your account has been deleted.');
  await expect(page.locator('#nav')).toBeHidden();
});

test("the app's model names agree with iqsim's", () => {
  for (const model of IQSIM_MODELS) {
    const name = model.displayName.startsWith('ILUMA') ? model.displayName : `IQOS ${model.displayName}`;
    expect(MODEL_NAMES[model.id], model.id).toBe(name);
  }
  expect(Object.keys(MODEL_NAMES).sort()).toEqual(IQSIM_MODELS.map((m) => m.id).sort());
  for (const [, app] of MODELS) {
    if (app.id === undefined) continue;
    const model = IQSIM_MODELS.find((m) => m.id === app.id);
    expect(app.label, app.id).toBe(model?.displayName);
    expect(app.onePiece, app.id).toBe(model?.form === 'one-piece');
    expect(app.scp, app.id).toBe(model?.scp);
    expect(app.autoStart ?? false, app.id).toBe(model?.capabilities.includes('autoStart'));
    expect(app.flexPuff ?? false, app.id).toBe(model?.capabilities.includes('flexPuff'));
  }
});

test("the app's session limits and fault words agree with iqsim's", () => {
  const p = DEFAULT_PARAMS;
  expect(SESSION).toEqual({
    preheatSeconds: p.session.preheatSeconds,
    maxSeconds: p.session.maxSeconds,
    maxPuffs: p.session.maxPuffs,
    flexPuffExtra: p.flexPuff.extraPuffs,
    warnSeconds: p.session.warningSecondsBeforeEnd,
    warnPuffs: 2, // the ILUMA profiles' session.warningPuffsBeforeEnd (docs/device.md §14)
  });
  expect(p.session.timerStartsAt).toBe('heatingStart');
  for (const [id, words] of Object.entries(FAULT_WORDS))
    if (id !== 'F-06') expect(words, id).toBe(FAULT_GUIDE[id as keyof typeof FAULT_GUIDE].app);
});
