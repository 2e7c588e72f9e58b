import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCharacter, parseDeviceId, parseQrPayload, qrPayload } from './device-id.js';

describe('D-R4 device IDs and QR labels', () => {
  it('D-R4: the device ID is the main unit product number, T + 13 letters or digits', () => {
    expect(parseDeviceId('T1AB2CD3EF4GH5')).toEqual({ ok: true, value: 'T1AB2CD3EF4GH5' });
    expect(parseDeviceId(' t1ab-2cd3 ef4gh5 ')).toEqual({ ok: true, value: 'T1AB2CD3EF4GH5' });
    for (const bad of ['', 'T1AB2CD3EF4GH', 'X1AB2CD3EF4GH5', 'T1AB2CD3EF4GH56', 'T1AB2CD3EF4GH_']) {
      const r = parseDeviceId(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('REGISTRY_BAD_DEVICE_ID');
    }
  });

  it('R-10: a QR label round-trips and a misread character is refused', () => {
    const id = 'T1AB2CD3EF4GH5';
    const label = qrPayload(id);
    expect(label).toMatch(/^IQOS1:T1AB2CD3EF4GH5:[0-9A-Z]$/);
    expect(parseQrPayload(label)).toEqual({ ok: true, value: id });
    expect(parseQrPayload(label.toLowerCase())).toEqual({ ok: true, value: id });
    const misread = label.replace('CD3', 'CD8');
    const r = parseQrPayload(misread);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('REGISTRY_BAD_QR');
    expect(parseQrPayload('https://example.com').ok).toBe(false);
  });

  it('the check character catches every single-character substitution', () => {
    const alnum = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    fc.assert(
      fc.property(fc.array(alnum, { minLength: 13, maxLength: 13 }), fc.nat(12), alnum, (chars, at, sub) => {
        const id = `T${chars.join('')}`;
        const changed = `T${chars.map((c, i) => (i === at ? sub : c)).join('')}`;
        return changed === id || checkCharacter(changed) !== checkCharacter(id);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
