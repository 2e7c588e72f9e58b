/**
 * `iqsim registry …` (issue 11): the registration service and its operator commands.
 *
 *   iqsim registry serve [--db FILE] [--port N] [--host H] [--test-mode] [--seed N] [--max-devices N]
 *     [--rate-limit N] [--json]
 *   iqsim registry accounts|devices (--url URL | --db FILE) [--json]
 *   iqsim registry purchase --email E --device ID [--date D] [--country C] [--no-ship] (--url | --db)
 *   iqsim registry outbox --url URL [--to ADDRESS] [--json]
 *
 * `--url` talks to a server started with --test-mode (its /_test routes); `--db` opens the store file
 * directly (no server needed; SQLite locking keeps a file shared with a running server consistent).
 * Loaded lazily: only these commands load fastify and libsql, when they run (not for the help), and
 * without them installed they say TRANSPORT_PACKAGE_MISSING with the packages to install (optional
 * peers, docs/transports.md "Optional packages").
 */
import type { Command } from 'commander';
import { RegistryError } from '../registration/index.js';
import type { LibsqlStore } from '../registration/server/index.js';
import { importWithOptional, REGISTRY_PACKAGES } from '../transports/index.js';
import { type CliContext, CliUsageError, EXIT_FAILED, EXIT_USAGE } from './io.js';

const registryServer = () =>
  importWithOptional(REGISTRY_PACKAGES, 'iqsim registry', () => import('../registration/server/index.js'));
type ServerModule = Awaited<ReturnType<typeof registryServer>>;

interface Target {
  url?: string;
  db?: string;
  json?: boolean;
}

/**
 * Why the service could not start, as a usage error (exit 2): a store path that is no store or
 * cannot be created, or an address it cannot listen on (in use, not this machine's, unknown name).
 */
