import { beforeEach, describe, expect, it } from 'vitest';
import {
  ATT_ERROR_ATTRIBUTE_NOT_FOUND,
  ATT_ERROR_INSUFFICIENT_AUTHENTICATION,
  ATT_ERROR_INVALID_OFFSET,
  ATT_ERROR_READ_NOT_PERMITTED,
  ATT_ERROR_UNLIKELY_ERROR,
  BATTERY_CHAR_UUID,
  type CharProperty,
  decodeAttPdu,
  encodeExchangeMtuRequest,
  encodeFindByTypeValueRequest,
  encodeFindInformationRequest,
  encodeReadBlobRequest,
  encodeReadByGroupTypeRequest,
  encodeReadByTypeRequest,
  encodeReadRequest,
  encodeWriteCommand,
  encodeWriteRequest,
  GATT_SERVICES,
  hexBytes,
  IQOS_SERVICE_UUID,
  type ServiceDef,
  sigUuid,
  toHex,
  uuidFromAttBytes,
  uuidToAttBytes,
} from '../../protocol/index.js';
import {
  ask,
  BATTERY,
  BATTERY_CCCD,
  DEVICE_NAME,
  expectError,
  FakeSource,
  iqosSource,
  RW_0024,
  SCP,
  SCP_CCCD,
  STATIC_0020,
} from '../../test/helpers/gatt-server.js';
import { SimulatorError } from '../errors.js';
import { decodeCharacteristicDeclaration } from './gatt-db.js';
import { GattServer } from './gatt-server.js';

/** Discovers everything the way a GATT client does (Core spec Vol 3 Part G §4.4.1, §4.6.1, §4.7.1). */
function discover(server: GattServer): ServiceDef[] {
  const services: { uuid: string; startHandle: number; endHandle: number }[] = [];
  for (let start = 1; start <= 0xffff; ) {
    const r = ask(server, encodeReadByGroupTypeRequest({ startHandle: start, endHandle: 0xffff }, 0x2800));
    if (r.kind === 'errorResponse') {
      expect(r.errorCode).toBe(ATT_ERROR_ATTRIBUTE_NOT_FOUND);
      break;
    }
    if (r.kind !== 'readByGroupTypeResponse') throw new Error(r.kind);
    for (const e of r.entries) {
      const uuid = uuidFromAttBytes(e.value) ?? '';
      services.push({ uuid, startHandle: e.handle, endHandle: e.endGroupHandle });
    }
    start = (r.entries.at(-1)?.endGroupHandle ?? 0xffff) + 1;
  }
  return services.map((service) => {
    const declarations: { handle: number; uuid: string; valueHandle: number; properties: CharProperty[] }[] =
      [];
    for (let start = service.startHandle; start <= service.endHandle; ) {
      const r = ask(
        server,
        encodeReadByTypeRequest({ startHandle: start, endHandle: service.endHandle }, 0x2803),
      );
      if (r.kind === 'errorResponse') break;
      if (r.kind !== 'readByTypeResponse') throw new Error(r.kind);
      for (const e of r.entries) {
        const declaration = decodeCharacteristicDeclaration(e.value);
        if (!declaration) throw new Error('bad declaration');
        declarations.push({ handle: e.handle, ...declaration, properties: [...declaration.properties] });
      }
      start = (r.entries.at(-1)?.handle ?? 0xffff) + 1;
    }
    const characteristics = declarations.map((d, i) => {
      const end = (declarations[i + 1]?.handle ?? service.endHandle + 1) - 1;
      let cccdHandle: number | undefined;
      for (let start = d.valueHandle + 1; start <= end; ) {
        const r = ask(server, encodeFindInformationRequest({ startHandle: start, endHandle: end }));
        if (r.kind !== 'findInformationResponse') throw new Error(r.kind);
        for (const e of r.entries) if (e.uuid === sigUuid(0x2902)) cccdHandle = e.handle;
        start = (r.entries.at(-1)?.handle ?? 0xffff) + 1;
      }
      return {
        uuid: d.uuid,
        properties: d.properties,
        declarationHandle: d.handle,
        valueHandle: d.valueHandle,
        ...(cccdHandle === undefined ? {} : { cccdHandle }),
      };
    });
    return { ...service, name: '', characteristics: characteristics.map((c) => ({ ...c, name: '' })) };
  });
}

