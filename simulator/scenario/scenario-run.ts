/**
 * The scenario runner: one `VirtualClock`, one virtual device and — only once a step talks to it —
 * one `IqosClient` over an `InMemoryLink`, all in virtual time. Steps run in order; a failed
 * assertion is recorded and the run goes on (or stops, with `stopOnFailure`). Device conditions are
 * never thrown: a step that throws (a request that times out, a refused connection) is a failure.
 */
import type { Subscription } from 'rxjs';
import {
  type DecodedFrame,
  decodeFrame,
  encodeCommand,
  type ProtocolError,
  toHex,
} from '../../protocol/index.js';
import type { CaptureSink } from '../capture-event.js';
import { IqosClient } from '../client/client.js';
import { requestFrame } from '../client/exchange.js';
import { type DeadlineSource, VirtualClock } from '../clock.js';
import { createVirtualDevice, type DeviceEvent, type VirtualDevice } from '../device/device.js';
import { InMemoryLink, runUntilSettled } from '../link.js';
import { TraceSampler } from '../trace/sampler.js';
import type { TraceSink } from '../trace/types.js';
import {
  type ReplyExpectation,
  type Scenario,
  type ScenarioStep,
  type Since,
  type StepKind,
  stepKind,
} from './format.js';
import { evaluate, jsonSafe, matchPartial, type ScenarioFailure } from './scenario-expect.js';

export interface RunScenarioOptions {
  /** Run against this model instead of the scenario's. */
  model?: string;
  /** Stop at the first step with a failure (default false: run every step). */
  stopOnFailure?: boolean;
  /** Default `pollMs` of waitUntil steps (10). */
  pollMs?: number;
  /** Sends the device's capture stream here from before the first step (docs/captures.md). */
  capture?: CaptureSink;
  /** Records a trace of the run (docs/traces.md): samples at `rateHz` of virtual time, to `sink`. */
  trace?: { rateHz: number; sink: TraceSink };
  /**
   * Told where the run is: at the start of each step, every `everyMs` of virtual time inside one
   * (default 1000) and once at the end (`step === steps`). For progress bars. A promise it returns
   * at a step's start is awaited: a host can give its event loop a turn there (signals, redraws).
   */
  progress?: { report: (progress: ScenarioProgress) => void | Promise<void>; everyMs?: number };
  /** Stops the run before the next step once aborted; the steps not run count as `skipped`. */
  signal?: AbortSignal;
}

export interface ScenarioProgress {
  /** Steps finished. */
  readonly step: number;
  readonly steps: number;
  /** Virtual time, ms. */
  readonly atMs: number;
}

export interface StepReport {
  readonly index: number;
  readonly name?: string;
  readonly kind: StepKind;
  /** A one-line description of what the step does, e.g. `press holder for 1000 ms`. */
  readonly label: string;
  readonly ok: boolean;
  /** Virtual time at the start of the step, ms. */
  readonly atMs: number;
  readonly failures: readonly ScenarioFailure[];
  /** Request and send steps: the reply as decoded. */
  readonly reply?: { hex: string; command?: string; fields?: unknown };
  /** Inputs the firmware refused during the step (`rejected` events): not failures, but worth a look. */
  readonly refused?: readonly string[];
}

export interface ScenarioReport {
  readonly ok: boolean;
  readonly name: string;
  readonly model: string;
  readonly steps: readonly StepReport[];
  /** Steps not run because `stopOnFailure` or the `signal` stopped the run. */
  readonly skipped: number;
  /** Virtual time the whole run took, ms. */
  readonly durationMs: number;
}

const DEFAULT_HOLD_MS = 200;
const DEFAULT_WAIT_UNTIL_MS = 600_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 1000;
const DEFAULT_POLL_MS = 10;
const DEFAULT_PROGRESS_MS = 1000;

/** A clock source that calls `tick` every `periodMs` of virtual time from now. */
function everyMs(clock: VirtualClock, periodMs: number, tick: (atMs: number) => void): DeadlineSource {
  let dueMs = clock.now() + periodMs;
  return {
    nextDeadline: () => dueMs,
    handleTimeout(nowMs) {
      dueMs = Math.max(dueMs + periodMs, nowMs);
      tick(nowMs);
    },
  };
}

/** Runs a parsed scenario (see `parseScenario`) to the end in virtual time. */
export async function runScenario(
  scenario: Scenario,
  options: RunScenarioOptions = {},
): Promise<ScenarioReport> {
  const run = new Run(scenario, options);
  const steps: StepReport[] = [];
  const total = scenario.steps.length;
  const progress = options.progress;
  const stopProgress =
    progress &&
    run.clock.follow(
      everyMs(run.clock, progress.everyMs ?? DEFAULT_PROGRESS_MS, (atMs) =>
        progress.report({ step: steps.length, steps: total, atMs }),
      ),
    );
  try {
    for (const [index, step] of scenario.steps.entries()) {
      await progress?.report({ step: index, steps: total, atMs: run.clock.now() });
      if (options.signal?.aborted) break;
      const report = await run.step(step, index);
      steps.push(report);
      if (!report.ok && options.stopOnFailure) break;
    }
  } finally {
    stopProgress?.();
    run.close();
  }
  progress?.report({ step: total, steps: total, atMs: run.clock.now() });
  return {
    ok: steps.every((s) => s.ok),
    name: scenario.name,
    model: run.device.model,
    steps,
    skipped: scenario.steps.length - steps.length,
    durationMs: run.clock.now(),
  };
}

