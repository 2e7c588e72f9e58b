/**
 * Issue 11 acceptance: the whole flow against a virtual ILUMA i through iqsim/testing, in service
 * time set by the test clock (no real waiting).
 */
import { afterEach, expect, it } from 'vitest';
import { diagnoseDevice } from '../cli/diagnose.js';
import { createRegistry, createRig, type Registry, RegistryApiError, type Rig } from '../testing/index.js';

let registry: Registry | undefined;
let rig: Rig | undefined;
afterEach(async () => {
  rig?.close();
  await registry?.close();
});

const refused = async (p: Promise<unknown>, code: string) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RegistryApiError);
  expect((e as RegistryApiError).code).toBe(code);
};

it('sign-up → verify → logins → pair → auto-register → offer → claims → assistance → care → delete', async () => {
  registry = await createRegistry();
  registry.clock.set('2025-06-04T08:00:00Z'); // a Wednesday
  const api = registry.client;

  // 18+ on the service's date.
  await refused(
    api.signUp({
      email: 'kid@example.com',
      password: 'secret garden 123',
      dateOfBirth: '2008-06-05',
      country: 'DE',
    }),
    'REGISTRY_UNDERAGE',
  );
  await api.signUp({
    email: 'ada@example.com',
    password: 'secret garden 123',
    dateOfBirth: '2007-06-04',
    country: 'DE',
  });
  // D-R1: not verified yet → cannot log in.
  await refused(api.login('ada@example.com', 'secret garden 123'), 'REGISTRY_NOT_VERIFIED');
  await api.verify({
    email: 'ada@example.com',
    code: registry.outbox.lastCode('ada@example.com', 'verify-email'),
  });

  // login by email; R-4: mobile added, verified by SMS, then OTP login.
  const ada = api.as((await api.login('ada@example.com', 'secret garden 123')).token);
  await ada.addMobile('+4917012345678');
  await ada.verifyMobile(registry.outbox.lastCode('+4917012345678', 'verify-mobile'));
  await api.requestOtp('+4917012345678');
  const byOtp = await api.loginByOtp(
    '+4917012345678',
    registry.outbox.lastCode('+4917012345678', 'login-otp'),
  );
  expect(byOtp.accountId).toBe((await ada.me()).accountId);

  // pairing reads the device ID from the virtual device and registers it.
  rig = await createRig({ model: 'iluma-i', seed: 3 });
  const paired = await registry.pairRig(ada, rig);
  expect(paired).toMatchObject({ newlyRegistered: true, source: 'pairing', offer: { granted: true } });
  const deviceId = paired.deviceId;
  expect(deviceId).toMatch(/^T[0-9A-Z]{13}$/);
  expect(await ada.devices()).toHaveLength(1);

  // D-R5: a second account is refused the same device.
  const bob = await registry.newUser({ country: 'FR' });
  await refused(bob.pairDevice(deviceId), 'REGISTRY_DEVICE_UNAVAILABLE');

  // the offer once: pairing again is no new registration and no second offer.
  expect((await registry.pairRig(ada, rig)).offer.granted).toBe(false);

  // program activated, one accidental claim, the second refused; warranty unchanged.
  await ada.activateProgram(deviceId, 'DE');
  const before = (await ada.device(deviceId)).warrantyUntil;
  await ada.accidentalClaim(deviceId, { replacement: 'complete', description: 'dropped it on stone' });
  await refused(
    ada.accidentalClaim(deviceId, { replacement: 'partial', description: 'again' }),
    'REGISTRY_CLAIM_USED',
  );
  expect((await ada.device(deviceId)).warrantyUntil).toBe(before);

  // R-22…R-25: abroad in a covered country granted, at home refused.
  const hotel = { name: 'Hotel du Lac', line1: '1 Rue du Lac', city: 'Annecy', country: 'FR' };
  const granted = await ada.internationalAssistance({
    deviceId,
    currentCountry: 'FR',
    temporaryAddress: hotel,
    problem: 'holder does not heat',
  });
  expect(granted).toMatchObject({
    kind: 'international-assistance',
    shipEarliest: '2025-06-05',
    shipLatest: '2025-06-10',
  });
  await refused(
    ada.internationalAssistance({
      deviceId,
      currentCountry: 'DE',
      temporaryAddress: { ...hotel, country: 'DE' },
      problem: 'x',
    }),
    'REGISTRY_IA_AT_HOME',
  );

  // an inquiry with a diagnostics report from the virtual device, due in 120 service minutes.
  const report = await rig.run(diagnoseDevice(rig.client as NonNullable<Rig['client']>, 'ble'));
  expect(report.identity.deviceId).toBe(deviceId);
  const inquiry = await ada.inquiry('My holder stops heating after two puffs, see report', report);
  expect(inquiry).toMatchObject({
    status: 'queued',
    dueAt: '2025-06-04T10:00:00.000Z',
    hasDiagnostics: true,
  });

  // R-8, D-R3: delete releases the device; Bob may now register it.
  expect((await ada.deleteAccount()).releasedDevices).toEqual([deviceId]);
  await refused(ada.me(), 'REGISTRY_UNAUTHENTICATED');
  expect(await bob.pairDevice(deviceId)).toMatchObject({ newlyRegistered: true, offer: { granted: false } });
});
