/**
 * Advertising data and scan response (docs/protocol.md §2, default D-21): a list of AD structures
 * `[length] [type] [data]`. The IQOS layout: flags 0x05, manufacturer data `23 02 XX 00` (XX = 01
 * while unbonded, 00 once bonded), the complete 128-bit service UUID, TX power +6 dBm; the name goes in
 * the scan response.
 */
import { fail, ok, ProtocolError, type Result } from '../errors.js';
import { IQOS_SERVICE_UUID, uuidFromLittleEndian, uuidToLittleEndian } from '../gatt.js';
import { toHex } from '../hex.js';

export const AD_FLAGS = 0x01;
export const AD_INCOMPLETE_UUID128 = 0x06;
export const AD_COMPLETE_UUID128 = 0x07;
export const AD_SHORT_NAME = 0x08;
export const AD_COMPLETE_NAME = 0x09;
export const AD_TX_POWER = 0x0a;
export const AD_MANUFACTURER = 0xff;
/** Company id in the manufacturer data (little-endian `23 02`). */
export const IQOS_COMPANY_ID = 0x0223;
/** Limited discoverable + BR/EDR not supported, as captured (docs/protocol.md §2.1). */
export const IQOS_AD_FLAGS = 0x05;
export const IQOS_TX_POWER_DBM = 6;

export interface AdStructure {
  readonly type: number;
  readonly dataHex: string;
}

export interface AdvertisingData {
  readonly structures: readonly AdStructure[];
  readonly flags?: number;
  readonly manufacturer?: { readonly companyId: number; readonly dataHex: string; readonly bonded?: boolean };
  readonly serviceUuids128?: readonly string[];
  readonly txPowerDbm?: number;
  readonly localName?: string;
  readonly completeName?: boolean;
}

export function decodeAdvertising(bytes: Uint8Array): Result<AdvertisingData> {
  const structures: AdStructure[] = [];
  const out: Record<string, unknown> = { structures };
  let at = 0;
  while (at < bytes.length) {
    const length = bytes[at] as number;
    if (length === 0) break; // Zero length ends the significant part (Core spec Vol 3 Part C §11).
    if (at + 1 + length > bytes.length) {
      return fail(
        'PROTOCOL_TRUNCATED',
        `AD structure at ${at} says ${length} bytes, ${bytes.length - at - 1} remain`,
        { offset: at },
      );
    }
    const type = bytes[at + 1] as number;
    const data = bytes.subarray(at + 2, at + 1 + length);
    structures.push({ type, dataHex: toHex(data) });
    applyStructure(out, type, data);
    at += 1 + length;
  }
  return ok(out as unknown as AdvertisingData);
}

function applyStructure(out: Record<string, unknown>, type: number, data: Uint8Array): void {
  if (type === AD_FLAGS && data.length >= 1) out.flags = data[0];
  else if (type === AD_TX_POWER && data.length >= 1) out.txPowerDbm = ((data[0] as number) << 24) >> 24;
  else if (type === AD_MANUFACTURER && data.length >= 2) {
    const companyId = (data[0] as number) | ((data[1] as number) << 8);
    const bonded = companyId === IQOS_COMPANY_ID && data.length >= 3 ? data[2] === 0 : undefined;
    out.manufacturer = {
      companyId,
      dataHex: toHex(data.subarray(2)),
      ...(bonded === undefined ? {} : { bonded }),
    };
  } else if ((type === AD_COMPLETE_UUID128 || type === AD_INCOMPLETE_UUID128) && data.length % 16 === 0) {
    const uuids: string[] = [];
    for (let i = 0; i < data.length; i += 16) uuids.push(uuidFromLittleEndian(data.subarray(i, i + 16)));
    out.serviceUuids128 = [...((out.serviceUuids128 as string[] | undefined) ?? []), ...uuids];
  } else if (type === AD_COMPLETE_NAME || type === AD_SHORT_NAME) {
    out.localName = new TextDecoder().decode(data);
    out.completeName = type === AD_COMPLETE_NAME;
  }
}

export function encodeAdStructures(
  structures: readonly { readonly type: number; readonly data: Uint8Array }[],
): Uint8Array {
  const size = structures.reduce((sum, s) => sum + 2 + s.data.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const s of structures) {
    if (s.data.length > 254)
      throw new ProtocolError('PROTOCOL_RANGE', `AD structure data too long: ${s.data.length}`);
    if (!Number.isInteger(s.type) || s.type < 0 || s.type > 0xff)
      throw new ProtocolError('PROTOCOL_RANGE', `AD structure type must be a byte, got ${s.type}`);
    out[at] = s.data.length + 1;
    out[at + 1] = s.type;
    out.set(s.data, at + 2);
    at += 2 + s.data.length;
  }
  return out;
}

/** The 30-byte IQOS advertising payload (docs/protocol.md §2.1). */
export function buildAdvertising(options: { readonly bonded: boolean }): Uint8Array {
  return encodeAdStructures([
    { type: AD_FLAGS, data: Uint8Array.of(IQOS_AD_FLAGS) },
    { type: AD_MANUFACTURER, data: Uint8Array.of(0x23, 0x02, options.bonded ? 0x00 : 0x01, 0x00) },
    { type: AD_COMPLETE_UUID128, data: uuidToLittleEndian(IQOS_SERVICE_UUID) },
    { type: AD_TX_POWER, data: Uint8Array.of(IQOS_TX_POWER_DBM) },
  ]);
}

/**
 * Scan response: the complete local name (docs/protocol.md §2.2). Names over 29 bytes do not fit 31 bytes.
 */
export function buildScanResponse(name: string): Uint8Array {
  const data = new TextEncoder().encode(name);
  if (data.length > 29) throw new ProtocolError('PROTOCOL_RANGE', `name '${name}' is over 29 bytes`);
  return encodeAdStructures([{ type: AD_COMPLETE_NAME, data }]);
}
