/**
 * The numeric options of every command with their ranges and error codes (issue 10 item 4: every
 * numeric input has a documented range, refused at the edge with exit 2). docs/cli.md lists the same
 * table; `test/regressions/cli-arguments.test.ts` tries each bound.
 */
import { CliUsageError } from './io.js';

export interface NumericOption {
  /** The flag as typed, for messages. */
  readonly flag: string;
  readonly code: string;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only (all but `--speed`). */
  readonly integer: boolean;
  /** `min` itself is refused (a speed of 0 would stop time). */
  readonly exclusiveMin?: boolean;
}

/** Node's timers hold at most 2³¹−1 ms (about 24.8 days); a longer delay would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export const OPTIONS = {
  /** Identity seed: `SeededRandom` keeps a u32 state, so larger seeds would alias smaller ones. */
  seed: { flag: '--seed', code: 'CLI_BAD_SEED', min: 0, max: 0xffff_ffff, integer: true },
  /** ATT MTU: 23 is the BLE minimum, 517 the largest a link can negotiate (docs/protocol.md §3). */
  mtu: { flag: '--mtu', code: 'CLI_BAD_MTU', min: 23, max: 517, integer: true },
  /** Virtual ms per real ms: above 10⁶ a long run outgrows what a double counts exactly in ms. */
  speed: {
    flag: '--speed',
    code: 'CLI_BAD_SPEED',
    min: 0,
    max: 1_000_000,
    integer: false,
    exclusiveMin: true,
  },
  /** Real-time run length, ms (a Node timer). */
  durationMs: { flag: '--duration-ms', code: 'CLI_BAD_DURATION', min: 0, max: MAX_TIMER_MS, integer: true },
  /** A TCP port to listen on; 0 asks the system for a free one. */
  port: { flag: '--port', code: 'CLI_BAD_PORT', min: 0, max: 65_535, integer: true },
  /** Devices `iqsim ui` drives: each has its own clock and its own stream to the page. */
  uiCount: { flag: '--count', code: 'CLI_BAD_COUNT', min: 1, max: 64, integer: true },
  /** Per-request reply timeout over a real transport, ms: up to 10 minutes. */
  timeoutMs: { flag: '--timeout-ms', code: 'CLI_BAD_TIMEOUT', min: 1, max: 600_000, integer: true },
  /** How long `send` collects replies after each request, ms: up to 10 minutes. */
  windowMs: { flag: '--window-ms', code: 'CLI_BAD_WINDOW', min: 1, max: 600_000, integer: true },
  /** Trace samples per second of virtual time: one per 100 s up to one per ms (docs/traces.md). */
  traceRate: { flag: '--trace-rate', code: 'CLI_BAD_TRACE_RATE', min: 0.01, max: 1000, integer: false },
} as const satisfies Record<string, NumericOption>;

/** The option's value, or a usage error naming its range. */
export function numericOption(option: NumericOption, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const belowMin = option.exclusiveMin ? value <= option.min : value < option.min;
  if (
    !Number.isFinite(value) ||
    (option.integer && !Number.isInteger(value)) ||
    belowMin ||
    value > option.max
  ) {
    const kind = option.integer ? 'a whole number' : 'a number';
    const range = option.exclusiveMin
      ? `above ${option.min} and at most ${option.max}`
      : `${option.min}..${option.max}`;
    throw new CliUsageError(option.code, `${option.flag} must be ${kind} ${range}, got '${text}'`);
  }
  return value;
}

/** One of `allowed`, or CLI_BAD_OPTION naming them. */
export function choiceOption<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new CliUsageError('CLI_BAD_OPTION', `${flag} must be ${allowed.join(', ')}; got '${text}'`);
}
