/**
 * Issue 15 item 7: in test mode any web site the user visited could `POST /_test/purge` or
 * `/_test/reset` with a `text/plain` body (no CORS preflight needed) and succeed, directly or through
 * the app's `api/`. Now every state-changing test route takes `Content-Type: application/json` only
 * (415) and refuses another `Origin` or a `Sec-Fetch-Site` other than same-origin/none (403), and
 * the app refuses cross-site state-changing `api/` calls itself (it does not pass Origin upstream).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompanionServer,
  createRegistry,
  type Registry,
  startCompanionServer,
} from '../../testing/index.js';
import { rawRequest } from '../helpers/raw-http.js';

let registry: Registry;
let app: CompanionServer;

beforeAll(async () => {
  registry = await createRegistry();
  app = await startCompanionServer({ registryUrl: registry.url });
  await registry.newUser();
});
afterAll(async () => {
  await app.close();
  await registry.close();
});

const ROUTES = [
  ['POST', '/_test/reset'],
  ['POST', '/_test/purge'],
  ['DELETE', '/_test/outbox'],
  ['DELETE', '/_test/faults'],
  ['PUT', '/_test/clock'],
  ['POST', '/_test/clock/advance'],
  ['PUT', '/_test/faults'],
  ['POST', '/_test/purchases'],
  ['POST', '/_test/orders/o1/ship'],
] as const;

async function digest(): Promise<string> {
  return (await registry.client.call<{ digest: string }>('GET', '/_test/digest')).digest;
}

describe('test routes refuse what another site can send', () => {
  it.each(
    ROUTES,
  )('%s %s: a text/plain, form or bodiless request is 415 and changes nothing', async (method, path) => {
    const before = await digest();
    const outbox = registry.outbox.all().length;
    for (const [type, body] of [
      ['text/plain', '{"ms":1000}'],
      ['application/x-www-form-urlencoded', 'ms=1000'],
      ['multipart/form-data; boundary=x', '--x--'],
      [undefined, undefined],
    ] as const) {
      const r = await rawRequest(
        registry.url,
        method,
        path,
        { host: new URL(registry.url).host, ...(type ? { 'content-type': type } : {}) },
        body,
      );
      expect(r.status, `${type}`).toBe(415);
      expect(r.json()).toMatchObject({ code: 'REGISTRY_UNSUPPORTED_MEDIA_TYPE' });
    }
    expect(await digest()).toBe(before);
    expect(registry.outbox.all().length).toBe(outbox);
  });

  it.each(
    ROUTES,
  )('%s %s: another Origin or a cross-site fetch is 403 REGISTRY_CROSS_SITE', async (method, path) => {
    const before = await digest();
    const port = new URL(registry.url).port;
    for (const headers of [
      { origin: 'http://evil.example' },
      { origin: `http://localhost:${Number(port) + 1}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ] as Record<string, string>[]) {
      const r = await registry.client.raw(method, path, {}, headers);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body).toMatchObject({ code: 'REGISTRY_CROSS_SITE' });
    }
    expect(await digest()).toBe(before);
  });

  it('its own origin with JSON is answered', async () => {
    const own = { origin: registry.url, 'sec-fetch-site': 'same-origin' };
    expect((await registry.client.raw('POST', '/_test/purge', {}, own)).status).toBe(200);
    expect((await registry.client.raw('DELETE', '/_test/outbox', {}, own)).status).toBe(204);
    expect((await registry.client.raw('POST', '/_test/clock/advance', { ms: 1 }, own)).status).toBe(200);
  });
});

describe('through the app', () => {
  it('a cross-site state-changing api/ call is 403 APP_CROSS_SITE; text/plain to a test route is 415', async () => {
    const host = new URL(app.url).host;
    const before = await digest();
    for (const headers of [
      { origin: 'http://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ] as Record<string, string>[]) {
      const r = await rawRequest(
        app.url,
        'POST',
        '/api/_test/reset',
        { host, 'content-type': 'application/json', ...headers },
        '{}',
      );
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.json()).toMatchObject({ code: 'APP_CROSS_SITE' });
    }
    const plain = await rawRequest(
      app.url,
      'POST',
      '/api/_test/reset',
      { host, origin: `http://${host}`, 'content-type': 'text/plain' },
      '{}',
    );
    expect(plain.status).toBe(415);
    expect(await digest()).toBe(before);
    const own = await rawRequest(
      app.url,
      'POST',
      '/api/_test/purge',
      { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      '{}',
    );
    expect(own.status).toBe(200);
  });
});
