/**
 * The registration HTTP service: Fastify 5 with the TypeBox type provider (one source for types and
 * JSON Schemas), OpenAPI 3.1 at /openapi.json, problem+json errors, rate limits on login, OTP and code
 * routes, and (test mode only) the test controls and seeded faults.
 */

import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { type Context, purgeExpired } from '../index.js';
import type { RegistryApp } from './app-type.js';
import { storeContext } from './context.js';
import { installContract } from './contract.js';
import { FaultTable } from './faults.js';
import { installGuards } from './guards.js';
import { installJsonLimits } from './json-limits.js';
import { Outbox, ServiceClock } from './ports.js';
import { installProblems, PROBLEM_TYPE, sendProblem } from './problem.js';
import { accountRoutes } from './routes-accounts.js';
import { deviceRoutes } from './routes-devices.js';
import { testRoutes } from './routes-test.js';
import { LibsqlStore } from './store.js';

export type { RegistryApp };

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
  /** Requests per window per client on login, OTP and code routes (default 30 per minute). */
  rateLimit?: { max: number; timeWindowMs: number };
  /** Devices one account may hold at once (default 20; docs/security.md "Device registrations"). */
  maxDevicesPerAccount?: number;
  /** How often the retention sweep runs, in real ms (default one minute; 0: never). */
  purgeIntervalMs?: number;
  /**
   * Runs `sweep` every `intervalMs` and returns how to stop (default: an unref'd `setInterval`);
   * tests pass their own to run the sweep when they choose.
   */
  schedule?: (sweep: () => void, intervalMs: number) => () => void;
  /** Where errors go, as JSON lines: 5xx answers with their request id (default: stderr). */
  logStream?: { write(line: string): void };
}

export interface RegistryServer {
  readonly url: string;
  readonly app: RegistryApp;
  readonly store: LibsqlStore;
  readonly clock: ServiceClock;
  readonly outbox: Outbox;
  readonly faults: FaultTable;
  readonly context: Context;
  /** How long opening and migrating the store took. */
  readonly storeOpenMs: number;
  close(): Promise<void>;
}

export const API_VERSION = '1.0.0';

/** A real-time interval that does not keep the process alive. */
function everyMs(run: () => void, intervalMs: number): () => void {
  const timer = setInterval(run, intervalMs).unref();
  return () => clearInterval(timer);
}

export async function startRegistryServer(options: RegistryServerOptions = {}): Promise<RegistryServer> {
  const openStart = performance.now();
  const store = await LibsqlStore.open({ path: options.db ?? ':memory:' });
  const storeOpenMs = performance.now() - openStart;
  const testMode = options.testMode === true;
  const clock = new ServiceClock(testMode, options.clockStartMs);
  const outbox = new Outbox();
  const faults = new FaultTable(options.seed ?? 1);
  const host = options.host ?? '127.0.0.1';
  const context = storeContext(store, {
    clock,
    outbox,
    testMode,
    ...(options.maxDevicesPerAccount ? { maxDevicesPerAccount: options.maxDevicesPerAccount } : {}),
  });

  const app = Fastify({
    // No logger per request (it costs every request a child logger): 5xx are written by
    // installProblems, the retention sweep's failures below.
    logger: false,
    // Request ids are ours (a client's x-request-id is not trusted); a 500 names its id.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 256 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
    // Bad URLs, over-long path parameters: problem+json like every other bad input.
    frameworkErrors: (error, _request, reply) =>
      sendProblem(reply, error.statusCode ?? 400, 'REGISTRY_BAD_REQUEST', error.message),
  }).withTypeProvider<TypeBoxTypeProvider>();
  const logStream = options.logStream ?? process.stderr;
  const logError = (entry: Record<string, unknown>) =>
    logStream.write(`${JSON.stringify({ level: 'error', time: new Date().toISOString(), ...entry })}\n`);
  installProblems(app, logError);
  installJsonLimits(app);
  installGuards(app, host);
  installContract(app, testMode);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'iqsim registration service',
        version: API_VERSION,
        description:
          'Accounts, device registration, warranty, benefits, International Assistance and customer care (docs/registration.md).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(rateLimit, { global: false });
  const limit = options.rateLimit ?? { max: 30, timeWindowMs: 60_000 };
  const limited = { rateLimit: { max: limit.max, timeWindow: limit.timeWindowMs } };

  if (testMode) installFaults(app, faults);
  accountRoutes(app, context, limited);
  deviceRoutes(app, context, limited);
  if (testMode) testRoutes(app, context, { store, clock, outbox, faults });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true, testMode }));

  const purgeMs = options.purgeIntervalMs ?? 60_000;
  const schedule = options.schedule ?? everyMs;
  const stopSweep =
    purgeMs > 0
      ? schedule(() => {
          purgeExpired(context).catch((error: unknown) =>
            logError({ msg: 'retention sweep failed', err: String((error as Error)?.stack ?? error) }),
          );
        }, purgeMs)
      : undefined;

  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    stopSweep?.();
    await app.close();
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  context.options.publicUrl = url;
  return {
    url,
    app,
    store,
    clock,
    outbox,
    faults,
    context,
    storeOpenMs,
    async close() {
      stopSweep?.();
      await app.close();
      await store.close();
    },
  };
}

/** Seeded per-route faults (test mode); `"METHOD /route/:param"` or `"*"`. */
function installFaults(app: RegistryApp, faults: FaultTable): void {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  app.addHook('onRequest', async (request, reply) => {
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    if (route.includes('/_test/') || route.endsWith('/openapi.json')) return;
    const fault = faults.hit(route);
    if (!fault) return;
    if ((fault.phase ?? 'before') === 'after') {
      (request as { faultAfter?: typeof fault }).faultAfter = fault;
      return;
    }
    reply.header('x-iqsim-fault', fault.kind);
    if (fault.kind === 'latency') await sleep(fault.latencyMs ?? 1000);
    else if (fault.kind === 'status')
      return sendProblem(reply, fault.status ?? 503, 'REGISTRY_FAULT_INJECTED', 'injected fault (test mode)');
    else {
      reply.hijack();
      request.raw.socket.destroy();
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const fault = (request as { faultAfter?: { kind: string; latencyMs?: number; status?: number } })
      .faultAfter;
    if (!fault) return payload;
    reply.header('x-iqsim-fault', fault.kind);
    if (fault.kind === 'latency') {
      await sleep(fault.latencyMs ?? 1000);
      return payload;
    }
    if (fault.kind === 'drop') {
      request.raw.socket.destroy();
      return payload;
    }
    const status = fault.status ?? 503;
    reply.code(status).type(PROBLEM_TYPE);
    return JSON.stringify({
      type: 'https://iqsim.invalid/problems/registry-fault-injected',
      title: 'REGISTRY_FAULT_INJECTED',
      status,
      code: 'REGISTRY_FAULT_INJECTED',
      detail: 'injected fault after the handler committed (test mode)',
    });
  });
}
