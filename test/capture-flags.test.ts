/**
 * Record anywhere (issue 17 item 2, docs/captures.md "Recording a link"): `--capture FILE` on the
 * commands, in each format, read back; a bad path refused before anything is written; `iqsim run
 * --serial` and a serial client recording the same session from both ends, which then diff clean; the
 * test rig's capture file; and the Playwright fixture's keep-or-delete rule.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepCapture } from '../playwright/index.js';
import { type CaptureEvent, transcriptOf } from '../simulator/index.js';
import { createRig } from '../testing/index.js';
import { readCaptureFile } from '../transports/index.js';
import { ensureBuiltCli, MAIN } from './helpers/built-cli.js';
import { cli } from './helpers/cli.js';

let dir: string;
const file = (name: string) => join(dir, name);

async function eventsOf(path: string): Promise<{ format: string; events: readonly CaptureEvent[] }> {
  const read = await readCaptureFile(path);
  if (!read.ok) throw read.error;
  return read.value;
}

const keys = (events: readonly CaptureEvent[]) => transcriptOf(events).map((e) => e.key);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iqsim-capture-flags-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--capture on the commands', () => {
  it('probe of sim: records the advertisement, the connection and the SCP traffic (JSON lines)', async () => {
    expect((await cli('probe', 'sim:iluma-i', '--capture', file('probe.jsonl'))).code).toBe(0);
    const { format, events } = await eventsOf(file('probe.jsonl'));
    expect(format).toBe('jsonl');
    expect(events.slice(0, 2).map((e) => e.kind)).toEqual(['advertising', 'connect']);
    expect(keys(events)).toEqual(
      expect.arrayContaining(['← get-firmware charger S 0x0', '→ get-product-number holder S 0xC']),
    );
  });

  it('exchange over USB (pcapng), send and diagnose (btsnoop), scenario and conformance', async () => {
    const exchange = await cli(
      'exchange',
      '--model',
      'iluma-i',
      '--transport',
      'usb',
      '--capture',
      file('x.pcapng'),
      '3F 04 C0 00 24 FC',
    );
    expect(exchange.code).toBe(0);
    const usb = await eventsOf(file('x.pcapng'));
    expect(usb.events.map((e) => e.kind)).toEqual(['usb', 'usb']);
    expect((await cli('send', 'sim:iluma-i', '00 C0 02 23 C3', '--capture', file('send.btsnoop'))).code).toBe(
      0,
    );
    expect(keys((await eventsOf(file('send.btsnoop'))).events)).toContain('← get-brightness charger S 0x8E');
    expect((await cli('diagnose', 'sim:iluma-i', '--json', '--capture', file('d.btsnoop'))).code).toBe(0);
    expect((await eventsOf(file('d.btsnoop'))).events.length).toBeGreaterThan(20);
    const scenario = await cli(
      'scenario',
      'examples/scenarios/iluma-i-session.json',
      '--capture',
      file('s.jsonl'),
    );
    expect(scenario.code).toBe(0);
    expect((await eventsOf(file('s.jsonl'))).events.some((e) => e.kind === 'att')).toBe(true);
    expect((await cli('conformance', 'sim:iluma-i', '--json', '--capture', file('c.jsonl'))).code).toBe(0);
    expect(
      (await eventsOf(file('c.jsonl'))).events.filter((e) => e.kind === 'connect').length,
    ).toBeGreaterThan(1);
  });

  it('a path that cannot be written is exit 2 before anything runs; a bad spec writes no file', async () => {
    const bad = await cli('probe', 'sim:iluma-i', '--capture', join(dir, 'missing', 'x.jsonl'));
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toMatch(/^error TRANSPORT_OPEN_FAILED: cannot write the capture/);
    expect((await cli('probe', 'sim:nope', '--capture', file('never.jsonl'))).code).toBe(2);
    expect(existsSync(file('never.jsonl'))).toBe(false);
  });
});

describe('iqsim run --serial --capture, and a serial client capturing the same session', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let stderr = '';

  beforeAll(async () => {
    expect(ensureBuiltCli()).toBe(true);
    const started = spawn(process.execPath, [
      MAIN,
      'run',
      '--model',
      'iluma-i',
      '--json',
      '--serial',
      file('tty'),
      '--capture',
      file('device.jsonl'),
    ]);
    child = started;
    started.stdout.resume();
    await new Promise<void>((ready, fail) => {
      started.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (stderr.includes(`serial: ${file('tty')}\n`)) ready();
      });
      started.on('close', (code) => fail(new Error(`iqsim run exited ${code}: ${stderr}`)));
    });
  }, 120_000);

  it('the host keeps raw serial bytes, the device its reports; the two diff clean as SCP', async () => {
    const probe = await cli(
      'probe',
      `serial:${file('tty')}`,
      '--timeout-ms',
      '5000',
      '--capture',
      file('host.pcapng'),
    );
    expect(probe.code).toBe(0);
    const stopped = new Promise((done) => child?.on('close', done));
    child?.kill('SIGTERM');
    await stopped;
    const host = await eventsOf(file('host.pcapng'));
    expect(new Set(host.events.map((e) => e.kind))).toEqual(new Set(['serial']));
    const device = await eventsOf(file('device.jsonl'));
    expect(new Set(device.events.map((e) => e.kind))).toEqual(new Set(['usb']));
    const diff = await cli('diff', file('device.jsonl'), file('host.pcapng'), '--only', 'scp', '--no-timing');
    expect(diff.code, diff.out).toBe(0);
  });
});

describe('captures in tests', () => {
  it('createRig({ capture: path }) writes the file by the time close() resolves', async () => {
    const rig = await createRig({ model: 'iluma-i', capture: file('rig.btsnoop') });
    await rig.run(rig.client?.getBatteryPercent() ?? Promise.resolve(0));
    await rig.close();
    expect(keys((await eventsOf(file('rig.btsnoop'))).events)).toContain(
      '← get-battery-percent charger S 0x90',
    );
  });

  it('the Playwright fixture keeps a capture on failure (or with on) and deletes it after a pass', async () => {
    const attached: string[] = [];
    const info = (status: 'passed' | 'failed') => ({
      status,
      expectedStatus: 'passed' as const,
      attach: async (name: string) => {
        attached.push(name);
      },
    });
    const finished = { finish: async () => undefined };
    for (const [mode, status, kept] of [
      ['retain-on-failure', 'passed', false],
      ['retain-on-failure', 'failed', true],
      ['on', 'passed', true],
    ] as const) {
      const path = file(`pw-${mode}-${status}.pcapng`);
      writeFileSync(path, '');
      attached.length = 0;
      await keepCapture(finished, path, mode, info(status));
      expect(existsSync(path), `${mode} ${status}`).toBe(kept);
      expect(attached).toEqual(kept ? ['iqsim-capture'] : []);
    }
  });
});
