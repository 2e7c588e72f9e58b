/**
 * Bad input never breaks the service: random bodies, parameters and raw text to every route of
 * /openapi.json (test controls aside) answer 2xx or a problem+json 4xx, never a 5xx, and a rejected
 * request changes no stored state. Seeded; a small run count here (raise numRuns to soak).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry, type Registry, type RegistryClient } from '../testing/index.js';
import { deviceIdOf } from './registration-helpers.js';

let registry: Registry;
let user: RegistryClient;
const owned = deviceIdOf(7);
beforeAll(async () => {
  registry = await createRegistry();
  registry.clock.set('2025-06-04T08:00:00Z');
  user = await registry.newUser({ mobile: '+4917000000077' });
  await user.registerDevice(owned);
});
afterAll(() => registry.close());

/**
 * Rejections that store something on purpose: a wrong one-time code uses one of its attempts
 * (D-R1, D-R2), a wrong password or code counts toward its throttle (docs/security.md "Throttling")
 * and coarse language counts toward a ban.
 */
const COUNTED = new Set([
  'REGISTRY_CODE_INVALID',
  'REGISTRY_LOGIN_FAILED',
  'REGISTRY_WRONG_PASSWORD',
  'REGISTRY_CARE_COARSE',
  'REGISTRY_CARE_BANNED',
]);

interface Operation {
  method: string;
  path: string;
  properties: string[];
}

async function operations(): Promise<Operation[]> {
  const doc = (await registry.client.call('GET', '/openapi.json')) as {
    paths: Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>
    >;
  };
  return (
    Object.entries(doc.paths)
      .filter(([path]) => !path.startsWith('/_test'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          properties: Object.keys(op.requestBody?.content['application/json']?.schema.properties ?? {}),
        })),
      )
      // Ending the session would leave the rest of the run unauthenticated (both are tested elsewhere).
      .filter((op) => !['POST /auth/logout', 'DELETE /me'].includes(`${op.method} ${op.path}`))
  );
}

const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ minLength: 300, maxLength: 5000 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '2025-02-29',
    '2024-02-29',
    'T1AB2CD3EF4GH5',
    'DE',
    'XN',
    'us',
    'a@b.co',
    '+4917000000077',
    '123456',
  ),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

function body(properties: string[]) {
  return fc.oneof(
    fc.anything(),
    fc.string(),
    fc.constant('{"unterminated'),
    properties.length === 0
      ? fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 4 })
      : fc.record(Object.fromEntries(properties.map((p) => [p, value])), { requiredKeys: [] }),
    properties.length === 0
      ? fc.constant({})
      : fc.record(Object.fromEntries(properties.map((p) => [p, value]))).map((r) => ({ ...r, extra: 1 })),
  );
}

const param = fc.oneof(
  fc.constant(owned),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('T0000000000000', '%00', '..', 'a'.repeat(300)),
);

it('random bodies to every route: never a 5xx, and no state change on rejection', async () => {
  const ops = await operations();
  expect(ops.length).toBeGreaterThan(30);
  const arbitrary = fc
    .tuple(fc.constantFrom(...ops), fc.boolean(), param)
    .chain(([op, authed, p]) =>
      fc.tuple(fc.constant(op), fc.constant(authed), fc.constant(p), body(op.properties)),
    );
  await fc.assert(
    fc.asyncProperty(arbitrary, async ([op, authed, p, b]) => {
      const client = authed ? user : registry.client;
      const path = op.path.replace(/\{[^}]+\}/g, encodeURIComponent(p));
      const before = (await registry.client.call<{ digest: string }>('GET', '/_test/digest')).digest;
      const sent = op.method === 'GET' ? undefined : typeof b === 'string' ? b : JSON.stringify(b ?? null);
      const r = await client.raw(op.method, path, sent);
      expect(r.status, `${op.method} ${path} ${sent}`).toBeLessThan(500);
      if (r.status >= 400) {
        expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
        const code = (r.body as { code: string }).code;
        expect(code).toMatch(/^REGISTRY_[A-Z_]+$/);
        if (!COUNTED.has(code)) {
          const after = (await registry.client.call<{ digest: string }>('GET', '/_test/digest')).digest;
          expect(after, `${op.method} ${path} ${code} changed state`).toBe(before);
        }
      }
    }),
    { seed: 20_251_104, numRuns: 150 },
  );
  // The session is still good after all of it (nothing logged it out by accident).
  expect((await user.me()).emailVerified).toBe(true);
});
