/**
 * `sim:` with `snapshot=` and `overrides=` (docs/simulator.md "Register overrides"): the device is
 * restored from the file and answers the pinned bytes; bad files fail with their stable code before
 * a device exists.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeShortFrame, toHex } from '../protocol/index.js';
import { createVirtualDevice } from '../simulator/index.js';
import { openTransport } from './select.js';
import { parseTransportSpec } from './spec.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-open-sim-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const readS90 = encodeShortFrame({ node: 0xc0, address: 0x90 });

describe('sim: snapshot= and overrides=', () => {
  it('parses both options', () => {
    expect(parseTransportSpec('sim:iluma-i?snapshot=/a.json&overrides=/b.json')).toMatchObject({
      snapshot: '/a.json',
      overrides: '/b.json',
    });
    expect(() => parseTransportSpec('sim:iluma-i?overrides=')).toThrow('needs a file path');
  });

  it('restores the snapshot and applies the overrides on top', async () => {
    const original = createVirtualDevice({ model: 'iluma-i-one', seed: 9, startMs: 5_000 });
    original.input({ type: 'level', unit: 'charger', percent: 42 }, 6_000);
    const snapshot = file('device.json', original.snapshot());
    const overrides = file('o.json', {
      format: 'iqsim-overrides',
      version: 1,
      registers: { 'C0.0x90': '07 00 00 00' },
    });
    const opened = await openTransport(`sim:iluma-i-one?snapshot=${snapshot}&overrides=${overrides}`);
    try {
      const device = opened.device;
      expect(device?.identity).toEqual(original.identity);
      expect(device?.firmware.state.charger.levelPercent).toBe(42);
      const reply = device?.scp.handleFrame(readS90, device.now)[0];
      expect(toHex(reply ?? new Uint8Array(0))).toBe(
        toHex(
          encodeShortFrame({ node: 0xc0, address: 0x90, response: true, payload: Uint8Array.of(7, 0, 0, 0) }),
        ),
      );
    } finally {
      await opened.close();
    }
  });

  it.each([
    ['overrides', 'bad.json', '{"C0.0x90": "1"}', 'SIM_OVERRIDES'],
    ['overrides', 'syntax.json', '{', 'SIM_OVERRIDES'],
    ['overrides', 'missing.json', undefined, 'SIM_OVERRIDES'],
    ['snapshot', 'not-device.json', '{"format":"x"}', 'SIM_SNAPSHOT'],
  ])('%s=%s fails with its code', async (option, name, content, code) => {
    const path = content === undefined ? join(dir, name) : file(name, content);
    await expect(openTransport(`sim:iluma-i?${option}=${path}`)).rejects.toMatchObject({ code });
  });

  it('refuses a snapshot of another model', async () => {
    const path = file('one.json', createVirtualDevice({ model: 'iluma-i-one' }).snapshot());
    await expect(openTransport(`sim:iluma-i?snapshot=${path}`)).rejects.toMatchObject({
      code: 'SIM_SNAPSHOT',
    });
  });
});
