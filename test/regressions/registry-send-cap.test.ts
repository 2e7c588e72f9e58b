/**
 * Issue 15: sign-up, forgot-password, OTP and mobile changes could send unlimited emails or SMS to a
 * victim (a per-IP cap only). Now one address gets at most 5 messages an hour, and the answers are the
 * same whether or not an account has it (docs/security.md "Throttling").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../testing/index.js';

let registry: Registry;
beforeAll(async () => {
  registry = await createRegistry();
});
afterAll(() => registry.close());

async function statuses(path: string, body: Record<string, string>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 7; i++) out.push((await registry.client.raw('POST', path, body)).status);
  return out;
}

it('forgot-password: 5 a hour to one address, known or not', async () => {
  const user = await registry.newUser();
  registry.clock.advance(3_600_000); // the sign-up's own message is out of the window
  const known = await statuses('/auth/password/forgot', { email: user.email });
  const unknown = await statuses('/auth/password/forgot', { email: 'not-a-user@example.com' });
  expect(known).toEqual([202, 202, 202, 202, 202, 429, 429]);
  expect(unknown).toEqual(known);
  expect(
    registry.outbox.all().filter((m) => m.to === user.email && m.template === 'reset-password'),
  ).toHaveLength(5);
  registry.clock.advance(3_600_000);
  expect((await registry.client.raw('POST', '/auth/password/forgot', { email: user.email })).status).toBe(
    202,
  );
});

it('sign-up and OTP requests count against the same cap', async () => {
  const body = {
    email: 'flooded@example.com',
    password: 'correct horse 1',
    dateOfBirth: '1990-05-17',
    country: 'DE',
  };
  expect(await statuses('/auth/signup', body)).toEqual([202, 202, 202, 202, 202, 429, 429]);
  expect(await statuses('/auth/otp/request', { mobile: '+4917055555555' })).toEqual([
    202, 202, 202, 202, 202, 429, 429,
  ]);
});
