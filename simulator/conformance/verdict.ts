/** Building verdicts, and the applicability rules the checks share (docs/conformance.md). */
import { encodeShortFrame, REQUEST_NODE, type Unit } from '../../protocol/index.js';
import type { Session } from './session.js';
import type { CheckContext, ConformanceTarget, LinkChannel, Mismatch, Verdict } from './types.js';

export const pass = (detail: string): Verdict => ({ outcome: 'pass', detail });
export const notApplicable = (detail: string): Verdict => ({ outcome: 'n/a', detail });
export const fail = (detail: string, mismatches: readonly Mismatch[]): Verdict => ({
  outcome: 'fail',
  detail,
  mismatches,
});

/** A pass when nothing is wrong, else a fail summarised as `summary` with every mismatch. */
export function verdictOf(mismatches: readonly Mismatch[], passed: string, summary: string): Verdict {
  return mismatches.length === 0 ? pass(passed) : fail(summary, mismatches);
}

/** n/a for models that answer no SCP at all (docs/protocol.md §1.1). */
export function scpOnly(target: ConformanceTarget): string | undefined {
  return target.model.scp ? undefined : `${target.model.displayName} answers no SCP (docs/protocol.md §1.1)`;
}

/** Why a target cannot give a session on `channel`. */
function noLink(target: ConformanceTarget, channel: LinkChannel): string {
  return `the target's link is ${target.channel.toUpperCase()} and it cannot open a ${channel.toUpperCase()} link`;
}

/** The session on `channel`, or an n/a verdict saying the target has none. */
export async function sessionOn(
  ctx: CheckContext,
  channel: LinkChannel,
  mtu?: number,
): Promise<Session | Verdict> {
  const session = await ctx.session(channel, mtu);
  return session ?? notApplicable(noLink(ctx.target, channel));
}

export function isVerdict(value: Session | Verdict): value is Verdict {
  return 'outcome' in value;
}

/** A plain read of S on `unit` (docs/protocol.md §4.4). */
export function readFrame(unit: Unit, address: number): Uint8Array {
  return encodeShortFrame({ node: REQUEST_NODE[unit], address });
}

/** The payload of a short reply frame: after node, type and register byte, before the CRC. */
export function payloadOf(frame: Uint8Array): Uint8Array {
  return frame.slice(3, frame.length - 1);
}

/** `frame` with its last byte (the CRC) XOR-ed with a non-zero byte: a bad CRC (docs/protocol.md §4.8). */
export function withBadCrc(frame: Uint8Array): Uint8Array {
  const out = frame.slice();
  out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 0x5a;
  return out;
}
