/**
 * Versioned schema migrations, applied in order inside one transaction each and recorded in
 * `schema_migrations`. Never edit a shipped migration: add the next version. Records are JSON
 * documents (`doc`) beside the columns that are keys, unique constraints or indexes, so the rules
 * can grow a field without a migration while every lookup stays indexed. A migration may also run a
 * step of code after its SQL (`run`), inside the same transaction.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type Database from 'libsql';

export interface Migration {
  version: number;
  name: string;
  sql: readonly string[];
  run?: (db: Database.Database) => void;
}

/** The store's own secret for keyed hashes (docs/security.md "Erasure"), made by migration 2. */
export const HASH_KEY = 'hash-key';

/** HMAC-SHA256 of `text` under the store's key, hex. */
export function keyedHash(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

/**
 * Migration 2: customer history was keyed by a plain sha256 of the email, which anyone can
 * recompute. Rows of live accounts move to the keyed hash; rows of deleted accounts cannot be mapped
 * and are dropped (their owners asked to be forgotten).
 */
function rekeyCustomers(db: Database.Database): void {
  const key = randomBytes(32);
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(HASH_KEY, key.toString('base64url'));
  const kept: string[] = [];
  const move = db.prepare(
    "UPDATE customers SET email_hash = ?, doc = json_set(doc, '$.emailHash', ?) WHERE email_hash = ?",
  );
  for (const row of db.prepare('SELECT email FROM accounts').all() as { email: string }[]) {
    const old = createHash('sha256').update(`iqsim-customer:${row.email}`).digest('hex');
    const next = keyedHash(key, `customer:${row.email}`);
    if (move.run(next, next, old).changes > 0) kept.push(next);
  }
  db.prepare('DELETE FROM customers WHERE email_hash NOT IN (SELECT value FROM json_each(?))').run(
    JSON.stringify(kept),
  );
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: [
      `CREATE TABLE accounts (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE,
        verified_mobile TEXT UNIQUE, doc TEXT NOT NULL)`,
      `CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL)`,
      'CREATE INDEX sessions_account ON sessions(account_id)',
      `CREATE TABLE secrets (account_id TEXT NOT NULL, purpose TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (account_id, purpose))`,
      'CREATE TABLE devices (device_id TEXT PRIMARY KEY, account_id TEXT, doc TEXT NOT NULL)',
      'CREATE INDEX devices_account ON devices(account_id)',
      'CREATE TABLE customers (email_hash TEXT PRIMARY KEY, doc TEXT NOT NULL)',
      'CREATE TABLE orders (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, doc TEXT NOT NULL)',
      'CREATE INDEX orders_account ON orders(account_id)',
      `CREATE TABLE cases (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, device_id TEXT NOT NULL,
        doc TEXT NOT NULL)`,
      'CREATE INDEX cases_account ON cases(account_id)',
      'CREATE INDEX cases_device ON cases(device_id)',
      `CREATE TABLE inquiries (id TEXT PRIMARY KEY, account_id TEXT NOT NULL,
        purge_at_ms INTEGER NOT NULL, doc TEXT NOT NULL)`,
      'CREATE INDEX inquiries_account ON inquiries(account_id)',
      'CREATE INDEX inquiries_purge ON inquiries(purge_at_ms)',
    ],
  },
  {
    version: 2,
    name: 'security',
    sql: [
      'CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
      'CREATE TABLE throttles (key TEXT PRIMARY KEY, stale_at_ms INTEGER NOT NULL, doc TEXT NOT NULL)',
      'CREATE INDEX throttles_stale ON throttles(stale_at_ms)',
      'CREATE INDEX sessions_expiry ON sessions(expires_at_ms)',
    ],
    run: rekeyCustomers,
  },
];

/** Every table of records, for reset and digests (`meta` keeps the store's key across resets). */
export const TABLES = [
  'accounts',
  'sessions',
  'secrets',
  'devices',
  'customers',
  'orders',
  'cases',
  'inquiries',
  'throttles',
];
