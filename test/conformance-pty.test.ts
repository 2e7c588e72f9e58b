/**
 * `iqsim conformance serial:<pty>` against `iqsim run --serial` (issue 17 acceptance,
 * docs/conformance.md "On a bench unit"): the suite in real time over a socat pseudo-terminal, the
 * model told by the unit's model number. Real time only paces the device; the reply timeout is
 * generous (2 s, against a 5 ms reply delay) so a busy machine makes the run slower, not red.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../simulator/index.js';
import { ensureBuiltCli, MAIN } from './helpers/built-cli.js';
import { cli } from './helpers/cli.js';

const SAFETY_MS = 120_000;

describe('iqsim conformance over a pty to iqsim run --serial', () => {
  let dir: string;
  let child: ChildProcessWithoutNullStreams | undefined;
  let ttyPath: string;

  beforeAll(async () => {
    expect(ensureBuiltCli()).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'iqsim-conformance-pty-'));
    ttyPath = join(dir, 'ttyIQOS');
    const started = spawn(process.execPath, [MAIN, 'run', '--model', 'iluma-i', '--serial', ttyPath], {
      cwd: dir,
    });
    child = started;
    started.stdout.resume();
    const safety = setTimeout(() => started.kill('SIGKILL'), SAFETY_MS);
    started.on('close', () => clearTimeout(safety));
    let stderr = '';
    await new Promise<void>((ready, fail) => {
      started.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (stderr.includes(`serial: ${ttyPath}\n`)) ready();
      });
      started.on('close', (code) =>
        fail(new Error(`iqsim run exited ${code} before it was ready: ${stderr}`)),
      );
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child?.on('close', r));
      child.kill('SIGTERM');
      await closed;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes every SCP check; the BLE-only checks do not apply', async () => {
    const junit = join(dir, 'pty.xml');
    const result = await cli(
      'conformance',
      `serial:${ttyPath}`,
      '--json',
      '--timeout-ms',
      '2000',
      '--junit',
      junit,
    );
    const report = JSON.parse(result.out) as ConformanceReport;
    expect(report.results.filter((r) => r.outcome === 'fail')).toEqual([]);
    expect(result.code).toBe(0);
    expect(report).toMatchObject({ ok: true, model: 'iluma-i', channel: 'usb' });
    const byOutcome = (outcome: string) =>
      report.results.filter((r) => r.outcome === outcome).map((r) => r.id);
    expect(byOutcome('pass')).toEqual([
      'scp.read-registers',
      'scp.write-echo',
      'scp.bad-crc',
      'scp.read-only',
      'scp.queue-depth',
      'scp.reply-timing',
      'usb.report-framing',
    ]);
    expect(byOutcome('n/a')).toEqual([
      'scp.stale-partial',
      'ble.fragmentation',
      'ble.battery-notify',
      'ble.status-notify',
      'ble.advertising',
    ]);
    expect(report.results.find((r) => r.id === 'ble.fragmentation')?.detail).toBe(
      "the target's link is USB and it cannot open a BLE link",
    );
  });
});
