/**
 * Issue 15 item 7: the app sent no CSP, `nosniff`, `frame-ancestors` or `Referrer-Policy`, and logins
 * and profiles went out cacheable. Now every answer of the app carries the security headers, and the
 * registry marks every answer `Cache-Control: no-store`, which the app's proxy passes through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompanionServer,
  createRegistry,
  type Registry,
  startCompanionServer,
} from '../../testing/index.js';

let registry: Registry;
let app: CompanionServer;

beforeAll(async () => {
  registry = await createRegistry();
  app = await startCompanionServer({ registryUrl: registry.url });
});
afterAll(async () => {
  await app.close();
  await registry.close();
});

function expectSecurityHeaders(headers: Headers, what: string): void {
  const csp = headers.get('content-security-policy') ?? '';
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ])
    expect(csp, `${what}: ${directive}`).toContain(directive);
  expect(csp, what).not.toContain('unsafe');
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('x-frame-options'), what).toBe('DENY');
  expect(headers.get('referrer-policy'), what).toBe('no-referrer');
}

describe('the app sends its security headers on every answer', () => {
  it.each([
    ['GET', ''],
    ['GET', 'app.js'],
    ['GET', 'vendor/jsQR.js'],
    ['GET', 'missing.js'],
    ['GET', 'api/health'],
    ['POST', 'api/auth/login'],
    ['POST', 'index.html'],
  ])('%s %s', async (method, path) => {
    const r = await fetch(`${app.url}${path}`, {
      method,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
    });
    expectSecurityHeaders(r.headers, `${method} /${path}`);
  });
});

describe('logins and profiles are never cached', () => {
  it('every /auth and /me answer, success or problem, is no-store, directly and through the app', async () => {
    const user = await registry.newUser();
    const login = { email: user.email, password: 'correct horse 1' };
    for (const base of [registry.url, `${app.url}api`]) {
      const answers = [
        await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(login),
        }),
        await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"email":"x@example.com","password":"p"}',
        }),
        await fetch(`${base}/me`, { headers: { authorization: `Bearer ${user.token}` } }),
        await fetch(`${base}/me`),
        await fetch(`${base}/me/addresses`, { headers: { authorization: `Bearer ${user.token}` } }),
        await fetch(`${base}/devices`, { headers: { authorization: `Bearer ${user.token}` } }),
      ];
      expect(answers.map((r) => r.status)).toEqual([200, 401, 200, 401, 200, 200]);
      for (const r of answers) expect(r.headers.get('cache-control'), `${base} ${r.url}`).toBe('no-store');
    }
  });
});
