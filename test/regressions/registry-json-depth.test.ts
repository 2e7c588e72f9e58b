/**
 * Issue 15: deeply nested JSON (≈4,100 levels) gave a 500, a stored 4,112-level record made its
 * owner's GET /care/inquiries answer 500 forever after, and 500s were not logged. Now bodies nested
 * deeper than 32 levels are a 400 before parsing, and a 500 is logged with its request id.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../registration/server/index.js';
import { createRegistry, type Registry } from '../../testing/index.js';

const lines: string[] = [];
let registry: Registry;
beforeAll(async () => {
  registry = await createRegistry({ logStream: { write: (line) => lines.push(line) } });
});
afterAll(() => registry.close());

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

it('a body nested 4,100 levels deep is a 400 problem, on any route', async () => {
  const login = await registry.client.raw(
    'POST',
    '/auth/login',
    `{"email":"a@example.com","password":${nested(4_100)}}`,
  );
  expect([login.status, (login.body as { code: string }).code]).toEqual([400, 'REGISTRY_BAD_REQUEST']);
  const user = await registry.newUser();
  const report = (battery: string) =>
    `{"text":"My holder stops heating after two puffs","diagnostics":{"identity":{},"firmware":{},"counters":{},"errorLog":[],"battery":${battery}}}`;
  const deep = await user.raw('POST', '/care/inquiries', report(nested(4_112)));
  expect([deep.status, (deep.body as { code: string }).code]).toEqual([400, 'REGISTRY_BAD_REQUEST']);
  // The body and the report are two levels: the deepest battery accepted is 30 more.
  expect((await user.raw('POST', '/care/inquiries', report(nested(MAX_JSON_DEPTH - 2)))).status).toBe(201);
  expect((await user.raw('POST', '/care/inquiries', report(nested(MAX_JSON_DEPTH - 1)))).status).toBe(400);
  expect((await user.raw('GET', '/care/inquiries')).status).toBe(200);
  expect(lines).toEqual([]);
});

it('a 500 is logged with the request id it names', async () => {
  const user = await registry.newUser();
  registry.server.store.query('DROP TABLE sessions'); // every authenticated request now fails inside
  const r = await user.raw('GET', '/me');
  expect(r.status).toBe(500);
  const id = /request ([0-9a-f-]{36})/.exec((r.body as { detail: string }).detail)?.[1];
  expect(id).toBeDefined();
  const logged = lines.map((l) => JSON.parse(l) as { requestId?: string; level: string; err: string });
  expect(logged.some((l) => l.requestId === id && l.level === 'error' && /sessions/.test(l.err))).toBe(true);
});
