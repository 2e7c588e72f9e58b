import { describe, expect, it } from 'vitest';
import { importOptional, requireOptional } from './optional-package.js';

describe('optional transport packages', () => {
  it('a missing package is TRANSPORT_PACKAGE_MISSING naming what to install', async () => {
    await expect(importOptional('iqsim-no-such-package', 'serial:')).rejects.toMatchObject({
      code: 'TRANSPORT_PACKAGE_MISSING',
      message: 'serial: needs the optional package iqsim-no-such-package: npm install iqsim-no-such-package',
    });
    expect(() => requireOptional('iqsim-no-such-package', 'iqsim-no-such-package/lib/x.js', 'ble:')).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_PACKAGE_MISSING' }),
    );
  });

  it('a present package loads, and a missing file inside it is not reported as a missing package', async () => {
    const { SerialPortStream } = await importOptional<{ SerialPortStream: unknown }>(
      '@serialport/stream',
      'serial:',
    );
    expect(typeof SerialPortStream).toBe('function');
    expect(() =>
      requireOptional('@stoprocent/noble', '@stoprocent/noble/lib/no-such-file.js', 'ble:'),
    ).toThrow(expect.objectContaining({ code: 'MODULE_NOT_FOUND' }));
  });
});
