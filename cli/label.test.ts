/**
 * `iqsim label` (issue #12 item 3): the PNG's QR code, read back by an independent decoder (jsQR over
 * pngjs, not the qrcode library that wrote it), holds the device ID: the product number of the main
 * unit (registration-rules D-R4), which the virtual device reports as its DIS serial (protocol D-20),
 * in the registration layer's label format.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQrPayload } from '../registration/index.js';
import { createVirtualDevice } from '../simulator/index.js';
import { cli } from '../test/helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-label-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function decodePng(file: string): string | undefined {
  const png = PNG.sync.read(readFileSync(file));
  // jsqr is CommonJS with `exports.default`: under NodeNext the default import is its exports object.
  return jsqr.default(
    new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    png.width,
    png.height,
  )?.data;
}

describe('iqsim label', () => {
  it.each([
    ['iluma-i', 3],
    ['iluma-i-one', 7],
    ['iqos-3-duo', 1],
  ])('%s seed %i: the PNG decodes to the device ID the device reports', async (model, seed) => {
    const png = join(dir, `${model}.png`);
    const svg = join(dir, `${model}.svg`);
    const run = await cli(
      'label',
      '--model',
      model,
      '--seed',
      String(seed),
      '--png',
      png,
      '--svg',
      svg,
      '--json',
    );
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.out) as { deviceId: string; qr: string; files: string[] };
    const device = createVirtualDevice({ model, seed });
    expect(printed.deviceId).toBe(device.identity.chargerProductNumber);
    expect(printed.deviceId).toMatch(/^T[0-9A-Z]{13}$/);
    // registration/device-id.ts: IQOS1:<ID>:<ISO 7064 MOD 37,36 check>, read back to the same ID.
    expect(decodePng(png)).toBe(printed.qr);
    expect(printed.qr).toMatch(new RegExp(`^IQOS1:${printed.deviceId}:[0-9A-Z]$`));
    const read = parseQrPayload(decodePng(png) ?? '');
    expect(read.ok && read.value).toBe(printed.deviceId);
    const label = readFileSync(svg, 'utf8');
    expect(label).toContain(`>${printed.deviceId}</text>`);
    expect(label).toMatch(
      /<svg x="6" y="12" width="48" height="48" xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"/,
    );
  });

  it('another seed is another device ID', async () => {
    const a = await cli('label', '--model', 'iluma-i', '--seed', '1', '--png', join(dir, 'a.png'), '--json');
    const b = await cli('label', '--model', 'iluma-i', '--seed', '2', '--png', join(dir, 'b.png'), '--json');
    expect(JSON.parse(a.out).deviceId).not.toBe(JSON.parse(b.out).deviceId);
  });

  it('bad usage exits 2 with a stable code', async () => {
    expect(await cli('label', '--model', 'iluma-i')).toMatchObject({
      code: 2,
      err: expect.stringContaining('CLI_NO_OUTPUT'),
    });
    expect(await cli('label', '--model', 'nope', '--png', join(dir, 'x.png'))).toMatchObject({
      code: 2,
      err: expect.stringContaining('FIRMWARE_UNKNOWN_MODEL'),
    });
    expect(
      await cli('label', '--model', 'iluma-i', '--seed', '-1', '--png', join(dir, 'x.png')),
    ).toMatchObject({
      code: 2,
      err: expect.stringContaining('CLI_BAD_SEED'),
    });
    expect(await cli('label', '--model', 'iluma-i', '--png', join(dir, 'missing', 'x.png'))).toMatchObject({
      code: 2,
      err: expect.stringContaining('CLI_WRITE_FAILED'),
    });
  });
});
