/**
 * `iqsim exchange --overrides FILE` and `--snapshot FILE` (docs/simulator.md "Register overrides"):
 * pinned bytes come back byte for byte on BLE and USB, a snapshot's device answers, and bad files
 * exit 2 with their stable code.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVirtualDevice } from '../simulator/index.js';
import { cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-exchange-files-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const pinned = file('pinned.json', {
  format: 'iqsim-overrides',
  version: 1,
  registers: { 'C0.0x90': '38 00 00 00', 'C0.table.0101': '00 00 00 00 09 00 00 8E' },
});

describe('iqsim exchange with state files', () => {
  for (const transport of ['ble', 'usb'])
    it(`--overrides pins S 0x90 and table 01 01 over ${transport}`, async () => {
      const r = await cli(
        'exchange',
        '--model',
        'iluma-i-one',
        '--transport',
        transport,
        '--overrides',
        pinned,
        '00 C0 00 24 FC',
        '00 C0 10 02 01 01 75 D6',
      );
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('C0 84 24 38 00 00 00');
      expect(r.out).toContain('C0 90 0A 01 01 00 00 00 00 09 00 00 8E');
    });

  it('--snapshot starts from the saved device', async () => {
    const device = createVirtualDevice({ model: 'iluma-i-one', seed: 4, startMs: 1000 });
    device.input({ type: 'level', unit: 'charger', percent: 33 }, 2000);
    const snapshot = file('device.json', device.snapshot());
    const r = await cli(
      'exchange',
      '--model',
      'iluma-i-one',
      '--json',
      '--snapshot',
      snapshot,
      '00 C0 00 24 FC',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('"percent":33');
  });

  it.each([
    ['--overrides', file('bad-key.json', { 'C1.0x90': '00 00 00 00' }), 'SIM_OVERRIDES'],
    ['--overrides', file('bad-json.json', '{"C0.0x90": '), 'SIM_OVERRIDES'],
    ['--overrides', join(dir, 'missing.json'), 'SIM_OVERRIDES'],
    ['--snapshot', file('not-a-snapshot.json', { format: 'iqsim-overrides' }), 'SIM_SNAPSHOT'],
    [
      '--snapshot',
      file('other-model.json', createVirtualDevice({ model: 'iluma-i' }).snapshot()),
      'SIM_SNAPSHOT',
    ],
  ])('%s %s exits 2 with %s', async (option, path, code) => {
    const r = await cli('exchange', '--model', 'iluma-i-one', option, path, '00 C0 00 24 FC');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error ${code}:`);
  });
});
