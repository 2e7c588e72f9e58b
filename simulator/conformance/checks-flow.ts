/**
 * The SCP checks of the suite about flow (docs/conformance.md): sixteen requests outstanding at once
 * (D-11), reply latency within what the tightest clients allow (D-10, §6.4), and a partial BLE frame
 * dropped at its deadline (D-9).
 */
import { SCP_CHAR_UUID } from '../../protocol/index.js';
import { describeFrame, expectedReply, judgeReply } from './judge.js';
import { probeLabel, probeRequest, type ReadProbe, type RegisterProbe, readProbes } from './registers.js';
import type { Check, Mismatch } from './types.js';
import { isVerdict, notApplicable, readFrame, scpOnly, sessionOn, verdictOf } from './verdict.js';

/** D-11 `scp.queueDepth`: replies a device owes at most. */
const QUEUE_DEPTH = 16;
/** D-9 `scp.reassemblyTimeoutMs`: a partial frame older than this is dropped. */
const REASSEMBLY_TIMEOUT_MS = 1000;
/** Tightest client timeouts (docs/protocol.md §6.4): 120 ms per BLE request, 350 ms over USB. */
const TIMING_TOLERANCE_MS = { ble: 120, usb: 350 } as const;
/** Reads the timing check measures. */
const TIMING_SAMPLES = 10;

/** Plain reads (no argument) of the model, in order: distinct replies, so order shows. */
function plainReads(probes: readonly ReadProbe[]): RegisterProbe[] {
  return probes.filter((p): p is RegisterProbe => p.kind === 'register' && p.argument === undefined);
}

export const QUEUE_DEPTH_CHECK: Check = {
  id: 'scp.queue-depth',
  title: `${QUEUE_DEPTH} requests outstanding at once are all answered, in order`,
  citation: 'docs/protocol.md D-11',
  applies: scpOnly,
  async run(ctx) {
    const session = await sessionOn(ctx, ctx.target.channel);
    if (isVerdict(session)) return session;
    const reads = plainReads(readProbes(ctx.model));
    const probes = Array.from({ length: QUEUE_DEPTH }, (_, i) => reads[i % reads.length] as RegisterProbe);
    const { arrivals } = await session.exchange(probes.map(probeRequest), probes.length, ctx.timeoutMs);
    const mismatches: Mismatch[] = [];
    for (const [i, probe] of probes.entries()) {
      const label = `request ${i + 1} of ${probes.length} (${probeLabel(probe)})`;
      const got = arrivals[i]?.value;
      if (got) mismatches.push(...judgeReply(label, probe, got));
      else mismatches.push({ what: label, expected: expectedReply(probe), got: 'no reply' });
    }
    return verdictOf(
      mismatches,
      `${probes.length} reads sent back to back got ${probes.length} replies in order`,
      `${arrivals.length} replies to ${probes.length} requests outstanding at once, ${mismatches.length} wrong or missing`,
    );
  },
};

export const REPLY_TIMING: Check = {
  id: 'scp.reply-timing',
  title: 'replies come within the tightest client timeout',
  citation: 'docs/protocol.md D-10',
  applies: scpOnly,
  async run(ctx) {
    const session = await sessionOn(ctx, ctx.target.channel);
    if (isVerdict(session)) return session;
    const toleranceMs = TIMING_TOLERANCE_MS[session.channel];
    const latencies: number[] = [];
    const mismatches: Mismatch[] = [];
    for (let i = 0; i < TIMING_SAMPLES; i++) {
      const reply = await session.request(readFrame('charger', 0x8e), ctx.timeoutMs);
      if (reply) latencies.push(reply.latencyMs);
      else
        mismatches.push({
          what: `read ${i + 1} of C0 S 0x8E`,
          expected: 'a reply',
          got: `no reply within ${ctx.timeoutMs} ms`,
        });
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const medianMs = sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
    const maxMs = sorted.at(-1) ?? Number.NaN;
    const measured = `median ${round(medianMs)} ms, max ${round(maxMs)} ms over ${latencies.length} reads`;
    if (!(medianMs <= toleranceMs))
      mismatches.push({
        what: `reply latency over ${session.channel.toUpperCase()}`,
        expected: `median ≤ ${toleranceMs} ms (docs/protocol.md §6.4; the device's own delay is 5 ms, D-10)`,
        got: measured,
      });
    return verdictOf(
      mismatches,
      `${measured} (tolerance ${toleranceMs} ms)`,
      `replies too slow: ${measured}`,
    );
  },
};

function round(ms: number): string {
  return Number.isFinite(ms) ? String(Math.round(ms * 10) / 10) : '-';
}

export const STALE_PARTIAL: Check = {
  id: 'scp.stale-partial',
  title: `a partial BLE frame is dropped ${REASSEMBLY_TIMEOUT_MS} ms after its first packet`,
  citation: 'docs/protocol.md D-9',
  applies: scpOnly,
  async run(ctx) {
    const session = await sessionOn(ctx, 'ble');
    if (isVerdict(session)) return session;
    const gatt = session.client.gattClient;
    if (!gatt) return notApplicable('no GATT client on the BLE link');
    const scp = gatt.characteristic(SCP_CHAR_UUID).valueHandle;
    const read = readFrame('charger', 0x8e);
    const mark = session.frames.mark;
    // The first packet (T = 01, docs/protocol.md §4.1) of the brightness read, never finished.
    await gatt.write(scp, Uint8Array.of(0x01, ...read.subarray(0, 2)));
    await ctx.wait(REASSEMBLY_TIMEOUT_MS + ctx.timeoutMs);
    const early = session.frames.since(mark);
    const reply = await session.request(read, ctx.timeoutMs);
    const probe: RegisterProbe = { kind: 'register', unit: 'charger', address: 0x8e, size: 4 };
    const mismatches: Mismatch[] = early.map((arrival) => ({
      what: 'a reply to an unfinished frame',
      expected: 'no reply (D-9)',
      got: describeFrame(arrival.value),
    }));
    if (!reply)
      mismatches.push({
        what: `a whole read sent ${REASSEMBLY_TIMEOUT_MS + ctx.timeoutMs} ms after a partial frame`,
        expected: `${expectedReply(probe)}: the stale partial dropped`,
        got: 'no reply (the partial was kept and joined to it?)',
      });
    else mismatches.push(...judgeReply('the whole read after the stale partial', probe, reply.frame));
    return verdictOf(
      mismatches,
      'a partial frame was dropped at its deadline; the next whole frame was answered',
      'the stale partial frame was not dropped at its deadline',
    );
  },
};
