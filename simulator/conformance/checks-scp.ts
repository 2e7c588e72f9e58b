/**
 * The SCP checks of the suite that judge replies (docs/conformance.md): reads answered as §7.1 says,
 * writes echoed in order (D-1), bad CRCs dropped (§4.8, D-5) and read-only registers refusing writes
 * (D-14). Requests are fixed per model, and writes put back the value just read, so a run changes
 * nothing on a bench unit and sends the same bytes every time.
 */
import {
  encodeLongFrame,
  encodeShortFrame,
  REPLY_NODE,
  REQUEST_NODE,
  toHex,
  type Unit,
} from '../../protocol/index.js';
import { describeFrame, expectedReply, judgeReply } from './judge.js';
import { probeLabel, probeRequest, readProbes } from './registers.js';
import type { Check, Mismatch } from './types.js';
import {
  fail,
  isVerdict,
  payloadOf,
  readFrame,
  scpOnly,
  sessionOn,
  verdictOf,
  withBadCrc,
} from './verdict.js';

export const READ_REGISTERS: Check = {
  id: 'scp.read-registers',
  title: 'every readable register and table answers with the right node, type and length code',
  citation: 'docs/protocol.md §7.1',
  applies: scpOnly,
  async run(ctx) {
    const session = await sessionOn(ctx, ctx.target.channel);
    if (isVerdict(session)) return session;
    const probes = readProbes(ctx.model);
    const mismatches: Mismatch[] = [];
    for (const probe of probes) {
      const label = probeLabel(probe);
      const reply = await session.request(probeRequest(probe), ctx.timeoutMs);
      if (reply) mismatches.push(...judgeReply(label, probe, reply.frame));
      else
        mismatches.push({
          what: `${label}: no reply within ${ctx.timeoutMs} ms`,
          expected: expectedReply(probe),
          got: 'no reply',
        });
    }
    return verdictOf(
      mismatches,
      `${probes.length} reads (registers, selectors, tables) answered as docs/protocol.md §7.1 and §10 say`,
      `${mismatches.length} of ${probes.length} reads answered wrongly or not at all`,
    );
  },
};

/** Registers every ILUMA model lets a client write (docs/protocol.md §7.1): brightness, holder brightness, vibration. */
const WRITABLE: readonly (readonly [Unit, number])[] = [
  ['charger', 0x8e],
  ['holder', 0x90],
  ['holder', 0x8c],
];

export const WRITE_ECHO: Check = {
  id: 'scp.write-echo',
  title: 'writes are echoed, one each, in the order sent',
  citation: 'docs/protocol.md D-1',
  applies: scpOnly,
  async run(ctx) {
    const session = await sessionOn(ctx, ctx.target.channel);
    if (isVerdict(session)) return session;
    const writes: Uint8Array[] = [];
    const echoes: Uint8Array[] = [];
    for (const [unit, address] of WRITABLE) {
      const read = await session.request(readFrame(unit, address), ctx.timeoutMs);
      if (!read)
        return fail('a register to write back could not be read first', [
          { what: `read of ${unit} S 0x${address.toString(16)}`, expected: 'a reply', got: 'no reply' },
        ]);
      const payload = payloadOf(read.frame);
      writes.push(encodeShortFrame({ node: REQUEST_NODE[unit], address, write: true, payload }));
      // D-1: the request's type with 0x80 added, the same register byte, the stored (= written) value.
      echoes.push(
        encodeShortFrame({ node: REPLY_NODE[unit], address, write: true, response: true, payload }),
      );
    }
    const { arrivals } = await session.exchange(writes, writes.length, ctx.timeoutMs);
    const mismatches: Mismatch[] = [];
    for (const [i, echo] of echoes.entries()) {
      const got = arrivals[i]?.value;
      if (got && toHex(got) === toHex(echo)) continue;
      mismatches.push({
        what: `reply ${i + 1} of ${echoes.length}, to the write ${toHex(writes[i] as Uint8Array)}`,
        expected: describeFrame(echo),
        got: got ? describeFrame(got) : 'no reply',
      });
    }
    return verdictOf(
      mismatches,
      `${writes.length} writes sent back to back, each echoed with its value, in order`,
      `${mismatches.length} of ${writes.length} write echoes missing, wrong or out of order`,
    );
  },
};