function startFailure(error: unknown, where: string): unknown {
  if (error instanceof RegistryError && error.code === 'REGISTRY_STORE_OPEN')
    return new CliUsageError('CLI_REGISTRY_STORE', error.message);
  const code = (error as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    ['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)
  )
    return new CliUsageError('CLI_REGISTRY_LISTEN', `cannot listen on ${where}: ${code}`);
  return error;
}

function integer(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliUsageError('CLI_BAD_OPTION', `${name} must be a whole number ${min}…${max}`);
  return n;
}

export function registerRegistry(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const registry = program
    .command('registry')
    .description(
      'the registration service (accounts, devices, warranty, benefits, care) and its admin commands',
    );

  registry
    .command('serve')
    .description('start the registration service; prints its URL (a JSON line with --json)')
    .option('--db <file>', 'store file (WAL mode); default :memory:')
    .option('--port <n>', 'TCP port (0 = any free port)', '8080')
    .option('--host <h>', 'address to bind', '127.0.0.1')
    .option('--test-mode', 'test controls: outbox, clock, reset, faults (/_test/*)')
    .option('--seed <n>', 'seed of the fault generator', '1')
    .option('--max-devices <n>', 'devices one account may hold at once (1–100000)', '20')
    .option(
      '--rate-limit <n>',
      'requests a minute per client address on the login, OTP and code routes',
      '30',
    )
    .option('--json', 'print one JSON line when listening')
    .action(
      async (flags: {
        db?: string;
        port: string;
        host: string;
        testMode?: boolean;
        seed: string;
        maxDevices: string;
        rateLimit: string;
        json?: boolean;
      }) => {
        const port = integer(flags.port, '--port', 0, 65_535);
        const { startRegistryServer } = await registryServer();
        const server = await startRegistryServer({
          db: flags.db ?? ':memory:',
          port,
          host: flags.host,
          testMode: flags.testMode === true,
          seed: integer(flags.seed, '--seed', 0, 2 ** 32 - 1),
          maxDevicesPerAccount: integer(flags.maxDevices, '--max-devices', 1, 100_000),
          rateLimit: { max: integer(flags.rateLimit, '--rate-limit', 1, 1_000_000), timeWindowMs: 60_000 },
        }).catch((error: unknown) => {
          throw startFailure(error, `${flags.host}:${port}`);
        });
        if (flags.testMode && !['127.0.0.1', '::1', 'localhost'].includes(flags.host))
          io.err(`warning: test controls are reachable on ${flags.host}\n`);
        const info = {
          ok: true,
          url: server.url,
          openapi: `${server.url}/openapi.json`,
          testMode: flags.testMode === true,
          db: flags.db ?? ':memory:',
          storeOpenMs: Math.round(server.storeOpenMs * 10) / 10,
        };
        io.out(
          flags.json ? `${JSON.stringify(info)}\n` : `registration service listening on ${server.url}\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await server.close();
      },
    );

  const targetOptions = (command: Command) =>
    command
      .option('--url <url>', 'a running service started with --test-mode')
      .option('--db <file>', 'the store file, opened directly')
      .option('--json', 'print JSON');

  const run = async (
    target: Target,
    viaUrl: (url: string) => Promise<unknown>,
    viaDb: (store: LibsqlStore, server: ServerModule) => Promise<unknown>,
  ) => {
    if (!target.url === !target.db)
      throw new CliUsageError('CLI_REGISTRY_TARGET', 'give exactly one of --url or --db');
    try {
      const result = target.url
        ? await viaUrl(target.url.replace(/\/$/, ''))
        : await withStore(target.db as string, viaDb);
      io.out(target.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e;
      io.err(`error ${e.code}: ${e.message}\n`);
      ctx.setExit(e.status === 400 ? EXIT_USAGE : EXIT_FAILED);
    }
  };

  targetOptions(registry.command('accounts').description('list accounts')).action((flags: Target) =>
    run(
      flags,
      (url) => http(url, 'GET', '/_test/accounts'),
      (store, server) => server.listAccounts(store),
    ),
  );
  targetOptions(registry.command('devices').description('list devices')).action((flags: Target) =>
    run(
      flags,
      (url) => http(url, 'GET', '/_test/devices'),
      (store, server) => server.listDevices(store),
    ),
  );
  targetOptions(
    registry
      .command('purchase')
      .description('record a web-shop purchase for an account and ship it (R-11: registers the device)')
      .requiredOption('--email <email>', 'the buyer account')
      .requiredOption('--device <id>', 'device ID (D-R4)')
      .option('--date <yyyy-mm-dd>', 'purchase date (default: today)')
      .option('--country <cc>', 'country of purchase (default: the account country)')
      .option('--no-ship', 'record the order only'),
  ).action(
    (flags: Target & { email: string; device: string; date?: string; country?: string; ship: boolean }) => {
      const body = {
        email: flags.email,
        deviceId: flags.device,
        ship: flags.ship,
        ...(flags.date ? { purchaseDate: flags.date } : {}),
        ...(flags.country ? { country: flags.country } : {}),
      };
      return run(
        flags,
        (url) => http(url, 'POST', '/_test/purchases', body),
        (store, server) => server.purchase(server.storeContext(store), body),
      );
    },
  );
  registry
    .command('outbox')
    .description('emails and SMS the service sent (test mode), with their codes')
    .requiredOption('--url <url>', 'a running service started with --test-mode')
    .option('--to <address>', 'only messages to this email or mobile')
    .option('--json', 'print JSON')
    .action((flags: Target & { to?: string }) =>
      run(
        flags,
        (url) => http(url, 'GET', `/_test/outbox${flags.to ? `?to=${encodeURIComponent(flags.to)}` : ''}`),
        async () => [],
      ),
    );
}

async function withStore<T>(
  path: string,
  body: (store: LibsqlStore, server: ServerModule) => Promise<T>,
): Promise<T> {
  const server = await registryServer();
  const store = await server.LibsqlStore.open({ path }).catch((error: unknown) => {
    throw startFailure(error, path);
  });
  try {
    return await body(store, server);
  } finally {
    await store.close();
  }
}

/** One request to the service; a problem+json answer becomes a RegistryError-like failure. */
async function http(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new CliUsageError('CLI_REGISTRY_UNREACHABLE', `cannot reach ${url}: ${(e as Error).message}`);
  }
  const parsed = (await response.json().catch(() => undefined)) as
    | { code?: string; detail?: string }
    | undefined;
  if (
    response.status === 404 &&
    parsed?.code === 'REGISTRY_NOT_FOUND' &&
    path.startsWith('/_test/') &&
    !parsed.detail?.includes('no account')
  )
    throw new CliUsageError(
      'CLI_REGISTRY_NOT_TEST_MODE',
      `${url} has no test controls (start it with --test-mode)`,
    );
  if (response.status >= 400)
    throw new RegistryError(
      (parsed?.code ?? 'REGISTRY_INTERNAL') as RegistryError['code'],
      parsed?.detail ?? `HTTP ${response.status}`,
    );
  return parsed;
}
