/**
 * Issue 15 item 7, DNS rebinding: a page on `evil.example` whose name later resolves to 127.0.0.1
 * could call the registry or the app on loopback as its own origin. Both answered any `Host`. Now
 * each answers only its loopback names with its port (and, for the registry, the `--host` it was
 * started with); anything else is 421 problem+json before any route runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryServer } from '../../registration/server/index.js';
import {
  type CompanionServer,
  createRegistry,
  type Registry,
  startCompanionServer,
} from '../../testing/index.js';
import { rawRequest } from '../helpers/raw-http.js';

let registry: Registry;
let app: CompanionServer;
let registryPort: string;
let appPort: string;

beforeAll(async () => {
  registry = await createRegistry();
  app = await startCompanionServer({ registryUrl: registry.url });
  registryPort = new URL(registry.url).port;
  appPort = new URL(app.url).port;
});
afterAll(async () => {
  await app.close();
  await registry.close();
});

const foreign = (port: string) => [
  `evil.example:${port}`,
  'evil.example',
  '127.0.0.1',
  `127.0.0.1:${Number(port) === 1 ? 2 : 1}`,
  `127.0.0.1.nip.io:${port}`,
  `localhost.evil.example:${port}`,
];

describe('the registry answers its own Host only', () => {
  it('refuses a foreign Host with 421 REGISTRY_MISDIRECTED, on every route and before any state changes', async () => {
    for (const host of foreign(registryPort))
      for (const [method, path, body] of [
        ['GET', '/health', undefined],
        ['GET', '/_test/outbox', undefined],
        [
          'POST',
          '/auth/signup',
          JSON.stringify({
            email: 'rebind@example.com',
            password: 'x',
            dateOfBirth: '1990-01-01',
            country: 'DE',
          }),
        ],
        ['GET', '/nowhere', undefined],
      ] as const) {
        const r = await rawRequest(
          registry.url,
          method,
          path,
          { host, 'content-type': 'application/json' },
          body,
        );
        expect(r.status, `${host} ${method} ${path}`).toBe(421);
        expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(r.json()).toMatchObject({ status: 421, code: 'REGISTRY_MISDIRECTED' });
      }
    expect(registry.outbox.all()).toEqual([]);
  });

  it('answers 127.0.0.1, localhost and [::1] with its port, in any case', async () => {
    for (const host of [
      `127.0.0.1:${registryPort}`,
      `localhost:${registryPort}`,
      `LocalHost:${registryPort}`,
      `[::1]:${registryPort}`,
    ]) {
      const r = await rawRequest(registry.url, 'GET', '/health', { host });
      expect(r.status, host).toBe(200);
    }
  });

  it('answers the explicit --host it was started with', async () => {
    // All of 127.0.0.0/8 is loopback on Linux: a second address that is not one of the loopback names.
    const server = await startRegistryServer({ host: '127.0.0.2' });
    try {
      const port = new URL(server.url).port;
      expect((await rawRequest(server.url, 'GET', '/health', { host: `127.0.0.2:${port}` })).status).toBe(
        200,
      );
      expect((await rawRequest(server.url, 'GET', '/health', { host: `evil.example:${port}` })).status).toBe(
        421,
      );
    } finally {
      await server.close();
    }
  });
});

describe('the app answers its own Host only', () => {
  it('refuses a foreign Host with 421 APP_MISDIRECTED, for files and api/ alike', async () => {
    for (const host of foreign(appPort))
      for (const path of ['/', '/app.js', '/api/health', '/api/_test/outbox']) {
        const r = await rawRequest(app.url, 'GET', path, { host });
        expect(r.status, `${host} ${path}`).toBe(421);
        expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(r.json()).toMatchObject({ status: 421, code: 'APP_MISDIRECTED' });
      }
  });

  it('answers 127.0.0.1, localhost and [::1] with its port', async () => {
    for (const host of [`127.0.0.1:${appPort}`, `localhost:${appPort}`, `[::1]:${appPort}`]) {
      expect((await rawRequest(app.url, 'GET', '/', { host })).status, host).toBe(200);
      expect((await rawRequest(app.url, 'GET', '/api/health', { host })).status, host).toBe(200);
    }
  });
});
