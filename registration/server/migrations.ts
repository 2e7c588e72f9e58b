/**
 * Versioned schema migrations, applied in order inside one transaction each and recorded in
 * `schema_migrations`. Never edit a shipped migration: add the next version. Records are JSON
 * documents (`doc`) beside the columns that are keys, unique constraints or indexes, so the rules
 * can grow a field without a migration while every lookup stays indexed.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: readonly string[] }[] = [
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
];

/** Every table, for reset and digests. */
export const TABLES = [
  'accounts',
  'sessions',
  'secrets',
  'devices',
  'customers',
  'orders',
  'cases',
  'inquiries',
];
