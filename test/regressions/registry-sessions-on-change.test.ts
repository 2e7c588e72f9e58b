/**
 * Issue 15: sessions survived a password or email change. Now both end every other session of the
 * account; the one that made the change stays, and the old address is told (docs/security.md
 * "Sessions", ASVS 2.2.3).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../testing/index.js';
import { refused } from '../registration-helpers.js';

let registry: Registry;
beforeAll(async () => {
  registry = await createRegistry();
});
afterAll(() => registry.close());

it('a password change ends the other sessions', async () => {
  const user = await registry.newUser();
  const elsewhere = registry.client.as((await registry.client.login(user.email, 'correct horse 1')).token);
  await user.call('PUT', '/me/password', {
    currentPassword: 'correct horse 1',
    newPassword: 'a new secret 42',
  });
  await refused(elsewhere.me(), 'REGISTRY_UNAUTHENTICATED');
  expect((await user.me()).email).toBe(user.email);
  expect(registry.outbox.all().at(-1)).toMatchObject({ to: user.email, template: 'password-changed' });
});

it('an email change ends the other sessions once the new address is verified', async () => {
  const user = await registry.newUser();
  const elsewhere = registry.client.as((await registry.client.login(user.email, 'correct horse 1')).token);
  await user.call('PUT', '/me/email', { newEmail: 'changed-address@example.com' });
  expect((await elsewhere.me()).email).toBe(user.email);
  await user.call('POST', '/me/email/verify', {
    code: registry.outbox.lastCode('changed-address@example.com'),
  });
  await refused(elsewhere.me(), 'REGISTRY_UNAUTHENTICATED');
  expect((await user.me()).email).toBe('changed-address@example.com');
  expect(registry.outbox.all().at(-1)).toMatchObject({ to: user.email, template: 'email-changed' });
});
