// The SCP codec of the companion app: just what the app sends and reads, in plain JS (no iqsim
// imports: the app is a real client). Section numbers are those of the IQOS wire protocol spec
// (docs/protocol.md in the iqsim repository).

/** CRC-8/SMBUS (poly 0x07, init 0) over the frame bytes after the node (§4.5). */
export function crc8(bytes) {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** CRC-16/OPENSAFETY-B (poly 0x755B, init 0, MSB first), sent low byte first (§4.6). */
export function crc16(bytes) {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x755b) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** Reply node per request node (§1.2). */
const REPLY_NODE = { 192: 0xc0, 201: 0x08, 210: 0x90 };
const LENGTH_CODE = { 0: 0, 4: 1, 14: 2, 24: 3 };

/**
 * A short frame (§4.2, §4.4): node, type, register byte, payload, CRC-8. `address` is the 10-bit S;
 * `payload` (0, 4, 14 or 24 bytes) is a selector argument for a read or the value for a write.
 */
export function shortFrame(node, address, { write = false, payload = [] } = {}) {
  const code = LENGTH_CODE[payload.length];
  if (code === undefined) throw new RangeError(`payload of ${payload.length} bytes`);
  const type = (write ? 0x40 : 0) | (code << 2) | (address & 3);
  const body = [type, address >> 2, ...payload];
  return [node, ...body, crc8(body)];
}

/** A long (table) read request, e.g. table 0x0101 usage counters (§4.2, §9). */
export function longRead(node, table) {
  const body = [0x10, 0x02, table >> 8, table & 0xff];
  const crc = crc16(body);
  return [node, ...body, crc & 0xff, crc >> 8];
}

/** What a reply to `request` starts with: reply node, type with 0x80, register byte or table id. */
export function replyMatcher(request) {
  const node = REPLY_NODE[request[0]];
  const long = (request[1] & 0x10) !== 0;
  return (frame) => {
    if (frame[0] !== node || (frame[1] & 0x80) === 0) return false;
    if ((frame[1] & 0x50) !== (request[1] & 0x50)) return false; // write and long bits kept
    if (long) return frame[3] === request[3] && frame[4] === request[4];
    return frame[2] === request[2] && (frame[1] & 3) === (request[1] & 3);
  };
}

/** The payload of a short reply (after the 3-byte header, before the CRC), checked. */
export function shortPayload(frame) {
  const size = [0, 4, 14, 24][(frame[1] >> 2) & 3];
  if (frame.length < 4 + size) throw new Error('short reply truncated');
  const body = frame.slice(1, 3 + size);
  if (crc8(body) !== frame[3 + size]) throw new Error('reply CRC mismatch');
  return frame.slice(3, 3 + size);
}

/** Usage counters (§9.1): `{ tag: value }` from a table 01 01 reply, tags as upper-case hex. */
export function counters(frame) {
  const length = frame[2];
  const crc = crc16(frame.slice(1, 3 + length));
  if (frame[3 + length] !== (crc & 0xff) || frame[4 + length] !== crc >> 8)
    throw new Error('reply CRC mismatch');
  const out = {};
  for (let at = 5; at + 8 <= 3 + length; at += 8) {
    const tag = frame[at + 7].toString(16).toUpperCase().padStart(2, '0');
    out[tag] = frame[at + 4] | (frame[at + 5] << 8) | (frame[at + 6] << 16);
  }
  return out;
}

/** BLE values of one frame: transport byte `01` on all but the last, `00` on the last (§4.1). */
export function fragments(frame, maxValueBytes = 20) {
  const room = maxValueBytes - 1;
  const out = [];
  for (let at = 0; at < frame.length; at += room) {
    const last = at + room >= frame.length;
    out.push(Uint8Array.from([last ? 0x00 : 0x01, ...frame.slice(at, at + room)]));
  }
  return out;
}

/** Reassembles notified values into frames; `push` returns a frame when its last packet arrives. */
export function reassembler() {
  let parts = [];
  return {
    push(value) {
      const bytes = Array.from(value);
      parts.push(...bytes.slice(1));
      if (bytes[0] === 0x01) return undefined;
      const frame = parts;
      parts = [];
      return frame;
    },
  };
}

/** Battery record (§3.4): fields present per flag bit, in order. */
export function parseBattery(view) {
  const flags = view.getUint16(0, true);
  let at = 2;
  const out = {};
  const u8 = () => view.getUint8(at++);
  const u16 = () => {
    const v = view.getUint16(at, true);
    at += 2;
    return v;
  };
  if (flags & 1) out.chargerPct = u8();
  if (flags & 2) out.chargerTempC = u8();
  if (flags & 4) out.chargerMv = u16();
  if (flags & 8) out.holderPct = u8();
  if (flags & 16) out.holderTempC = u8();
  if (flags & 32) out.holderMv = u16();
  return out;
}

/**
 * Device-status record (§3.5), as raw fields: charger and holder state, holder contact, the error,
 * warning and ambient bits, and the last experience (end-of-heat reason, puffs, flags). What they mean
 * to a person is in faults.js.
 */
export function parseStatus(view) {
  const flags = view.getUint16(0, true);
  let at = 2;
  const out = { chargerErrors: 0, holderErrors: 0, holderWarnings: 0, ambient: 0 };
  const u8 = () => view.getUint8(at++);
  if (flags & 1) out.chargerErrors = u8();
  if (flags & 2) {
    const a = u8();
    const b = u8();
    out.chargerState = a & 0x0f;
    out.chargerLow = (a & 0x40) !== 0;
    out.chargerDefect = (a & 0x80) !== 0;
    out.holderState = b & 0x0f;
    out.holderContact = (b >> 4) & 3;
    out.holderDefect = (b & 0x80) !== 0;
  }
  if (flags & 0x84) out.ambient = u8() & 3;
  if (flags & 8) out.holderErrors = u8();
  if (flags & 16) out.holderWarnings = u8();
  if (flags & 32) at += 4;
  if (flags & 64) {
    const a = u8();
    out.endReason = a & 0x0f;
    out.dutyCycle = (a & 0x20) !== 0;
    out.intensivePuffing = (a & 0x80) !== 0;
    out.heating = out.endReason === 1;
    out.puffs = u8();
  }
  return out;
}
