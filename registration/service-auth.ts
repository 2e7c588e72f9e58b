/**
 * Signing up and in (R-1…R-4, D-R1, D-R2) over the store and the injected ports: sign-up, email
 * verification, password and OTP login, password reset. Every one-time code is checked in a
 * transaction that commits its spent attempt before the answer (service-guard.ts); every failure
 * answers the same for known and unknown accounts, and every guess and every message sent is
 * throttled per email, mobile or account (docs/security.md). Passwords are hashed outside store
 * transactions (scrypt takes tens of ms; the store is serialised).
 */
import {
  canUseMobileLogin,
  checkAdult,
  checkPassword,
  checkVerified,
  normaliseEmail,
  SESSION_TTL_MS,
} from './accounts.js';
import { must, RegistryError } from './errors.js';
import type { Account, StoreTx } from './model.js';
import { codeInvalid, issueSecret, notifyChange, useSecret } from './service-codes.js';
import type { Context } from './service-context.js';
import { type RegistrationOut, registerInTx, rememberEmailChange } from './service-devices.js';
import { clearAttempts, committed, countAttempt, throttled } from './service-guard.js';
import { isoInstant } from './time.js';

export interface SignUpInput {
  email: string;
  password: string;
  dateOfBirth: string;
  country: string;
  firstName?: string;
  lastName?: string;
  mobile?: string;
  marketingOptIn?: boolean;
  /** the "DEVICE ID" option at sign-up; registered once the email is verified. */
  deviceId?: string;
}

export interface SessionOut {
  token: string;
  accountId: string;
  expiresAt: string;
}

export const loginFailed = () => new RegistryError('REGISTRY_LOGIN_FAILED', 'login failed');

/** R-2…R-5: a password the policy accepts for this email address (the server knows the leaked ones). */
export function checkNewPassword(ctx: Context, password: string, email: string): void {
  must(checkPassword(password, email, (p) => ctx.ports.commonPassword(p)));
}

/**
 * a new account waits for its email to be verified. Signing up over an unverified account
 * replaces its password and details (the first signer loses it); over a verified one, the owner is
 * told instead and the answer is the same.
 */
export async function signUp(ctx: Context, input: SignUpInput): Promise<{ status: 'verification-sent' }> {
  const now = ctx.ports.nowMs();
  must(checkAdult(input.dateOfBirth, input.country, now));
  checkNewPassword(ctx, input.password, input.email);
  const passwordHash = await ctx.ports.hashPassword(input.password);
  const email = normaliseEmail(input.email);
  await throttled(ctx, 'send', email, async (tx) => {
    const existing = await tx.accountByEmail(email);
    if (existing?.emailVerified) {
      ctx.ports.send({
        channel: 'email',
        to: email,
        template: 'signup-existing',
        text: 'Someone tried to create an IQOS account with this address. Log in or reset your password.',
        atMs: now,
      });
      return undefined;
    }
    const account: Account = {
      id: existing?.id ?? ctx.ports.randomId(),
      email,
      emailVerified: false,
      passwordHash,
      dateOfBirth: input.dateOfBirth,
      country: input.country,
      mobileVerified: false,
      addresses: [],
      marketingOptIn: input.marketingOptIn === true,
      createdAtMs: now,
      careCoarseCount: 0,
      careBanned: false,
      ...(input.firstName ? { firstName: input.firstName } : {}),
      ...(input.lastName ? { lastName: input.lastName } : {}),
      ...(input.mobile ? { mobile: input.mobile } : {}),
      ...(input.deviceId ? { pendingDeviceId: input.deviceId } : {}),
    };
    await tx.putAccount(account);
    await issueSecret(ctx, tx, account, 'verify-email', email);
    return undefined;
  });
  return { status: 'verification-sent' };
}

/** Whom a verification names, and with which code: the link token `<accountId>.<code>`, or email + code. */
function verificationOf(input: { email?: string; code?: string; token?: string }) {
  if (input.token !== undefined) {
    const dot = input.token.indexOf('.');
    const id = input.token.slice(0, dot);
    return dot <= 0
      ? undefined
      : {
          identifier: `verify-email:account:${id}`,
          code: input.token.slice(dot + 1),
          find: (tx: StoreTx) => tx.account(id),
        };
  }
  if (!input.email || !input.code) return undefined;
  const email = normaliseEmail(input.email);
  return {
    identifier: `verify-email:email:${email}`,
    code: input.code,
    find: (tx: StoreTx) => tx.accountByEmail(email),
  };
}

/**
 * D-R1: verify by email + code or by the link token `<accountId>.<code>`; R-5: a pending address
 * replaces the old one, and the account's other sessions end (`keepTokenHash`: the caller's own).
 */
