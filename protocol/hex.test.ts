import { describe, expect, it } from 'vitest';
import { parseHex, toHex } from './hex.js';

describe('hex text', () => {
  it('accepts spaces, colons, 0x prefixes and glued digits', () => {
    for (const text of ['00 C0 02 23 C3', '00:c0:02:23:c3', '0x00 0xC0 0x02 0x23 0xC3', '00C00223C3']) {
      const r = parseHex(text);
      expect(r.ok && toHex(r.value)).toBe('00 C0 02 23 C3');
    }
  });
  it('rejects non-hex and odd digit counts with PROTOCOL_BAD_HEX', () => {
    for (const text of ['', 'zz', '0 C0', 'C0 G1']) {
      const r = parseHex(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('PROTOCOL_BAD_HEX');
    }
  });
});
