/**
 * The HTTP contract (issue 15 item 10): every operation in /openapi.json is called for real, with a
 * success and with errors, and every answer is checked against the document: its status is one the
 * operation declares, its content type is the declared one (none for 204) and its body validates
 * against the declared schema. At the end every operation must have had a 2xx and a 4xx checked.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installContract } from '../registration/server/contract.js';
import { installProblems } from '../registration/server/problem.js';
import { createRegistry, type Registry } from '../testing/index.js';
import { type RawAnswer, rawRequest } from './helpers/raw-http.js';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

let registry: Registry;
let operations: Map<string, Operation>;
/** `"POST /devices"` → the statuses whose answers were checked. */
const checked = new Map<string, Set<number>>();
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i);
ajv.addFormat('email', /^[^@\s]+@[^@\s]+$/);
const validators = new Map<object, ValidateFunction>();

beforeAll(async () => {
  registry = await createRegistry();
  const doc = (await registry.client.call('GET', '/openapi.json')) as {
    paths: Record<string, Record<string, Operation>>;
  };
  operations = new Map(
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
    ),
  );
});
afterAll(() => registry.close());

interface Call {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/** One real request to `op` ("METHOD /path/{param}"), its answer checked against the document. */
async function call(op: string, expected: number, c: Call = {}): Promise<RawAnswer & { body: unknown }> {
  const [method, template] = op.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => c.params?.[name] ?? '');
  const body =
    c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
  const answer = await rawRequest(
    registry.url,
    method,
    `${path}${c.query ?? ''}`,
    {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
      ...c.headers,
    },
    body,
  );
  expect(answer.status, `${op}: ${answer.text}`).toBe(expected);
  const declared = operations.get(op)?.responses[String(answer.status)];
  expect(declared, `${op} does not declare ${answer.status}`).toBeDefined();
  const type = String(answer.headers['content-type'] ?? '').split(';')[0] as string;
  let parsed: unknown;
  if (!declared?.content) expect(answer.text, `${op} ${answer.status} has no body`).toBe('');
  else {
    expect(Object.keys(declared.content), `${op} ${answer.status} content type`).toContain(type);
    const schema = declared.content[type]?.schema as object;
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      validators.set(schema, validate);
    }
    parsed = JSON.parse(answer.text);
    expect(validate(parsed), `${op} ${answer.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
  checked.set(op, (checked.get(op) ?? new Set()).add(answer.status));
  return { ...answer, body: parsed };
}

const PASSWORD = 'correct horse 1';
const hotel = { name: 'Ada Guest', line1: 'Hotel Road 1', city: 'Tokyo', country: 'JP' };
const home = { name: 'Ada', line1: 'Main Street 1', city: 'Berlin', postalCode: '10115', country: 'DE' };
const id = (n: number) => `T${String(n).padStart(13, '0')}`;
const codeTo = (to: string, template: string) => registry.outbox.lastCode(to, template);

async function account(email: string, mobile?: string): Promise<string> {
  await call('POST /auth/signup', 202, {
    body: {
      email,
      password: PASSWORD,
      dateOfBirth: '1990-05-17',
      country: 'DE',
      ...(mobile ? { mobile } : {}),
    },
  });
  await call('POST /auth/verify', 200, { body: { email, code: codeTo(email, 'verify-email') } });
  const login = await call('POST /auth/login', 200, { body: { email, password: PASSWORD } });
  return (login.body as { token: string }).token;
}

describe('every operation answers what /openapi.json says', () => {
  it('accounts', async () => {
    await call('PUT /_test/clock', 200, { body: { now: '2026-03-02T10:00:00Z' } });
    await call('PUT /_test/clock', 400, { body: { now: 'yesterday' } });
    await call('POST /auth/signup', 422, {
      body: { email: 'kid@example.com', password: PASSWORD, dateOfBirth: '2015-01-01', country: 'DE' },
    });
    await call('POST /auth/signup', 202, {
      body: { email: 'ada@example.com', password: PASSWORD, dateOfBirth: '1990-05-17', country: 'DE' },
    });
    await call('POST /auth/verify/resend', 202, { body: { email: 'ada@example.com' } });
    await call('POST /auth/verify/resend', 400, { body: { email: 'not an email' } });
    await call('POST /auth/verify', 400, { body: { email: 'ada@example.com', code: '000000' } });
    await call('GET /auth/verify', 400, { query: '?token=nobody.123456' });
    const link =
      registry.outbox
        .all()
        .filter((m) => m.template === 'verify-email')
        .at(-1)?.link ?? '';
    await call('GET /auth/verify', 200, { query: new URL(link).search });
    await call('POST /auth/login', 401, { body: { email: 'ada@example.com', password: 'wrong password 1' } });
    const login = await call('POST /auth/login', 200, {
      body: { email: 'ada@example.com', password: PASSWORD },
    });
    const token = (login.body as { token: string }).token;

    await call('GET /me', 200, { token });
    await call('GET /me', 401);
    await call('PATCH /me', 200, { token, body: { firstName: 'Ada' } });
    await call('PATCH /me', 400, { token, body: { admin: true } });
    await call('PUT /me/mobile', 202, { token, body: { mobile: '+491701234567' } });
    await call('PUT /me/mobile', 401, { body: { mobile: '+491701234567' } });
    await call('POST /me/mobile/verify', 400, { token, body: { code: '000000' } });
    await call('POST /me/mobile/verify', 200, {
      token,
      body: { code: codeTo('+491701234567', 'verify-mobile') },
    });
    await call('POST /auth/otp/request', 202, { body: { mobile: '+491701234567' } });
    await call('POST /auth/otp/request', 400, { body: { mobile: '0170' } });
    await call('POST /auth/otp/verify', 401, { body: { mobile: '+491701234567', code: '000000' } });
    await call('POST /auth/otp/request', 202, { body: { mobile: '+491701234567' } });
    await call('POST /auth/otp/verify', 200, {
      body: { mobile: '+491701234567', code: codeTo('+491701234567', 'login-otp') },
    });
    await call('PUT /me/marketing', 200, { token, body: { optIn: true } });
    await call('PUT /me/marketing', 400, { token, body: { optIn: 'yes' } });
    await call('PUT /me/password', 403, {
      token,
      body: { currentPassword: 'wrong password 1', newPassword: PASSWORD },
    });
    await call('PUT /me/password', 204, {
      token,
      body: { currentPassword: PASSWORD, newPassword: PASSWORD },
    });

    const other = await account('bob@example.com');
    // A taken address is said only to whoever proves it with the code sent there (docs/security.md).
    await call('PUT /me/email', 202, { token, body: { newEmail: 'bob@example.com' } });
    await call('POST /me/email/verify', 409, {
      token,
      body: { code: codeTo('bob@example.com', 'verify-email') },
    });
    await call('PUT /me/email', 202, { token: other, body: { newEmail: 'bobby@example.com' } });
    await call('POST /me/email/verify', 400, { token: other, body: { code: '000000' } });
    await call('POST /me/email/verify', 200, {
      token: other,
      body: { code: codeTo('bobby@example.com', 'verify-email') },
    });

    await call('GET /me/addresses', 200, { token });
    await call('GET /me/addresses', 401);
    const address = await call('POST /me/addresses', 201, { token, body: home });
    await call('POST /me/addresses', 400, { token, body: { ...home, country: 'Germany' } });
    const addressId = (address.body as { id: string }).id;
    await call('PUT /me/addresses/{id}', 200, {
      token,
      params: { id: addressId },
      body: { ...home, label: 'home' },
    });
    await call('PUT /me/addresses/{id}', 404, { token, params: { id: 'nope' }, body: home });
    const spare = await call('POST /me/addresses', 201, { token, body: { ...home, label: 'spare' } });
    await call('DELETE /me/addresses/{id}', 204, {
      token,
      params: { id: (spare.body as { id: string }).id },
    });
    await call('DELETE /me/addresses/{id}', 404, {
      token,
      params: { id: (spare.body as { id: string }).id },
    });

    await call('POST /auth/password/forgot', 202, { body: { email: 'bobby@example.com' } });
    await call('POST /auth/password/forgot', 400, { body: {} });
    await call('POST /auth/password/reset', 400, {
      body: { email: 'bobby@example.com', code: '000000', newPassword: PASSWORD },
    });
    await call('POST /auth/password/reset', 204, {
      body: {
        email: 'bobby@example.com',
        code: codeTo('bobby@example.com', 'reset-password'),
        newPassword: PASSWORD,
      },
    });
    await call('POST /auth/password/forgot', 202, { body: { email: 'bobby@example.com' } });
    const late = codeTo('bobby@example.com', 'reset-password');
    await call('POST /_test/clock/advance', 200, { body: { ms: 2 * 3_600_000 } });
    await call('POST /auth/password/reset', 400, {
      body: { email: 'bobby@example.com', code: late, newPassword: PASSWORD },
    });
    const bob = await call('POST /auth/login', 200, {
      body: { email: 'bobby@example.com', password: PASSWORD },
    });
    await call('POST /auth/logout', 204, { token: (bob.body as { token: string }).token });
    await call('POST /auth/logout', 401, { token: (bob.body as { token: string }).token });
    await call('DELETE /me', 400, { token: other, body: { confirm: 'yes' } });
    const cleo = await account('cleo@example.com');
    await call('DELETE /me', 200, { token: cleo, body: { confirm: true } });
  });

  it('devices, shop and care', async () => {
    const token = await account('dev@example.com');
    const rival = await account('rival@example.com');
    const address = await call('POST /me/addresses', 201, { token, body: home });
    const addressId = (address.body as { id: string }).id;
    await call('GET /devices', 401);
    await call('POST /devices', 201, { token, body: { deviceId: id(1), purchaseDate: '2026-02-20' } });
    await call('POST /devices', 200, { token, body: { deviceId: id(1) } });
    await call('POST /devices', 409, { token: rival, body: { deviceId: id(1) } });
    await call('POST /devices/pair', 201, { token, body: { deviceId: id(2), model: 'iluma-i' } });
    await call('POST /devices/pair', 400, { token, body: { deviceId: 'X123' } });
    const list = await call('GET /devices', 200, { token });
    const qr = (list.body as { qr: string }[])[0]?.qr as string;
    await call('POST /device-ids/qr', 200, { body: { qr } });
    await call('POST /device-ids/qr', 400, { body: { qr: `${qr.slice(0, -1)}0` } });
    await call('GET /devices/{deviceId}', 200, { token, params: { deviceId: id(1) } });
    await call('GET /devices/{deviceId}', 404, { token: rival, params: { deviceId: id(1) } });
    const d1 = { token, params: { deviceId: id(1) } };
    await call('POST /devices/{deviceId}/warranty-claims', 201, {
      ...d1,
      body: { kind: 'defect', description: 'no heat' },
    });
    await call('POST /devices/{deviceId}/warranty-claims', 422, {
      ...d1,
      body: { kind: 'cosmetic', description: 'a scratch' },
    });
    await call('PUT /devices/{deviceId}/program', 200, { ...d1, body: { country: 'DE' } });
    await call('PUT /devices/{deviceId}/program', 409, { ...d1, body: { country: 'DE' } });
    const claim = { replacement: 'complete', description: 'dropped it' };
    await call('POST /devices/{deviceId}/accidental-claims', 201, { ...d1, body: claim });
    await call('POST /devices/{deviceId}/accidental-claims', 409, { ...d1, body: claim });
    await call('POST /devices/{deviceId}/rapid-replacement', 201, { ...d1, body: { addressId } });
    await call('POST /devices/{deviceId}/rapid-replacement', 404, { ...d1, body: { addressId: 'nope' } });
    const assistance = { deviceId: id(1), currentCountry: 'JP', temporaryAddress: hotel, problem: 'no heat' };
    await call('POST /international-assistance', 201, { token, body: assistance });
    await call('POST /international-assistance', 403, { body: assistance });
    await call('POST /international-assistance', 422, {
      token,
      body: { ...assistance, currentCountry: 'DE' },
    });
    await call('POST /devices/{deviceId}/money-back', 200, { ...d1, body: { confirm: false } });
    const d2 = { token, params: { deviceId: id(2) }, body: { confirm: true } };
    await call('POST /devices/{deviceId}/money-back', 201, d2);
    await call('POST /devices/{deviceId}/money-back', 404, d2);

    const order = await call('POST /shop/orders', 201, {
      token,
      body: { deviceId: id(3), purchaseDate: '2026-03-01' },
    });
    await call('POST /shop/orders', 401, { body: { deviceId: id(3) } });
    const orderId = (order.body as { orderId: string }).orderId;
    await call('POST /_test/orders/{id}/ship', 200, { params: { id: orderId }, body: {} });
    await call('POST /_test/orders/{id}/ship', 409, { params: { id: orderId }, body: {} });
    await call('POST /_test/purchases', 201, { body: { email: 'dev@example.com', deviceId: id(4) } });
    await call('POST /_test/purchases', 201, {
      body: { email: 'dev@example.com', deviceId: id(5), ship: false },
    });
    await call('POST /_test/purchases', 404, { body: { email: 'nobody@example.com', deviceId: id(6) } });

    await call('POST /care/inquiries', 201, {
      token,
      body: { text: 'My holder does not heat up any more, what can I do?' },
    });
    await call('POST /care/inquiries', 422, { token, body: { text: 'qwrtzp' } });
    await call('GET /care/inquiries', 200, { token });
    await call('GET /care/inquiries', 401);
  });

  it('test controls', async () => {
    const cross = { headers: { origin: 'http://evil.example' } };
    await call('GET /_test/outbox', 200, { query: '?template=verify-email' });
    await call('GET /_test/outbox', 400, { query: '?admin=1' });
    await call('DELETE /_test/outbox', 204, { body: {} });
    await call('DELETE /_test/outbox', 415, { body: 'x', headers: { 'content-type': 'text/plain' } });
    await call('GET /_test/clock', 200);
    await call('POST /_test/clock/advance', 200, { body: { ms: 1000 } });
    await call('POST /_test/clock/advance', 400, { body: { ms: -1 } });
    await call('PUT /_test/faults', 200, { body: { route: 'GET /nowhere', kind: 'status', status: 503 } });
    await call('PUT /_test/faults', 400, { body: { route: 'GET /nowhere', kind: 'fire' } });
    await call('GET /_test/faults', 200);
    await call('DELETE /_test/faults', 204, { body: {} });
    await call('DELETE /_test/faults', 403, { ...cross, body: {} });
    await call('GET /_test/digest', 200);
    await call('GET /_test/accounts', 200);
    await call('GET /_test/devices', 200);
    await call('POST /_test/purge', 200, { body: {} });
    await call('POST /_test/purge', 403, { ...cross, body: {} });
    await call('POST /_test/reset', 403, { ...cross, body: {} });
    await call('POST /_test/reset', 204, { body: {} });
  });

  it('every operation: a bad URL is 400, a foreign Host 421, a non-JSON body 415, an oversized one 413', async () => {
    for (const op of operations.keys()) {
      const params = { deviceId: id(1), id: 'x1' };
      await call(op, 400, { params, query: '%' });
      await call(op, 421, { params, headers: { host: 'evil.example' } });
      if (!op.startsWith('GET ') && operations.get(op)?.responses['415']) {
        await call(op, 415, { params, body: '<x/>', headers: { 'content-type': 'application/xml' } });
        await call(op, 413, { params, body: JSON.stringify({ text: 'x'.repeat(300_000) }) });
      }
    }
  });

  it('rate limits answer 429 as declared', async () => {
    const limited = await createRegistry({ rateLimit: { max: 1, timeWindowMs: 60_000 } });
    const previous = registry;
    registry = limited;
    try {
      await call('POST /device-ids/qr', 400, { body: { qr: 'x' } });
      await call('POST /device-ids/qr', 429, { body: { qr: 'x' } });
    } finally {
      registry = previous;
      await limited.close();
    }
  });

  it('in test mode a field the schema does not declare is a 500 naming it, not silently dropped', async () => {
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    const logged: Record<string, unknown>[] = [];
    installProblems(app, (entry) => logged.push(entry));
    installContract(app, true);
    const Out = Type.Object({ ok: Type.Boolean() }, { additionalProperties: false });
    app.get(
      '/drift',
      { schema: { response: { 200: Out } } },
      async () => ({ ok: true, secret: 'x' }) as { ok: boolean },
    );
    const answer = await app.inject({ method: 'GET', url: '/drift' });
    await app.close();
    expect(answer.statusCode).toBe(500);
    expect(answer.json()).toMatchObject({
      code: 'REGISTRY_INTERNAL',
      detail: expect.stringContaining('additional properties'),
    });
    expect(logged).toHaveLength(1);
  });

  it('covered every operation with a success and an error', () => {
    const missing = [...operations.keys()].filter((op) => {
      const statuses = [...(checked.get(op) ?? [])];
      return !statuses.some((s) => s < 300) || !statuses.some((s) => s >= 400 && s !== 421);
    });
    expect(missing).toEqual([]);
    const pairs = [...checked.values()].reduce((n, s) => n + s.size, 0);
    expect(operations.size).toBeGreaterThanOrEqual(52);
    expect(pairs).toBeGreaterThan(operations.size * 3);
  });
});