export async function verifyEmail(
  ctx: Context,
  input: { email?: string; code?: string; token?: string },
  keepTokenHash?: string,
): Promise<{
  verified: true;
  email: string;
  accountId: string;
  device?: RegistrationOut | { error: string };
}> {
  const by = verificationOf(input);
  if (!by) throw codeInvalid();
  return throttled(ctx, 'code', by.identifier, async (tx) => {
    const account = await by.find(tx);
    const used = account && (await useSecret(ctx, tx, account.id, 'verify-email', by.code));
    if (!account || !used) return codeInvalid();
    await clearAttempts(ctx, tx, 'code', by.identifier);
    const email = used.target;
    if (email !== account.email) {
      // The caller has just proved the address is theirs: an unverified account squatting on it
      // goes; a verified one keeps it, and the answer names no account.
      const holder = await tx.accountByEmail(email);
      if (holder?.emailVerified)
        return new RegistryError('REGISTRY_EMAIL_TAKEN', 'that address belongs to another account');
      if (holder) await tx.deleteAccount(holder.id);
      await rememberEmailChange(ctx, tx, account.email, email);
      await tx.deleteSessionsOf(account.id, keepTokenHash);
      if (account.emailVerified) notifyChange(ctx, account.email, 'email-changed');
    }
    const { pendingEmail: _p, pendingDeviceId, ...rest } = account;
    const verified: Account = { ...rest, email, emailVerified: true };
    await tx.putAccount(verified);
    // a device ID given at sign-up is registered now that the account may register devices.
    const device =
      pendingDeviceId === undefined
        ? undefined
        : await registerInTx(ctx, tx, verified, { deviceId: pendingDeviceId, source: 'sign-up' }).catch(
            (e: unknown) => {
              if (e instanceof RegistryError) return { error: e.code };
              throw e;
            },
          );
    return { verified: true as const, email, accountId: account.id, ...(device ? { device } : {}) };
  });
}

/** D-R1: a new code for an unverified account; the answer is the same for any address. */
export async function resendVerification(ctx: Context, email: string): Promise<void> {
  const address = normaliseEmail(email);
  await throttled(ctx, 'send', address, async (tx) => {
    const account = await tx.accountByEmail(address);
    if (account && !account.emailVerified) await issueSecret(ctx, tx, account, 'verify-email', account.email);
    return undefined;
  });
}

export async function newSession(ctx: Context, tx: StoreTx, accountId: string): Promise<SessionOut> {
  const token = ctx.ports.randomToken();
  const expiresAtMs = ctx.ports.nowMs() + SESSION_TTL_MS;
  await tx.putSession({ tokenHash: ctx.ports.sha256(token), accountId, expiresAtMs });
  return { token, accountId, expiresAt: isoInstant(expiresAtMs) };
}

/** A stand-in hash per set of ports, so a login for a missing account costs the same scrypt work. */
const dummyHashes = new WeakMap<object, Promise<string>>();

function dummyHash(ctx: Context): Promise<string> {
  let hash = dummyHashes.get(ctx.ports);
  if (!hash) {
    hash = ctx.ports.hashPassword('not a password 0');
    dummyHashes.set(ctx.ports, hash);
  }
  return hash;
}

/**
 * email + password. Every failure is the same REGISTRY_LOGIN_FAILED; the attempt is counted
 * before the password is checked, so parallel guesses are throttled too.
 */
export async function login(ctx: Context, email: string, password: string): Promise<SessionOut> {
  const address = normaliseEmail(email);
  await committed(ctx, (tx) => countAttempt(ctx, tx, 'login', address));
  const account = await ctx.store.read((tx) => tx.accountByEmail(address));
  const ok = await ctx.ports.verifyPassword(password, account?.passwordHash ?? (await dummyHash(ctx)));
  if (!account?.passwordHash || !ok) throw loginFailed();
  must(checkVerified(account));
  const stored = account.passwordHash;
  const rehashed = ctx.ports.needsRehash(stored) ? await ctx.ports.hashPassword(password) : undefined;
  return ctx.store.transaction(async (tx) => {
    await clearAttempts(ctx, tx, 'login', address);
    const fresh = rehashed ? await tx.account(account.id) : undefined;
    if (fresh?.passwordHash === stored) await tx.putAccount({ ...fresh, passwordHash: rehashed });
    return newSession(ctx, tx, account.id);
  });
}

/** R-4, D-R2: an OTP goes only to a verified mobile on an account; the answer is the same either way. */
export async function requestOtp(ctx: Context, mobile: string): Promise<void> {
  await throttled(ctx, 'send', mobile, async (tx) => {
    const account = await tx.accountByMobile(mobile);
    if (account && canUseMobileLogin(account, mobile))
      await issueSecret(ctx, tx, account, 'login-otp', mobile);
    return undefined;
  });
}

export async function loginByOtp(ctx: Context, mobile: string, code: string): Promise<SessionOut> {
  return throttled(ctx, 'otp', mobile, async (tx) => {
    const account = await tx.accountByMobile(mobile);
    const usable = account && canUseMobileLogin(account, mobile) ? account : undefined;
    if (!usable || !(await useSecret(ctx, tx, usable.id, 'login-otp', code))) return loginFailed();
    await clearAttempts(ctx, tx, 'otp', mobile);
    return newSession(ctx, tx, usable.id);
  });
}

/** "forgot password" sends a reset code; the answer never says whether the account exists. */
export async function forgotPassword(ctx: Context, email: string): Promise<void> {
  const address = normaliseEmail(email);
  await throttled(ctx, 'send', address, async (tx) => {
    const account = await tx.accountByEmail(address);
    if (account) await issueSecret(ctx, tx, account, 'reset-password', account.email);
    return undefined;
  });
}

/** a new password by the emailed code; every session of the account ends. */
export async function resetPassword(ctx: Context, email: string, code: string, newPassword: string) {
  checkNewPassword(ctx, newPassword, email);
  const passwordHash = await ctx.ports.hashPassword(newPassword);
  const address = normaliseEmail(email);
  const identifier = `reset-password:${address}`;
  await throttled(ctx, 'code', identifier, async (tx) => {
    const account = await tx.accountByEmail(address);
    if (!account || !(await useSecret(ctx, tx, account.id, 'reset-password', code))) return codeInvalid();
    await clearAttempts(ctx, tx, 'code', identifier);
    await tx.putAccount({ ...account, passwordHash });
    await tx.deleteSessionsOf(account.id);
    notifyChange(ctx, account.email, 'password-changed');
    return undefined;
  });
}
