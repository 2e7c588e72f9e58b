/**
 * Issue 15: after `forgot`, wrong reset codes answered 400 ×4 then 429 for a known email but 400
 * forever for an unknown one; PUT /me/email and /me/mobile answered 409 for other people's
 * addresses. Now known and unknown accounts answer alike, and a taken address is said only to whoever
 * has proved it with the code sent to it (docs/security.md "Enumeration").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../testing/index.js';
import { refused } from '../registration-helpers.js';

let registry: Registry;
beforeAll(async () => {
  registry = await createRegistry();
});
afterAll(() => registry.close());

async function resetTries(email: string): Promise<[number, string][]> {
  await registry.client.raw('POST', '/auth/password/forgot', { email });
  const answers: [number, string][] = [];
  for (let i = 0; i < 7; i++) {
    const r = await registry.client.raw('POST', '/auth/password/reset', {
      email,
      code: '000000',
      newPassword: 'brand new secret 1',
    });
    answers.push([r.status, (r.body as { code: string }).code]);
  }
  return answers;
}

it('wrong reset codes: the same answers for a known and an unknown email', async () => {
  const user = await registry.newUser();
  const known = await resetTries(user.email);
  const unknown = await resetTries('nobody-here@example.com');
  expect(known).toEqual(unknown);
  expect(known.slice(0, 5).every(([s, c]) => s === 400 && c === 'REGISTRY_CODE_INVALID')).toBe(true);
  expect(known.slice(5).every(([s]) => s === 429)).toBe(true);
});

it("PUT /me/email with another account's address answers as for a free one; only its owner learns more", async () => {
  const owner = await registry.newUser();
  const other = await registry.newUser();
  const taken = await other.raw('PUT', '/me/email', { newEmail: owner.email });
  const free = await other.raw('PUT', '/me/email', { newEmail: 'free-address@example.com' });
  expect([taken.status, taken.body]).toEqual([free.status, free.body]);
  expect(taken.status).toBe(202);
  await other.call('PUT', '/me/email', { newEmail: owner.email });
  const code = registry.outbox.lastCode(owner.email, 'verify-email');
  await refused(other.call('POST', '/me/email/verify', { code }), 'REGISTRY_EMAIL_TAKEN');
  expect((await owner.me()).email).toBe(owner.email);
});

it("PUT /me/mobile with another account's verified mobile answers 202; verifying it is refused", async () => {
  const owner = await registry.newUser();
  await owner.addMobile('+4917012345678');
  await owner.verifyMobile(registry.outbox.lastCode('+4917012345678', 'verify-mobile'));
  const other = await registry.newUser();
  const r = await other.raw('PUT', '/me/mobile', { mobile: '+4917012345678' });
  expect(r.status).toBe(202);
  await refused(
    other.verifyMobile(registry.outbox.lastCode('+4917012345678', 'verify-mobile')),
    'REGISTRY_MOBILE_TAKEN',
  );
});
