/**
 * Found in the issue 15 walk-through: `registry serve` died with a Node stack trace and exit 1 when
 * its store or address was unusable, and `--db` made any file it was given 0600 before refusing it.
 * Now each is exit 2 with a stable code and the file is left as it was; a non-JSON body is 415
 * REGISTRY_UNSUPPORTED_MEDIA_TYPE on every route (docs/security.md "Input limits").
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { RegistryError } from '../../registration/index.js';
import { LibsqlStore } from '../../registration/server/index.js';
import { createRegistry } from '../../testing/index.js';
import { ensureBuiltCli, MAIN } from '../helpers/built-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, 'registry', 'serve', '--json', ...args], { encoding: 'utf8' });
  return { status: r.status, code: (JSON.parse(r.stdout) as { error: { code: string } }).error.code };
}

it('an unusable store is REGISTRY_STORE_OPEN (exit 2 CLI_REGISTRY_STORE), and a file that is no store keeps its mode', async () => {
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not a database\n');
  chmodSync(text, 0o644);
  for (const path of [join(dir, 'missing/x.db'), dir, text]) {
    const failure = await LibsqlStore.open({ path }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((failure as RegistryError).code, path).toBe('REGISTRY_STORE_OPEN');
  }
  expect(statSync(text).mode & 0o777).toBe(0o644);
  expect(ensureBuiltCli()).toBe(true);
  expect(serve('--db', text, '--port', '0')).toEqual({ status: 2, code: 'CLI_REGISTRY_STORE' });
});

it('an address it cannot listen on is exit 2 CLI_REGISTRY_LISTEN', async () => {
  const taken = createServer();
  await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
  const { port } = taken.address() as { port: number };
  try {
    expect(serve('--port', String(port))).toEqual({ status: 2, code: 'CLI_REGISTRY_LISTEN' });
  } finally {
    taken.close();
  }
});

it('a text/plain body is 415 REGISTRY_UNSUPPORTED_MEDIA_TYPE, not a 400', async () => {
  const registry = await createRegistry();
  try {
    const body = JSON.stringify({ email: 'a@example.com', password: 'correct horse 1' });
    const r = await registry.client.raw('POST', '/auth/login', body, { 'content-type': 'text/plain' });
    expect([r.status, (r.body as { code: string }).code]).toEqual([415, 'REGISTRY_UNSUPPORTED_MEDIA_TYPE']);
  } finally {
    await registry.close();
  }
});
