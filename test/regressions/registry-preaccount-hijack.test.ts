/**
 * Issue 15: signing up over an existing unverified account kept the first signer's password, so
 * after the real owner verified, the first signer could log in. Now a sign-up over an unverified
 * account replaces its password and details, and the first signer's code is dead.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../testing/index.js';
import { refused } from '../registration-helpers.js';

let registry: Registry;
beforeAll(async () => {
  registry = await createRegistry();
});
afterAll(() => registry.close());

it('the first signer of an unverified address cannot log in after the owner verifies', async () => {
  const email = 'victim@example.com';
  const profile = { email, dateOfBirth: '1990-05-17', country: 'DE' };
  await registry.client.signUp({ ...profile, password: 'attacker chosen 1', firstName: 'Mallory' });
  const attackerCode = registry.outbox.lastCode(email);
  await registry.client.signUp({ ...profile, password: 'owner chosen 123', firstName: 'Alice' });
  const ownerCode = registry.outbox.lastCode(email);
  if (attackerCode !== ownerCode)
    await refused(registry.client.verify({ email, code: attackerCode }), 'REGISTRY_CODE_INVALID');
  await registry.client.verify({ email, code: ownerCode });
  await refused(registry.client.login(email, 'attacker chosen 1'), 'REGISTRY_LOGIN_FAILED');
  const { token } = await registry.client.login(email, 'owner chosen 123');
  expect(await registry.client.as(token).me()).toMatchObject({ email, firstName: 'Alice' });
});
