/**
 * Issue 10 items 4 and 7 ("Why": `encode set-lock` with no argument built the unlock frame,
 * `set-brightness`/`set-clock` defaulted silently, unknown `--fields` keys were ignored, `--reply 300`
 * for a percentage was accepted, a 300-byte frame to `exchange`/`send` exited 1 "no reply") and
 * issue 9 item 4 (commander's usage errors as `error CODE:`, `"ok": false` on every non-zero exit).
 * Every case failed on the main before this change.
 */
import { describe, expect, it } from 'vitest';
import {
  encodeAdStructures,
  encodeCommand,
  encodeStatusRecord,
  ProtocolError,
} from '../../protocol/index.js';
import { usageCounters } from '../../protocol/registers/tables.js';
import { cli } from '../helpers/cli.js';

const FRAME_300 = `C0 ${Array.from({ length: 299 }, () => '00').join(' ')}`;

describe('encode: a missing argument is an error, never a zero', () => {
  for (const command of [
    'set-lock',
    'set-brightness',
    'set-clock',
    'set-flexbattery',
    'find-my',
    'set-auto-start',
  ]) {
    it(`encode ${command} without an argument exits 2 with PROTOCOL_MISSING_ARGUMENT`, async () => {
      const r = await cli('encode', command);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^error PROTOCOL_MISSING_ARGUMENT: /);
      expect(r.out).toBe('');
    });
  }
  it('the library refuses the same (no unlock frame from nothing)', () => {
    expect(() => encodeCommand('set-lock')).toThrow(
      expect.objectContaining({ code: 'PROTOCOL_MISSING_ARGUMENT' }),
    );
  });
  it('fields alone still say everything (the decode → encode round trip)', async () => {
    expect((await cli('encode', 'set-lock', '--fields', '{"state":2,"mask":255}')).code).toBe(0);
  });
  it('set-vibration takes no flag at all (every vibration off) but not five', async () => {
    expect((await cli('encode', 'set-vibration')).code).toBe(0);
    const r = await cli(
      'encode',
      'set-vibration',
      'puff-end',
      'puff-end',
      'puff-end',
      'puff-end',
      'puff-end',
    );
    expect(r.err).toMatch(/^error PROTOCOL_EXCESS_ARGUMENTS: /);
  });
  it('an extra argument is refused, not ignored', async () => {
    const r = await cli('encode', 'set-brightness', 'high', 'low');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/^error PROTOCOL_EXCESS_ARGUMENTS: /)]);
  });
});

describe('encode: unknown --fields keys', () => {
  it('are errors with a did-you-mean', async () => {
    const r = await cli('encode', 'set-brightness', '--fields', '{"levle":100}');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error PROTOCOL_UNKNOWN_FIELD: .*'levle'.*did you mean 'level'/);
  });
  it('derived names printed by decode are accepted (and ignored on encode)', async () => {
    const r = await cli('encode', 'set-brightness', '--fields', '{"level":100,"levelName":"high"}');
    expect(r).toMatchObject({ code: 0, out: '00 C0 46 23 64 00 00 00 4F\n' });
  });
});

describe('encoders clamp nothing silently', () => {
  it('--reply 300 for a percentage is refused with PROTOCOL_RANGE', async () => {
    const r = await cli('encode', 'get-battery-percent', '--reply', '300');
    expect([r.code, r.err]).toEqual([
      2,
      expect.stringMatching(/^error PROTOCOL_RANGE: percent must be .*0\.\.100/),
    ]);
    expect((await cli('encode', 'get-battery-percent', '--reply', '100')).code).toBe(0);
  });
  it('usage-counter blocks with an index or tag over a byte are refused, not wrapped', () => {
    const block = { index: 0, padHex: '00 00 00', value: 1, tag: 1 };
    expect(() => usageCounters.encode({ blocks: [{ ...block, index: 300 }], trailingHex: '' })).toThrow(
      ProtocolError,
    );
    expect(() => usageCounters.encode({ blocks: [{ ...block, tag: 256 }], trailingHex: '' })).toThrow(
      ProtocolError,
    );
    expect(() =>
      usageCounters.encode({ blocks: [{ ...block, padHex: '00 00 00 00' }], trailingHex: '' }),
    ).toThrow(ProtocolError);
  });
  it('status-record bit fields out of range are refused, not masked', () => {
    const status = {
      chargerState: 17,
      chargerReserved: 0,
      chargerLowBattery: false,
      chargerDefect: false,
      holderState: 3,
      holderConnection: 0,
      holderReserved: false,
      holderDefect: false,
    };
    expect(() => encodeStatusRecord({ status })).toThrow(expect.objectContaining({ code: 'PROTOCOL_RANGE' }));
    expect(() => encodeStatusRecord({ status: { ...status, chargerState: 1, holderConnection: 4 } })).toThrow(
      ProtocolError,
    );
  });
  it('an AD structure type over a byte is refused', () => {
    expect(() => encodeAdStructures([{ type: 0x1ff, data: Uint8Array.of(1) }])).toThrow(ProtocolError);
  });
});

