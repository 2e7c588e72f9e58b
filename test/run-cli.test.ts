/**
 * `iqsim run` end to end through the built binary (issue #4 items 7 and 10): JSON lines in and out,
 * state files that survive SIGKILL at any moment, SIGTERM saves, and exit codes. Correctness never
 * depends on the wall clock: real time only decides when a kill lands, and every wait is on an event
 * (a line printed, a process exiting) with a generous safety timeout.
 */

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FirmwareInput } from '../firmware-model/index.js';
import { createVirtualDevice, type DeviceSnapshot, SeededRandom } from '../simulator/index.js';
import { ensureBuiltCli, MAIN } from './helpers/built-cli.js';

const SAFETY_MS = 15_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcessWithoutNullStreams>();
let dir: string;

beforeAll(() => {
  expect(ensureBuiltCli()).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'iqsim-run-'));
}, 120_000);

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts `iqsim <args>`; `exited` resolves with everything it printed (it is SIGKILLed after SAFETY_MS). */
function start(args: string[]): { child: ChildProcessWithoutNullStreams; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: dir });
  children.add(child);
  child.stdin.on('error', () => {}); // writes racing a kill get EPIPE
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const safety = setTimeout(() => child.kill('SIGKILL'), SAFETY_MS);
  const exited = new Promise<Exit>((resolveExit) => {
    child.on('close', (code, signal) => {
      clearTimeout(safety);
      children.delete(child);
      resolveExit({ code, signal, stdout, stderr });
    });
  });
  return { child, exited };
}

function send(child: ChildProcessWithoutNullStreams, ...inputs: (FirmwareInput | string)[]): void {
  for (const input of inputs)
    child.stdin.write(`${typeof input === 'string' ? input : JSON.stringify(input)}\n`);
}

