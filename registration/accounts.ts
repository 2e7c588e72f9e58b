/** Account rules R-1…R-8 with D-R1, D-R2, D-R3 as pure functions. */
import { allow, type Decision, refuse } from './errors.js';
import { utcOffsetOf } from './markets.js';
import type { Account, Secret, SecretPurpose } from './model.js';
import { addMonths, compareDates, isIsoDate, localDate } from './time.js';

const HOUR_MS = 3_600_000;

/** D-R1, D-R2 and our defaults for the other secrets: lifetime, attempts, digits. */
export const SECRET_POLICY: Record<SecretPurpose, { ttlMs: number; attempts: number; digits: number }> = {
  /** D-R1: one secret, usable as a code or a link, valid 24 h. */
  'verify-email': { ttlMs: 24 * HOUR_MS, attempts: 5, digits: 6 },
  /** D-R2: 6 digits, 5 minutes, 5 attempts. */
  'login-otp': { ttlMs: 5 * 60_000, attempts: 5, digits: 6 },
  /** Our default (the pages are silent): 1 hour, 5 attempts. */
  'reset-password': { ttlMs: HOUR_MS, attempts: 5, digits: 6 },
  /** Our default, as D-R2. */
  'verify-mobile': { ttlMs: 5 * 60_000, attempts: 5, digits: 6 },
};

/** Our default session lifetime (the pages are silent). */
export const SESSION_TTL_MS = 30 * 24 * HOUR_MS;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** "Today" for a person in `country` at `nowMs` (the market's fixed offset; UTC when unknown). */
export function todayIn(country: string, nowMs: number): string {
  return localDate(nowMs, utcOffsetOf(country));
}

/**
 * 18 or older on the service's current date in the person's country. The 18th birthday of
 * someone born on 29 Feb is 1 Mar in a common year (time.ts convention).
 */
export function checkAdult(dateOfBirth: string, country: string, nowMs: number): Decision {
  if (!isIsoDate(dateOfBirth)) return refuse('REGISTRY_BAD_DATE', 'date of birth is not a calendar date');
  const today = todayIn(country, nowMs);
  if (compareDates(dateOfBirth, today) > 0)
    return refuse('REGISTRY_BAD_DATE', 'date of birth is in the future');
  return compareDates(today, addMonths(dateOfBirth, 18 * 12)) >= 0
    ? allow(true)
    : refuse('REGISTRY_UNDERAGE', 'an account needs a person aged 18 or older');
}

/** Password length in characters (Unicode code points), docs/security.md "Passwords" (ASVS 2.1.1, 2.1.2). */
export const PASSWORD_LENGTH = { min: 12, max: 128 } as const;

/**
 * Our password policy (the pages are silent; docs/security.md "Passwords", ASVS level 1): 12–128
 * characters of any kind, no composition rules (ASVS 2.1.9), not the account's email address or its
 * local part, and not a commonly leaked password (`common`, the server's list: ASVS 2.1.7).
 */
export function checkPassword(password: string, email: string, common: (p: string) => boolean): Decision {
  const length = [...password].length;
  if (length < PASSWORD_LENGTH.min || length > PASSWORD_LENGTH.max)
    return refuse('REGISTRY_WEAK_PASSWORD', 'a password has 12–128 characters (any characters, spaces too)');
  const lower = password.toLowerCase();
  const address = normaliseEmail(email);
  if (lower === address || lower === address.split('@')[0])
    return refuse('REGISTRY_WEAK_PASSWORD', 'the password may not be your email address');
  return common(lower)
    ? refuse('REGISTRY_WEAK_PASSWORD', 'this password appears in lists of leaked passwords; choose another')
    : allow(true);
}

/** D-R1, D-R2: a fresh secret record (a new one replaces the old: "a new request invalidates it"). */
export function newSecret(
  accountId: string,
  purpose: SecretPurpose,
  hash: string,
  target: string,
  nowMs: number,
): Secret {
  const policy = SECRET_POLICY[purpose];
  return {
    accountId,
    purpose,
    hash,
    target,
    expiresAtMs: nowMs + policy.ttlMs,
    attemptsLeft: policy.attempts,
  };
}

/**
 * Why a guess failed. Internal only: every failure is answered with the one REGISTRY_CODE_INVALID,
 * for known and unknown accounts alike (docs/security.md "One-time codes").
 */
export type SecretFailure = 'none' | 'expired' | 'used-up' | 'wrong';

export type SecretCheck = { ok: true } | { ok: false; reason: SecretFailure; left: Secret | undefined };

/**
 * D-R1, D-R2: a secret is valid while `nowMs < expiresAtMs` (exactly 24 h after issue it has expired)
 * and attempts remain; a wrong guess uses one attempt, the last wrong guess destroys it.
 */
export function checkSecret(secret: Secret | undefined, guessHash: string, nowMs: number): SecretCheck {
  if (!secret) return { ok: false, reason: 'none', left: undefined };
  if (nowMs >= secret.expiresAtMs) return { ok: false, reason: 'expired', left: undefined };
  if (secret.attemptsLeft <= 0) return { ok: false, reason: 'used-up', left: undefined };
  if (secret.hash === guessHash) return { ok: true };
  const attemptsLeft = secret.attemptsLeft - 1;
  return attemptsLeft > 0
    ? { ok: false, reason: 'wrong', left: { ...secret, attemptsLeft } }
    : { ok: false, reason: 'used-up', left: undefined };
}

/** D-R1: an unverified account cannot log in, buy or register a device. */
export function checkVerified(account: Account): Decision {
  return account.emailVerified
    ? allow(true)
    : refuse('REGISTRY_NOT_VERIFIED', 'verify the email address first (see the verification email)');
}

/** only a mobile stored on the account and verified can log in by OTP. */
export function canUseMobileLogin(account: Account | undefined, mobile: string): boolean {
  return !!account && account.mobile === mobile && account.mobileVerified && account.emailVerified;
}

/** what marketing covers. Tobacco-stick news and offers are never among them. */
export const MARKETING_TOPICS: readonly string[] = [
  'conversion-support',
  'first-to-know-news',
  'special-offers',
];
export const NEVER_MARKETED: readonly string[] = ['tobacco-sticks', 'heatsticks'];

/** may this account be sent marketing on `topic`? Only when opted in, never for tobacco. */
export function mayMarket(account: Pick<Account, 'marketingOptIn'>, topic: string): boolean {
  return account.marketingOptIn && MARKETING_TOPICS.includes(topic) && !NEVER_MARKETED.includes(topic);
}

/** a password change needs the current one, unless none was ever set. */
export function needsCurrentPassword(account: Account): boolean {
  return account.passwordHash !== undefined;
}
