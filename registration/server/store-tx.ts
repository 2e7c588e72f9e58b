/**
 * The store's statements: every SQL text is prepared once per connection and kept (the `Statements`
 * cache), rows come back as arrays (`raw` mode: no column objects built per row), and writes use
 * `run`. Measured in docs/decisions.md: re-preparing each statement, and the exception
 * `@libsql/client` raised inside every statement that returns no rows, were the largest part of a
 * registration's server CPU.
 */
import type Database from 'libsql';
import {
  type Account,
  type Case,
  type Customer,
  type Device,
  type Inquiry,
  type Order,
  type PurgeCounts,
  RegistryError,
  type Secret,
  type SecretPurpose,
  type StoreTx,
  type Throttle,
} from '../index.js';

type Statement = Database.Statement;

/** Prepared statements by SQL text, for one connection (a statement is bound to its connection). */
export class Statements {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      // Rows as arrays; `raw` is only for statements that return rows, and `reader` says which.
      if (stmt.reader) stmt.raw(true);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  /** Rows as arrays of column values. */
  rows(sql: string, args: readonly unknown[] = []): unknown[][] {
    return this.statement(sql).all(...args) as unknown[][];
  }

  /** The first row as an array of column values. */
  row(sql: string, args: readonly unknown[] = []): unknown[] | undefined {
    return this.statement(sql).get(...args) as unknown[] | undefined;
  }

  /** A statement run for its effect; the number of rows it changed. */
  run(sql: string, args: readonly unknown[] = []): number {
    try {
      return this.statement(sql).run(...args).changes;
    } catch (e) {
      throw constraintError(e);
    }
  }
}

/**
 * The store's transaction view over prepared statements. `onErase` is called when a transaction
 * deletes personal data (an account, a retention sweep), so the store can checkpoint the WAL once
 * the transaction commits (docs/security.md "Erasure").
 */
