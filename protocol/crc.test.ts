import { describe, expect, it } from 'vitest';
import { crc8, crc16 } from './crc.js';
import { hexBytes } from './hex.js';

const CHECK = new TextEncoder().encode('123456789');

describe('CRCs (docs/protocol.md §4.5, §4.6, §7.3)', () => {
  it('CRC-8/SMBUS check value is 0xF4', () => expect(crc8(CHECK)).toBe(0xf4));
  it('CRC-16/OPENSAFETY-B check value is 0x20FE', () => expect(crc16(CHECK)).toBe(0x20fe));
  it('matches the worked short-frame examples', () => {
    expect(crc8(hexBytes('02 23'))).toBe(0xc3);
    expect(crc8(hexBytes('00 23'))).toBe(0xe9);
    expect(crc8(hexBytes('45 22 01 1E 00 00'))).toBe(0xc3);
    expect(crc8(hexBytes('47 24 02 01 00 00'))).toBe(0x05);
  });
  it('matches the long-read CRCs of every table (docs/protocol.md §10)', () => {
    const expected: [string, number][] = [
      ['10 02 00 00', 0x4f0f],
      ['10 02 00 01', 0x3a54],
      ['10 02 00 02', 0xa5b9],
      ['10 02 00 04', 0xef38],
      ['10 02 01 00', 0xa32e],
      ['10 02 01 01', 0xd675],
    ];
    for (const [input, crc] of expected) expect(crc16(hexBytes(input))).toBe(crc);
  });
  it('record check byte is CRC-8 with init 0x44 (docs/protocol.md §7.3)', () => {
    expect(crc8(hexBytes('04 00 FF FF FF 00'), 0, 6, 0x44)).toBe(0x5b);
    expect(crc8(hexBytes('05 00 FF FF FF 09'), 0, 6, 0x44)).toBe(0x4d);
    expect(crc8(hexBytes('05 01 00 00 01 00 FF FF FF FF FF FF'), 0, 12, 0x44)).toBe(0x3c);
  });
});
