/**
 * `iqsim app` (issue #12 item 5): the built binary prints its URL, serves the app and the QR decoder,
 * forwards `api/` to the test-mode registry it started, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ensureBuiltCli, MAIN } from './helpers/built-cli.js';
import { cli } from './helpers/cli.js';

describe('iqsim app', () => {
  it('serves the app and forwards api/ to its own test-mode registry', async () => {
    expect(ensureBuiltCli()).toBe(true);
    const child = spawn(process.execPath, [MAIN, 'app', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const printed = JSON.parse(line) as { ok: boolean; url: string; registryUrl: string };
      expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(printed.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>IQOS companion');
      expect((await fetch(`${printed.url}app.js`)).headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(`${printed.url}vendor/jsQR.js`)).status).toBe(200);
      expect(await (await fetch(`${printed.url}api/health`)).json()).toEqual({ ok: true, testMode: true });
      const refused = await fetch(`${printed.url}api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password 1' }),
      });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { code: string }).code).toBe('REGISTRY_LOGIN_FAILED');
      expect((await fetch(`${printed.url}..%2F..%2Fpackage.json`)).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a bad port or registry URL with exit 2', async () => {
    expect(await cli('app', '--port', '70000')).toMatchObject({
      code: 2,
      err: expect.stringContaining('CLI_BAD_PORT'),
    });
    expect(await cli('app', '--registry', 'ftp://x')).toMatchObject({
      code: 2,
      err: expect.stringContaining('CLI_BAD_URL'),
    });
  });
});
