/**
 * CRCs of the SCP protocol, table-driven for the hot path (docs/protocol.md §4.5, §4.6, §7.3).
 *
 * - CRC-8/SMBUS: poly 0x07, init 0x00, no reflection, no final XOR; check("123456789") = 0xF4.
 *   Covers every byte between the node byte and the CRC of a short frame.
 * - CRC-16/OPENSAFETY-B: poly 0x755B, init 0x0000, no reflection, no final XOR; check = 0x20FE.
 *   Covers type, length, table id and data of a long frame; sent low byte first.
 * - The inner check byte of config-record writes is the same CRC-8 with init 0x44 (docs/protocol.md §7.3).
 */

const CRC8_TABLE = buildCrc8Table(0x07);
const CRC16_TABLE = buildCrc16Table(0x755b);

/** Initial value of the inner check byte of config records (docs/protocol.md §7.3). */
export const RECORD_CHECK_INIT = 0x44;

function buildCrc8Table(poly: number): Uint8Array {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let reg = i;
    for (let bit = 0; bit < 8; bit++) reg = reg & 0x80 ? ((reg << 1) ^ poly) & 0xff : (reg << 1) & 0xff;
    table[i] = reg;
  }
  return table;
}

function buildCrc16Table(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let reg = i << 8;
    for (let bit = 0; bit < 8; bit++) reg = reg & 0x8000 ? ((reg << 1) ^ poly) & 0xffff : (reg << 1) & 0xffff;
    table[i] = reg;
  }
  return table;
}

/** CRC-8/SMBUS of `bytes[start, end)`; `init` other than 0 gives the record-check variant. */
export function crc8(bytes: Uint8Array, start = 0, end = bytes.length, init = 0): number {
  let reg = init & 0xff;
  for (let i = start; i < end; i++) reg = CRC8_TABLE[reg ^ (bytes[i] as number)] as number;
  return reg;
}

/** CRC-16/OPENSAFETY-B of `bytes[start, end)` as a number (transmit it low byte first). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let reg = 0;
  for (let i = start; i < end; i++) {
    reg = ((reg << 8) & 0xffff) ^ (CRC16_TABLE[((reg >> 8) ^ (bytes[i] as number)) & 0xff] as number);
  }
  return reg;
}
