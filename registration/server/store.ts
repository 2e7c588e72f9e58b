/**
 * The libSQL store (the synchronous `libsql` package): a file (WAL mode) or `:memory:`. One
 * connection with its prepared statements (store-tx.ts); every transaction runs
 * `BEGIN IMMEDIATE … COMMIT` on it through a queue, so transactions are serialised in this process
 * (two registrations of one device: the second sees the first) and atomic on disk (SIGKILL mid-way
 * leaves the last committed state).
 *
 * Erasure (docs/security.md "Erasure"): the files are the owner's alone (0600), deleted rows are
 * overwritten with zeros (`secure_delete`), and after a transaction that erased personal data the
 * WAL is checkpointed and truncated, so no copy of the bytes stays in either file.
 */

import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'libsql';
import { RegistryError, type Store, type StoreTx } from '../index.js';
import { HASH_KEY, keyedHash, MIGRATIONS, TABLES } from './migrations.js';
import { makeTx, Statements, sqliteCode } from './store-tx.js';

/** How long a transaction waits for another connection's write lock before failing. */
const BUSY_LIMIT_MS = 5_000;

export interface StoreOptions {
  /** A file path, `file:` URL or `:memory:` (default). */
  path?: string;
}

/** The database and its WAL and shared-memory files: readable and writable by the owner only. */
function ownerOnly(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

export class LibsqlStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements: Statements;
  private readonly tx: StoreTx;
  /** Set by a transaction that erased personal data; the WAL is truncated after it commits. */
  private erased = false;
  private key: Buffer | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly onDisk: boolean,
  ) {
    this.statements = new Statements(db);
    this.tx = makeTx(this.statements, () => {
      this.erased = true;
    });
  }

  /**
   * Opens (or creates, mode 0600) and migrates the store; a path that is no store, or that cannot be
   * created, is REGISTRY_STORE_OPEN and no file's mode is changed.
   */
  static async open(options: StoreOptions = {}): Promise<LibsqlStore> {
    const path = options.path ?? ':memory:';
    const file = path.startsWith('file://') ? fileURLToPath(path) : path.replace(/^file:/, '');
    const onDisk = file !== ':memory:';
    let db: Database.Database | undefined;
    try {
      // A new store is the owner's alone from its first byte (SQLite gives -wal and -shm its mode).
      if (onDisk && !existsSync(file)) closeSync(openSync(file, 'wx', 0o600));
      db = new Database(file);
      db.exec('PRAGMA secure_delete = ON');
      if (onDisk) {
        db.exec('PRAGMA journal_mode = WAL');
        // WAL + NORMAL: a commit survives a process kill (the WAL is written before COMMIT returns);
        // only an OS crash or power loss can lose the last transactions.
        db.exec('PRAGMA synchronous = NORMAL');
      }
      db.exec('PRAGMA foreign_keys = ON');
      // No busy wait inside SQLite (see begin()).
      db.exec('PRAGMA busy_timeout = 0');
      const store = new LibsqlStore(db, onDisk);
      await store.migrate();
      if (onDisk) ownerOnly(file);
      return store;
    } catch (e) {
      db?.close();
      throw new RegistryError(
        'REGISTRY_STORE_OPEN',
        `cannot open the store ${file}: ${(e as Error).message}`,
      );
    }
  }

  /**
   * HMAC-SHA256 of `text` under the store's own random key (customer history, throttle keys): not
   * recomputable from an email address without this store.
   */
  keyedHash(text: string): string {
    this.key ??= Buffer.from(
      String(this.statements.row('SELECT value FROM meta WHERE key = ?', [HASH_KEY])?.[0]),
      'base64url',
    );
    return keyedHash(this.key, text);
  }

  /** The schema version after migrations. */
  async version(): Promise<number> {
    return Number(this.statements.row('SELECT max(version) FROM schema_migrations')?.[0] ?? 0);
  }

  /**
   * Rows of any SQL as objects (admin and tests: `PRAGMA integrity_check`, counts; a statement that
   * returns no rows is run and gives none); not for the service's own queries, which go through the
   * prepared `StoreTx`.
   */
  query(sql: string): Record<string, unknown>[] {
    const statement = this.db.prepare(sql);
    if (!statement.reader) {
      statement.run();
      return [];
    }
    return statement.all().map((r) => {
      const { _metadata, ...row } = r as Record<string, unknown>;
      return row;
    });
  }

  private async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)',
    );
    const current = await this.version();
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await this.serial(async () => {
        for (const sql of m.sql) this.db.exec(sql);
        m.run?.(this.db);
        this.statements.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [
          m.version,
          m.name,
        ]);
      });
    }
  }

  private serial<T>(body: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await this.begin();
      try {
        const result = await body();
        this.statements.run('COMMIT');
        if (this.erased && this.onDisk) this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
        return result;
      } catch (e) {
        this.statements.run('ROLLBACK');
        throw e;
      } finally {
        this.erased = false;
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
        this.statements.run('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if (!sqliteCode(e)?.startsWith('SQLITE_BUSY') || waitedMs > BUSY_LIMIT_MS) throw e;
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
      for (const t of TABLES) this.statements.run(`DELETE FROM ${t}`);
    });
  }

  /** A sha256 over every row of every table, for "no state change" checks. */
  async digest(): Promise<string> {
    return this.serial(async () => {
      const hash = createHash('sha256');
      for (const t of TABLES)
        hash.update(`${t}:${JSON.stringify(this.statements.rows(`SELECT * FROM ${t} ORDER BY 1, 2`))}`);
      return hash.digest('hex');
    });
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}
