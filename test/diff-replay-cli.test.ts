/**
 * `iqsim diff` and `iqsim replay` (docs/captures.md "Decoded diff", "Replay"; docs/cli.md): captures of
 * a virtual ILUMA i written as JSON lines and btsnoop, compared; a changed reply found as one decoded
 * difference; the recorded app session re-sent to `sim:` and to `replay:`; the recorded device served
 * over a socat pty and re-sent to over it; and bad input, each with its code and exit 2.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand, toHex } from '../protocol/index.js';
import { createVirtualDevice, encodeBtsnoop, encodeJsonl } from '../simulator/index.js';
import { ensureBuiltCli, MAIN } from './helpers/built-cli.js';
import { recordSession } from './helpers/capture-session.js';
import { cli } from './helpers/cli.js';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iqsim-diff-'));
  const plain = await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 3 }));
  writeFileSync(file('a.jsonl'), encodeJsonl(plain));
  writeFileSync(file('a.btsnoop'), encodeBtsnoop(plain));
  writeFileSync(
    file('b.jsonl'),
    encodeJsonl(await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 3 }))),
  );
  const changed = createVirtualDevice({ model: 'iluma-i', seed: 3, overrides: { 'C0.0x90': '45 00 00 00' } });
  writeFileSync(file('changed.jsonl'), encodeJsonl(await recordSession(changed)));
  writeFileSync(file('truncated.btsnoop'), encodeBtsnoop(plain).subarray(0, 40));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('iqsim diff', () => {
  it('two recordings of the same session, in two formats, do not differ', async () => {
    const result = await cli('diff', file('a.jsonl'), file('b.jsonl'));
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/no differences\n$/);
    // btsnoop carries no central name and no USB; the SCP traffic is the same.
    expect(await cli('diff', file('a.jsonl'), file('a.btsnoop'), '--only', 'scp')).toMatchObject({ code: 0 });
  });

  it('a changed reply is exactly one decoded difference, exit 1, in text and JSON', async () => {
    const text = await cli('diff', file('a.jsonl'), file('changed.jsonl'));
    expect(text.code).toBe(1);
    expect(text.out).toContain('~ ← get-battery-percent charger S 0x90');
    expect(text.out).toMatch(/1 difference: 1 changed, 0 only in A, 0 only in B\n$/);
    const json = JSON.parse((await cli('diff', file('a.jsonl'), file('changed.jsonl'), '--json')).out);
    expect(json).toMatchObject({ ok: true, equal: false, count: 1 });
    expect(json.differences[0]).toMatchObject({
      type: 'changed',
      key: '← get-battery-percent charger S 0x90',
    });
    expect(json.differences[0].fields.length).toBeGreaterThan(0);
    const ignored = await cli(
      'diff',
      file('a.jsonl'),
      file('changed.jsonl'),
      '--ignore',
      'get-battery-percent',
    );
    expect(ignored.code).toBe(0);
  });

  it('refuses captures that do not read, and bad options, with exit 2 and a code', async () => {
    const truncated = await cli('diff', file('a.jsonl'), file('truncated.btsnoop'));
    expect(truncated).toMatchObject({ code: 2 });
    expect(truncated.err).toMatch(/^error SIM_CAPTURE_TRUNCATED: .*truncated\.btsnoop \(byte \d+\)/);
    expect((await cli('diff', file('a.jsonl'), file('missing.jsonl'))).err).toMatch(
      /^error TRANSPORT_OPEN_FAILED/,
    );
    const bands = await cli('diff', file('a.jsonl'), file('b.jsonl'), '--timing-bands', '100,20');
    expect(bands).toMatchObject({ code: 2 });
    expect(bands.err).toMatch(/^error CLI_BAD_BANDS/);
    expect((await cli('diff', file('a.jsonl'), file('b.jsonl'), '--only', 'frames')).err).toMatch(
      /CLI_BAD_OPTION/,
    );
    expect((await cli('diff', file('a.jsonl'), file('b.jsonl'), '--limit', '0')).err).toMatch(
      /CLI_BAD_LIMIT/,
    );
  });
});

describe('iqsim replay --against', () => {
  it('the recorded app session against the same virtual device, and against its own replay: no difference', async () => {
    const sim = await cli('replay', file('a.jsonl'), '--against', 'sim:iluma-i?seed=3', '--no-timing');
    expect(sim).toMatchObject({ code: 0, err: '' });
    expect(sim.out).toMatch(/no differences\n$/);
    const replay = await cli('replay', file('a.jsonl'), '--against', `replay:${file('a.jsonl')}`, '--json');
    expect(JSON.parse(replay.out)).toMatchObject({ equal: true, count: 0 });
  });

  it('a target whose reply changed shows that one reply', async () => {
    const result = await cli(
      'replay',
      file('changed.jsonl'),
      '--against',
      'sim:iluma-i?seed=3',
      '--no-timing',
      '--json',
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out);
    expect(report.count).toBe(1);
    expect(report.differences[0].key).toBe('← get-battery-percent charger S 0x90');
  });

  it('probe of replay: answers what was recorded and nothing else', async () => {
    const probe = JSON.parse(
      (await cli('probe', `replay:${file('a.jsonl')}`, '--json', '--timeout-ms', '50')).out,
    );
    expect(probe.battery.chargerLevelPct).toBeGreaterThan(0);
    expect(probe.firmware.charger).toBe('no reply');
  });

  it('needs exactly one mode; --as-device needs --serial; a model that does not exist is refused', async () => {
    expect((await cli('replay', file('a.jsonl'))).err).toMatch(/^error CLI_REPLAY_MODE/);
    expect((await cli('replay', file('a.jsonl'), '--as-device')).err).toMatch(/^error CLI_MISSING_OPTION/);
    const model = await cli(
      'replay',
      file('a.jsonl'),
      '--as-device',
      '--model',
      'iluma-x',
      '--serial',
      file('t'),
    );
    expect(model.code).toBe(2);
    expect((await cli('probe', 'replay:')).err).toMatch(/^error TRANSPORT_BAD_SPEC/);
  });
});

describe('iqsim replay --as-device over a socat pty', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let stderr = '';
  const tty = () => file('ttyREPLAY');

  beforeAll(async () => {
    expect(ensureBuiltCli()).toBe(true);
    const started = spawn(process.execPath, [
      MAIN,
      'replay',
      file('a.jsonl'),
      '--as-device',
      '--serial',
      tty(),
    ]);
    child = started;
    started.stdout.resume();
    await new Promise<void>((ready, fail) => {
      started.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (stderr.includes(`serial: ${tty()}\n`)) ready();
      });
      started.on('close', (code) =>
        fail(new Error(`iqsim replay exited ${code} before it was ready: ${stderr}`)),
      );
    });
  }, 120_000);

  it('serves the recorded replies over serial; a request it never saw is listed when it stops', async () => {
    const result = await cli(
      'replay',
      file('a.jsonl'),
      '--against',
      `serial:${tty()}`,
      '--no-timing',
      '--timeout-ms',
      '5000',
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    const voltage = toHex(encodeCommand('get-voltage', { unit: 'holder' }));
    const unknown = await cli('send', `serial:${tty()}`, voltage, '--json', '--window-ms', '300');
    expect(JSON.parse(unknown.out).exchanges[0].replies).toEqual([]);
    const stopped = new Promise((done) => child?.on('close', done));
    child?.kill('SIGTERM');
    await stopped;
    expect(stderr).toContain(`replay: 4 recorded requests, 1 unanswered\n  unanswered ×1: ${voltage}\n`);
  });
});