/** Resolves once the child's stdout has a line matching `pattern`. */
function lineMatching(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => pattern.test(l));
      if (line === undefined) return;
      child.stdout.off('data', onData);
      resolveLine(line);
    };
    child.stdout.on('data', onData);
    child.on('close', () => reject(new Error(`exited before printing a line matching ${pattern}`)));
  });
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The state file restores (throws if not) and returns its snapshot. */
function restore(path: string): DeviceSnapshot {
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as DeviceSnapshot;
  createVirtualDevice({ model: 'iluma-i', snapshot });
  return snapshot;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('iqsim run', () => {
  it('--json prints each device event as a JSON line and takes firmware inputs as JSON lines', async () => {
    const { child, exited } = start(['run', '--model', 'iluma-i', '--json', '--duration-ms', '1500']);
    send(child, { type: 'undock' }, { type: 'stick', action: 'insert' }, 'not json', '{"type":"stick"}');
    child.stdin.end(); // EOF does not stop the run; --duration-ms does
    const result = await exited;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = jsonLines(result.stdout);
    const states = lines.filter((l) => l.type === 'state' && l.unit === 'holder').map((l) => l.to);
    expect(states.slice(0, 2)).toEqual(['IDLE_READY', 'PREHEAT']);
    expect(lines.filter((l) => l.ok === false)).toEqual([
      {
        ok: false,
        error: { code: 'CLI_BAD_INPUT', message: expect.stringMatching(/^not JSON at column \d+: /) },
      },
      { ok: false, error: { code: 'CLI_BAD_INPUT', message: '/: missing required property "action"' } },
    ]);
    for (const line of lines.filter((l) => l.ok === undefined)) expect(line.atMs).toEqual(expect.any(Number));
  });

  it('leaves a state file that restores whenever it is killed with SIGKILL', async () => {
    const path = join(dir, 'killed.json');
    const random = new SeededRandom(20_240_611);
    const killAfterMs = Array.from({ length: 5 }, () => 100 + random.int(701));
    const cycle: FirmwareInput[] = [
      { type: 'undock' },
      { type: 'stick', action: 'insert' },
      { type: 'puff' },
      { type: 'usb', power: 'normal' },
      { type: 'puff' },
      { type: 'stick', action: 'remove' },
      { type: 'button', unit: 'charger', action: 'press' },
      { type: 'button', unit: 'charger', action: 'release' },
      { type: 'dock' },
      { type: 'usb', power: 'none' },
    ];
    let lastNowMs = Number.NEGATIVE_INFINITY;
    let sent = 0;
    for (const ms of killAfterMs) {
      const { child, exited } = start([
        'run',
        '--model',
        'iluma-i',
        '--state',
        path,
        '--json',
        '--speed',
        '50',
      ]);
      const feeder = setInterval(() => send(child, cycle[sent++ % cycle.length] as FirmwareInput), 10);
      await delay(ms);
      child.kill('SIGKILL');
      const result = await exited;
      clearInterval(feeder);
      expect(result.signal, result.stderr).toBe('SIGKILL'); // it was running (a bad restore exits 2 first)
      if (!existsSync(path)) continue; // killed before the first save
      const snapshot = restore(path);
      expect(snapshot.firmware.state.nowMs).toBeGreaterThanOrEqual(lastNowMs); // restored, not restarted
      lastNowMs = snapshot.firmware.state.nowMs;
    }
    const final = await start([
      'run',
      '--model',
      'iluma-i',
      '--state',
      path,
      '--json',
      '--duration-ms',
      '100',
    ]).exited;
    expect(final).toMatchObject({ code: 0, stderr: '' });
    expect(restore(path).firmware.state.nowMs).toBeGreaterThanOrEqual(lastNowMs);
  });

  it('saves on SIGTERM, and the next run continues from the saved state', async () => {
    const path = join(dir, 'term.json');
    const first = start(['run', '--model', 'iluma-i', '--state', path, '--json', '--speed', '10']);
    send(first.child, { type: 'undock' });
    await lineMatching(first.child, /"to":"IDLE_READY"/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toMatchObject({ code: 0, signal: null, stderr: '' });
    const saved = restore(path);
    expect(saved.firmware.state.holder.docked).toBe(false);

    // A fresh iluma-i starts docked and would refuse a stick; the restored one starts heating.
    const second = start(['run', '--model', 'iluma-i', '--state', path, '--json']);
    send(second.child, { type: 'stick', action: 'insert' });
    const preheat = JSON.parse(await lineMatching(second.child, /"to":"PREHEAT"/)) as { atMs: number };
    expect(preheat.atMs).toBeGreaterThanOrEqual(saved.firmware.state.nowMs);
    second.child.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
    expect(restore(path).firmware.state.holder.state).toBe('PREHEAT');
  });

  it('prints human one-liners without --json when stdin is not a TTY', async () => {
    const { child, exited } = start(['run', '--model', 'iluma-i', '--duration-ms', '500']);
    send(child, { type: 'undock' }, '{"type":"warp"}');
    const result = await exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+:\d\d:\d\d\.\d{3} {2}holder state DOCKED_READY → IDLE_READY$/m);
    expect(result.stderr).toMatch(/^error CLI_BAD_INPUT: \/type: must be one of /);
  });

  it('refuses a corrupt state file with exit 2 and SIM_SNAPSHOT, leaving it untouched', async () => {
    const path = join(dir, 'corrupt.json');
    const text = '{"format":"iqsim-device","version":1,"firmware":';
    writeFileSync(path, text);
    const result = await start([
      'run',
      '--model',
      'iluma-i',
      '--state',
      path,
      '--json',
      '--duration-ms',
      '100',
    ]).exited;
    expect(result.code).toBe(2);
    // --json: stdout still carries one object, ok false (exit 2).
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'SIM_SNAPSHOT' } });
    expect(result.stderr).toMatch(
      /^error SIM_SNAPSHOT: .*corrupt\.json is not valid JSON at line 1 column 49/,
    );
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(dir).filter((n) => n.includes('corrupt'))).toEqual(['corrupt.json']);
  });

  it('refuses an unknown model (exit 2) and bad numbers (exit 2)', async () => {
    const unknown = await start(['run', '--model', 'iqos-9', '--duration-ms', '100']).exited;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error FIRMWARE_UNKNOWN_MODEL: unknown model 'iqos-9'/);
    const speed = await start(['run', '--model', 'iluma-i', '--speed', '0']).exited;
    expect(speed).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error CLI_BAD_SPEED/) });
  });
});