describe('frames too long for their transport', () => {
  it('exchange with a 300-byte frame exits 2 (not 1 "no reply")', async () => {
    const r = await cli('exchange', '--model', 'iluma-i', FRAME_300);
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/^error CLI_FRAME_TOO_LONG: /)]);
  });
  it('send with a 300-byte frame exits 2 before opening the transport', async () => {
    const r = await cli('send', 'sim:iluma-i', FRAME_300);
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/^error CLI_FRAME_TOO_LONG: /)]);
  });
});

describe('numeric options have ranges (exit 2 with a code)', () => {
  const cases: [string, string[]][] = [
    ['CLI_BAD_SEED', ['exchange', '--model', 'iluma-i', '--seed', '4294967296', 'C0 02 23 C3']],
    ['CLI_BAD_SEED', ['exchange', '--model', 'iluma-i', '--seed', '-1', 'C0 02 23 C3']],
    ['CLI_BAD_MTU', ['decode', '--mtu', '22', '00 C0 02 23 C3']],
    ['CLI_BAD_MTU', ['encode', 'get-brightness', '--mtu', '518']],
    ['CLI_BAD_SPEED', ['run', '--model', 'iluma-i', '--speed', '0']],
    ['CLI_BAD_SPEED', ['run', '--model', 'iluma-i', '--speed', '1000001']],
    ['CLI_BAD_DURATION', ['run', '--model', 'iluma-i', '--duration-ms', '2147483648']],
    ['CLI_BAD_SEED', ['run', '--model', 'iluma-i', '--seed', '1.5']],
    ['CLI_BAD_TIMEOUT', ['probe', 'sim:iluma-i', '--timeout-ms', '600001']],
    ['CLI_BAD_WINDOW', ['send', 'sim:iluma-i', '--window-ms', '0', 'C0 02 23 C3']],
    ['CLI_BAD_PORT', ['ui', '--port', '65536']],
    ['CLI_BAD_COUNT', ['ui', '--count', '65']],
    ['CLI_BAD_SPEED', ['ui', '--speed', '0']],
  ];
  for (const [code, argv] of cases) {
    it(`iqsim ${argv.join(' ')} → ${code}`, async () => {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^error ${code}: `));
    });
  }
});

describe("commander's own usage errors", () => {
  const cases: [string, string[]][] = [
    ['CLI_UNKNOWN_OPTION', ['decode', '--bogus', '00']],
    ['CLI_MISSING_ARGUMENT', ['decode']],
    ['CLI_EXCESS_ARGUMENTS', ['models', 'extra']],
    ['CLI_MISSING_OPTION', ['exchange', 'C0 02 23 C3']],
    ['CLI_MISSING_OPTION_VALUE', ['decode', '00', '--mtu']],
    ['CLI_UNKNOWN_COMMAND', ['decod', '00']],
  ];
  for (const [code, argv] of cases) {
    it(`iqsim ${argv.join(' ')} → error ${code}, exit 2`, async () => {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^error ${code}: .*\\(run iqsim .*--help for usage\\)\\n$`));
    });
  }
  it('iqsim alone prints the help on stderr and exits 2, with no second error line', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^Usage: iqsim /);
    expect(r.err).not.toMatch(/^error /m);
  });
  it('with --json stdout carries {"ok": false, "error"} too', async () => {
    const r = await cli('decode', '--json', '--bogus', '00');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, error: { code: 'CLI_UNKNOWN_OPTION' } });
  });
});
