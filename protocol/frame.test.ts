import { describe, expect, it } from 'vitest';
import {
  encodeLongFrame,
  encodeShortFrame,
  FrameHeader,
  FrameStatus,
  frameError,
  parseFrameInto,
} from './frame.js';
import { hexBytes, toHex } from './hex.js';

function parse(hex: string, pos: 'last' | 'implied' | 'either' = 'last') {
  const bytes = hexBytes(hex);
  const h = new FrameHeader();
  return { status: parseFrameInto(bytes, 0, bytes.length, h, pos), h };
}

describe('SCP frames (docs/protocol.md §4.2–§4.7)', () => {
  it('parses a short read: register address formula S = (reg << 2) | (type & 3)', () => {
    const { status, h } = parse('C0 01 60 32');
    expect(status).toBe(FrameStatus.OK);
    expect(h.address).toBe(0x181);
    expect(h.lengthCode).toBe(0);
  });
  it('accepts extra bytes before a last-byte CRC (7-byte firmware read, D-7)', () => {
    const { status, h } = parse('C0 00 00 00 00 00');
    expect(status).toBe(FrameStatus.OK);
    expect(h.extraBytes).toBe(2);
  });
  it('the implied CRC position rejects the 6-byte app frame that the last-byte rule accepts', () => {
    expect(parse('C0 00 00 01 07').status).toBe(FrameStatus.OK);
    expect(parse('C0 00 00 01 07', 'implied').status).toBe(FrameStatus.CRC);
    expect(parse('C0 00 00 01 07', 'either').status).toBe(FrameStatus.OK);
  });
  it('reports bad CRCs with the expected CRC', () => {
    const { status, h } = parse('C9 47 24 04 01 00 00 3C');
    expect(status).toBe(FrameStatus.CRC);
    const err = frameError(status, h);
    expect(err.code).toBe('PROTOCOL_CRC');
    expect(err.details.expectedCrc).toBe(0x71);
    expect(err.details.actualCrc).toBe(0x3c);
  });
  it('classifies truncated, short-payload, unknown-node and reserved-type frames', () => {
    expect(parse('C0 02').status).toBe(FrameStatus.TRUNCATED);
    expect(parse('C0 45 22 01 1E 00 2D').status).toBe(FrameStatus.LENGTH);
    expect(parse('AA 02 23 C3').status).toBe(FrameStatus.UNKNOWN_NODE);
    expect(parse('08 02 23 C3').status).toBe(FrameStatus.UNKNOWN_NODE);
    expect(parse('C0 22 23 00').status).toBe(FrameStatus.BAD_TYPE);
  });
  it('parses long frames with the CRC-16 low byte first', () => {
    const { status, h } = parse('C0 90 0A 00 04 DA 07 01 01 80 4A 37 1C 65 B9');
    expect(status).toBe(FrameStatus.OK);
    expect(h.table).toBe(0x0004);
    expect(h.crc).toBe(0xb965);
    expect(parse('C9 10 02 01 01 75').status).toBe(FrameStatus.TRUNCATED);
    expect(parse('C9 10 02 01 01 75 D6 00').status).toBe(FrameStatus.LENGTH);
  });
  it('encodes the spec examples', () => {
    expect(
      toHex(encodeShortFrame({ node: 0xc0, address: 0x8e, write: true, payload: hexBytes('64 00 00 00') })),
    ).toBe('C0 46 23 64 00 00 00 4F');
    expect(
      toHex(encodeLongFrame({ node: 0xc0, table: 0x0004, write: true, data: hexBytes('80 4A 37 1C') })),
    ).toBe('C0 50 06 00 04 80 4A 37 1C C1 7B');
    expect(toHex(encodeLongFrame({ node: 0xc0, table: 0x0004, response: true, write: true }))).toMatch(
      /^C0 D0 02 00 04/,
    );
  });
  it('throws PROTOCOL_RANGE for payloads of no length code', () => {
    expect(() => encodeShortFrame({ node: 0xc0, address: 1, payload: new Uint8Array(3) })).toThrow(
      /0, 4, 14 or 24/,
    );
  });
});