/** GATT_SERVICES as discovery can see them: no names, no static values, properties as a set. */
function comparable(services: readonly ServiceDef[]) {
  return services.map((s) => ({
    uuid: s.uuid,
    startHandle: s.startHandle,
    endHandle: s.endHandle,
    characteristics: s.characteristics.map((c) => ({
      uuid: c.uuid,
      properties: [...c.properties].sort(),
      declarationHandle: c.declarationHandle,
      valueHandle: c.valueHandle,
      cccdHandle: c.cccdHandle,
    })),
  }));
}

describe('GattServer discovery', () => {
  it.each([23, 64, 247])('reproduces GATT_SERVICES through PDUs at an MTU of %i', (mtu) => {
    const server = new GattServer(GATT_SERVICES, iqosSource());
    if (mtu !== 23) ask(server, encodeExchangeMtuRequest(mtu));
    expect(server.mtu).toBe(mtu);
    expect(comparable(discover(server))).toEqual(comparable(GATT_SERVICES));
  });

  it('lists as many equal-size entries as fit in ATT_MTU − 2', () => {
    const server = new GattServer(GATT_SERVICES, iqosSource());
    const services = ask(server, encodeReadByGroupTypeRequest({ startHandle: 1, endHandle: 0xffff }, 0x2800));
    // Three 16-bit services (6-byte entries) fit in 21 bytes; the 128-bit IQOS service needs its own.
    expect(services.kind === 'readByGroupTypeResponse' && services.entries.map((e) => e.handle)).toEqual([
      1, 8, 0x0c,
    ]);
    const chars = ask(server, encodeReadByTypeRequest({ startHandle: 0x15, endHandle: 0x2a }, 0x2803));
    expect(chars.kind === 'readByTypeResponse' && chars.entries.map((e) => e.handle)).toEqual([0x16]);
    const info = ask(server, encodeFindInformationRequest({ startHandle: 1, endHandle: 0xffff }));
    expect(info.kind === 'findInformationResponse' && info.entries.map((e) => e.handle)).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it('finds services by UUID with their group end (Find By Type Value)', () => {
    const server = new GattServer(GATT_SERVICES, iqosSource());
    const range = { startHandle: 1, endHandle: 0xffff };
    const find = (uuid: string) =>
      ask(server, encodeFindByTypeValueRequest(range, 0x2800, uuidToAttBytes(uuid)));
    expect(find(IQOS_SERVICE_UUID)).toEqual({
      kind: 'findByTypeValueResponse',
      handles: [{ foundHandle: 0x15, groupEndHandle: 0x2a }],
    });
    expect(find(sigUuid(0x1800))).toEqual({
      kind: 'findByTypeValueResponse',
      handles: [{ foundHandle: 1, groupEndHandle: 7 }],
    });
    expectError(find(sigUuid(0x180f)), 0x06, 1, ATT_ERROR_ATTRIBUTE_NOT_FOUND);
    const cccds = ask(server, encodeFindByTypeValueRequest(range, 0x2902, hexBytes('00 00')));
    expect(cccds.kind === 'findByTypeValueResponse' && cccds.handles.map((h) => h.foundHandle)).toEqual([
      0x0b, 0x18, 0x1b, 0x1e, 0x27,
    ]);
  });
});

describe('GattServer MTU exchange (Part F §3.4.2)', () => {
  it('starts at 23, takes min(client, server) and answers with the server Rx MTU', () => {
    const server = new GattServer(GATT_SERVICES, iqosSource());
    expect(server.mtu).toBe(23);
    expect(ask(server, encodeExchangeMtuRequest(517))).toEqual({
      kind: 'exchangeMtuResponse',
      serverRxMtu: 247,
    });
    expect(server.mtu).toBe(247);
  });

  it('only the first exchange counts; a disconnect starts over', () => {
    const server = new GattServer(GATT_SERVICES, iqosSource());
    ask(server, encodeExchangeMtuRequest(100));
    expect(ask(server, encodeExchangeMtuRequest(200))).toEqual({
      kind: 'exchangeMtuResponse',
      serverRxMtu: 247,
    });
    expect(server.mtu).toBe(100);
    server.disconnect();
    expect(server.mtu).toBe(23);
    ask(server, encodeExchangeMtuRequest(200));
    expect(server.mtu).toBe(200);
  });

  it('never goes below 23 and honours maxMtu', () => {
    const small = new GattServer(GATT_SERVICES, iqosSource());
    ask(small, encodeExchangeMtuRequest(10));
    expect(small.mtu).toBe(23);
    const capped = new GattServer(GATT_SERVICES, iqosSource(), { maxMtu: 64 });
    expect(ask(capped, encodeExchangeMtuRequest(517))).toEqual({
      kind: 'exchangeMtuResponse',
      serverRxMtu: 64,
    });
    expect(capped.mtu).toBe(64);
  });

  it('rejects a maxMtu outside 23..517 and a table with a handle used twice', () => {
    for (const maxMtu of [22, 518, 100.5])
      expect(() => new GattServer(GATT_SERVICES, iqosSource(), { maxMtu })).toThrow(SimulatorError);
    const [first] = GATT_SERVICES as [ServiceDef];
    const clash: ServiceDef = { ...first, uuid: sigUuid(0x180f) };
    expect(() => new GattServer([first, clash], iqosSource())).toThrow(/used twice/);
    const outside: ServiceDef = { ...first, endHandle: 5 };
    expect(() => new GattServer([outside], iqosSource())).toThrow(/outside service/);
  });
});

describe('GattServer reads', () => {
  let source: FakeSource;
  let server: GattServer;
  beforeEach(() => {
    source = iqosSource();
    server = new GattServer(GATT_SERVICES, source);
  });

  it('reads values from the source, declarations and CCCDs from the database', () => {
    source.values.set(BATTERY, hexBytes('64 01 02'));
    expect(ask(server, encodeReadRequest(BATTERY))).toEqual({
      kind: 'readResponse',
      value: hexBytes('64 01 02'),
    });
    expect(ask(server, encodeReadRequest(0x15))).toEqual({
      kind: 'readResponse',
      value: uuidToAttBytes(IQOS_SERVICE_UUID),
    });
    const declaration = ask(server, encodeReadRequest(0x19));
    expect(declaration.kind === 'readResponse' && decodeCharacteristicDeclaration(declaration.value)).toEqual(
      {
        properties: ['read', 'notify'],
        valueHandle: BATTERY,
        uuid: BATTERY_CHAR_UUID,
      },
    );
    expect(ask(server, encodeReadRequest(BATTERY_CCCD))).toEqual({
      kind: 'readResponse',
      value: hexBytes('00 00'),
    });
  });

  it('reads by characteristic UUID (Read By Type on a value)', () => {
    source.values.set(BATTERY, hexBytes('55'));
    expect(
      ask(server, encodeReadByTypeRequest({ startHandle: 1, endHandle: 0xffff }, BATTERY_CHAR_UUID)),
    ).toEqual({
      kind: 'readByTypeResponse',
      entries: [{ handle: BATTERY, value: hexBytes('55') }],
    });
  });

  it('truncates a Read Response to ATT_MTU − 1 and serves the rest through Read Blob', () => {
    const long = Uint8Array.from({ length: 60 }, (_, i) => i);
    source.values.set(STATIC_0020, long);
    const first = ask(server, encodeReadRequest(STATIC_0020));
    expect(first.kind === 'readResponse' && first.value).toEqual(long.subarray(0, 22));
    const parts: number[] = [];
    for (let offset = 0; ; ) {
      const r = ask(server, encodeReadBlobRequest(STATIC_0020, offset));
      if (r.kind !== 'readBlobResponse') throw new Error(r.kind);
      parts.push(...r.value);
      offset += r.value.length;
      if (r.value.length < 22) break;
    }
    expect(Uint8Array.from(parts)).toEqual(long);
    expect(ask(server, encodeReadBlobRequest(STATIC_0020, 60))).toEqual({
      kind: 'readBlobResponse',
      value: new Uint8Array(0),
    });
    expectError(
      ask(server, encodeReadBlobRequest(STATIC_0020, 61)),
      0x0c,
      STATIC_0020,
      ATT_ERROR_INVALID_OFFSET,
    );
  });

  it('cuts Read By Type values to ATT_MTU − 4 and stops at a value of another length', () => {
    const twin: ServiceDef = {
      uuid: sigUuid(0x180f),
      name: 'twin',
      startHandle: 1,
      endHandle: 7,
      characteristics: [2, 4, 6].map((declarationHandle) => ({
        uuid: sigUuid(0x2a19),
        name: 'level',
        properties: declarationHandle === 6 ? ['notify'] : ['read'],
        declarationHandle,
        valueHandle: declarationHandle + 1,
      })),
    };
    const twins = new FakeSource();
    twins.values.set(3, new Uint8Array(40));
    twins.values.set(5, new Uint8Array(40));
    const s = new GattServer([twin], twins);
    const range = { startHandle: 1, endHandle: 7 };
    const r = ask(s, encodeReadByTypeRequest(range, 0x2a19));
    expect(twins.reads).toBe(1); // the second match cannot fit, so the source is not asked for it
    expect(r.kind === 'readByTypeResponse' && r.entries.map((e) => [e.handle, e.value.length])).toEqual([
      [3, 19],
    ]);
    ask(s, encodeExchangeMtuRequest(100));
    const wide = ask(s, encodeReadByTypeRequest(range, 0x2a19));
    // Two 40-byte values, then the unreadable third ends the list without an error.
    expect(wide.kind === 'readByTypeResponse' && wide.entries.map((e) => e.handle)).toEqual([3, 5]);
    twins.values.set(5, new Uint8Array(4));
    const mixed = ask(s, encodeReadByTypeRequest(range, 0x2a19));
    expect(mixed.kind === 'readByTypeResponse' && mixed.entries.map((e) => e.handle)).toEqual([3]);
    expectError(
      ask(s, encodeReadByTypeRequest({ startHandle: 6, endHandle: 7 }, 0x2a19)),
      0x08,
      7,
      ATT_ERROR_READ_NOT_PERMITTED,
    );
  });

  it('passes the source errors through with the handle', () => {
    source.values.delete(BATTERY);
    expectError(ask(server, encodeReadRequest(BATTERY)), 0x0a, BATTERY, ATT_ERROR_UNLIKELY_ERROR);
    const guarded = new GattServer(GATT_SERVICES, {
      read: () => ({ error: ATT_ERROR_INSUFFICIENT_AUTHENTICATION }),
      write: () => 0,
    });
    expectError(
      ask(guarded, encodeReadRequest(BATTERY)),
      0x0a,
      BATTERY,
      ATT_ERROR_INSUFFICIENT_AUTHENTICATION,
    );
    expectError(
      ask(guarded, encodeReadByTypeRequest({ startHandle: 0x15, endHandle: 0x2a }, BATTERY_CHAR_UUID)),
      0x08,
      BATTERY,
      ATT_ERROR_INSUFFICIENT_AUTHENTICATION,
    );
  });
});

describe('GattServer writes and notifications', () => {
  let source: FakeSource;
  let server: GattServer;
  beforeEach(() => {
    source = iqosSource();
    server = new GattServer(GATT_SERVICES, source);
  });

  it('hands a Write Request to the source and answers with a Write Response', () => {
    expect(ask(server, encodeWriteRequest(SCP, hexBytes('00 C0 02 23 C3')), 1234)).toEqual({
      kind: 'writeResponse',
    });
    expect(source.writes).toEqual([{ handle: SCP, hex: '00 C0 02 23 C3', withResponse: true, nowMs: 1234 }]);
    source.writeResult = ATT_ERROR_UNLIKELY_ERROR;
    expectError(ask(server, encodeWriteRequest(SCP, hexBytes('00'))), 0x12, SCP, ATT_ERROR_UNLIKELY_ERROR);
  });

  it('hands a Write Command to the source with no response, errors included', () => {
    expect(server.handlePdu(encodeWriteCommand(STATIC_0020, hexBytes('AA')), 5)).toEqual([]);
    source.writeResult = ATT_ERROR_UNLIKELY_ERROR;
    expect(server.handlePdu(encodeWriteCommand(RW_0024, hexBytes('BB')), 6)).toEqual([]);
    expect(source.writes).toEqual([
      { handle: STATIC_0020, hex: 'AA', withResponse: false, nowMs: 5 },
      { handle: RW_0024, hex: 'BB', withResponse: false, nowMs: 6 },
    ]);
  });

  it('ignores Write Commands it may not apply', () => {
    for (const pdu of [
      encodeWriteCommand(SCP, hexBytes('01')), // no writeWithoutResponse
      encodeWriteCommand(DEVICE_NAME, hexBytes('01')),
      encodeWriteCommand(0x16, hexBytes('01')),
      encodeWriteCommand(0x2b, hexBytes('01')),
      encodeWriteCommand(STATIC_0020, new Uint8Array(21)), // longer than ATT_MTU − 3
      encodeWriteCommand(BATTERY_CCCD, hexBytes('01')),
      hexBytes('52 20'), // malformed
      hexBytes('D2 20 00 01 00 00 00 00 00 00 00 00 00 00 00 00'), // Signed Write Command: not supported
    ])
      expect(server.handlePdu(pdu, 0)).toEqual([]);
    expect(source.writes).toEqual([]);
    expect(server.isSubscribed(BATTERY)).toBe(false);
  });

  it('subscribes through the CCCD, notifies, and forgets it on disconnect', () => {
    expect(server.notify(BATTERY, hexBytes('64'))).toBeUndefined();
    expect(ask(server, encodeWriteRequest(BATTERY_CCCD, hexBytes('01 00')), 7)).toEqual({
      kind: 'writeResponse',
    });
    expect(server.isSubscribed(BATTERY)).toBe(true);
    expect(source.subscriptions).toEqual([[BATTERY, true]]);
    expect(ask(server, encodeReadRequest(BATTERY_CCCD))).toEqual({
      kind: 'readResponse',
      value: hexBytes('01 00'),
    });
    expect(toHex(server.notify(BATTERY, hexBytes('64 01')) ?? new Uint8Array(0))).toBe('1B 1A 00 64 01');
    expect(server.notify(SCP, hexBytes('01'))).toBeUndefined(); // another characteristic's CCCD is off
    ask(server, encodeWriteRequest(BATTERY_CCCD, hexBytes('01 00'))); // no change, no callback
    ask(server, encodeWriteRequest(BATTERY_CCCD, hexBytes('00 00')));
    expect(source.subscriptions).toEqual([
      [BATTERY, true],
      [BATTERY, false],
    ]);
    expect(server.notify(BATTERY, hexBytes('64'))).toBeUndefined();
    server.handlePdu(encodeWriteCommand(SCP_CCCD, hexBytes('01 00')), 0);
    expect(server.isSubscribed(SCP)).toBe(true);
    server.disconnect();
    expect(server.isSubscribed(SCP)).toBe(false);
    expect(ask(server, encodeReadRequest(SCP_CCCD))).toEqual({
      kind: 'readResponse',
      value: hexBytes('00 00'),
    });
  });

  it('cuts notifications to ATT_MTU − 3', () => {
    ask(server, encodeWriteRequest(SCP_CCCD, hexBytes('01 00')));
    const value = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect(server.notify(SCP, value)?.length).toBe(23);
    ask(server, encodeExchangeMtuRequest(185));
    const pdu = decodeAttPdu(server.notify(SCP, value) ?? new Uint8Array(0));
    expect(pdu.ok && pdu.value).toEqual({
      kind: 'handleValueNotification',
      handle: SCP,
      value: value.subarray(0, 182),
    });
  });

  it('indication-only CCCD bits do not count as a subscription to notifications', () => {
    ask(server, encodeWriteRequest(BATTERY_CCCD, hexBytes('02 00')));
    expect(server.isSubscribed(BATTERY)).toBe(false);
    expect(source.subscriptions).toEqual([]);
  });
});
