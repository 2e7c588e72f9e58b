/** Regressions from the review of the transports (each failed before its fix). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInputLine } from '../../cli/run-input.js';
import { createVirtualDevice } from '../../simulator/index.js';
import { startPtyPair, WebBluetoothHub } from '../../transports/index.js';

const IQOS = 'daebb240-b041-11e4-9e45-0002a5d5c51b';

describe('transport regressions', () => {
  it('a pty path that already exists is refused, never replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iqsim-pty-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, 'keep me');
    await expect(startPtyPair(file)).rejects.toMatchObject({ code: 'TRANSPORT_BAD_SPEC' });
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('a second Web Bluetooth connect waits for the first one to finish discovery', async () => {
    const hub = new WebBluetoothHub();
    hub.addDevice(createVirtualDevice({ model: 'iluma-i' }));
    const bluetooth = hub.bluetooth();
    try {
      const device = await bluetooth.requestDevice({ filters: [{ services: [IQOS] }] });
      if (!device.gatt) throw new Error('no gatt');
      const first = device.gatt.connect();
      await device.gatt.connect();
      await expect(device.gatt.getPrimaryService(IQOS)).resolves.toBeDefined();
      await first;
    } finally {
      hub.close();
    }
  });

  it('JSON-line inputs refuse inherited names such as constructor', () => {
    const parsed = parseInputLine('{"type":"dock","constructor":"x"}');
    expect(parsed && !parsed.ok).toBe(true);
  });
});
