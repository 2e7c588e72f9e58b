/**
 * Issue 15: the only limits were per IP and route, so 120 wrong passwords for one account from 4
 * source addresses in 2 s, then the right one, logged in (ASVS 2.2.1). Now attempts are throttled per
 * account with backoff, the same way for unknown accounts (docs/security.md "Throttling").
 */
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../../testing/index.js';

let registry: Registry;
beforeAll(async () => {
  // The service's own per-IP limit (30 a minute per route), as `registry serve` runs it.
  registry = await createRegistry({ rateLimit: { max: 30, timeWindowMs: 60_000 } });
});
afterAll(() => registry.close());

/** POST /auth/login from the loopback address `from`; the status and Retry-After. */
function login(
  from: string,
  email: string,
  password: string,
): Promise<{ status: number; retryAfter?: string }> {
  const { port } = new URL(registry.url);
  const body = JSON.stringify({ email, password });
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/auth/login',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}),
          }),
        );
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

async function spray(email: string, first: number): Promise<number[]> {
  const sources = [0, 1, 2, 3].map((i) => `127.0.0.${first + i}`);
  const answers = await Promise.all(
    Array.from({ length: 120 }, (_, i) => login(sources[i % 4] as string, email, `wrong password ${i}`)),
  );
  return answers.map((a) => a.status).sort();
}

it('120 wrong passwords from 4 addresses, then the right one: refused until the backoff passes', async () => {
  const user = await registry.newUser();
  const known = await spray(user.email, 2);
  expect(known.filter((s) => s === 401)).toHaveLength(5);
  expect(known.filter((s) => s === 429)).toHaveLength(115);
  const right = await login('127.0.0.6', user.email, 'correct horse 1');
  expect(right.status).toBe(429);
  expect(Number(right.retryAfter)).toBeGreaterThan(0);
  registry.clock.advance(Number(right.retryAfter) * 1000);
  expect((await login('127.0.0.6', user.email, 'correct horse 1')).status).toBe(200);
});

it('an unknown account is answered the same way', async () => {
  const unknown = await spray('nobody-at-all@example.com', 12);
  expect(unknown.filter((s) => s === 401)).toHaveLength(5);
  expect(unknown.filter((s) => s === 429)).toHaveLength(115);
});
