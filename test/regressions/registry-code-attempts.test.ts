/**
 * Issue 15 (high): a wrong one-time code threw inside the store transaction, so its spent attempt
 * was rolled back and a code could be guessed without limit. Now every wrong try commits, the fifth
 * kills the code, and the right code no longer works (docs/security.md "One-time codes").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../testing/index.js';
import { refused } from '../registration-helpers.js';

const base = { password: 'correct horse 1', dateOfBirth: '1990-05-17', country: 'DE' };
let registry: Registry;

beforeAll(async () => {
  registry = await createRegistry();
});
afterAll(() => registry.close());

const wrong = (code: string) => (code === '000000' ? '000001' : '000000');

function attemptsLeft(purpose: string): number[] {
  return registry.server.store
    .query(`SELECT doc FROM secrets WHERE purpose = '${purpose}'`)
    .map((r) => (JSON.parse(String(r.doc)) as { attemptsLeft: number }).attemptsLeft);
}

describe('one-time codes spend their attempts (issue 15)', () => {
  it('the sign-up link: each wrong token is counted; after five the right one is dead', async () => {
    await registry.client.signUp({ ...base, email: 'link@example.com' });
    const token = new URL(registry.outbox.all().at(-1)?.link as string).searchParams.get('token') as string;
    const [id, code] = token.split('.') as [string, string];
    for (let i = 1; i <= 2; i++) {
      const r = await registry.client.raw('GET', `/auth/verify?token=${id}.${wrong(code)}`);
      expect([r.status, (r.body as { code: string }).code]).toEqual([400, 'REGISTRY_CODE_INVALID']);
      expect(attemptsLeft('verify-email')).toEqual([5 - i]);
    }
    for (let i = 3; i <= 5; i++)
      expect((await registry.client.raw('GET', `/auth/verify?token=${id}.${wrong(code)}`)).status).toBe(400);
    registry.clock.advance(60_000);
    const right = await registry.client.raw('GET', `/auth/verify?token=${token}`);
    expect([right.status, (right.body as { code: string }).code]).toEqual([400, 'REGISTRY_CODE_INVALID']);
    await refused(registry.client.login('link@example.com', base.password), 'REGISTRY_NOT_VERIFIED');
  });

  it('the sign-up code by email: five wrong codes and the right one fails', async () => {
    await registry.client.signUp({ ...base, email: 'code@example.com' });
    const code = registry.outbox.lastCode('code@example.com');
    for (let i = 0; i < 5; i++)
      await refused(
        registry.client.verify({ email: 'code@example.com', code: wrong(code) }),
        'REGISTRY_CODE_INVALID',
      );
    registry.clock.advance(60_000);
    await refused(registry.client.verify({ email: 'code@example.com', code }), 'REGISTRY_CODE_INVALID');
  });

  it('the email-change code (POST /me/email/verify): five wrong codes and the address stays', async () => {
    const user = await registry.newUser();
    await user.call('PUT', '/me/email', { newEmail: 'moved@example.com' });
    const code = registry.outbox.lastCode('moved@example.com');
    for (let i = 0; i < 5; i++)
      await refused(user.call('POST', '/me/email/verify', { code: wrong(code) }), 'REGISTRY_CODE_INVALID');
    registry.clock.advance(60_000);
    await refused(user.call('POST', '/me/email/verify', { code }), 'REGISTRY_CODE_INVALID');
    expect((await user.me()).email).toBe(user.email);
  });

  it('the sixth guess in a burst is throttled before it is checked', async () => {
    await registry.client.signUp({ ...base, email: 'burst@example.com' });
    const code = registry.outbox.lastCode('burst@example.com');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        registry.client.raw('POST', '/auth/verify', { email: 'burst@example.com', code: wrong(code) }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([400, 400, 400, 400, 400, 429, 429, 429]);
  });
});
