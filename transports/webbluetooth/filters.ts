/**
 * What a virtual device looks like to a scan, and Web Bluetooth's filter matching (§4.1 "matches a
 * filter", "the allowed services"). A device is described by its advertising and scan response
 * (docs/protocol.md §2.1, §2.2): the IQOS service UUID, manufacturer data `23 02 XX 00` (company 0x0223, XX =
 * 01 until bonded) and the name in the scan response.
 */
import { decodeAdvertising, hexBytes, normalizeUuid, uuidFromLittleEndian } from '../../protocol/index.js';
import type { RequestDeviceOptionsJson, ScanFilterJson } from './types.js';

export interface ScanRecord {
  readonly name: string | null;
  readonly serviceUuids: readonly string[];
  /** Company id → the bytes after it. */
  readonly manufacturerData: ReadonlyMap<number, readonly number[]>;
  /** Service UUID → its service data. */
  readonly serviceData: ReadonlyMap<string, readonly number[]>;
}

/** AD types (Bluetooth Assigned Numbers §2.3): UUID lists and service data by UUID width. */
const UUID_LIST_WIDTH: ReadonlyMap<number, number> = new Map([
  [0x02, 2],
  [0x03, 2],
  [0x04, 4],
  [0x05, 4],
  [0x06, 16],
  [0x07, 16],
]);
const SERVICE_DATA_WIDTH: ReadonlyMap<number, number> = new Map([
  [0x16, 2],
  [0x20, 4],
  [0x21, 16],
]);
const AD_MANUFACTURER = 0xff;

function uuidOf(bytes: Uint8Array): string {
  if (bytes.length === 16) return uuidFromLittleEndian(bytes);
  let alias = 0;
  for (let i = bytes.length - 1; i >= 0; i--) alias = alias * 256 + (bytes[i] ?? 0);
  return bytes.length === 2
    ? normalizeUuid(alias)
    : `${alias.toString(16).padStart(8, '0')}-0000-1000-8000-00805f9b34fb`;
}

/** Reads a scan record from the advertising and scan-response payloads (malformed tails ignored). */
export function scanRecordOf(advertisement: Uint8Array, scanResponse: Uint8Array): ScanRecord {
  let name: string | null = null;
  const serviceUuids: string[] = [];
  const manufacturerData = new Map<number, number[]>();
  const serviceData = new Map<string, number[]>();
  for (const payload of [advertisement, scanResponse]) {
    const decoded = decodeAdvertising(payload);
    if (!decoded.ok) continue;
    if (decoded.value.localName !== undefined) name = decoded.value.localName;
    for (const structure of decoded.value.structures) {
      const data = structure.dataHex ? hexBytes(structure.dataHex) : new Uint8Array(0);
      const uuidWidth = UUID_LIST_WIDTH.get(structure.type);
      const dataWidth = SERVICE_DATA_WIDTH.get(structure.type);
      if (uuidWidth !== undefined)
        for (let at = 0; at + uuidWidth <= data.length; at += uuidWidth)
          serviceUuids.push(uuidOf(data.subarray(at, at + uuidWidth)));
      else if (dataWidth !== undefined && data.length >= dataWidth)
        serviceData.set(uuidOf(data.subarray(0, dataWidth)), Array.from(data.subarray(dataWidth)));
      else if (structure.type === AD_MANUFACTURER && data.length >= 2)
        manufacturerData.set((data[0] ?? 0) | ((data[1] ?? 0) << 8), Array.from(data.subarray(2)));
    }
  }
  return { name, serviceUuids, manufacturerData, serviceData };
}

function prefixMatches(
  data: readonly number[] | undefined,
  prefix: readonly number[],
  mask: readonly number[],
): boolean {
  if (data === undefined || data.length < prefix.length) return false;
  return prefix.every((byte, i) => ((data[i] ?? 0) & (mask[i] ?? 0)) === (byte & (mask[i] ?? 0)));
}

/** §4.1 "matches a filter": every member given must match. */
export function matchesFilter(record: ScanRecord, filter: ScanFilterJson): boolean {
  if (filter.name !== undefined && record.name !== filter.name) return false;
  if (filter.namePrefix !== undefined && !(record.name ?? '').startsWith(filter.namePrefix)) return false;
  if (filter.services?.some((uuid) => !record.serviceUuids.includes(uuid))) return false;
  if (
    filter.manufacturerData?.some(
      (f) => !prefixMatches(record.manufacturerData.get(f.companyIdentifier), f.dataPrefix, f.mask),
    )
  )
    return false;
  if (
    filter.serviceData?.some((f) => !prefixMatches(record.serviceData.get(f.service), f.dataPrefix, f.mask))
  )
    return false;
  return true;
}

/** A device shows in the chooser when it matches a filter (or all are accepted) and no exclusion. */
export function matchesRequest(record: ScanRecord, options: RequestDeviceOptionsJson): boolean {
  const included = options.acceptAllDevices || (options.filters ?? []).some((f) => matchesFilter(record, f));
  return included && !(options.exclusionFilters ?? []).some((f) => matchesFilter(record, f));
}

/** The services a grant allows: every filter's services plus optionalServices (§4.1 step "allowed"). */
export function allowedServicesOf(options: RequestDeviceOptionsJson): Set<string> {
  const allowed = new Set(options.optionalServices);
  if (!options.acceptAllDevices)
    for (const filter of options.filters ?? []) for (const uuid of filter.services ?? []) allowed.add(uuid);
  return allowed;
}
