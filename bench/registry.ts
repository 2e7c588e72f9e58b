/**
 * `npm run bench -- registry --json` (issue 11): device registrations through HTTP on loopback with
 * the file store (`registrations-per-s`, target ≥ 2,000/s on one core; `registration-ms-p99`) and
 * the store open time including migrations (`store-open-ms`, target < 100). The server runs in its
 * own process (`iqsim registry serve --db FILE --test-mode`), so client and server do not share a
 * core; requests go over keep-alive connections, 32 in flight.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LibsqlStore } from '../registration/server/index.js';
import type { BenchLine } from './codec.js';

const REGISTRATIONS = Number(process.env.IQSIM_BENCH_REGISTRATIONS ?? 20_000);
const IN_FLIGHT = 32;
const USERS = 8;

const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * CPU seconds the server process has used (Linux /proc, 100 ticks/s), or undefined elsewhere. On a
 * shared, loaded machine wall-clock throughput understates the service; registrations per server
 * CPU-second is what "on one core" means.
 */
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

async function user(url: string, n: number): Promise<string> {
  const email = `bench${n}@example.com`;
  await call(url, 'POST', '/auth/signup', {
    email,
    password: 'bench-pass1',
    dateOfBirth: '1990-01-01',
    country: 'DE',
  });
  const outbox = JSON.parse((await call(url, 'GET', `/_test/outbox?to=${email}`)).body) as { code: string }[];
  await call(url, 'POST', '/auth/verify', { email, code: outbox.at(-1)?.code });
  return (
    JSON.parse((await call(url, 'POST', '/auth/login', { email, password: 'bench-pass1' })).body) as {
      token: string;
    }
  ).token;
}

export async function runRegistryBench(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iqsim-bench-registry-'));
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      ...(process.env.IQSIM_BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      main,
      'registry',
      'serve',
      '--db',
      join(dir, 'bench.db'),
      '--port',
      '0',
      '--test-mode',
      '--json',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    const { url } = JSON.parse(line) as { url: string };
    const tokens = await Promise.all(Array.from({ length: USERS }, (_, i) => user(url, i)));
    const latencies: number[] = [];
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next < REGISTRATIONS) {
        const i = next++;
        const deviceId = `T${i.toString(36).toUpperCase().padStart(13, '0')}`;
        const t0 = performance.now();
        const r = await call(url, 'POST', '/devices', { deviceId }, tokens[i % USERS]);
        latencies.push(performance.now() - t0);
        if (r.status !== 201) failed++;
      }
    };
    const cpuStart = cpuSeconds(child.pid);
    const start = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (performance.now() - start) / 1000;
    const cpuEnd = cpuSeconds(child.pid);
    const cpu = cpuStart === undefined || cpuEnd === undefined ? undefined : cpuEnd - cpuStart;
    if (failed > 0) throw new Error(`${failed} registrations failed`);
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)] as number;
    const openMs = await storeOpenMs(dir);
    const line_ = (metric: string, value: number, unit: string): BenchLine => ({
      bench: 'registry',
      metric,
      value,
      unit,
    });
    return [
      line_('registrations-per-s', Math.round(REGISTRATIONS / seconds), 'registrations/s'),
      ...(cpu
        ? [line_('registrations-per-server-cpu-s', Math.round(REGISTRATIONS / cpu), 'registrations/cpu-s')]
        : []),
      line_('registration-ms-p99', Math.round(p99 * 100) / 100, 'ms'),
      line_('store-open-ms', Math.round(openMs * 10) / 10, 'ms'),
    ];
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
