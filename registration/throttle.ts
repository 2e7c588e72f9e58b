/**
 * Per-account throttling as pure functions (docs/security.md "Throttling"). A throttle is keyed by
 * what the caller names (an email, a mobile, an account id), never by whether an account exists, so
 * known and unknown accounts are answered the same way. Two kinds:
 *
 * - `failures`: guesses of a password or a one-time code. Each attempt counts before it is checked
 *   (parallel guesses count too); a success clears the count. From `free` attempts on, the next one
 *   waits `baseMs · 2^(attempts − free)`, at most `maxMs`. A day without attempts forgets them.
 * - `window`: messages sent to one address: at most `max` per `windowMs` (a fixed window).
 */
import { RegistryError } from './errors.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export type ThrottlePolicy =
  | { kind: 'failures'; free: number; baseMs: number; maxMs: number; forgetMs: number }
  | { kind: 'window'; max: number; windowMs: number };

/** One throttle's state, stored under a keyed hash of `scope:identifier`. */
export interface Throttle {
  key: string;
  /** Attempts counted (failures) or requests in the current window. */
  count: number;
  windowStartMs: number;
  /** No attempt succeeds before this instant. */
  blockedUntilMs: number;
  /** From this instant the row means nothing and the purge removes it. */
  staleAtMs: number;
}

const failures = (free: number, baseMs: number, maxMs: number): ThrottlePolicy => ({
  kind: 'failures',
  free,
  baseMs,
  maxMs,
  forgetMs: 24 * HOUR_MS,
});

/**
 * Our defaults: 5 free attempts, then 30 s doubling to 15 min (12 guesses in the first hour at most,
 * ASVS 2.2.1 asks for no more than 100); 5 codes an hour to one address.
 */
export const THROTTLES = {
  /** email + password. */
  login: failures(5, 30_000, 15 * MINUTE_MS),
  /** mobile + OTP. */
  otp: failures(5, 30_000, 15 * MINUTE_MS),
  /** D-R1, R-3, R-4, R-5: a one-time code of any purpose, per email, mobile or account. */
  code: failures(5, 30_000, 15 * MINUTE_MS),
  /** the current password on a password change, per account. */
  password: failures(5, 30_000, 15 * MINUTE_MS),
  /** Codes and notices sent to one email address or mobile number. */
  send: { kind: 'window', max: 5, windowMs: HOUR_MS },
} as const satisfies Record<string, ThrottlePolicy>;

export type ThrottleScope = keyof typeof THROTTLES;

function live(t: Throttle | undefined, nowMs: number): Throttle | undefined {
  return t && nowMs < t.staleAtMs ? t : undefined;
}

/** REGISTRY_RATE_LIMITED when `t` blocks an attempt at `nowMs`; undefined when it may go ahead. */
export function throttleRefusal(
  t: Throttle | undefined,
  policy: ThrottlePolicy,
  nowMs: number,
): RegistryError | undefined {
  const current = live(t, nowMs);
  if (!current) return undefined;
  const untilMs =
    policy.kind === 'window'
      ? current.count >= policy.max
        ? current.windowStartMs + policy.windowMs
        : 0
      : current.blockedUntilMs;
  return nowMs < untilMs
    ? new RegistryError('REGISTRY_RATE_LIMITED', 'too many attempts; try again later', untilMs - nowMs)
    : undefined;
}

/** `t` after one more attempt (or request) at `nowMs`. */
export function throttleAttempt(
  t: Throttle | undefined,
  key: string,
  policy: ThrottlePolicy,
  nowMs: number,
): Throttle {
  const current = live(t, nowMs);
  if (policy.kind === 'window') {
    const fresh = !current || nowMs >= current.windowStartMs + policy.windowMs;
    const windowStartMs = fresh ? nowMs : current.windowStartMs;
    return {
      key,
      count: fresh ? 1 : current.count + 1,
      windowStartMs,
      blockedUntilMs: 0,
      staleAtMs: windowStartMs + policy.windowMs,
    };
  }
  const count = (current?.count ?? 0) + 1;
  const waitMs = count < policy.free ? 0 : Math.min(policy.baseMs * 2 ** (count - policy.free), policy.maxMs);
  return {
    key,
    count,
    windowStartMs: current?.windowStartMs ?? nowMs,
    blockedUntilMs: waitMs > 0 ? nowMs + waitMs : 0,
    staleAtMs: nowMs + policy.forgetMs,
  };
}
