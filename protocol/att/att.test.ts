import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { hexBytes, sigUuid, toHex } from '../index.js';
import {
  ATT_ERROR_ATTRIBUTE_NOT_FOUND,
  ATT_OP_READ_BY_GROUP_TYPE_REQ,
  type AttPdu,
  decodeAttPdu,
  encodeAttPdu,
  encodeErrorResponse,
  encodeExchangeMtuRequest,
  encodeFindByTypeValueRequest,
  encodeFindInformationResponse,
  encodeReadByGroupTypeRequest,
  encodeReadByGroupTypeResponse,
  encodeReadByTypeRequest,
  encodeReadByTypeResponse,
  encodeReadRequest,
  encodeWriteRequest,
  uuidFromAttBytes,
  uuidToAttBytes,
} from './att.js';

const IQOS = 'daebb240-b041-11e4-9e45-0002a5d5c51b';
const bytes = (hex: string): Uint8Array => hexBytes(hex);

/** One PDU of every kind, with the bytes the spec layout gives (Core spec Vol 3 Part F §3.4). */
const SAMPLES: readonly [AttPdu, string][] = [
  [{ kind: 'errorResponse', requestOpcode: 0x10, handle: 0x002b, errorCode: 0x0a }, '01 10 2B 00 0A'],
  [{ kind: 'exchangeMtuRequest', clientRxMtu: 517 }, '02 05 02'],
  [{ kind: 'exchangeMtuResponse', serverRxMtu: 247 }, '03 F7 00'],
  [{ kind: 'findInformationRequest', startHandle: 0x18, endHandle: 0x18 }, '04 18 00 18 00'],
  [
    { kind: 'findInformationResponse', entries: [{ handle: 0x18, uuid: sigUuid(0x2902) }] },
    '05 01 18 00 02 29',
  ],
  [
    {
      kind: 'findInformationResponse',
      entries: [{ handle: 0x17, uuid: 'e16c6e20-b041-11e4-a4c3-0002a5d5c51b' }],
    },
    '05 02 17 00 1B C5 D5 A5 02 00 C3 A4 E4 11 41 B0 20 6E 6C E1',
  ],
  [
    {
      kind: 'findByTypeValueRequest',
      startHandle: 1,
      endHandle: 0xffff,
      attributeType: sigUuid(0x2800),
      value: bytes('0A 18'),
    },
    '06 01 00 FF FF 00 28 0A 18',
  ],
  [
    {
      kind: 'findByTypeValueResponse',
      handles: [
        { foundHandle: 0x0c, groupEndHandle: 0x14 },
        { foundHandle: 0x15, groupEndHandle: 0x2a },
      ],
    },
    '07 0C 00 14 00 15 00 2A 00',
  ],
  [
    { kind: 'readByTypeRequest', startHandle: 1, endHandle: 7, attributeType: sigUuid(0x2803) },
    '08 01 00 07 00 03 28',
  ],
  [
    { kind: 'readByTypeRequest', startHandle: 0x15, endHandle: 0x2a, attributeType: IQOS },
    '08 15 00 2A 00 1B C5 D5 A5 02 00 45 9E E4 11 41 B0 40 B2 EB DA',
  ],
  [
    {
      kind: 'readByTypeResponse',
      entries: [
        { handle: 2, value: bytes('02 03 00 00 2A') },
        { handle: 4, value: bytes('02 05 00 01 2A') },
      ],
    },
    '09 07 02 00 02 03 00 00 2A 04 00 02 05 00 01 2A',
  ],
  [{ kind: 'readRequest', handle: 0x1a }, '0A 1A 00'],
  [{ kind: 'readResponse', value: bytes('64') }, '0B 64'],
  [{ kind: 'readResponse', value: new Uint8Array(0) }, '0B'],
  [{ kind: 'readBlobRequest', handle: 0x20, offsetBytes: 22 }, '0C 20 00 16 00'],
  [{ kind: 'readBlobResponse', value: bytes('F7 00') }, '0D F7 00'],
  [
    { kind: 'readByGroupTypeRequest', startHandle: 1, endHandle: 0xffff, groupType: sigUuid(0x2800) },
    '10 01 00 FF FF 00 28',
  ],
  [
    {
      kind: 'readByGroupTypeResponse',
      entries: [
        { handle: 1, endGroupHandle: 7, value: bytes('00 18') },
        { handle: 8, endGroupHandle: 0x0b, value: bytes('01 18') },
      ],
    },
    '11 06 01 00 07 00 00 18 08 00 0B 00 01 18',
  ],
  [{ kind: 'writeRequest', handle: 0x18, value: bytes('01 00') }, '12 18 00 01 00'],
  [{ kind: 'writeResponse' }, '13'],
  [{ kind: 'writeCommand', handle: 0x20, value: bytes('AA') }, '52 20 00 AA'],
  [{ kind: 'handleValueNotification', handle: 0x1a, value: bytes('64 01') }, '1B 1A 00 64 01'],
  [{ kind: 'handleValueIndication', handle: 0x0a, value: bytes('01 00 FF FF') }, '1D 0A 00 01 00 FF FF'],
  [{ kind: 'handleValueConfirmation' }, '1E'],
];

