/**
 * `iqsim fleet` (docs/fleet.md "The command"): the JSON report, bad input refused with a code and exit 2,
 * SIGINT printing the summary so far (the built binary, signalled once it printed its first line), and
 * a handful of devices used for two months against the local registration service, whose refusals
 * are counted by code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, MAIN } from './helpers/built-cli.js';
import { cli } from './helpers/cli.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iqsim-fleet-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const reportOf = (out: string) =>
  JSON.parse(out) as Record<string, unknown> & { stats: Record<string, unknown> };

describe('iqsim fleet', () => {
  it('prints one JSON report with --json', async () => {
    const result = await cli(
      'fleet',
      '--count',
      '8',
      '--model',
      'iluma-i,iluma-one',
      '--seed',
      '3',
      '--shard',
      '1/2',
      '--virtual',
      '10m',
      '--json',
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out.trim().split('\n')).toHaveLength(1);
    const report = reportOf(result.out);
    expect(report).toMatchObject({
      ok: true,
      seed: 3,
      count: 8,
      shard: { index: 1, count: 2 },
      mode: 'virtual',
      virtualMs: 600_000,
      stopped: 'end',
      stats: { devices: 4, running: 4, isolated: [] },
    });
  });

  it('refuses bad input with a code and exit 2', async () => {
    const cases: [string[], string][] = [
      [['--count', '-1'], 'CLI_BAD_COUNT'],
      [['--count', '1000001'], 'CLI_BAD_COUNT'],
      [['--count', '2', '--virtual', '401d'], 'CLI_BAD_DURATION'],
      [['--count', '2', '--model', 'iluma-x'], 'SIM_UNKNOWN_MODEL'],
      [['--count', '2', '--shard', '2/2'], 'SIM_FLEET'],
      [['--count', '2', '--shard', 'half'], 'CLI_BAD_SHARD'],
      [['--count', '2', '--virtual', '0'], 'CLI_BAD_DURATION'],
      [['--count', '2', '--speed', '0'], 'CLI_BAD_SPEED'],
      [['--model', 'iluma-i'], 'CLI_MISSING_OPTION'],
      [['--count', '2', '--registry', 'local', '--speed', '1'], 'CLI_CONFLICTING_OPTIONS'],
      [['--count', '2', '--registry', 'ftp://example'], 'CLI_BAD_REGISTRY'],
    ];
    for (const [args, code] of cases) {
      const result = await cli('fleet', ...args, '--json');
      expect({ args, code: result.code, err: result.err.split(':')[0] }).toEqual({
        args,
        code: 2,
        err: `error ${code}`,
      });
      expect(JSON.parse(result.out)).toMatchObject({ ok: false, error: { code } });
    }
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{\n  "count": 3,\n  "models": [{ "model": "iluma-i", "share": 0.5 }]\n}\n');
    const bad = await cli('fleet', '--file', file);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(`error SIM_FLEET: ${file}:3: /models: the shares sum to 0.5, not 1\n`);
  });

  it('stops on SIGINT and prints the summary so far', async () => {
    expect(ensureBuiltCli()).toBe(true);
    const child = spawn(process.execPath, [MAIN, 'fleet', '--count', '5', '--speed', '1'], { cwd: dir });
    let stdout = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!signalled && stdout.includes('\n')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const safety = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(safety);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^fleet: 5 of 5 devices \(#0\.\.#4\), seed 1, shard 0\/1, iluma-i; until SIGINT/);
    expect(stdout).toMatch(/^holder {3}\S/m);
    expect(stdout).toMatch(/^lateness p50 /m);
    expect(stdout).toMatch(/^stopped by SIGINT: /m);
  });

  it('uses a handful of devices against the registration service for two months', async () => {
    const file = join(dir, 'light.json');
    writeFileSync(
      file,
      JSON.stringify({
        count: 2,
        seed: 5,
        models: ['iluma-i', 'iluma-i-one'],
        behaviours: [{ share: 1, sessionsPerDay: 0.05, puffsPerSession: 8 }],
        faults: { share: 1, kinds: ['chargerError'], withinMs: 864_000_000 },
      }),
    );
    const result = await cli('fleet', '--file', file, '--registry', 'local', '--virtual', '62d', '--json');
    expect(result).toMatchObject({ code: 0, err: '' });
    const report = reportOf(result.out) as unknown as {
      stats: { faults: { injected: number } };
      registry: {
        calls: number;
        ok: number;
        paired: number;
        refused: Record<string, number>;
        bySteps: Record<string, { ok: number; refused: Record<string, number> }>;
      };
    };
    const { registry } = report;
    expect(registry.paired).toBe(2);
    expect(registry.bySteps.pair).toEqual({ ok: 2, refused: {} });
    expect(report.stats.faults.injected).toBe(2);
    const warranty = registry.bySteps.warranty;
    expect((warranty?.ok ?? 0) + Object.values(warranty?.refused ?? {}).reduce((a, b) => a + b, 0)).toBe(2);
    // Sessions last 30 days: each monthly sync, 30 days after the last login, finds its session
    // expired (refused and counted), logs in again and retries.
    expect(registry.bySteps.sync?.refused).toEqual({ REGISTRY_UNAUTHENTICATED: 4 });
    expect(registry.bySteps.sync?.ok).toBe(4);
    const refusedTotal = Object.values(registry.refused).reduce((a, b) => a + b, 0);
    expect(registry.calls).toBe(registry.ok + refusedTotal);
  });
});
