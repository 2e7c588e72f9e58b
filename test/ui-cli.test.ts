/**
 * `iqsim ui` without a browser (issue 20 item 3): what it refuses before serving (exit 2 with a
 * stable code), that it prints a URL whose token is needed, and the server's Host check.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/program.js';
import { createVirtualDevice } from '../simulator/index.js';
import { DeviceHost, startUiServer } from '../transports/ui/index.js';
import { cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-ui-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('iqsim ui refuses bad input with exit 2', () => {
  it('an unknown model', async () => {
    const { code, err } = await cli('ui', '--model', 'iluma-x');
    expect(code).toBe(2);
    expect(err).toMatch(/^error FIRMWARE_\w+: .*iluma-x/);
  });

  it('a state file that is not a snapshot', async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"model": "iluma-i", "firmware": ');
    const { code, err } = await cli('ui', '--state', path);
    expect(code).toBe(2);
    expect(err).toMatch(/^error SIM_SNAPSHOT: /);
  });

  it('a capture that does not read, a bad count, --state with --count', async () => {
    const capture = join(dir, 'bad.jsonl');
    writeFileSync(capture, 'not json\n');
    expect((await cli('ui', '--capture', capture)).code).toBe(2);
    expect((await cli('ui', '--count', '0')).err).toMatch(/^error CLI_BAD_COUNT: /);
    expect((await cli('ui', '--count', '2', '--state', join(dir, 's.json'))).err).toMatch(
      /^error CLI_CONFLICTING_OPTIONS: /,
    );
    expect((await cli('ui', '--registry', 'ftp://x')).err).toMatch(/^error CLI_BAD_URL: /);
  });

  it('a fleet with --count or --state, a bad fleet count, a fleet file that does not read', async () => {
    for (const args of [
      ['--fleet-count', '5', '--count', '2'],
      ['--fleet', join(dir, 'fleet.json'), '--state', join(dir, 's.json')],
    ]) {
      const { code, err } = await cli('ui', ...args);
      expect(code).toBe(2);
      expect(err).toMatch(/^error CLI_CONFLICTING_OPTIONS: /);
    }
    const count = await cli('ui', '--fleet-count', '-1');
    expect(count.code).toBe(2);
    expect(count.err).toMatch(/^error CLI_BAD_COUNT: --fleet-count /);
    const file = await cli('ui', '--fleet', join(dir, 'missing.json'));
    expect(file.code).toBe(2);
    expect(file.err).toMatch(/^error SIM_FLEET: /);
  });
});

describe('the server', () => {
  it('prints a URL; without its token, or with another, the API is 403; --state keeps what the page did', async () => {
    const statePath = join(dir, 'kept.json');
    let printed: (line: string) => void = () => undefined;
    const line = new Promise<string>((resolve) => {
      printed = resolve;
    });
    const run = runCli(['ui', '--json', '--manual-time', '--state', statePath, '--duration-ms', '1000'], {
      out: (text) => printed(text),
      err: () => undefined,
    });
    const { ok, url, devices } = JSON.parse(await line) as { ok: boolean; url: string; devices: string[] };
    expect({ ok, devices }).toEqual({ ok: true, devices: ['d1'] });
    const origin = new URL(url).origin;
    const token = new URL(url).searchParams.get('token') ?? '';
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect((await fetch(url)).status).toBe(200);
    const without = await fetch(`${origin}/api/devices`);
    expect(without.status).toBe(403);
    expect(await without.json()).toMatchObject({ error: { code: 'UI_BAD_TOKEN' } });
    expect((await fetch(`${origin}/api/devices?token=${'0'.repeat(48)}`)).status).toBe(403);
    expect((await fetch(`${origin}/?token=x`)).status).toBe(403);
    const drive = await fetch(`${origin}/api/devices/d1/input`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"undock"}',
    });
    expect(drive.status).toBe(403);
    const undock = await fetch(`${origin}/api/devices/d1/input`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-iqsim-token': token },
      body: '{"type":"undock"}',
    });
    expect(undock.status).toBe(200);
    expect(await run).toBe(0);
    const kept = JSON.parse(readFileSync(statePath, 'utf8')) as { model: string };
    expect(kept.model).toBe('iluma-i');
    expect(JSON.stringify(kept)).toContain('IDLE_READY');
  });

  it('answers only a Host that names it; refuses bad inputs and unknown devices', async () => {
    const host = new DeviceHost(
      'd1',
      createVirtualDevice({ model: 'iluma-one', seed: 3 }),
      { kind: 'manual' },
      3,
    );
    const server = await startUiServer({ hosts: [host], token: 't'.repeat(16) });
    try {
      const { port } = new URL(server.origin);
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        request(
          { port, path: `/api/info?token=${server.token}`, headers: { host: 'evil.example:80' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
          .on('error', reject)
          .end();
      });
      expect(status).toBe(421);
      const post = (path: string, body: unknown) =>
        fetch(`${server.origin}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-iqsim-token': server.token },
          body: JSON.stringify(body),
        });
      const bad = await post('/api/devices/d1/input', { type: 'ambient', tempC: 500 });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'UI_BAD_INPUT' } });
      expect((await post('/api/devices/d9/input', { type: 'puff' })).status).toBe(404);
      expect((await post('/api/devices/d1/fault', { id: 'F-99' })).status).toBe(400);
      expect((await post('/api/devices/d1/advance', { ms: -1 })).status).toBe(400);
      expect((await post('/api/devices/d1/fault', { id: 'F-02' })).status).toBe(200);
      const registry = await fetch(`${server.origin}/api/registry?token=${server.token}`);
      expect(registry.status).toBe(404);
      const list = (await (await fetch(`${server.url.replace('/?', '/api/devices?')}`)).json()) as unknown[];
      expect(list).toEqual([
        expect.objectContaining({ id: 'd1', model: 'iluma-one', holder: expect.any(String) }),
      ]);
    } finally {
      await server.close();
    }
  });

  it('lists a registration service’s accounts and devices through its test routes', async () => {
    const { createServer } = await import('node:http');
    const registry = createServer((req, res) => {
      const body = req.url === '/_test/accounts' ? [{ email: 'a@example.com' }] : [{ deviceId: 'X1' }];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((done) => registry.listen(0, '127.0.0.1', done));
    const registryUrl = `http://127.0.0.1:${(registry.address() as { port: number }).port}`;
    const server = await startUiServer({ hosts: [], registryUrl });
    const gone = await startUiServer({ hosts: [], registryUrl: 'http://127.0.0.1:9' });
    try {
      const answer = await fetch(`${server.origin}/api/registry?token=${server.token}`);
      expect(await answer.json()).toEqual({
        url: registryUrl,
        accounts: [{ email: 'a@example.com' }],
        devices: [{ deviceId: 'X1' }],
      });
      const unreachable = await fetch(`${gone.origin}/api/registry?token=${gone.token}`);
      expect(unreachable.status).toBe(502);
      expect(await unreachable.json()).toMatchObject({ error: { code: 'UI_REGISTRY_UNREACHABLE' } });
    } finally {
      await Promise.all([server.close(), gone.close()]);
      registry.close();
    }
  });
});
