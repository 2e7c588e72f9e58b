/**
 * The libSQL store (`@libsql/client`): a file (WAL mode) or `:memory:`. One connection; every
 * transaction runs `BEGIN IMMEDIATE … COMMIT` on it through a queue, so transactions are serialised
 * in this process (two registrations of one device: the second sees the first) and atomic on disk
 * (SIGKILL mid-way leaves the last committed state). `client.transaction()` is not used: it hands
 * the connection away and a `:memory:` database would reopen empty.
 */
import { createHash } from 'node:crypto';
import { type Client, createClient, type InValue, LibsqlError } from '@libsql/client';
import {
  type Account,
  type Case,
  type Customer,
  type Device,
  type Inquiry,
  type Order,
  RegistryError,
  type Secret,
  type SecretPurpose,
  type Session,
  type Store,
  type StoreTx,
} from '../index.js';
import { MIGRATIONS, TABLES } from './migrations.js';

/** How long a transaction waits for another connection's write lock before failing. */
const BUSY_LIMIT_MS = 5_000;

export interface StoreOptions {
  /** A file path, `file:` URL or `:memory:` (default). */
  path?: string;
}

export class LibsqlStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly tx: StoreTx;

  private constructor(readonly client: Client) {
    this.tx = makeTx(client);
  }

  static async open(options: StoreOptions = {}): Promise<LibsqlStore> {
    const path = options.path ?? ':memory:';
    const url = path === ':memory:' || path.startsWith('file:') ? path : `file:${path}`;
    const client = createClient({ url });
    if (path !== ':memory:') {
      await client.execute('PRAGMA journal_mode = WAL');
      // WAL + NORMAL: a commit survives a process kill (the WAL is written before COMMIT returns);
      // only an OS crash or power loss can lose the last transactions.
      await client.execute('PRAGMA synchronous = NORMAL');
    }
    await client.execute('PRAGMA foreign_keys = ON');
    // No busy wait inside SQLite (see begin()).
    await client.execute('PRAGMA busy_timeout = 0');
    const store = new LibsqlStore(client);
    await store.migrate();
    return store;
  }

  /** The schema version after migrations. */
  async version(): Promise<number> {
    const rs = await this.client.execute('SELECT max(version) AS v FROM schema_migrations');
    return Number(rs.rows[0]?.v ?? 0);
  }

  private async migrate(): Promise<void> {
    await this.client.execute(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)',
    );
    const current = await this.version();
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await this.serial(async () => {
        for (const sql of m.sql) await this.client.execute(sql);
        await this.client.execute({
          sql: 'INSERT INTO schema_migrations (version, name) VALUES (?, ?)',
          args: [m.version, m.name],
        });
      });
    }
  }

  private serial<T>(body: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await this.begin();
      try {
        const result = await body();
        await this.client.execute('COMMIT');
        return result;
      } catch (e) {
        await this.client.execute('ROLLBACK');
        throw e;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * BEGIN IMMEDIATE, waiting for another connection's write lock (a second process on the same
   * file) without blocking the event loop: libSQL calls are synchronous, so SQLite's own busy wait
   * would stall every request of this process, including the one holding the lock.
   */
  private async begin(): Promise<void> {
    for (let waitedMs = 0, delayMs = 1; ; waitedMs += delayMs, delayMs = Math.min(delayMs * 2, 50)) {
      try {
        await this.client.execute('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if (!(e instanceof LibsqlError && e.code.startsWith('SQLITE_BUSY')) || waitedMs > BUSY_LIMIT_MS)
          throw e;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  transaction<T>(body: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.serial(() => body(this.tx));
  }

  /** Reads in the same queue (never inside another transaction of this process), without a lock. */
  read<T>(body: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => body(this.tx));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Test mode: every table emptied (the schema stays). */
  async reset(): Promise<void> {
    await this.serial(async () => {
      for (const t of TABLES) await this.client.execute(`DELETE FROM ${t}`);
    });
  }

  /** A sha256 over every row of every table, for "no state change" checks. */
  async digest(): Promise<string> {
    return this.serial(async () => {
      const hash = createHash('sha256');
      for (const t of TABLES) {
        const rs = await this.client.execute(`SELECT * FROM ${t} ORDER BY 1, 2`);
        hash.update(`${t}:${JSON.stringify(rs.rows.map((r) => Object.values(r)))}`);
      }
      return hash.digest('hex');
    });
  }

  async close(): Promise<void> {
    await this.queue;
    this.client.close();
  }
}

function makeTx(client: Client): StoreTx {
  const run = (sql: string, args: InValue[] = []) =>
    client.execute({ sql, args }).catch((e: unknown) => {
      throw constraintError(e);
    });
  const one = async <T>(sql: string, args: InValue[]): Promise<T | undefined> => {
    const rs = await run(sql, args);
    const doc = rs.rows[0]?.doc;
    return typeof doc === 'string' ? (JSON.parse(doc) as T) : undefined;
  };
  const many = async <T>(sql: string, args: InValue[]): Promise<T[]> =>
    (await run(sql, args)).rows.map((r) => JSON.parse(String(r.doc)) as T);
  return {
    account: (id) => one<Account>('SELECT doc FROM accounts WHERE id = ?', [id]),
    accountByEmail: (email) => one<Account>('SELECT doc FROM accounts WHERE email = ?', [email]),
    accountByMobile: (mobile) => one<Account>('SELECT doc FROM accounts WHERE verified_mobile = ?', [mobile]),
    putAccount: async (a) => {
      await run('INSERT OR REPLACE INTO accounts (id, email, verified_mobile, doc) VALUES (?, ?, ?, ?)', [
        a.id,
        a.email,
        a.mobileVerified && a.mobile ? a.mobile : null,
        JSON.stringify(a),
      ]);
    },
    deleteAccount: async (id) => {
      for (const t of ['sessions', 'secrets', 'orders', 'cases', 'inquiries'])
        await run(`DELETE FROM ${t} WHERE account_id = ?`, [id]);
      await run('DELETE FROM accounts WHERE id = ?', [id]);
    },
    accounts: (limit) => many<Account>('SELECT doc FROM accounts ORDER BY rowid LIMIT ?', [limit]),
    session: async (tokenHash) => {
      const rs = await run('SELECT account_id, expires_at_ms FROM sessions WHERE token_hash = ?', [
        tokenHash,
      ]);
      const row = rs.rows[0];
      return row
        ? ({
            tokenHash,
            accountId: String(row.account_id),
            expiresAtMs: Number(row.expires_at_ms),
          } as Session)
        : undefined;
    },
    sessionAccount: (tokenHash, nowMs) =>
      one<Account>(
        `SELECT a.doc AS doc FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = ? AND s.expires_at_ms > ?`,
        [tokenHash, nowMs],
      ),
    putSession: async (s) => {
      await run('INSERT INTO sessions (token_hash, account_id, expires_at_ms) VALUES (?, ?, ?)', [
        s.tokenHash,
        s.accountId,
        s.expiresAtMs,
      ]);
    },
    deleteSession: async (tokenHash) => {
      await run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]);
    },
    deleteSessionsOf: async (accountId) => {
      await run('DELETE FROM sessions WHERE account_id = ?', [accountId]);
    },
    secret: (accountId, purpose: SecretPurpose) =>
      one<Secret>('SELECT doc FROM secrets WHERE account_id = ? AND purpose = ?', [accountId, purpose]),
    putSecret: async (s) => {
      await run('INSERT OR REPLACE INTO secrets (account_id, purpose, doc) VALUES (?, ?, ?)', [
        s.accountId,
        s.purpose,
        JSON.stringify(s),
      ]);
    },
    deleteSecret: async (accountId, purpose) => {
      await run('DELETE FROM secrets WHERE account_id = ? AND purpose = ?', [accountId, purpose]);
    },
    device: (id) => one<Device>('SELECT doc FROM devices WHERE device_id = ?', [id]),
    putDevice: async (d) => {
      await run('INSERT OR REPLACE INTO devices (device_id, account_id, doc) VALUES (?, ?, ?)', [
        d.deviceId,
        d.accountId ?? null,
        JSON.stringify(d),
      ]);
    },
    devicesOf: (accountId) =>
      many<Device>('SELECT doc FROM devices WHERE account_id = ? ORDER BY rowid', [accountId]),
    devices: (limit) => many<Device>('SELECT doc FROM devices ORDER BY rowid LIMIT ?', [limit]),
    customer: (h) => one<Customer>('SELECT doc FROM customers WHERE email_hash = ?', [h]),
    putCustomer: async (c) => {
      await run('INSERT OR REPLACE INTO customers (email_hash, doc) VALUES (?, ?)', [
        c.emailHash,
        JSON.stringify(c),
      ]);
    },
    order: (id) => one<Order>('SELECT doc FROM orders WHERE id = ?', [id]),
    putOrder: async (o) => {
      await run('INSERT OR REPLACE INTO orders (id, account_id, doc) VALUES (?, ?, ?)', [
        o.id,
        o.accountId,
        JSON.stringify(o),
      ]);
    },
    putCase: async (c) => {
      await run('INSERT INTO cases (id, account_id, device_id, doc) VALUES (?, ?, ?, ?)', [
        c.id,
        c.accountId,
        c.deviceId,
        JSON.stringify(c),
      ]);
    },
    casesOf: (deviceId) => many<Case>('SELECT doc FROM cases WHERE device_id = ? ORDER BY rowid', [deviceId]),
    putInquiry: async (q) => {
      await run('INSERT INTO inquiries (id, account_id, purge_at_ms, doc) VALUES (?, ?, ?, ?)', [
        q.id,
        q.accountId,
        q.purgeAtMs,
        JSON.stringify(q),
      ]);
    },
    inquiriesOf: (accountId) =>
      many<Inquiry>('SELECT doc FROM inquiries WHERE account_id = ? ORDER BY rowid', [accountId]),
    purgeInquiries: async (nowMs) =>
      (await run('DELETE FROM inquiries WHERE purge_at_ms <= ?', [nowMs])).rowsAffected,
  };
}

/** Unique-key violations as the typed conflicts they mean; anything else as is. */
function constraintError(e: unknown): unknown {
  if (e instanceof LibsqlError && /UNIQUE constraint failed: accounts\.email/.test(e.message))
    return new RegistryError('REGISTRY_EMAIL_TAKEN', 'that email address is in use');
  if (e instanceof LibsqlError && /UNIQUE constraint failed: accounts\.verified_mobile/.test(e.message))
    return new RegistryError('REGISTRY_MOBILE_TAKEN', 'that mobile is in use');
  return e;
}
