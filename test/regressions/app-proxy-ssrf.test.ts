/**
 * Issue 15 item 7: `iqsim app` forwarded `api/<anything>` with `new URL(path, registry)`, so an
 * absolute or protocol-relative path reached any local service with the user's `Authorization`, and
 * every request header (Cookie, Origin, …) went upstream. Now the upstream URL is the registry's
 * origin + base path + the normalised api path (400 `APP_BAD_PATH` otherwise) and only Authorization,
 * Content-Type, Accept and Content-Length are passed on.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanionServer, startCompanionServer } from '../../testing/index.js';
import { rawRequest } from '../helpers/raw-http.js';

let secret: Server;
let secretPort: number;
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
let app: CompanionServer;
let appHost: string;

beforeAll(async () => {
  // Another local service (a database console, an admin page): it answers whoever reaches it.
  secret = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ secret: 'hunter2' }));
  });
  await new Promise<void>((done) => secret.listen(0, '127.0.0.1', done));
  secretPort = (secret.address() as AddressInfo).port;
  // The app forwards to "the registry" at a base path of that same server: what reaches it is visible.
  app = await startCompanionServer({ registryUrl: `http://127.0.0.1:${secretPort}/registry/` });
  appHost = new URL(app.url).host;
});
afterAll(async () => {
  await app.close();
  secret.closeAllConnections();
  await new Promise((done) => secret.close(done));
});

describe('the app proxy reaches the registry and nothing else', () => {
  it.each([
    [`/api/http://127.0.0.1:PORT/secret`],
    [`/api/http:%2F%2F127.0.0.1:PORT/secret`],
    [`/api///127.0.0.1:PORT/secret`],
    [`/api//secret`],
    [`/api/../secret`],
    [`/api/%2e%2e/secret`],
    [`/api/devices/%2E%2E/%2e%2e/secret`],
    [`/api/..%2fsecret`],
    [`/api/a\\..\\secret`],
    [`/api/%ff`],
  ])('%s is 400 APP_BAD_PATH and reaches no server', async (template) => {
    seen.length = 0;
    const r = await rawRequest(app.url, 'GET', template.replace('PORT', String(secretPort)), {
      host: appHost,
      authorization: 'Bearer the-users-session',
    });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ status: 400, code: 'APP_BAD_PATH' });
    expect(seen).toEqual([]);
  });

  it('an api path goes to the registry base path with its query', async () => {
    seen.length = 0;
    const r = await rawRequest(app.url, 'GET', '/api/_test/outbox?to=a%40example.com', { host: appHost });
    expect(r.status).toBe(200);
    expect(seen.map((s) => s.url)).toEqual(['/registry/_test/outbox?to=a%40example.com']);
  });

  it('passes on Authorization, Content-Type, Accept and Content-Length only', async () => {
    seen.length = 0;
    const body = JSON.stringify({ email: 'a@example.com', password: 'x' });
    const r = await rawRequest(
      app.url,
      'POST',
      '/api/auth/login',
      {
        host: appHost,
        origin: `http://${appHost}`,
        authorization: 'Bearer t',
        'content-type': 'application/json',
        accept: 'application/json',
        cookie: 'session=the-users-cookie',
        'x-forwarded-for': '203.0.113.9',
        'sec-fetch-site': 'same-origin',
        'user-agent': 'attacker',
      },
      body,
    );
    expect(r.status).toBe(200);
    const got = seen[0]?.headers ?? {};
    expect(got).toMatchObject({
      authorization: 'Bearer t',
      'content-type': 'application/json',
      accept: 'application/json',
      'content-length': String(body.length),
      host: `127.0.0.1:${secretPort}`,
    });
    for (const dropped of ['cookie', 'origin', 'x-forwarded-for', 'sec-fetch-site', 'user-agent'])
      expect(got[dropped], dropped).toBeUndefined();
  });
});
