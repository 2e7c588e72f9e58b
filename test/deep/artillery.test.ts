/**
 * Issue 19 item 5: `artillery run` with artillery-engine-iqsim against the registration service on
 * 127.0.0.1 (docs/artillery.md). Artillery 2.0.21 comes from the cache folder of scripts/artillery.mjs
 * (installed on the first run: minutes, ~590 MB; reused afterwards), never from the root install;
 * the engine is built from packages/artillery-engine-iqsim and laid out as a user's install would
 * have it (its own folder in node_modules, iqsim and its dependencies beside it), found by Artillery
 * through NODE_PATH. The scenario is examples/artillery/owners.yml, as documented. Users:
 * `npm run test:deep -- artillery-users=N` (default 4). In test:deep, not `npm test`: a cold install
 * takes 33 s alone on the idle 2-core machine but 162 s beside the fast suite, which then ran 288 s
 * instead of about 220 (docs/decisions.md "Artillery outside the root install").
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualDevice } from '../../simulator/index.js';
import { createRegistry, type Registry } from '../../testing/index.js';
import { ROOT } from '../helpers/built-cli.js';
import { deepCount } from '../helpers/deep.js';

const ENGINE = join(ROOT, 'packages/artillery-engine-iqsim');
const USERS = deepCount('artillery-users', 4);
const SEED = 7;
/** The documented example, with its target and phases replaced by Artillery's own flags. */
const EXAMPLE = join(ROOT, 'examples/artillery/owners.yml');
const PHASES = JSON.stringify({ config: { phases: [{ duration: 1, arrivalCount: USERS }] } });

interface Report {
  aggregate: { counters: Record<string, number> };
}

/** A child process to its end, without blocking this worker: exit code and everything it printed. */
function run(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, output }));
  });
}

/** The pinned Artillery, installed into its cache folder when missing. */
async function artillery(): Promise<{ bin: string; installed: boolean; ms: number }> {
  const install = await run([join(ROOT, 'scripts/artillery.mjs')]);
  if (install.code !== 0) throw new Error(`scripts/artillery.mjs failed:\n${install.output}`);
  return JSON.parse(install.stdout.trim().split('\n').at(-1) as string);
}

/** node_modules as `npm install artillery-engine-iqsim iqsim` leaves it, from this repository. */
async function layOut(dir: string): Promise<string> {
  const build = await run([
    join(ROOT, 'node_modules/typescript/bin/tsc'),
    '-p',
    join(ENGINE, 'tsconfig.build.json'),
  ]);
  if (build.code !== 0) throw new Error(`engine build failed:\n${build.output}`);
  const modules = join(dir, 'node_modules');
  const engine = join(modules, 'artillery-engine-iqsim');
  mkdirSync(engine, { recursive: true });
  cpSync(join(ENGINE, 'package.json'), join(engine, 'package.json'));
  cpSync(join(ENGINE, 'dist'), join(engine, 'dist'), { recursive: true });
  symlinkSync(ROOT, join(modules, 'iqsim'), 'dir');
  const manifest = JSON.parse(readFileSync(join(ENGINE, 'package.json'), 'utf8'));
  for (const name of Object.keys(manifest.dependencies ?? {}))
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
  return modules;
}

/** `artillery run`, asynchronously: the service answering it runs in this process. */
function artilleryRun(bin: string, cwd: string, nodePath: string, target: string) {
  const args = ['run', '--target', target, '--overrides', PHASES, '--output', 'report.json', EXAMPLE];
  return run([bin, ...args], {
    cwd,
    env: { ...process.env, NODE_PATH: nodePath, ARTILLERY_DISABLE_TELEMETRY: 'true', NO_COLOR: '1' },
  });
}

let dir: string;
let registry: Registry;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iqsim-artillery-'));
  registry = await createRegistry();
});
afterAll(async () => {
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('artillery run with artillery-engine-iqsim', () => {
  it(`${USERS} virtual devices register, pair, heat and sync; their second-hand buyers are refused`, async () => {
    const install = await artillery();
    console.log(`artillery ${install.installed ? 'installed' : 'reused from the cache'} in ${install.ms} ms`);
    const nodePath = await layOut(dir);
    const started = performance.now();
    const result = await artilleryRun(install.bin, dir, nodePath, registry.url);
    console.log(`artillery run: ${Math.round(performance.now() - started)} ms`);
    expect(result.code, result.output).toBe(0);
    const { counters } = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report).aggregate;
    expect(counters).toMatchObject({
      'vusers.created': USERS,
      'vusers.completed': USERS,
      'iqsim.accounts.created': 2 * USERS,
      'iqsim.devices.paired': USERS,
      'iqsim.devices.registered': USERS,
      'iqsim.refused.REGISTRY_DEVICE_UNAVAILABLE': USERS,
      'iqsim.sessions.completed': USERS,
      'iqsim.puffs': 12 * USERS,
      'iqsim.syncs': USERS,
    });
    expect(counters['vusers.failed'] ?? 0).toBe(0);
    // The service holds devices 0 … USERS−1 of the fleet of seed 7, whatever thread ran which.
    const stored = registry.server.store.query('SELECT device_id FROM devices').map((row) => row.device_id);
    const { deviceSeed } = await import('../../packages/artillery-engine-iqsim/src/identity.js');
    const fleet = Array.from(
      { length: USERS },
      (_, k) =>
        createVirtualDevice({ model: 'iluma-i', seed: deviceSeed(SEED, k) }).identity.chargerProductNumber,
    );
    expect(stored.sort()).toEqual(fleet.sort());
  });
});