export const BAD_CRC: Check = {
  id: 'scp.bad-crc',
  title: 'frames with a bad CRC get no reply and change nothing',
  citation: 'docs/protocol.md §4.8',
  applies: scpOnly,
  async run(ctx) {
    const session = await sessionOn(ctx, ctx.target.channel);
    if (isVerdict(session)) return session;
    const read = readFrame('charger', 0x8e);
    const before = await session.request(read, ctx.timeoutMs);
    if (!before)
      return fail('the control read with a good CRC got no reply', [
        { what: 'brightness read (C0 S 0x8E)', expected: 'a reply', got: 'no reply' },
      ]);
    const level = payloadOf(before.frame)[0] ?? 0;
    // The other level (docs/protocol.md §7.1 S 0x8E: 0x64 high, 0x1E low), so a write taken would show.
    const other = level >= 0x64 ? 0x1e : 0x64;
    const badWrite = withBadCrc(
      encodeShortFrame({ node: 0xc0, address: 0x8e, write: true, payload: Uint8Array.of(other, 0, 0, 0) }),
    );
    const bad = [withBadCrc(read), badWrite];
    const { arrivals } = await session.exchange(bad, Number.POSITIVE_INFINITY, ctx.timeoutMs);
    const mismatches: Mismatch[] = arrivals.map((arrival) => ({
      what: `a reply to ${bad.map((f) => toHex(f)).join(' / ')} (bad CRCs)`,
      expected: 'no reply (D-5)',
      got: describeFrame(arrival.value),
    }));
    const after = await session.request(read, ctx.timeoutMs);
    if (!after || toHex(after.frame) !== toHex(before.frame))
      mismatches.push({
        what: 'brightness after a bad-CRC write of the other level',
        expected: describeFrame(before.frame),
        got: after ? describeFrame(after.frame) : 'no reply',
      });
    return verdictOf(
      mismatches,
      'a read and a write with bad CRCs got no reply; the value stayed',
      'a frame with a bad CRC was answered or acted on',
    );
  },
};

export const READ_ONLY: Check = {
  id: 'scp.read-only',
  title: 'writes to read-only registers and tables get no reply and change nothing',
  citation: 'docs/protocol.md D-14',
  applies: scpOnly,
  async run(ctx) {
    const session = await sessionOn(ctx, ctx.target.channel);
    if (isVerdict(session)) return session;
    const mismatches: Mismatch[] = [];
    // C0 S 0x01, a fixed record (docs/protocol.md §7.1), and table 01 01, the usage counters (§10):
    // each written with the bytes it reads, so even a device that took the write would be unchanged.
    const infoRead = readFrame('charger', 0x01);
    const countersRead = encodeLongFrame({ node: 0xc0, table: 0x0101 });
    const targets = [
      {
        label: 'C0 S 0x01',
        read: infoRead,
        write: (reply: Uint8Array) =>
          encodeShortFrame({ node: 0xc0, address: 0x01, write: true, payload: payloadOf(reply) }),
      },
      {
        label: 'C0 table 01 01',
        read: countersRead,
        write: (reply: Uint8Array) =>
          encodeLongFrame({ node: 0xc0, table: 0x0101, write: true, data: reply.slice(5, reply.length - 2) }),
      },
    ];
    for (const { label, read, write } of targets) {
      const before = await session.request(read, ctx.timeoutMs);
      if (!before) {
        mismatches.push({ what: `${label} read before the write`, expected: 'a reply', got: 'no reply' });
        continue;
      }
      const frame = write(before.frame);
      const { arrivals } = await session.exchange([frame], Number.POSITIVE_INFINITY, ctx.timeoutMs);
      for (const arrival of arrivals)
        mismatches.push({
          what: `a reply to the write ${toHex(frame)} of read-only ${label}`,
          expected: 'no reply (D-14)',
          got: describeFrame(arrival.value),
        });
      const after = await session.request(read, ctx.timeoutMs);
      if (!after || toHex(after.frame) !== toHex(before.frame))
        mismatches.push({
          what: `${label} after the write`,
          expected: describeFrame(before.frame),
          got: after ? describeFrame(after.frame) : 'no reply',
        });
    }
    return verdictOf(
      mismatches,
      'writes to C0 S 0x01 and table 01 01 got no reply and left both as they were',
      'a read-only register or table answered a write or changed',
    );
  },
};
