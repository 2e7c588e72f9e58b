/**
 * The registration service's types as `iqsim/testing` publishes them: this package's own and
 * structural, so its `.d.ts` files name no type of fastify or libsql (optional peers, docs/transports.md
 * "Optional packages") and a project without them type-checks without `skipLibCheck`.
 */

/** Options of the in-process service (those of `iqsim registry serve`). */
export interface RegistryServerOptions {
  /** File path or `:memory:` (default). */
  db?: string;
  /** Test controls and a controllable clock. */
  testMode?: boolean;
  /** Seed of the fault generator (default 1). */
  seed?: number;
  host?: string;
  /** 0 = a free port (default). */
  port?: number;
  /** Test mode: the clock's start (default: the host clock at start). */
  clockStartMs?: number;
  /** Requests per window per client on login, OTP and code routes. */
  rateLimit?: { max: number; timeWindowMs: number };
  /** Devices one account may hold at once (default 20; docs/security.md "Device registrations"). */
  maxDevicesPerAccount?: number;
  /** How often the retention sweep runs, in real ms (default one minute; 0: never). */
  purgeIntervalMs?: number;
  /** Runs `sweep` every `intervalMs` and returns how to stop (default: an unref'd `setInterval`). */
  schedule?: (sweep: () => void, intervalMs: number) => () => void;
  /** Where errors go, as JSON lines (default: stderr). */
  logStream?: { write(line: string): void };
}

/** The running service as tests see it: its URL, its store for direct queries, `close()`. */
export interface RegistryServerHandle {
  readonly url: string;
  readonly store: { query(sql: string): Record<string, unknown>[] };
  close(): Promise<void>;
}
