/**
 * Issue 15: after DELETE /me and a clean stop, the .db file still held the email, name, street,
 * inquiry text, mobile and password hash; `customers` kept sha256("iqsim-customer:"+email), which
 * anyone can recompute; the files were world-readable. Now deleted rows are zeroed (secure_delete),
 * the WAL is truncated after an erasure, customer history is keyed by a secret of the store and the
 * files are 0600 (docs/security.md "Erasure").
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LibsqlStore } from '../../registration/server/index.js';
import { createRegistry } from '../../testing/index.js';
import { deviceIdOf } from '../registration-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-erasure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mode = (f: string) => statSync(f).mode & 0o777;

it('a deleted account leaves none of its bytes in the store files, which only the owner can read', async () => {
  const db = join(dir, 'registry.db');
  const registry = await createRegistry({ db });
  const secrets = {
    email: 'zebulon.erasure@example.com',
    firstName: 'Zebulonius',
    street: 'Quixotic Lane 4242',
    mobile: '+4917099887766',
    inquiry: 'My unicornfeather holder blinks oddly',
  };
  const user = await registry.newUser({ email: secrets.email, firstName: secrets.firstName });
  await user.addAddress({ name: secrets.firstName, line1: secrets.street, city: 'Berlin', country: 'DE' });
  await user.addMobile(secrets.mobile);
  await user.verifyMobile(registry.outbox.lastCode(secrets.mobile, 'verify-mobile'));
  await user.registerDevice(deviceIdOf(7_000));
  await user.call('POST', '/care/inquiries', { text: secrets.inquiry });
  const doc = registry.server.store.query('SELECT doc FROM accounts')[0]?.doc as string;
  const passwordHash = (JSON.parse(doc) as { passwordHash: string }).passwordHash;
  for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(mode(f), f).toBe(0o600);

  await user.call('DELETE', '/me', { confirm: true });
  await registry.close();

  const files = [db, `${db}-wal`, `${db}-shm`].filter((f) => existsSync(f));
  const bytes = files.map((f) => readFileSync(f).toString('latin1')).join('\n');
  for (const value of [...Object.values(secrets), passwordHash])
    expect(bytes.includes(value), value).toBe(false);

  const store = await LibsqlStore.open({ path: db });
  const plain = createHash('sha256').update(`iqsim-customer:${secrets.email}`).digest('hex');
  expect(store.query('SELECT email_hash FROM customers').map((r) => r.email_hash)).not.toContain(plain);
  expect(store.query('SELECT count(*) AS n FROM customers')[0]?.n).toBe(1);
  await store.close();
});
