/** The CLI in-process (same code as the binary) plus one run of the built binary. */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isFrameVector, VECTORS } from './fixtures/vectors.js';
import { cli } from './helpers/cli.js';

interface JsonItem {
  hex: string;
  kind: string;
  node: string;
  register: number | null;
  table?: string;
  command: string;
  known: boolean;
  fields: Record<string, unknown>;
  extraHex?: string;
  crcValid: boolean;
  error?: { code: string; message: string; expectedCrc?: number };
}

describe('iqsim decode / encode round trip on every vector', () => {
  for (const v of VECTORS.filter(isFrameVector)) {
    it(v.id, async () => {
      const hex = v.correctHex ?? v.hex;
      const transport = v.transport === 'usb' ? 'usb' : 'ble';
      const decoded = await cli('decode', '--json', '--transport', transport, hex);
      const { ok, items } = JSON.parse(decoded.out) as { ok: boolean; items: JsonItem[] };
      const item = items[0] as JsonItem;
      expect(item).toMatchObject({ hex, kind: v.kind, crcValid: true });
      if (item.error?.code === 'PROTOCOL_LENGTH') {
        expect(decoded.code).toBe(1); // the obsolete 8-byte Find My forms (D-6)
        return;
      }
      expect(ok).toBe(true);
      expect(decoded.code).toBe(0);
      const target = item.known ? [] : [item.table ? item.table : String(item.register)];
      const args = [
        'encode',
        item.command,
        ...target,
        '--node',
        item.node,
        '--transport',
        transport,
        '--fields',
        JSON.stringify(item.fields),
      ];
      if (item.kind === 'response') args.push('--reply');
      if (item.extraHex) args.push('--extra', item.extraHex);
      const encoded = await cli(...args);
      expect(encoded.err).toBe('');
      expect(encoded.code).toBe(0);
      const wire = encoded.out.trim().split('\n').join(' ');
      expect(
        transport === 'usb' ? wire.startsWith(hex) && /^[0\s]*$/.test(wire.slice(hex.length)) : wire === hex,
      ).toBe(true);
    });
  }
});

describe('iqsim decode', () => {
  it('reports a bad CRC with its expected CRC and exit 1', async () => {
    const r = await cli('decode', '--json', '00 C0 01 00 F6');
    expect(r.code).toBe(1);
    const item = (JSON.parse(r.out) as { items: JsonItem[] }).items[0];
    expect(item?.error).toMatchObject({ code: 'PROTOCOL_CRC', expectedCrc: 0x15 });
    expect(item?.command).toBe('get-device-info');
  });
  it('bad hex is a usage error with a stable code and exit 2', async () => {
    const r = await cli('decode', '00 C0 0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error PROTOCOL_BAD_HEX: /);
    expect(r.out).toBe('');
  });
  it('a truncated frame fails with PROTOCOL_TRUNCATED and exit 1', async () => {
    const r = await cli('decode', '--json', '--transport', 'frame', 'C0 02');
    expect(r.code).toBe(1);
    expect(r.out).toContain('PROTOCOL_TRUNCATED');
  });
  it('prints a readable table by default', async () => {
    const r = await cli('decode', '00 C0 88 03 54 4C 32 45 59 59 38 52 4D 31 57 51 48 30 86');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/command\s+get-product-number/);
    expect(r.out).toMatch(/productNumber\s+TL2EYY8RM1WQH0/);
  });
  it('decodes characteristic values', async () => {
    const r = await cli('decode', '--json', '--char', 'battery', '07 00 34 18 68 0E');
    expect(JSON.parse(r.out)).toMatchObject({
      ok: true,
      items: [{ kind: 'battery', fields: { chargerLevelPct: 52, chargerVoltageMv: 3688 } }],
    });
  });
  it('rejects a bad option value with exit 2', async () => {
    expect((await cli('decode', '--transport', 'serial', '00')).code).toBe(2);
    expect((await cli('decode', '--char', 'nope', '00')).code).toBe(2);
  });
});