describe('ATT codec (Core spec Vol 3 Part F §3.4)', () => {
  it.each(
    SAMPLES.map(([pdu, hex]) => [pdu.kind, pdu, hex] as const),
  )('%s: encodes and decodes', (_, pdu, hex) => {
    expect(toHex(encodeAttPdu(pdu))).toBe(hex);
    const decoded = decodeAttPdu(bytes(hex));
    expect(decoded.ok && decoded.value).toEqual(pdu);
  });

  it('covers every opcode the codec knows', () => {
    const opcodes = new Set(SAMPLES.map(([, hex]) => hex.slice(0, 2)));
    expect(opcodes.size).toBe(21);
  });

  it('the typed encoders agree with encodeAttPdu', () => {
    expect(encodeErrorResponse(ATT_OP_READ_BY_GROUP_TYPE_REQ, 0x2b, ATT_ERROR_ATTRIBUTE_NOT_FOUND)).toEqual(
      bytes('01 10 2B 00 0A'),
    );
    expect(encodeExchangeMtuRequest(23)).toEqual(bytes('02 17 00'));
    expect(encodeReadRequest(0x1d)).toEqual(bytes('0A 1D 00'));
    expect(encodeWriteRequest(0x17, bytes('00 C0 02 23 C3'))).toEqual(bytes('12 17 00 00 C0 02 23 C3'));
    expect(encodeReadByGroupTypeRequest({ startHandle: 1, endHandle: 0xffff }, 0x2800)).toEqual(
      bytes('10 01 00 FF FF 00 28'),
    );
    expect(encodeReadByTypeRequest({ startHandle: 1, endHandle: 2 }, '2a00')).toEqual(
      bytes('08 01 00 02 00 00 2A'),
    );
  });

  it('carries SIG UUIDs in 2 bytes and others in 16 little-endian bytes', () => {
    expect(uuidToAttBytes(0x180a)).toEqual(bytes('0A 18'));
    expect(uuidToAttBytes('0000180A-0000-1000-8000-00805F9B34FB')).toEqual(bytes('0A 18'));
    expect(uuidToAttBytes(IQOS)).toEqual(bytes('1B C5 D5 A5 02 00 45 9E E4 11 41 B0 40 B2 EB DA'));
    expect(uuidToAttBytes('12345678').length).toBe(16); // 32-bit aliases travel as 128-bit in ATT
    expect(uuidFromAttBytes(bytes('0A 18'))).toBe(sigUuid(0x180a));
    expect(uuidFromAttBytes(uuidToAttBytes(IQOS))).toBe(IQOS);
    expect(uuidFromAttBytes(bytes('01 02 03'))).toBeUndefined();
  });

  it('reports malformed PDUs as results with a code', () => {
    const code = (hex: string) => {
      const result = decodeAttPdu(hex === '' ? new Uint8Array(0) : bytes(hex));
      return result.ok ? 'ok' : result.error.code;
    };
    expect(code('')).toBe('PROTOCOL_TRUNCATED');
    expect(code('0E 01 00 02 00')).toBe('PROTOCOL_UNKNOWN_COMMAND'); // Read Multiple: not in this codec
    expect(code('FF')).toBe('PROTOCOL_UNKNOWN_COMMAND');
    expect(code('01 10 2B 00')).toBe('PROTOCOL_TRUNCATED');
    expect(code('01 10 2B 00 0A 00')).toBe('PROTOCOL_LENGTH');
    expect(code('02 17')).toBe('PROTOCOL_TRUNCATED');
    expect(code('0A 01 00 00')).toBe('PROTOCOL_LENGTH');
    expect(code('08 01 00 FF FF 00 28 00')).toBe('PROTOCOL_LENGTH'); // 3-byte UUID
    expect(code('10 01 00 FF FF 00')).toBe('PROTOCOL_TRUNCATED');
    expect(code('06 01 00 FF FF 00')).toBe('PROTOCOL_TRUNCATED');
    expect(code('05 03 01 00 00 28')).toBe('PROTOCOL_FRAMING'); // format 3
    expect(code('05 01 01 00 00 28 02')).toBe('PROTOCOL_LENGTH');
    expect(code('05 02 01 00 00 28')).toBe('PROTOCOL_TRUNCATED');
    expect(code('07 01 00 07 00 08')).toBe('PROTOCOL_LENGTH');
    expect(code('09 01 01 00')).toBe('PROTOCOL_LENGTH'); // record shorter than its handle
    expect(code('09 07 02 00 02')).toBe('PROTOCOL_TRUNCATED');
    expect(code('09 03 02 00 02 04 00')).toBe('PROTOCOL_LENGTH'); // ragged list
    expect(code('11 03 01 00 07 00')).toBe('PROTOCOL_LENGTH');
    expect(code('11 06 01 00 07 00 00 18 08')).toBe('PROTOCOL_LENGTH');
    expect(code('12 18')).toBe('PROTOCOL_TRUNCATED');
    expect(code('13 00')).toBe('PROTOCOL_LENGTH');
    expect(code('1B 1A')).toBe('PROTOCOL_TRUNCATED');
    expect(code('1E 00')).toBe('PROTOCOL_LENGTH');
  });

  it('a PDU cut at any byte offset is an error result or a shorter PDU, never a throw', () => {
    for (const [pdu, hex] of SAMPLES) {
      const whole = bytes(hex);
      for (let cut = 0; cut < whole.length; cut++) {
        const decoded = decodeAttPdu(whole.subarray(0, cut));
        if (decoded.ok) expect(decoded.value).not.toEqual(pdu);
        else expect(['PROTOCOL_TRUNCATED', 'PROTOCOL_LENGTH']).toContain(decoded.error.code);
      }
    }
  });

  it('copies values out of the input buffer', () => {
    const input = bytes('0B 01 02');
    const decoded = decodeAttPdu(input);
    input[1] = 0xff;
    expect(decoded.ok && decoded.value.kind === 'readResponse' && decoded.value.value).toEqual(
      bytes('01 02'),
    );
  });

  it('encoders reject arguments that do not fit (programmer misuse)', () => {
    const misuse = (f: () => unknown) => expect(f).toThrow(ProtocolError);
    misuse(() => encodeReadRequest(0x10000));
    misuse(() => encodeReadRequest(-1));
    misuse(() => encodeErrorResponse(0x100, 0, 1));
    misuse(() => encodeExchangeMtuRequest(1.5));
    misuse(() => encodeFindInformationResponse([]));
    misuse(() =>
      encodeFindInformationResponse([
        { handle: 1, uuid: sigUuid(0x2800) },
        { handle: 2, uuid: IQOS },
      ]),
    );
    misuse(() => encodeFindByTypeValueRequest({ startHandle: 1, endHandle: 2 }, IQOS, new Uint8Array(0)));
    misuse(() =>
      encodeReadByTypeResponse([
        { handle: 1, value: bytes('01') },
        { handle: 2, value: bytes('01 02') },
      ]),
    );
    misuse(() => encodeReadByTypeResponse([{ handle: 1, value: new Uint8Array(254) }]));
    misuse(() =>
      encodeReadByGroupTypeResponse([{ handle: 1, endGroupHandle: 2, value: new Uint8Array(252) }]),
    );
  });
});

describe('ATT codec properties', () => {
  it('decodeAttPdu never throws, and whatever it accepts re-encodes to the same PDU', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom(0x01, 0x05, 0x09, 0x11, 0x12),
        (raw, op) => {
          for (const input of [raw, Uint8Array.of(op, ...raw)]) {
            const decoded = decodeAttPdu(input);
            if (!decoded.ok) continue;
            const again = decodeAttPdu(encodeAttPdu(decoded.value));
            expect(again.ok && again.value).toEqual(decoded.value);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('handle-value PDUs round-trip for any handle and value', () => {
    const kinds = [
      'writeRequest',
      'writeCommand',
      'handleValueNotification',
      'handleValueIndication',
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ maxLength: 512 }),
        (kind, handle, value) => {
          const pdu: AttPdu = { kind, handle, value };
          const decoded = decodeAttPdu(encodeAttPdu(pdu));
          expect(decoded.ok && decoded.value).toEqual(pdu);
        },
      ),
    );
  });
});