export function makeTx(s: Statements, onErase: () => void): StoreTx {
  const one = async <T>(sql: string, args: readonly unknown[]): Promise<T | undefined> => {
    const doc = s.row(sql, args)?.[0];
    return typeof doc === 'string' ? (JSON.parse(doc) as T) : undefined;
  };
  const many = async <T>(sql: string, args: readonly unknown[]): Promise<T[]> =>
    s.rows(sql, args).map((r) => JSON.parse(String(r[0])) as T);
  const run = async (sql: string, args: readonly unknown[]): Promise<void> => {
    s.run(sql, args);
  };
  return {
    account: (id) => one<Account>('SELECT doc FROM accounts WHERE id = ?', [id]),
    accountByEmail: (email) => one<Account>('SELECT doc FROM accounts WHERE email = ?', [email]),
    accountByMobile: (mobile) => one<Account>('SELECT doc FROM accounts WHERE verified_mobile = ?', [mobile]),
    putAccount: (a) =>
      run('INSERT OR REPLACE INTO accounts (id, email, verified_mobile, doc) VALUES (?, ?, ?, ?)', [
        a.id,
        a.email,
        a.mobileVerified && a.mobile ? a.mobile : null,
        JSON.stringify(a),
      ]),
    deleteAccount: async (id) => {
      for (const t of ['sessions', 'secrets', 'orders', 'cases', 'inquiries'])
        s.run(`DELETE FROM ${t} WHERE account_id = ?`, [id]);
      s.run('DELETE FROM accounts WHERE id = ?', [id]);
      onErase();
    },
    accounts: (limit) => many<Account>('SELECT doc FROM accounts ORDER BY rowid LIMIT ?', [limit]),
    session: async (tokenHash) => {
      const row = s.row('SELECT account_id, expires_at_ms FROM sessions WHERE token_hash = ?', [tokenHash]);
      return row ? { tokenHash, accountId: String(row[0]), expiresAtMs: Number(row[1]) } : undefined;
    },
    sessionAccount: (tokenHash, nowMs) =>
      one<Account>(
        `SELECT a.doc AS doc FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = ? AND s.expires_at_ms > ?`,
        [tokenHash, nowMs],
      ),
    putSession: (x) =>
      run('INSERT INTO sessions (token_hash, account_id, expires_at_ms) VALUES (?, ?, ?)', [
        x.tokenHash,
        x.accountId,
        x.expiresAtMs,
      ]),
    deleteSession: (tokenHash) => run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]),
    deleteSessionsOf: (accountId, keepTokenHash) =>
      run('DELETE FROM sessions WHERE account_id = ? AND token_hash IS NOT ?', [
        accountId,
        keepTokenHash ?? null,
      ]),
    secret: (accountId, purpose: SecretPurpose) =>
      one<Secret>('SELECT doc FROM secrets WHERE account_id = ? AND purpose = ?', [accountId, purpose]),
    putSecret: (x) =>
      run('INSERT OR REPLACE INTO secrets (account_id, purpose, doc) VALUES (?, ?, ?)', [
        x.accountId,
        x.purpose,
        JSON.stringify(x),
      ]),
    deleteSecret: (accountId, purpose) =>
      run('DELETE FROM secrets WHERE account_id = ? AND purpose = ?', [accountId, purpose]),
    device: (id) => one<Device>('SELECT doc FROM devices WHERE device_id = ?', [id]),
    putDevice: (d) =>
      run('INSERT OR REPLACE INTO devices (device_id, account_id, doc) VALUES (?, ?, ?)', [
        d.deviceId,
        d.accountId ?? null,
        JSON.stringify(d),
      ]),
    devicesOf: (accountId) =>
      many<Device>('SELECT doc FROM devices WHERE account_id = ? ORDER BY rowid', [accountId]),
    deviceCount: async (accountId, upTo) =>
      Number(
        s.row('SELECT count(*) FROM (SELECT 1 FROM devices WHERE account_id = ? LIMIT ?)', [
          accountId,
          upTo,
        ])?.[0],
      ),
    devices: (limit) => many<Device>('SELECT doc FROM devices ORDER BY rowid LIMIT ?', [limit]),
    customer: (h) => one<Customer>('SELECT doc FROM customers WHERE email_hash = ?', [h]),
    putCustomer: (c) =>
      run('INSERT OR REPLACE INTO customers (email_hash, doc) VALUES (?, ?)', [
        c.emailHash,
        JSON.stringify(c),
      ]),
    order: (id) => one<Order>('SELECT doc FROM orders WHERE id = ?', [id]),
    putOrder: (o) =>
      run('INSERT OR REPLACE INTO orders (id, account_id, doc) VALUES (?, ?, ?)', [
        o.id,
        o.accountId,
        JSON.stringify(o),
      ]),
    putCase: (c) =>
      run('INSERT INTO cases (id, account_id, device_id, doc) VALUES (?, ?, ?, ?)', [
        c.id,
        c.accountId,
        c.deviceId,
        JSON.stringify(c),
      ]),
    casesOf: (deviceId) => many<Case>('SELECT doc FROM cases WHERE device_id = ? ORDER BY rowid', [deviceId]),
    putInquiry: (q) =>
      run('INSERT INTO inquiries (id, account_id, purge_at_ms, doc) VALUES (?, ?, ?, ?)', [
        q.id,
        q.accountId,
        q.purgeAtMs,
        JSON.stringify(q),
      ]),
    inquiriesOf: (accountId, nowMs) =>
      many<Inquiry>('SELECT doc FROM inquiries WHERE account_id = ? AND purge_at_ms > ? ORDER BY rowid', [
        accountId,
        nowMs,
      ]),
    throttle: (key) => one<Throttle>('SELECT doc FROM throttles WHERE key = ?', [key]),
    putThrottle: (t) =>
      run('INSERT OR REPLACE INTO throttles (key, stale_at_ms, doc) VALUES (?, ?, ?)', [
        t.key,
        t.staleAtMs,
        JSON.stringify(t),
      ]),
    deleteThrottle: (key) => run('DELETE FROM throttles WHERE key = ?', [key]),
    purge: async (nowMs) => {
      const counts: PurgeCounts = {
        inquiries: s.run('DELETE FROM inquiries WHERE purge_at_ms <= ?', [nowMs]),
        sessions: s.run('DELETE FROM sessions WHERE expires_at_ms <= ?', [nowMs]),
        secrets: s.run("DELETE FROM secrets WHERE json_extract(doc, '$.expiresAtMs') <= ?", [nowMs]),
        orders: s.run(
          `DELETE FROM orders WHERE coalesce(json_extract(doc, '$.purgeAtMs'),
          unixepoch(json_extract(doc, '$.purchaseDate'), '+3 years') * 1000) <= ?`,
          [nowMs],
        ),
        throttles: s.run('DELETE FROM throttles WHERE stale_at_ms <= ?', [nowMs]),
      };
      if (counts.inquiries + counts.orders > 0) onErase();
      return counts;
    },
  };
}

/** SQLite's error code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`…), if `e` is a SQLite error. */
export function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** Unique-key violations as the typed conflicts they mean; anything else as is. */
function constraintError(e: unknown): unknown {
  if (!sqliteCode(e)?.startsWith('SQLITE_CONSTRAINT')) return e;
  const message = (e as Error).message;
  if (/UNIQUE constraint failed: accounts\.email/.test(message))
    return new RegistryError('REGISTRY_EMAIL_TAKEN', 'that email address is in use');
  if (/UNIQUE constraint failed: accounts\.verified_mobile/.test(message))
    return new RegistryError('REGISTRY_MOBILE_TAKEN', 'that mobile is in use');
  return e;
}
