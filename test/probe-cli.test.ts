/**
 * `iqsim probe` and `iqsim send` in-process against `sim:` transports (issue #5 items 4 and 5), the
 * recorder's JSON lines, and the failures: a bad spec exits 2, a missing Bluetooth adapter exits 1
 * with TRANSPORT_NO_ADAPTER quickly instead of hanging. (Serial is in serial.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { createVirtualDevice } from '../simulator/index.js';
import { openTransport, parseTransportSpec } from '../transports/index.js';
import { cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('transport specs', () => {
  it('parse into one shape, with defaults', () => {
    expect(parseTransportSpec('sim:ILUMA-I')).toEqual({
      kind: 'sim',
      model: 'iluma-i',
      seed: 1,
      channel: 'ble',
    });
    expect(parseTransportSpec('sim:iluma-i-one?seed=7&channel=usb')).toEqual({
      kind: 'sim',
      model: 'iluma-i-one',
      seed: 7,
      channel: 'usb',
    });
    expect(parseTransportSpec('serial:/dev/ttyUSB0?baud=9600')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      baudRate: 9600,
    });
    expect(parseTransportSpec('serial:/tmp/tty')).toMatchObject({ baudRate: 115_200 });
    expect(parseTransportSpec('ble:AA:BB:CC:DD:EE:0F')).toEqual({
      kind: 'ble',
      address: 'aa:bb:cc:dd:ee:0f',
    });
    expect(parseTransportSpec('webbluetooth')).toEqual({ kind: 'webbluetooth' });
  });

  it.each([
    'usb:foo',
    'sim:',
    'sim:iqos-9',
    'sim:iluma-i?seed=-1',
    'sim:iluma-i?speed=2',
    'sim:iluma-i?channel=att',
    'serial:',
    'serial:/dev/x?baud=fast',
    'ble:',
    'ble:not-an-address',
    'webbluetooth:x',
  ])('refuses %s with TRANSPORT_BAD_SPEC', (spec) => {
    expect(() => parseTransportSpec(spec)).toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_SPEC' }));
  });
});

describe('iqsim probe', () => {
  it('prints identity, firmware, battery, status, settings and counters of a sim: device as JSON', async () => {
    const result = await cli('probe', 'sim:iluma-i?seed=3', '--json');
    expect(result).toMatchObject({ code: 0, err: '' });
    const report = JSON.parse(result.out);
    const identity = createVirtualDevice({ model: 'iluma-i', seed: 3 }).identity;
    expect(report).toMatchObject({
      ok: true,
      transport: 'sim:iluma-i?seed=3',
      channel: 'ble',
      identity: {
        charger: { productNumber: identity.chargerProductNumber },
        holder: { productNumber: identity.holderProductNumber },
        modelCode: identity.modelNumber,
        deviceInformation: { modelNumber: identity.modelNumber, serialNumber: identity.chargerProductNumber },
      },
      firmware: { charger: identity.chargerFirmware, holder: identity.holderFirmware },
      battery: { source: 'battery characteristic', chargerLevelPct: expect.any(Number) },
      status: { flags: expect.any(Number) },
      settings: {
        brightness: 'high',
        holderBrightness: 'high',
        autoStart: expect.any(Boolean),
        smartGesture: expect.any(Boolean),
        flexPuff: expect.any(Boolean),
        flexBattery: expect.any(String),
        locked: false,
        vibration: expect.any(Object),
      },
      usageCounters: { charger: expect.any(Object), holder: { sticks: expect.any(Number) } },
    });
  });

  it('over usb reads the battery by register, skips the status record, and records every packet', async () => {
    const record = join(dir, 'probe.jsonl');
    const result = await cli('probe', 'sim:iluma-i?seed=3&channel=usb', '--json', '--record', record);
    expect(result).toMatchObject({ code: 0, err: '' });
    const report = JSON.parse(result.out);
    expect(report.channel).toBe('usb');
    expect(report.identity.deviceInformation).toBeUndefined();
    expect(report.battery).toEqual({ source: 'get-battery-percent', percent: expect.any(Number) });
    expect(report.status).toEqual({ skipped: expect.stringMatching(/BLE/) });
    const lines = readFileSync(record, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(2 * 16);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['tMs', 'dir', 'channel', 'hex']);
      expect(line).toMatchObject({
        tMs: expect.any(Number),
        channel: 'usb',
        hex: expect.stringMatching(/^3F( [0-9A-F]{2}){63}$/),
      });
    }
    expect(lines.filter((l) => l.dir === 'out')).toHaveLength(lines.filter((l) => l.dir === 'in').length);
    expect(lines.map((l) => l.tMs)).toEqual([...lines.map((l) => l.tMs)].sort((a, b) => a - b));
  });

  it('shows what the device does not answer as "no reply" (iluma-one has no FlexPuff)', async () => {
    const result = await cli('probe', 'sim:iluma-one?channel=usb', '--timeout-ms', '100');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^ {2}flexPuff +no reply$/m);
    expect(result.out).toMatch(/^ {2}brightness +high$/m);
    expect(result.out).toMatch(/^identity$/m);
    expect(result.out).toMatch(/^ {2}holder +\d+\.\d+\.\d+\.\d+$/m);
  });

  it('refuses a bad spec with exit 2, and webbluetooth outside the browser with exit 2', async () => {
    expect(await cli('probe', 'tcp:localhost')).toMatchObject({
      code: 2,
      out: '',
      err: expect.stringMatching(/^error TRANSPORT_BAD_SPEC: /),
    });
    expect(await cli('probe', 'webbluetooth')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^error TRANSPORT_UNSUPPORTED: .*Playwright/),
    });
    expect(await cli('probe', 'sim:iluma-i', '--timeout-ms', '0')).toMatchObject({ code: 2 });
  });

  it('fails fast with TRANSPORT_NO_ADAPTER (exit 1) on ble: where there is no Bluetooth adapter', async () => {
    const startMs = performance.now();
    const result = await cli('probe', 'ble:AA:BB:CC:DD:EE:FF', '--json');
    expect(performance.now() - startMs).toBeLessThan(10_000);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error TRANSPORT_NO_ADAPTER: /);
    // --json: stdout still carries one object, with ok false (exit code ≠ 0).
    expect(JSON.parse(result.out)).toMatchObject({ ok: false, error: { code: 'TRANSPORT_NO_ADAPTER' } });
  });
});

describe('iqsim send', () => {
  it('sends raw frames over sim: (BLE) and prints decoded replies', async () => {
    const result = await cli('send', 'sim:iluma-i', '00 C0 02 23 C3', 'C0 00 01 07', '--window-ms', '100');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(
      /^> C0 02 23 C3 {2}get-brightness \{\}\n< C0 86 23 64 00 00 00 [0-9A-F]{2} {2}get-brightness /,
    );
    expect(result.out).toMatch(/^> C0 00 01 07 {2}get-rtc \{\}\n< C0 84 01 .*get-rtc/m);
  });

  it('--json over usb gives the exchange shape of iqsim exchange; no reply exits 1 with ok false', async () => {
    const result = await cli('send', 'sim:iluma-i?channel=usb', '--json', 'C0 02 23 C3', 'C9 02 7F 00');
    expect(result.code).toBe(1);
    const { ok, exchanges } = JSON.parse(result.out);
    expect(ok).toBe(false);
    expect(exchanges[0]).toMatchObject({
      request: { hex: 'C0 02 23 C3', kind: 'request', command: 'get-brightness', register: 0x8e },
      replies: [
        {
          hex: expect.stringMatching(/^C0 86 23 64/),
          command: 'get-brightness',
          fields: { levelName: 'high' },
        },
      ],
    });
    expect(exchanges[1]).toMatchObject({ replies: [] });
  });

  it('refuses a bad frame with exit 2 before opening anything', async () => {
    expect(await cli('send', 'sim:iluma-i', 'zz')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^error PROTOCOL_/),
    });
    expect(await cli('send', 'nope', 'C0 02 23 C3')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^error TRANSPORT_BAD_SPEC: /),
    });
  });
});

describe('openTransport', () => {
  it('sim: exposes the virtual device and closes cleanly, twice', async () => {
    const opened = await openTransport('sim:iluma-i?seed=9');
    expect(opened.device?.identity).toEqual(createVirtualDevice({ model: 'iluma-i', seed: 9 }).identity);
    expect(opened.transport.open).toBe(true);
    await opened.close();
    await opened.close();
    expect(opened.transport.open).toBe(false);
    expect(opened.lost).toBeUndefined();
  });
});