describe('iqsim encode', () => {
  it('builds requests and replies by name', async () => {
    expect((await cli('encode', 'set-brightness', 'high')).out).toBe('00 C0 46 23 64 00 00 00 4F\n');
    expect((await cli('encode', 'set-clock', '2025-01-01T00:00:00Z')).out).toBe(
      '00 C0 50 06 00 04 80 4A 37 1C C1 7B\n',
    );
    expect((await cli('encode', 'get-clock', '--reply', '2025-01-01T00:00:00Z', '-t', 'frame')).out).toBe(
      'C0 90 0A 00 04 DA 07 01 01 80 4A 37 1C 65 B9\n',
    );
    expect((await cli('encode', 'set-smart-gesture', 'on')).out).toBe('00 C9 47 24 04 01 00 00 71\n');
    expect((await cli('encode', 'get-firmware', '--node', 'holder', '--extra', '00 00')).out).toBe(
      '00 C9 00 00 00 00 00\n',
    );
  });
  it('unknown command, wrong unit and bad argument are usage errors (exit 2)', async () => {
    const unknown = await cli('encode', 'make-coffee');
    expect([unknown.code, unknown.err]).toEqual([2, expect.stringMatching(/PROTOCOL_UNKNOWN_COMMAND/)]);
    expect((await cli('encode', 'get-brightness', '--node', 'holder')).err).toMatch(
      /PROTOCOL_UNKNOWN_COMMAND/,
    );
    expect((await cli('encode', 'set-brightness', 'blinding')).err).toMatch(/PROTOCOL_RANGE/);
    expect((await cli('encode', 'get-lock', '--fields', '{oops')).err).toMatch(/CLI_BAD_JSON/);
  });
  it('--help lists every command with examples', async () => {
    const r = await cli('encode', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Examples:');
    expect(r.out).toContain('set-flexbattery');
  });
});

describe('the built binary', () => {
  it('runs decode (npm test builds dist first) and exits with the documented codes', () => {
    const out = execFileSync('node', ['dist/cli/main.js', 'decode', '--json', '00 C0 02 23 C3'], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toMatchObject({
      ok: true,
      items: [{ command: 'get-brightness', node: 'charger', register: 0x8e }],
    });
    expect(spawnSync('node', ['dist/cli/main.js', 'decode', 'xyz']).status).toBe(2);
    expect(spawnSync('node', ['dist/cli/main.js', 'decode', '00 C0 01 00 F6']).status).toBe(1);
  });
});

describe('one JSON vocabulary for frames (issue 9 item 4)', () => {
  it('exchange, send and decode print the same item for the same frame', async () => {
    const exchanged = JSON.parse(
      (await cli('exchange', '--model', 'iluma-i', '--json', '00 C0 02 23 C3')).out,
    );
    const sent = JSON.parse(
      (await cli('send', 'sim:iluma-i', '--json', '--window-ms', '100', 'C0 02 23 C3')).out,
    );
    const reply = exchanged.exchanges[0].replies[0];
    const decoded = JSON.parse((await cli('decode', '--json', '--transport', 'frame', reply.hex)).out)
      .items[0];
    expect(reply).toEqual(decoded);
    expect(sent.exchanges[0].replies[0]).toEqual(decoded);
    expect(exchanged.exchanges[0].request).toEqual(
      JSON.parse((await cli('decode', '--json', '--transport', 'frame', 'C0 02 23 C3')).out).items[0],
    );
    // Numbers for values (register), hex strings for bytes (node byte, frames).
    expect(decoded).toMatchObject({
      register: 0x8e,
      nodeByte: 'C0',
      hex: expect.stringMatching(/^C0 86 23 /),
    });
  });

  it('exchange --transport usb takes USB reports as decode --transport usb does', async () => {
    const r = await cli(
      'exchange',
      '--model',
      'iluma-i',
      '--transport',
      'usb',
      '--json',
      '3F 04 C0 02 23 C3',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).exchanges[0]).toMatchObject({
      request: { hex: 'C0 02 23 C3', command: 'get-brightness' },
      replies: [{ command: 'get-brightness', fields: { levelName: 'high' } }],
    });
  });

  it('ok is false whenever the exit code is not 0', async () => {
    const silent = await cli('exchange', '--model', 'iluma-i', '--json', 'C9 02 7F 00');
    expect([silent.code, JSON.parse(silent.out).ok]).toEqual([1, false]);
    const badCrc = await cli('decode', '--json', '00 C0 01 00 F6');
    expect([badCrc.code, JSON.parse(badCrc.out).ok]).toEqual([1, false]);
    const usage = await cli('encode', 'set-lock', '--json');
    expect([usage.code, JSON.parse(usage.out)]).toEqual([
      2,
      { ok: false, error: { code: 'PROTOCOL_MISSING_ARGUMENT', message: expect.any(String) } },
    ]);
  });
});
