/**
 * `npm run bench -- registry --json` (issue 11 item 7): device registrations (`POST /devices`)
 * through HTTP on loopback with the file store.
 *
 * - The server is `iqsim registry serve --db FILE --test-mode` in its own process, pinned to one CPU
 *   (`taskset`, Linux with two or more CPUs); this process, the client, is moved to the other CPUs,
 *   so client and server never share a core or an event loop.
 * - The client (bench/http-load.ts) keeps 32 registrations in flight over keep-alive connections,
 *   one per connection, and spends a fraction of the server's CPU per request.
 * - 2,000 registrations warm the server's JIT first; the next 20,000 are measured. They are spread
 *   over 1,100 accounts, 20 devices each: the per-account cap (docs/security.md "Device
 *   registrations"). Until issue 15 eight accounts shared them, which the cap now refuses.
 *
 * Metrics: `registrations-per-s` (wall clock; target ≥ 2,000 on one core), `registrations-per-server-cpu-s`
 * (the same per CPU-second the server process used, all its threads, from /proc: what the server
 * sustains on one core of its own, steady on a machine others load), `server-cpu-share` (server
 * CPU-seconds per wall second: near 1 when the wall figure is the server's limit, lower when the
 * machine or the client held it back), `client-cpu-share` (the same for this process: the client's
 * own cost), `registration-ms-p99` and `store-open-ms` (median of 7 opens
 * of a fresh file, migrations included; target < 100).
 *
 * Profiling: `IQSIM_BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"` passes Node flags to the
 * server (or `--perf-basic-prof` for `perf record -p`); `IQSIM_BENCH_REGISTRATIONS=N` changes the
 * measured count.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LibsqlStore } from '../registration/server/index.js';
import type { BenchLine } from './codec.js';
import { LoadClient } from './http-load.js';

const REGISTRATIONS = Number(process.env.IQSIM_BENCH_REGISTRATIONS ?? 20_000);
const WARMUP = 2_000;
const IN_FLIGHT = 32;
/** Accounts that share the registrations: each fills its cap of 20 devices (docs/security.md). */
const DEVICES_PER_ACCOUNT = 20;
const USERS = Math.ceil((WARMUP + REGISTRATIONS) / DEVICES_PER_ACCOUNT);

/**
 * The CPU the server runs on, and this process moved to the others, when `taskset` can do it;
 * undefined when it cannot (one CPU, not Linux, no taskset): then the OS places both.
 */
function pinning(): { server: string[] } | undefined {
  const cpus = availableParallelism();
  if (process.platform !== 'linux' || cpus < 2) return undefined;
  const moved = spawnSync('taskset', ['-a', '-cp', `0-${cpus - 2}`, String(process.pid)], {
    stdio: 'ignore',
  });
  return moved.status === 0 ? { server: ['taskset', '-c', String(cpus - 1)] } : undefined;
}

/** CPU seconds a process has used, all threads (Linux /proc, 100 ticks/s); undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function storeOpenMs(dir: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const store = await LibsqlStore.open({ path: join(dir, `open-${i}.db`) });
    times.push(performance.now() - t0);
    await store.close();
  }
  return times.sort((a, b) => a - b)[3] as number;
}

async function user(client: LoadClient, n: number): Promise<string> {
  const email = `bench${n}@example.com`;
  const password = 'bench password 1';
  await client.request('POST', '/auth/signup', { email, password, dateOfBirth: '1990-01-01', country: 'DE' });
  const outbox = JSON.parse((await client.request('GET', `/_test/outbox?to=${email}`)).body) as {
    code: string;
  }[];
  await client.request('POST', '/auth/verify', { email, code: outbox.at(-1)?.code });
  const login = await client.request('POST', '/auth/login', { email, password });
  return (JSON.parse(login.body) as { token: string }).token;
}

/** Registers devices `from`…`to - 1`, IN_FLIGHT at a time; the latency of each, in ms. */
async function register(client: LoadClient, tokens: string[], from: number, to: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      const deviceId = `T${i.toString(36).toUpperCase().padStart(13, '0')}`;
      const t0 = performance.now();
      const r = await client.request('POST', '/devices', { deviceId }, tokens[i % USERS]);
      latencies.push(performance.now() - t0);
      if (r.status !== 201) throw new Error(`registration ${deviceId}: ${r.status} ${r.body}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return latencies;
}

function startServer(db: string): ChildProcess {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const node = [
    process.execPath,
    ...(process.env.IQSIM_BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    main,
    ...['registry', 'serve', '--db', db, '--port', '0', '--test-mode', '--json'],
    // One client address signs up every account: lift the per-address limit on the auth routes.
    ...['--rate-limit', String(USERS * 4)],
  ];
  const [command, ...args] = [...(pinning()?.server ?? []), ...node] as [string, ...string[]];
  return spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
}

export async function runRegistryBench(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iqsim-bench-registry-'));
  const child = startServer(join(dir, 'bench.db'));
  let client: LoadClient | undefined;
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the registry server exited (${code})`)));
    });
    const { url } = JSON.parse(line) as { url: string };
    client = await LoadClient.open(url, IN_FLIGHT);
    const c = client;
    const tokens: string[] = [];
    for (let i = 0; i < USERS; i += IN_FLIGHT)
      tokens.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(IN_FLIGHT, USERS - i) }, (_, k) => user(c, i + k)),
        )),
      );
    await register(client, tokens, 0, WARMUP);

    const cpuStart = cpuSeconds(child.pid);
    const start = performance.now();
    const own = process.cpuUsage();
    const latencies = await register(client, tokens, WARMUP, WARMUP + REGISTRATIONS);
    const seconds = (performance.now() - start) / 1000;
    const ownUsage = process.cpuUsage(own);
    const clientCpu = (ownUsage.user + ownUsage.system) / 1e6;
    const cpuEnd = cpuSeconds(child.pid);
    const cpu = cpuStart === undefined || cpuEnd === undefined ? undefined : cpuEnd - cpuStart;

    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)] as number;
    const openMs = await storeOpenMs(dir);
    const metric = (name: string, value: number, unit: string): BenchLine => ({
      bench: 'registry',
      metric: name,
      value,
      unit,
    });
    return [
      metric('registrations-per-s', Math.round(REGISTRATIONS / seconds), 'registrations/s'),
      ...(cpu
        ? [
            metric('registrations-per-server-cpu-s', Math.round(REGISTRATIONS / cpu), 'registrations/cpu-s'),
            metric('server-cpu-share', Math.round((cpu / seconds) * 100) / 100, 'cores'),
            metric('client-cpu-share', Math.round((clientCpu / seconds) * 100) / 100, 'cores'),
          ]
        : []),
      metric('registration-ms-p99', Math.round(p99 * 100) / 100, 'ms'),
      metric('store-open-ms', Math.round(openMs * 10) / 10, 'ms'),
    ];
  } finally {
    client?.close();
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
