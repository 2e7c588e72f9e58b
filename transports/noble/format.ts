/**
 * The shapes noble's bindings hand to noble (@stoprocent/noble 2.8, lib/hci-socket/gap.js and
 * gatt.js): UUIDs as lower-case hex without dashes, SIG UUIDs in their 16-bit short form; the
 * advertisement object built from the advertising and scan-response AD structures; characteristic
 * properties as names in bit order. One difference: 16-bit UUIDs are always 4 hex digits, where
 * gap.js writes `readUInt16LE().toString(16)` (so 0x0001 would be `1`); no SIG UUID is that small.
 */

/** noble's advertisement object (gap.js `parseServices`); fields stay undefined until advertised. */
export interface NobleAdvertisement {
  localName: string | undefined;
  txPowerLevel: number | undefined;
  /** The whole AD 0xFF payload, company id (little-endian) first. */
  manufacturerData: Buffer | undefined;
  serviceData: { uuid: string; data: Buffer }[];
  serviceUuids: string[];
  serviceSolicitationUuids: string[];
}

/** Bluetooth Base UUID after the 32-bit prefix, without dashes (Core spec Vol 3 Part B §2.5.1). */
const BASE_UUID_SUFFIX = '00001000800000805f9b34fb';

/**
 * A UUID in any spelling (`2A24`, `00002a24-0000-1000-8000-00805f9b34fb`, `DAEBB240-B041-…`) in
 * noble's form (`2a24`, `daebb240b04111e49e450002a5d5c51b`); a 32-bit alias becomes 128-bit, as it
 * travels over ATT. noble's HCI bindings compare filters exactly as given; these bindings accept any
 * spelling, as noble's D-Bus bindings do. Anything else comes back lower-cased, to match nothing.
 */
export function nobleUuid(uuid: string): string {
  const hex = uuid.toLowerCase().replace(/-/g, '');
  if (/^[0-9a-f]{8}$/.test(hex)) return hex.startsWith('0000') ? hex.slice(4) : `${hex}${BASE_UUID_SUFFIX}`;
  if (/^[0-9a-f]{32}$/.test(hex) && hex.startsWith('0000') && hex.endsWith(BASE_UUID_SUFFIX))
    return hex.slice(4, 8);
  return hex;
}

const PROPERTY_NAMES = [
  'broadcast',
  'read',
  'writeWithoutResponse',
  'write',
  'notify',
  'indicate',
  'authenticatedSignedWrites',
  'extendedProperties',
] as const;

/** Characteristic properties bitmask (Core spec Vol 3 Part G §3.3.1.1) as noble's names, in bit order. */
export function propertyNames(properties: number): string[] {
  return PROPERTY_NAMES.filter((_, bit) => (properties & (1 << bit)) !== 0);
}

/** Little-endian bytes as hex, most significant first (how gap.js spells AD UUIDs). */
function reversedHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).reverse().toString('hex');
}

/** A list of `width`-byte UUIDs, each little-endian. */
function uuidList(bytes: Uint8Array, width: 2 | 4 | 16): string[] {
  const out: string[] = [];
  for (let at = 0; at + width <= bytes.length; at += width)
    out.push(reversedHex(bytes.subarray(at, at + width)));
  return out;
}

function addUnique(list: string[], uuids: readonly string[]): void {
  for (const uuid of uuids) if (!list.includes(uuid)) list.push(uuid);
}

/** Service data: the UUID (2, 4 or 16 bytes, little-endian) then the data; replaces an earlier entry. */
function addServiceData(ad: NobleAdvertisement, bytes: Uint8Array, uuidBytes: 2 | 4 | 16): void {
  if (bytes.length < uuidBytes) return;
  const uuid = reversedHex(bytes.subarray(0, uuidBytes));
  const entry = { uuid, data: Buffer.from(bytes.subarray(uuidBytes)) };
  const index = ad.serviceData.findIndex((s) => s.uuid === uuid);
  if (index >= 0) ad.serviceData[index] = entry;
  else ad.serviceData.push(entry);
}

/** One AD structure into the advertisement, as gap.js `parseServices` does (AD types: CSS Part A §1). */
function applyStructure(ad: NobleAdvertisement, type: number, bytes: Uint8Array): void {
  switch (type) {
    case 0x02:
    case 0x03:
      addUnique(ad.serviceUuids, uuidList(bytes, 2));
      break;
    case 0x06:
    case 0x07:
      addUnique(ad.serviceUuids, uuidList(bytes, 16));
      break;
    case 0x08:
    case 0x09:
      ad.localName = Buffer.from(bytes).toString('utf8');
      break;
    case 0x0a:
      if (bytes.length >= 1) ad.txPowerLevel = ((bytes[0] as number) << 24) >> 24;
      break;
    case 0x14:
      addUnique(ad.serviceSolicitationUuids, uuidList(bytes, 2));
      break;
    case 0x15:
      addUnique(ad.serviceSolicitationUuids, uuidList(bytes, 16));
      break;
    case 0x1f:
      addUnique(ad.serviceSolicitationUuids, uuidList(bytes, 4));
      break;
    case 0x16:
      addServiceData(ad, bytes, 2);
      break;
    case 0x20:
      addServiceData(ad, bytes, 4);
      break;
    case 0x21:
      addServiceData(ad, bytes, 16);
      break;
    case 0xff:
      ad.manufacturerData = Buffer.from(bytes);
      break;
  }
}

/**
 * The advertisement noble reports after the scan response: the advertising data, then the scan
 * response merged over it. Parsing stops at a structure that runs past the end, as gap.js does.
 */
export function nobleAdvertisement(...payloads: readonly Uint8Array[]): NobleAdvertisement {
  const ad: NobleAdvertisement = {
    localName: undefined,
    txPowerLevel: undefined,
    manufacturerData: undefined,
    serviceData: [],
    serviceUuids: [],
    serviceSolicitationUuids: [],
  };
  for (const payload of payloads) {
    for (let at = 0; at + 1 < payload.length; ) {
      const length = payload[at] as number;
      if (length === 0 || at + 1 + length > payload.length) break;
      applyStructure(ad, payload[at + 1] as number, payload.subarray(at + 2, at + 1 + length));
      at += 1 + length;
    }
  }
  return ad;
}
