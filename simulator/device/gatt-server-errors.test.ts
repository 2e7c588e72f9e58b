/** GattServer's ATT error responses (Bluetooth Core Vol 3 Part F §3.4.1.1), split from gatt-server.test.ts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATT_ERROR_ATTRIBUTE_NOT_FOUND,
  ATT_ERROR_INVALID_ATTRIBUTE_VALUE_LENGTH,
  ATT_ERROR_INVALID_HANDLE,
  ATT_ERROR_INVALID_PDU,
  ATT_ERROR_READ_NOT_PERMITTED,
  ATT_ERROR_REQUEST_NOT_SUPPORTED,
  ATT_ERROR_UNSUPPORTED_GROUP_TYPE,
  ATT_ERROR_WRITE_NOT_PERMITTED,
  decodeAttPdu,
  encodeFindByTypeValueRequest,
  encodeFindInformationRequest,
  encodeReadBlobRequest,
  encodeReadByGroupTypeRequest,
  encodeReadByTypeRequest,
  encodeReadRequest,
  encodeWriteRequest,
  GATT_SERVICES,
  hexBytes,
} from '../../protocol/index.js';
import {
  ask,
  BATTERY,
  BATTERY_CCCD,
  DEVICE_NAME,
  expectError,
  iqosSource,
  SCP,
  SERVICE_CHANGED,
  STATIC_0020,
} from '../../test/helpers/gatt-server.js';
import { GattServer } from './gatt-server.js';

describe('GattServer ATT errors (Part F §3.4.1.1)', () => {
  const server = new GattServer(GATT_SERVICES, iqosSource());
  const all = { startHandle: 1, endHandle: 0xffff };

  it('Invalid Handle: handle 0, past the database, or a bad range', () => {
    for (const handle of [0, 0x2b, 0xffff]) {
      expectError(ask(server, encodeReadRequest(handle)), 0x0a, handle, ATT_ERROR_INVALID_HANDLE);
      expectError(ask(server, encodeReadBlobRequest(handle, 0)), 0x0c, handle, ATT_ERROR_INVALID_HANDLE);
      expectError(
        ask(server, encodeWriteRequest(handle, hexBytes('01'))),
        0x12,
        handle,
        ATT_ERROR_INVALID_HANDLE,
      );
    }
    for (const [startHandle, endHandle] of [
      [0, 5],
      [6, 5],
    ] as const) {
      const range = { startHandle, endHandle };
      expectError(
        ask(server, encodeFindInformationRequest(range)),
        0x04,
        startHandle,
        ATT_ERROR_INVALID_HANDLE,
      );
      expectError(
        ask(server, encodeReadByTypeRequest(range, 0x2803)),
        0x08,
        startHandle,
        ATT_ERROR_INVALID_HANDLE,
      );
      expectError(
        ask(server, encodeReadByGroupTypeRequest(range, 0x2800)),
        0x10,
        startHandle,
        ATT_ERROR_INVALID_HANDLE,
      );
      expectError(
        ask(server, encodeFindByTypeValueRequest(range, 0x2800, hexBytes('00 18'))),
        0x06,
        startHandle,
        ATT_ERROR_INVALID_HANDLE,
      );
    }
  });

  it('Read Not Permitted: a characteristic without read', () => {
    for (const handle of [SCP, SERVICE_CHANGED, 0x26, 0x29])
      expectError(ask(server, encodeReadRequest(handle)), 0x0a, handle, ATT_ERROR_READ_NOT_PERMITTED);
    expectError(ask(server, encodeReadBlobRequest(SCP, 0)), 0x0c, SCP, ATT_ERROR_READ_NOT_PERMITTED);
  });

  it('Write Not Permitted: declarations and values without write', () => {
    for (const handle of [0x01, 0x15, 0x16, DEVICE_NAME, BATTERY, STATIC_0020])
      expectError(
        ask(server, encodeWriteRequest(handle, hexBytes('01'))),
        0x12,
        handle,
        ATT_ERROR_WRITE_NOT_PERMITTED,
      );
  });

  it('Invalid Attribute Value Length: longer than ATT_MTU − 3, or a CCCD value not 2 bytes', () => {
    expectError(
      ask(server, encodeWriteRequest(SCP, new Uint8Array(21))),
      0x12,
      SCP,
      ATT_ERROR_INVALID_ATTRIBUTE_VALUE_LENGTH,
    );
    for (const value of ['01', '01 00 00'])
      expectError(
        ask(server, encodeWriteRequest(BATTERY_CCCD, hexBytes(value))),
        0x12,
        BATTERY_CCCD,
        ATT_ERROR_INVALID_ATTRIBUTE_VALUE_LENGTH,
      );
  });

  it('Attribute Not Found: empty discovery ranges', () => {
    const past = { startHandle: 0x2b, endHandle: 0xffff };
    expectError(
      ask(server, encodeReadByGroupTypeRequest(past, 0x2800)),
      0x10,
      0x2b,
      ATT_ERROR_ATTRIBUTE_NOT_FOUND,
    );
    expectError(
      ask(server, encodeReadByGroupTypeRequest(all, 0x2801)),
      0x10,
      1,
      ATT_ERROR_ATTRIBUTE_NOT_FOUND,
    );
    const gap = { startHandle: 0x2a, endHandle: 0x2a };
    expectError(ask(server, encodeReadByTypeRequest(gap, 0x2803)), 0x08, 0x2a, ATT_ERROR_ATTRIBUTE_NOT_FOUND);
    expectError(ask(server, encodeFindInformationRequest(past)), 0x04, 0x2b, ATT_ERROR_ATTRIBUTE_NOT_FOUND);
    expectError(
      ask(server, encodeFindByTypeValueRequest(all, 0x2800, hexBytes('0F 18'))),
      0x06,
      1,
      ATT_ERROR_ATTRIBUTE_NOT_FOUND,
    );
  });

  it('Unsupported Group Type: Read By Group Type on anything but a service', () => {
    expectError(
      ask(server, encodeReadByGroupTypeRequest(all, 0x2803)),
      0x10,
      1,
      ATT_ERROR_UNSUPPORTED_GROUP_TYPE,
    );
  });

  it('Request Not Supported: unknown requests, answered with their opcode', () => {
    for (const hex of ['0E 01 00 02 00', '16 17 00 00 00 01', '18 01', '20 01 00 02 00', '3F'])
      expectError(ask(server, hexBytes(hex)), hexBytes(hex)[0] ?? 0, 0, ATT_ERROR_REQUEST_NOT_SUPPORTED);
  });

  it('Invalid PDU: malformed requests, answered with their opcode', () => {
    for (const hex of [
      '02 17',
      '04 01 00 FF',
      '06 01 00 FF FF 00',
      '08 01 00 FF FF 00',
      '0A 03',
      '0C 03 00',
      '10 01 00 FF FF 00 28 00',
      '12 03',
    ])
      expectError(ask(server, hexBytes(hex)), hexBytes(hex)[0] ?? 0, 0, ATT_ERROR_INVALID_PDU);
  });

  it('ignores what a server never answers: responses, notifications, confirmations, empty PDUs', () => {
    for (const hex of [
      '01 0A 03 00 0A',
      '03 17 00',
      '0B 01',
      '13',
      '1B 1A 00 01',
      '1D 0A 00 01',
      '1E',
      '1E 00',
      '09 01',
    ])
      expect(server.handlePdu(hexBytes(hex), 0)).toEqual([]);
    expect(server.handlePdu(new Uint8Array(0), 0)).toEqual([]);
  });

  it('answers any byte string with at most one PDU, which decodes, and never throws', () => {
    const fuzzed = new GattServer(GATT_SERVICES, iqosSource());
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 0x52 }), (tail, opcode) => {
        const responses = fuzzed.handlePdu(Uint8Array.of(opcode, ...tail), 0);
        expect(responses.length).toBeLessThanOrEqual(1);
        for (const r of responses) {
          expect(decodeAttPdu(r).ok).toBe(true);
          expect(r.length).toBeLessThanOrEqual(fuzzed.mtu);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
