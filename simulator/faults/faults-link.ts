/**
 * The packet side of the fault injector (docs/faults.md §15.2): what F-40, F-41 do to the next SCP
 * request and what F-14, F-43…F-46 do to the next SCP replies, as they cross an `InMemoryLink` tap.
 * Requests are ATT writes to the SCP value (T = 01 more, 00 last) or USB reports; replies are
 * notifications on the SCP value or USB reports. A reply's fate is decided at its first fragment, so
 * a multi-packet reply is dropped, delayed or duplicated whole.
 */
import {
  ATT_OP_HANDLE_VALUE_NTF,
  ATT_OP_WRITE_CMD,
  ATT_OP_WRITE_REQ,
  decodeUsbReport,
  encodeUsbReport,
  REPLY_NODE,
  toHex,
} from '../../protocol/index.js';
import { HANDLES } from '../device/device.js';
import type { SeededRandom } from '../random.js';
import type { WirePacket } from '../wire.js';
import type { FaultOptions } from './faults-catalogue.js';

export type Routed = { packets: WirePacket[]; delayMs?: number };

interface ReplyFragment {
  /** The first three frame bytes as hex, for the log. */
  readonly head: string;
  readonly node: number;
  readonly multi: boolean;
  readonly last: boolean;
}

interface ReplyPlan {
  readonly head: string;
  drop: string | undefined;
  dropIndex: number | undefined;
  dropped: boolean;
  duplicate: boolean;
  delayMs: number;
  index: number;
  readonly fragments: WirePacket[];
}

/** Link faults armed for the next requests and replies; `record` logs each effect. */
export class LinkFaults {
  /** F-14: holder (C9) replies are dropped while set. */
  holderSilent = false;
  private reply: ReplyPlan | undefined;
  private corruptNext = false;
  private truncateNext: number | undefined;
  private dropReplies = 0;
  private delay = { ms: 0, remaining: 0 };
  private duplicateNext = false;
  private dropFragment: number | undefined;

  constructor(
    private readonly rng: SeededRandom,
    private readonly record: (id: string, detail: string) => void,
  ) {}

  /** Arms F-40, F-41, F-43…F-46; returns what was armed, or undefined for any other id. */
  arm(id: string, o: FaultOptions): string | undefined {
    switch (id) {
      case 'F-40':
        this.corruptNext = true;
        return 'corrupt the CRC of the next request';
      case 'F-41':
        this.truncateNext = o.keepBytes ?? 3;
        return `cut the next request to ${this.truncateNext} frame byte(s)`;
      case 'F-43':
        this.dropReplies += o.count ?? 1;
        return `drop the next ${this.dropReplies} reply(s)`;
      case 'F-44':
        this.delay = { ms: o.delayMs ?? 150, remaining: o.count ?? Number.POSITIVE_INFINITY };
        return `delay ${o.count ?? 'all'} reply(s) by ${this.delay.ms} ms`;
      case 'F-45':
        this.duplicateNext = true;
        return 'duplicate the next reply';
      case 'F-46':
        this.dropFragment = o.index ?? 0;
        return `drop fragment ${this.dropFragment} of the next multi-packet reply`;
      default:
        return undefined;
    }
  }

  /** Disarms a link fault; false for an id this class does not arm. */
  disarm(id: string): boolean {
    if (id === 'F-40') this.corruptNext = false;
    else if (id === 'F-41') this.truncateNext = undefined;
    else if (id === 'F-43') this.dropReplies = 0;
    else if (id === 'F-44') this.delay = { ms: 0, remaining: 0 };
    else if (id === 'F-45') this.duplicateNext = false;
    else if (id === 'F-46') this.dropFragment = undefined;
    else return false;
    return true;
  }

  /** Forgets a reply in flight (the link changed or dropped). */
  resetReply(): void {
    this.reply = undefined;
  }

  /**
   * The last packet of request number `n`, corrupted (F-40) and/or cut short (F-41) if armed. F-41
   * keeps 3 bytes by default: under the 4-byte minimum frame the device counts it `malformed`; a
   * longer cut frame usually fails the CRC first (the CRC is checked over what arrived) and counts
   * as `badCrc`.
   */
  request(packet: WirePacket, n: number): WirePacket {
    let out = packet;
    if (this.corruptNext) {
      this.corruptNext = false;
      const mask = 1 + this.rng.int(255);
      out = editFrame(out, (f) => {
        const copy = f.slice();
        copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ mask;
        return copy;
      });
      this.record('F-40', `request ${n}: last byte XOR ${hex2(mask)}`);
    }
    const keep = this.truncateNext;
    if (keep !== undefined) {
      this.truncateNext = undefined;
      out = editFrame(out, (f) => f.subarray(0, Math.min(keep, f.length)));
      this.record('F-41', `request ${n}: cut to ${frameOf(out)?.length ?? 0} frame bytes`);
    }
    return out;
  }

