/**
 * Issue 15: passwords needed only 8 characters with composition rules and were hashed with scrypt
 * N=2^14. Now ASVS level 1: 12–128 characters of any kind, no composition rules, not a commonly
 * leaked password; scrypt N=2^17 outside test mode (2^10 in test mode), older hashes upgraded at
 * login (docs/security.md "Passwords").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { hashPassword, startRegistryServer } from '../../registration/server/index.js';
import { createRegistry, RegistryClient } from '../../testing/index.js';
import { refused } from '../registration-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-passwords-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const profile = { dateOfBirth: '1990-05-17', country: 'DE' };

const storedHash = (db: { query(sql: string): Record<string, unknown>[] }) =>
  (JSON.parse(String(db.query('SELECT doc FROM accounts')[0]?.doc)) as { passwordHash: string }).passwordHash;

it('12 characters of any kind; short, leaked or the email address are refused', async () => {
  const registry = await createRegistry();
  try {
    const signUp = (email: string, password: string) =>
      registry.client.signUp({ ...profile, email, password });
    await refused(signUp('a@example.com', 'secret123'), 'REGISTRY_WEAK_PASSWORD');
    await refused(signUp('b@example.com', 'password1234'), 'REGISTRY_WEAK_PASSWORD');
    await refused(signUp('longaddress12@example.com', 'longaddress12'), 'REGISTRY_WEAK_PASSWORD');
    await signUp('c@example.com', 'plain lowercase words');
    await signUp('d@example.com', 'ÄÖÜ ß 漢字 ✓ 🙂🙂');
    expect(storedHash(registry.server.store)).toMatch(/^scrypt\$1024\$8\$1\$/);
  } finally {
    await registry.close();
  }
});

it('outside test mode hashes use N=2^17, and a cheaper stored hash is upgraded at login', async () => {
  expect(await hashPassword('plain lowercase words')).toMatch(/^scrypt\$131072\$8\$1\$/);
  const db = join(dir, 'upgrade.db');
  const test = await createRegistry({ db });
  const user = await test.newUser();
  await test.close();
  const production = await startRegistryServer({ db });
  try {
    expect(storedHash(production.store)).toMatch(/^scrypt\$1024\$/);
    await new RegistryClient(production.url).login(user.email, 'correct horse 1');
    expect(storedHash(production.store)).toMatch(/^scrypt\$131072\$8\$1\$/);
    await new RegistryClient(production.url).login(user.email, 'correct horse 1');
  } finally {
    await production.close();
  }
});
