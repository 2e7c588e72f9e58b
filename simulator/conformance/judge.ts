/**
 * Judging one reply against what the docs expect of it (docs/protocol.md §4.2, §4.3, §6.1), and
 * saying both sides in decoded words, so a failure reads "expected 08 84 24 (holder, response, 4
 * bytes) got 08 88 24 …" rather than two hex dumps.
 */
import {
  decodeFrame,
  FrameHeader,
  FrameStatus,
  PAYLOAD_SIZES,
  parseFrameInto,
  REPLY_NODE,
  toHex,
} from '../../protocol/index.js';
import type { ReadProbe } from './registers.js';
import type { Mismatch } from './types.js';

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const header = new FrameHeader();

/** A frame as hex plus what it decodes to (command and fields), or why it does not decode. */
export function describeFrame(frame: Uint8Array): string {
  const decoded = decodeFrame(frame, { crcPosition: 'last' });
  if (!decoded.ok) return `${toHex(frame)} (does not decode: ${decoded.error.code} ${decoded.error.message})`;
  const v = decoded.value;
  const where =
    v.frame === 'long'
      ? `table ${hex2((v.table ?? 0) >> 8)} ${hex2((v.table ?? 0) & 0xff)}`
      : `S 0x${hex2(v.register ?? 0)}, ${PAYLOAD_SIZES[v.lengthCode ?? 0]} bytes`;
  const fields = JSON.stringify(v.fields, (_k, value) =>
    typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? toHex(value) : value,
  );
  return `${toHex(frame)} (${v.unit} ${v.kind}${v.write ? ' write' : ''}, ${where}, ${v.command} ${fields})`;
}

/** The header bytes a reply to `probe` must start with, as text for the "expected" side. */
export function expectedReply(probe: ReadProbe): string {
  const node = hex2(REPLY_NODE[probe.unit]);
  if (probe.kind === 'table') {
    const id = `${hex2(probe.table >> 8)} ${hex2(probe.table & 0xff)}`;
    const length = probe.length === undefined ? 'L = 2 + data' : `L = ${hex2(probe.length)}`;
    return `${node} 90 … ${id} (long read reply of table ${id}, ${length}, valid CRC-16)`;
  }
  const code = PAYLOAD_SIZES.indexOf(probe.size);
  const type = 0x80 | (code << 2) | (probe.address & 3);
  const sel = probe.argument ? `, payload [0] = ${hex2(probe.argument[0] ?? 0)}` : '';
  return `${node} ${hex2(type)} ${hex2(probe.address >> 2)} … (response, ${probe.size} bytes${sel}, valid CRC-8)`;
}

/** What is wrong with `frame` as the reply to `probe` (empty when nothing is). */
export function judgeReply(label: string, probe: ReadProbe, frame: Uint8Array): Mismatch[] {
  const got = describeFrame(frame);
  const miss = (what: string): Mismatch[] => [
    { what: `${label}: ${what}`, expected: expectedReply(probe), got },
  ];
  const status = parseFrameInto(frame, 0, frame.length, header, 'last');
  if (status !== FrameStatus.OK || !decodeFrame(frame).ok) return miss('the reply does not decode');
  if (header.node !== REPLY_NODE[probe.unit]) return miss('wrong reply node (docs/protocol.md §1.2)');
  if (!header.response) return miss('response bit 0x80 clear (docs/protocol.md §4.3)');
  if (header.write) return miss('write bit set on a read reply (docs/protocol.md §4.3)');
  if (probe.kind === 'table') {
    if (!header.long || header.table !== probe.table)
      return miss('not a reply of this table (docs/protocol.md §10)');
    const length = frame[2] ?? 0;
    if (probe.length !== undefined && length !== probe.length)
      return miss('wrong L byte (docs/protocol.md §9.3, §8.2)');
    if (probe.table === 0x0101 && (length - 2) % 8 !== 0)
      return miss('counter blocks are 8 bytes (docs/protocol.md §9.1)');
    return [];
  }
  if (header.long || header.address !== probe.address) return miss('wrong register (docs/protocol.md §4.4)');
  if (header.payloadLength !== probe.size || header.extraBytes !== 0)
    return miss('wrong length code (docs/protocol.md §7.1, §4.3)');
  const selector = probe.argument?.[0];
  if (selector !== undefined && frame[3] !== selector)
    return miss('the selector is not echoed in payload byte 0 (docs/protocol.md §7)');
  return [];
}
