/** The API surface: OpenAPI 3.1 validity, problem+json, test-mode faults, the CLI entry points. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type Registry } from '../testing/index.js';
import { ensureBuiltCli, MAIN } from './helpers/built-cli.js';
import { cli } from './helpers/cli.js';
import { deviceIdOf } from './registration-helpers.js';

let registry: Registry;
beforeAll(async () => {
  registry = await createRegistry({ seed: 5 });
});
afterAll(() => registry.close());

describe('registration API', () => {
  it('/openapi.json is a valid OpenAPI 3.1 document covering every route', async () => {
    const doc = (await registry.client.call('GET', '/openapi.json')) as {
      openapi: string;
      paths: Record<string, object>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    for (const path of [
      '/auth/signup',
      '/auth/otp/verify',
      '/devices/pair',
      '/devices/{deviceId}/accidental-claims',
      '/international-assistance',
      '/care/inquiries',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
  });

  it('every error is problem+json with a stable code; unknown fields and wrong types are 400', async () => {
    for (const [method, path, body] of [
      [
        'POST',
        '/auth/signup',
        { email: 'a@example.com', password: 'x', dateOfBirth: '1990-01-01', country: 'DE', admin: true },
      ],
      [
        'POST',
        '/auth/signup',
        { email: 'not-an-email', password: 'x', dateOfBirth: '1990-01-01', country: 'DE' },
      ],
      [
        'POST',
        '/auth/signup',
        { email: 'a@example.com', password: 'x', dateOfBirth: '1990-13-01', country: 'DE' },
      ],
      [
        'POST',
        '/auth/signup',
        { email: 'a@example.com', password: 'x', dateOfBirth: '1990-01-01', country: 'Germany' },
      ],
      ['POST', '/auth/login', { email: 'a@example.com', password: 'x'.repeat(500) }],
      ['POST', '/device-ids/qr', { qr: 42 }],
      ['POST', '/auth/login', '{"email":'],
    ] as const) {
      const r = await registry.client.raw(method, path, typeof body === 'string' ? body : body);
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({
        status: 400,
        code: 'REGISTRY_BAD_REQUEST',
        title: 'REGISTRY_BAD_REQUEST',
      });
    }
    const missing = await registry.client.raw('GET', '/nowhere');
    expect(missing.status).toBe(404);
    expect((missing.body as { code: string }).code).toBe('REGISTRY_NOT_FOUND');
  });

  it('test mode: a 5xx fault after the handler committed keeps the registration (failed halfway)', async () => {
    const user = await registry.newUser();
    await registry.client.call('PUT', '/_test/faults', {
      route: 'POST /devices',
      kind: 'status',
      status: 503,
      phase: 'after',
      afterCalls: 1,
      times: 1,
    });
    expect((await user.raw('POST', '/devices', { deviceId: deviceIdOf(1) })).status).toBe(201);
    const faulted = await user.raw('POST', '/devices', { deviceId: deviceIdOf(2) });
    expect(faulted.status).toBe(503);
    expect((faulted.body as { code: string }).code).toBe('REGISTRY_FAULT_INJECTED');
    expect((await user.devices()).map((d) => d.deviceId)).toContain(deviceIdOf(2));
    expect((await user.raw('POST', '/devices', { deviceId: deviceIdOf(3) })).status).toBe(201);
  });

  it('test mode: a dropped connection before the handler leaves nothing; faults by seeded probability repeat', async () => {
    const user = await registry.newUser();
    await registry.client.call('PUT', '/_test/faults', { route: 'POST /devices', kind: 'drop' });
    await expect(user.raw('POST', '/devices', { deviceId: deviceIdOf(4) })).rejects.toThrow();
    await registry.client.call('DELETE', '/_test/faults', {});
    expect(await user.devices()).toHaveLength(0);
    const pattern = async () => {
      await registry.client.call('DELETE', '/_test/faults', {});
      await registry.client.call('PUT', '/_test/faults', {
        route: 'GET /me',
        kind: 'status',
        probability: 0.5,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await user.raw('GET', '/me')).status);
      return statuses;
    };
    const first = await pattern();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await pattern()).toEqual(first);
    await registry.client.call('DELETE', '/_test/faults', {});
  });

  it('test controls exist only in test mode', async () => {
    const { startRegistryServer } = await import('../registration/server/index.js');
    const plain = await startRegistryServer();
    try {
      expect((await fetch(`${plain.url}/_test/outbox`)).status).toBe(404);
      expect((await fetch(`${plain.url}/openapi.json`)).status).toBe(200);
    } finally {
      await plain.close();
    }
  });

  it('iqsim registry purchase/accounts/devices/outbox with --url or --db, and usage errors', async () => {
    const bad = await cli('registry', 'accounts');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error CLI_REGISTRY_TARGET: /);
    const user = await registry.newUser();
    const bought = await cli(
      'registry',
      'purchase',
      '--url',
      registry.url,
      '--email',
      user.email,
      '--device',
      deviceIdOf(9),
      '--date',
      '2025-01-02',
      '--json',
    );
    expect(bought.code).toBe(0);
    expect(JSON.parse(bought.out)).toMatchObject({
      status: 'shipped',
      registration: { deviceId: deviceIdOf(9), source: 'shop' },
    });
    const devices = await cli('registry', 'devices', '--url', registry.url, '--json');
    expect(JSON.parse(devices.out)).toEqual(
      expect.arrayContaining([expect.objectContaining({ deviceId: deviceIdOf(9), registered: true })]),
    );
    const outbox = await cli('registry', 'outbox', '--url', registry.url, '--to', user.email, '--json');
    expect(JSON.parse(outbox.out)[0]).toMatchObject({ template: 'verify-email' });
    const unknown = await cli(
      'registry',
      'purchase',
      '--url',
      registry.url,
      '--email',
      'nobody@example.com',
      '--device',
      deviceIdOf(10),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error REGISTRY_NOT_FOUND: /);
    const dir = mkdtempSync(join(tmpdir(), 'iqsim-registry-cli-'));
    try {
      const db = join(dir, 'r.db');
      expect(JSON.parse((await cli('registry', 'accounts', '--db', db, '--json')).out)).toEqual([]);
      const none = await cli(
        'registry',
        'purchase',
        '--db',
        db,
        '--email',
        user.email,
        '--device',
        deviceIdOf(11),
      );
      expect(none.err).toMatch(/^error REGISTRY_NOT_FOUND: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('iqsim diagnose sim:iluma-i?seed=3 --json prints identity, firmware, battery, counters and error log', async () => {
    const r = await cli('diagnose', 'sim:iluma-i?seed=3', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.identity.deviceId).toMatch(/^T[0-9A-Z]{13}$/);
    expect(report.identity.qr).toBe(`IQOS1:${report.identity.deviceId}:${report.identity.qr.at(-1)}`);
    expect(Object.keys(report)).toEqual([
      'transport',
      'identity',
      'firmware',
      'battery',
      'counters',
      'errorLog',
    ]);
    await registry.newUser().then((u) => u.inquiry('Holder does not heat, report attached', report));
  });

  it('npm run iqsim -- registry serve --test-mode answers /openapi.json', async () => {
    expect(ensureBuiltCli()).toBe(true);
    const child = spawn(
      process.execPath,
      [MAIN, 'registry', 'serve', '--test-mode', '--port', '0', '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const line = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once('line', resolve),
      );
      const info = JSON.parse(line) as { url: string; testMode: boolean };
      expect(info.testMode).toBe(true);
      const doc = (await (await fetch(`${info.url}/openapi.json`)).json()) as { openapi: string };
      expect(doc.openapi).toBe('3.1.0');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
