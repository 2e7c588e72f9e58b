/**
 * The conformance runner (docs/conformance.md): runs the check catalogue against one target, in
 * order, and reports each check as pass, fail, n/a or not-run. Pure: it drives whatever `Transport`
 * and `Scheduler` the target gives, so the same checks run in virtual time against a virtual device
 * and in real time against a unit on serial or BLE.
 *
 * A target that stops answering ends the run early without losing it: after any check that did not
 * pass, a liveness read (C0 S 0x00, or the battery value of a model without SCP) decides whether the
 * target is still there; if not, that check and every one after it are `not-run` with the reason.
 */
import { BATTERY_CHAR_UUID, encodeShortFrame } from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import { QUEUE_DEPTH_CHECK, REPLY_TIMING, STALE_PARTIAL } from './checks-flow.js';
import { ADVERTISING, BATTERY_NOTIFY, FRAGMENTATION, STATUS_NOTIFY, USB_FRAMING } from './checks-link.js';
import { BAD_CRC, READ_ONLY, READ_REGISTERS, WRITE_ECHO } from './checks-scp.js';
import { Session } from './session.js';
import type {
  Check,
  CheckContext,
  CheckOutcome,
  CheckResult,
  ConformanceReport,
  ConformanceTarget,
  LinkChannel,
  Verdict,
} from './types.js';

/** Every check, in the order a run takes them. */
export const CHECKS: readonly Check[] = [
  READ_REGISTERS,
  WRITE_ECHO,
  BAD_CRC,
  READ_ONLY,
  QUEUE_DEPTH_CHECK,
  REPLY_TIMING,
  STALE_PARTIAL,
  FRAGMENTATION,
  USB_FRAMING,
  BATTERY_NOTIFY,
  STATUS_NOTIFY,
  ADVERTISING,
];

/** MTU a session asks for unless a check wants another (docs/protocol.md D-22). */
const DEFAULT_MTU = 247;

export interface RunOptions {
  /** Reply timeout and silence window, ms. */
  readonly timeoutMs: number;
  /** Called as each check starts (a progress bar). */
  readonly onStart?: (check: Check, index: number, total: number) => void;
  /** Called as each check ends. */
  readonly onResult?: (result: CheckResult, index: number, total: number) => void;
}

class Sessions {
  private current: Session | undefined;
  private primaryUsed = false;

  constructor(
    private readonly target: ConformanceTarget,
    private readonly timeoutMs: number,
  ) {}

  async get(channel: LinkChannel, mtu?: number): Promise<Session | undefined> {
    const current = this.current;
    const fits = (s: Session) =>
      s.open && s.channel === channel && (channel === 'usb' || mtu === undefined || s.askedMtu === mtu);
    if (current && fits(current)) return current;
    const asked = mtu ?? DEFAULT_MTU;
    if (!this.primaryUsed && channel === this.target.channel) {
      this.primaryUsed = true;
      return this.start(this.target.transport, channel, asked);
    }
    if (this.target.reopen) {
      this.current?.close();
      this.current = undefined;
      return this.start(this.target.reopen(channel), channel, asked);
    }
    // A real target keeps its one link: a check asking another MTU gets the link as it is.
    return current?.open && current.channel === channel ? current : undefined;
  }

  /** The session a liveness read goes over. */
  get last(): Session | undefined {
    return this.current;
  }

  close(): void {
    this.current?.close();
    this.current = undefined;
  }

  private async start(transport: ConformanceTarget['transport'], channel: LinkChannel, mtu: number) {
    this.current = await Session.open(transport, channel, this.target.scheduler, mtu, this.timeoutMs);
    return this.current;
  }
}

/** Why the target no longer answers (a firmware read, or the battery value without SCP), or undefined. */
async function gone(
  sessions: Sessions,
  target: ConformanceTarget,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const session = sessions.last?.open ? sessions.last : await sessions.get(target.channel);
    if (!session) return 'no connection could be made';
    if (!session.open) return 'the link closed';
    if (target.model.scp) {
      const reply = await session.request(encodeShortFrame({ node: 0xc0, address: 0x00 }), timeoutMs);
      return reply ? undefined : `no reply to a firmware read (C0 S 0x00) within ${timeoutMs} ms`;
    }
    const gatt = session.client.gattClient;
    if (gatt) await gatt.read(gatt.characteristic(BATTERY_CHAR_UUID).valueHandle);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A check that threw: the link went away under it, or a request timed out at the ATT level. */
function thrown(error: unknown): Verdict {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof SimulatorError ? error.code : 'ERROR';
  return {
    outcome: 'fail',
    detail: `${code}: ${message}`,
    mismatches: [{ what: 'the check', expected: 'to finish', got: `${code}: ${message}` }],
  };
}

export async function runConformance(
  target: ConformanceTarget,
  options: RunOptions,
): Promise<ConformanceReport> {
  if (!(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0))
    throw new SimulatorError(
      'SIM_BAD_INPUT',
      `timeoutMs must be a positive number of ms, got ${options.timeoutMs}`,
    );
  const sessions = new Sessions(target, options.timeoutMs);
  const ctx: CheckContext = {
    target,
    model: target.model,
    timeoutMs: options.timeoutMs,
    session: (channel, mtu) => sessions.get(channel, mtu),
    wait: (ms) =>
      new Promise((resolve) => {
        target.scheduler.schedule(target.scheduler.now() + ms, () => resolve());
      }),
  };
  const results: CheckResult[] = [];
  let stopped: string | undefined;
  const record = (
    check: Check,
    outcome: CheckOutcome,
    detail: string,
    durationMs: number,
    verdict?: Verdict,
  ) => {
    const result: CheckResult = {
      id: check.id,
      title: check.title,
      citation: check.citation,
      outcome,
      detail,
      ...(verdict?.outcome === 'fail' && outcome === 'fail' ? { mismatches: verdict.mismatches } : {}),
      durationMs,
    };
    results.push(result);
    options.onResult?.(result, results.length - 1, CHECKS.length);
  };
  for (const [index, check] of CHECKS.entries()) {
    options.onStart?.(check, index, CHECKS.length);
    if (stopped !== undefined) {
      record(check, 'not-run', stopped, 0);
      continue;
    }
    const notApplicable = check.applies(target);
    if (notApplicable !== undefined) {
      record(check, 'n/a', notApplicable, 0);
      continue;
    }
    const startMs = target.scheduler.now();
    const verdict = await target.settle(check.run(ctx).catch(thrown));
    const durationMs = target.scheduler.now() - startMs;
    if (verdict.outcome === 'fail') {
      const why = await target.settle(gone(sessions, target, options.timeoutMs));
      if (why !== undefined) {
        stopped = `the target stopped answering during ${check.id}: ${why}`;
        record(check, 'not-run', stopped, durationMs);
        continue;
      }
    }
    record(check, verdict.outcome, verdict.detail, durationMs, verdict);
  }
  sessions.close();
  const counts = { pass: 0, fail: 0, 'n/a': 0, 'not-run': 0 };
  for (const r of results) counts[r.outcome] += 1;
  return {
    target: target.name,
    model: target.model.id,
    channel: target.channel,
    results,
    counts,
    ok: counts.fail === 0 && counts['not-run'] === 0,
  };
}