class Run {
  readonly clock = new VirtualClock();
  readonly device: VirtualDevice;
  private readonly events: DeviceEvent[] = [];
  private readonly subscription: Subscription;
  private unfollow: (() => void) | undefined;
  private link: InMemoryLink | undefined;
  private client: IqosClient | undefined;
  /** Event index at the start of each step, and at the start of the last step that was not an expect. */
  private readonly stepStarts: number[] = [];
  private lastAction = 0;
  private readonly pollMs: number;
  private readonly sampler: TraceSampler | undefined;

  constructor(scenario: Scenario, options: RunScenarioOptions) {
    this.device = createVirtualDevice({
      model: options.model ?? scenario.model,
      seed: scenario.seed ?? 1,
      firmware: {
        ...(scenario.initial ? { initial: scenario.initial } : {}),
        ...(scenario.params ? { params: scenario.params } : {}),
      },
    });
    if (options.capture) this.device.captureTo(options.capture);
    this.sampler = options.trace && new TraceSampler(this.device, { ...options.trace, clock: this.clock });
    this.subscription = this.device.events$.subscribe((e) => this.events.push(e));
    // Until a link exists (it follows the device itself), the clock drives the device's deadlines.
    this.unfollow = this.clock.follow({
      nextDeadline: () => this.device.nextDeadline(),
      handleTimeout: (nowMs) => this.device.handleTimeout(nowMs),
      watchDeadline: (changed) => this.device.watchDeadline(changed),
    });
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  async step(step: ScenarioStep, index: number): Promise<StepReport> {
    const kind = stepKind(step);
    const atMs = this.clock.now();
    const start = this.events.length;
    this.stepStarts[index] = start;
    if (kind !== 'expect') this.lastAction = start;
    const failures: ScenarioFailure[] = [];
    let reply: StepReport['reply'];
    try {
      reply = await this.perform(step, failures);
    } catch (e) {
      const code = (e as { code?: string }).code;
      failures.push({
        path: kind,
        expected: 'no error',
        actual: `${code ? `${code}: ` : ''}${(e as Error).message}`,
      });
    }
    const refused = this.events
      .slice(start)
      .flatMap((e) => (e.type === 'rejected' ? [`${e.input}: ${e.reason}`] : []));
    return {
      index,
      ...(step.name !== undefined ? { name: step.name } : {}),
      kind,
      label: stepLabel(step),
      ok: failures.length === 0,
      atMs,
      failures,
      ...(reply ? { reply } : {}),
      ...(refused.length > 0 ? { refused } : {}),
    };
  }

  close(): void {
    this.sampler?.close();
    this.subscription.unsubscribe();
    this.client?.close();
    this.link?.close();
    this.unfollow?.();
  }

  private input(input: Parameters<VirtualDevice['input']>[0]): void {
    this.device.input(input, this.clock.now());
  }

  private async perform(step: ScenarioStep, failures: ScenarioFailure[]): Promise<StepReport['reply']> {
    if ('input' in step) this.input(step.input);
    else if ('press' in step) {
      this.input({ type: 'button', unit: step.press, action: 'press' });
      this.clock.advanceBy(step.holdMs ?? DEFAULT_HOLD_MS);
      this.input({ type: 'button', unit: step.press, action: 'release' });
    } else if ('puff' in step) {
      for (let i = 0; i < (step.count ?? 1); i++) {
        this.input({ type: 'puff', ...step.puff });
        this.clock.advanceBy(step.everyMs ?? 0);
      }
    } else if ('wait' in step) this.clock.advanceBy(step.wait);
    else if ('waitUntil' in step) this.waitUntil(step, failures);
    else if ('fault' in step) this.input({ type: 'fault', ...step.fault });
    else if ('clearFault' in step) this.input({ type: 'clearFault', ...step.clearFault });
    else if ('expect' in step) failures.push(...evaluate(step.expect, this.expectContext(), 'expect'));
    else if ('request' in step) {
      const frame = encodeCommand(step.request, {
        args: step.args ?? [],
        fields: step.fields ?? {},
        ...(step.unit ? { unit: step.unit } : {}),
      });
      return this.exchange(frame, step.timeoutMs, step.expectReply, false, failures);
    } else if ('send' in step)
      return this.exchange(
        requestFrame(step.send),
        step.timeoutMs,
        step.expectReply,
        step.expectNoReply ?? false,
        failures,
      );
    return undefined;
  }

  /**
   * Advances to each clock deadline, `pollMs` at most, until the expectation holds: a change a timer
   * makes is seen at the timer's time, one the heating loop makes (a puff, a heater fault) within
   * `pollMs`.
   */
  private waitUntil(step: Extract<ScenarioStep, { waitUntil: unknown }>, failures: ScenarioFailure[]): void {
    const timeoutMs = step.timeoutMs ?? DEFAULT_WAIT_UNTIL_MS;
    const pollMs = step.pollMs ?? this.pollMs;
    const endMs = this.clock.now() + timeoutMs;
    for (;;) {
      const missing = evaluate(step.waitUntil, this.expectContext(), 'waitUntil');
      if (missing.length === 0) return;
      const now = this.clock.now();
      if (now >= endMs) {
        failures.push(
          {
            path: 'waitUntil',
            expected: 'to hold',
            actual: 'timed out',
            message: `not reached within ${timeoutMs} ms`,
          },
          ...missing,
        );
        return;
      }
      const next = this.clock.nextAt();
      // A deadline now fires in place; otherwise stop at the deadline, the poll interval or the timeout.
      this.clock.advanceTo(
        Math.min(endMs, now + pollMs, next !== undefined && next > now ? next : now + pollMs),
      );
    }
  }

  private expectContext() {
    return {
      firmware: this.device.firmware,
      events: this.events,
      sinceIndex: (since: Since | undefined) =>
        since === undefined || since === 'start'
          ? 0
          : since === 'step'
            ? this.lastAction
            : (this.stepStarts[since] ?? this.events.length),
    };
  }

  private async ensureClient(): Promise<IqosClient> {
    if (this.client) return this.client;
    if (!this.link) {
      this.link = new InMemoryLink(this.clock, this.device, { connect: false });
      this.unfollow?.();
      this.unfollow = undefined;
    }
    if (!this.device.connected) this.device.connect(this.clock.now());
    this.client = await runUntilSettled(this.clock, IqosClient.connect(this.link, { scheduler: this.clock }));
    return this.client;
  }

  /** Sends one frame and checks the reply against the step's expectation. */
  private async exchange(
    frame: Uint8Array,
    timeoutMs: number | undefined,
    expectReply: ReplyExpectation | undefined,
    expectNoReply: boolean,
    failures: ScenarioFailure[],
  ): Promise<StepReport['reply']> {
    const client = await this.ensureClient();
    let bytes: Uint8Array;
    try {
      bytes = await runUntilSettled(
        this.clock,
        client.request(frame, timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
      );
    } catch (e) {
      if (expectNoReply && (e as { code?: string }).code === 'SIM_TIMEOUT') return undefined;
      failures.push({
        path: 'reply',
        expected: 'a reply',
        actual: 'no reply',
        message: (e as Error).message,
      });
      return undefined;
    }
    const decoded = decodeFrame(bytes);
    const reply = {
      hex: toHex(bytes),
      ...(decoded.ok ? { command: decoded.value.command, fields: jsonSafe(decoded.value.fields) } : {}),
    };
    if (expectNoReply) failures.push({ path: 'expectNoReply', expected: 'no reply', actual: reply.hex });
    if (!decoded.ok)
      failures.push({
        path: 'reply',
        expected: 'a valid frame',
        actual: reply.hex,
        message: `${(decoded.error as ProtocolError).code}: ${decoded.error.message}`,
      });
    else if (expectReply) checkReply(expectReply, decoded.value, reply.hex, failures);
    return reply;
  }
}

function checkReply(
  expected: ReplyExpectation,
  reply: DecodedFrame,
  hex: string,
  out: ScenarioFailure[],
): void {
  if (expected.command !== undefined && expected.command !== reply.command)
    out.push({ path: 'expectReply.command', expected: expected.command, actual: reply.command });
  if (
    expected.hex !== undefined &&
    expected.hex.replace(/[\s:]+/g, '').toUpperCase() !== hex.replace(/ /g, '')
  )
    out.push({ path: 'expectReply.hex', expected: expected.hex, actual: hex });
  if (expected.fields !== undefined) matchPartial(expected.fields, reply.fields, 'expectReply.fields', out);
}

/** A one-line description of a step for reports. */
export function stepLabel(step: ScenarioStep): string {
  if ('input' in step) {
    const { type, ...rest } = step.input;
    return ['input', type, ...Object.values(rest).map((v) => String(v))].join(' ');
  }
  if ('press' in step) return `press ${step.press} for ${step.holdMs ?? DEFAULT_HOLD_MS} ms`;
  if ('puff' in step) {
    const count = step.count ?? 1;
    return count === 1 ? 'puff' : `${count} puffs every ${step.everyMs} ms`;
  }
  if ('wait' in step) return `wait ${step.wait} ms`;
  if ('waitUntil' in step) return `wait until ${short(step.waitUntil)}`;
  if ('request' in step) return ['request', step.request, ...(step.args ?? [])].join(' ');
  if ('send' in step) return `send ${step.send}`;
  if ('fault' in step)
    return `fault ${step.fault.fault}${step.fault.bits !== undefined ? ` bits ${step.fault.bits}` : ''}`;
  if ('clearFault' in step)
    return `clear fault ${step.clearFault.fault}${step.clearFault.bits !== undefined ? ` bits ${step.clearFault.bits}` : ''}`;
  return `expect ${Object.keys(step.expect).join(', ')}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}
