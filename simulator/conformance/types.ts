/**
 * The shapes of the conformance suite (docs/conformance.md): what a target offers, what a check is,
 * and what a run reports. Pure data; the runner (runner.ts) and the checks (checks-*.ts) use them,
 * the CLI (`iqsim conformance`) formats them.
 */
import type { FirmwareInput } from '../../firmware-model/index.js';
import type { ModelInfo } from '../../protocol/index.js';
import type { Scheduler } from '../client/gatt-client.js';
import type { Transport } from '../link.js';
import type { LinkChannel, Session } from './session.js';

export type { LinkChannel } from './session.js';

export type CheckOutcome = 'pass' | 'fail' | 'n/a' | 'not-run';

/** One way a reply broke the rule: what the docs say, what came, both decoded. */
export interface Mismatch {
  readonly what: string;
  readonly expected: string;
  readonly got: string;
}

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  /** The section of the docs the check enforces (`docs/protocol.md §4.8`). */
  readonly citation: string;
  readonly outcome: CheckOutcome;
  /** pass: what was verified; n/a and not-run: why; fail: a one-line summary. */
  readonly detail: string;
  /** fail only: every mismatch found. */
  readonly mismatches?: readonly Mismatch[];
  /** Time the check took on the target's scheduler, ms (virtual ms against a virtual device). */
  readonly durationMs: number;
}

/** A check's own verdict; the runner adds id, title, citation and duration. */
export type Verdict =
  | { readonly outcome: 'pass'; readonly detail: string }
  | { readonly outcome: 'n/a'; readonly detail: string }
  | { readonly outcome: 'fail'; readonly detail: string; readonly mismatches: readonly Mismatch[] };

/**
 * What the suite talks to. Every target has one link and a scheduler; a virtual target can also make
 * new links to the same device (another MTU, the other channel), apply firmware inputs (the stimulus
 * of the "on change" checks) and show what the device advertises.
 */
export interface ConformanceTarget {
  /** The transport spec or a label, for reports. */
  readonly name: string;
  readonly model: ModelInfo;
  /** The link the suite starts on and its channel. */
  readonly transport: Transport;
  readonly channel: LinkChannel;
  readonly scheduler: Scheduler;
  /**
   * Runs `promise` to its end: a virtual target advances its clock timer to timer
   * (`runUntilSettled`); a real one just awaits it.
   */
  settle<T>(promise: Promise<T>): Promise<T>;
  /**
   * A new link to the same device on `channel`; the previous link is closed first (one link at a
   * time: docs/protocol.md D-21 allows one central). Virtual targets only.
   */
  reopen?(channel: LinkChannel): Transport;
  /** Applies a firmware input to the device now. Virtual targets only. */
  stimulate?(input: FirmwareInput): void;
  /** The advertising data and scan response the device sends while not connected, if it can be told. */
  advertising?(): { advertisement: Uint8Array; scanResponse: Uint8Array } | undefined;
}

/** What a check runs with. */
export interface CheckContext {
  readonly target: ConformanceTarget;
  readonly model: ModelInfo;
  /** How long to wait for a reply, and for silence where the docs say none comes, ms. */
  readonly timeoutMs: number;
  /**
   * A connected session on `channel` asking for ATT MTU `mtu` (BLE; default 247): the current one
   * when it fits, else a new link when the target can make one, else undefined.
   */
  session(channel: LinkChannel, mtu?: number): Promise<Session | undefined>;
  /** Resolves after `ms` on the target's scheduler. */
  wait(ms: number): Promise<void>;
}

export interface Check {
  readonly id: string;
  readonly title: string;
  readonly citation: string;
  /** Why the check does not apply to this target (n/a), or undefined when it does. */
  applies(target: ConformanceTarget): string | undefined;
  run(ctx: CheckContext): Promise<Verdict>;
}

export interface ConformanceReport {
  readonly target: string;
  readonly model: string;
  readonly channel: LinkChannel;
  readonly results: readonly CheckResult[];
  readonly counts: Readonly<Record<CheckOutcome, number>>;
  /** True when every check passed or did not apply. */
  readonly ok: boolean;
}
