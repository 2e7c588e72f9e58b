/** Transport spec strings: every number in range, unknown and repeated options refused. */
import { describe, expect, it } from 'vitest';
import { openTransport } from './select.js';
import { MAX_SEED, parseTransportSpec } from './spec.js';

const refused = (spec: string) =>
  expect(() => parseTransportSpec(spec)).toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_SPEC' }));

describe('parseTransportSpec', () => {
  it('takes seeds 0…2³²−1 and defaults seed 1, channel ble', () => {
    expect(parseTransportSpec('sim:iluma-i')).toEqual({
      kind: 'sim',
      model: 'iluma-i',
      seed: 1,
      channel: 'ble',
    });
    expect(parseTransportSpec(`sim:iluma-i?seed=${MAX_SEED}`)).toMatchObject({ seed: MAX_SEED });
    expect(parseTransportSpec('sim:iluma-i?seed=0&channel=usb')).toMatchObject({ seed: 0, channel: 'usb' });
  });

  it.each([
    `sim:iluma-i?seed=${MAX_SEED + 1}`,
    'sim:iluma-i?seed=1e3',
    'sim:iluma-i?seed=-1',
    'sim:iluma-i?seed=',
    'sim:iluma-i?seed=1&seed=2',
    'sim:iluma-i?seed',
    'sim:iluma-i?speed=2',
    'serial:/dev/ttyUSB0?baud=0',
    'serial:/dev/ttyUSB0?baud=40000000',
    'serial:/dev/ttyUSB0?baud=9600&baud=9600',
  ])('refuses %s', (spec) => refused(spec));

  it('takes baud rates 50…4 000 000', () => {
    expect(parseTransportSpec('serial:/dev/ttyS0?baud=50')).toMatchObject({ baudRate: 50 });
    expect(parseTransportSpec('serial:/dev/ttyS0?baud=4000000')).toMatchObject({ baudRate: 4_000_000 });
  });
});

describe('openTransport options', () => {
  it.each([
    0,
    -1,
    1.5,
    1e12,
    Number.NaN,
  ])('refuses a connect timeout of %s ms before opening anything', async (ms) => {
    await expect(openTransport('ble:AA:BB:CC:DD:EE:FF', { connectTimeoutMs: ms })).rejects.toMatchObject({
      code: 'TRANSPORT_BAD_SPEC',
    });
  });
});