  /** Routes one packet towards the client: SCP reply fragments per the plan of their reply. */
  toClient(packet: WirePacket): Routed {
    const fragment = replyFragment(packet);
    if (!fragment) return { packets: [packet] };
    const plan = this.reply ?? this.plan(fragment);
    this.reply = plan;
    const index = plan.index++;
    let packets: WirePacket[] = [packet];
    if (plan.drop) packets = [];
    else if (plan.dropIndex === index) {
      packets = [];
      plan.dropped = true;
      this.record('F-46', `dropped fragment ${index} of reply ${plan.head}`);
    }
    if (plan.duplicate) plan.fragments.push(packet);
    if (fragment.last) {
      this.reply = undefined;
      if (plan.duplicate) {
        packets.push(...plan.fragments);
        this.record('F-45', `duplicated reply ${plan.head} (${plan.fragments.length} packet(s))`);
      }
      if (plan.dropIndex !== undefined && !plan.dropped)
        this.record('F-46', `reply had ${index + 1} fragment(s); fragment ${plan.dropIndex} not dropped`);
    }
    return plan.delayMs > 0 ? { packets, delayMs: plan.delayMs } : { packets };
  }

  /** Decides at the first fragment what happens to the whole reply. */
  private plan(first: ReplyFragment): ReplyPlan {
    const plan: ReplyPlan = {
      head: first.head,
      drop: undefined,
      dropIndex: undefined,
      dropped: false,
      duplicate: false,
      delayMs: 0,
      index: 0,
      fragments: [],
    };
    if (this.holderSilent && first.node === REPLY_NODE.holder) plan.drop = 'F-14';
    else if (this.dropReplies > 0) {
      this.dropReplies -= 1;
      plan.drop = 'F-43';
    }
    if (plan.drop) {
      this.record(plan.drop, `dropped reply ${first.head}`);
      return plan;
    }
    if (this.dropFragment !== undefined && first.multi) {
      plan.dropIndex = this.dropFragment;
      this.dropFragment = undefined;
    }
    if (this.duplicateNext) {
      this.duplicateNext = false;
      plan.duplicate = true;
    }
    if (this.delay.remaining > 0) {
      this.delay.remaining -= 1;
      plan.delayMs = this.delay.ms;
      this.record('F-44', `delayed reply ${first.head} by ${plan.delayMs} ms`);
    }
    return plan;
  }
}

export function hex2(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The last packet of an SCP request: an ATT write to the SCP value with T = 00, or a USB report. */
export function isRequestEnd(packet: WirePacket): boolean {
  if (packet.channel === 'usb') return true;
  const b = packet.bytes;
  return (
    (b[0] === ATT_OP_WRITE_REQ || b[0] === ATT_OP_WRITE_CMD) &&
    b.length >= 4 &&
    handleOf(b) === HANDLES.scp &&
    b[3] === 0
  );
}

/** An SCP reply fragment: a notification on the SCP value, or a USB report (one whole reply). */
function replyFragment(packet: WirePacket): ReplyFragment | undefined {
  const b = packet.bytes;
  if (packet.channel === 'usb') {
    const frame = frameOf(packet) ?? new Uint8Array(0);
    return { head: toHex(frame.subarray(0, 3)), node: frame[0] ?? -1, multi: false, last: true };
  }
  if (b[0] !== ATT_OP_HANDLE_VALUE_NTF || b.length < 4 || handleOf(b) !== HANDLES.scp) return undefined;
  return { head: toHex(b.subarray(4, 7)), node: b[4] ?? -1, multi: b[3] === 1, last: b[3] === 0 };
}

function handleOf(b: Uint8Array): number {
  return (b[1] ?? 0) | ((b[2] ?? 0) << 8);
}

/** The frame bytes a packet carries: the ATT value after the transport byte, or the USB report's frame. */
function frameOf(packet: WirePacket): Uint8Array | undefined {
  if (packet.channel === 'att') return packet.bytes.subarray(4);
  const frame = decodeUsbReport(packet.bytes);
  return frame.ok ? frame.value : undefined;
}

/** A copy of `packet` with its frame bytes replaced by `edit` (at least one byte is kept). */
function editFrame(packet: WirePacket, edit: (frame: Uint8Array) => Uint8Array): WirePacket {
  const frame = frameOf(packet);
  if (!frame || frame.length === 0) return packet;
  const edited = edit(frame);
  if (packet.channel === 'usb') return { channel: 'usb', bytes: encodeUsbReport(edited) };
  const bytes = new Uint8Array(4 + edited.length);
  bytes.set(packet.bytes.subarray(0, 4));
  bytes.set(edited, 4);
  return { channel: 'att', bytes };
}
