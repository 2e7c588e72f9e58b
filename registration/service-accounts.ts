/**
 * Account operations (R-1…R-8, D-R1…D-R3) over the store and the injected ports. Passwords are
 * hashed outside store transactions (scrypt takes tens of ms; the store is serialised).
 */
import {
  canUseMobileLogin,
  checkAdult,
  checkPassword,
  checkSecret,
  checkVerified,
  MARKETING_TOPICS,
  needsCurrentPassword,
  newSecret,
  normaliseEmail,
  SECRET_POLICY,
  SESSION_TTL_MS,
} from './accounts.js';
import { releaseDevice } from './devices.js';
import { must, RegistryError } from './errors.js';
import type { Account, Address, SecretPurpose, StoreTx } from './model.js';
import type { Context } from './service-context.js';
import { type RegistrationOut, registerInTx, rememberEmailChange } from './service-devices.js';
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
  /** R-9: the "DEVICE ID" option at sign-up; registered once the email is verified. */
  deviceId?: string;
}

export interface SessionOut {
  token: string;
  accountId: string;
  expiresAt: string;
}

const LOGIN_FAILED = () => new RegistryError('REGISTRY_LOGIN_FAILED', 'login failed');

/** Issues a one-time secret and sends it (D-R1: a new one replaces the old). */
async function issueSecret(
  ctx: Context,
  tx: StoreTx,
  account: Account,
  purpose: SecretPurpose,
  target: string,
) {
  const code = ctx.ports.randomDigits(SECRET_POLICY[purpose].digits);
  const now = ctx.ports.nowMs();
  await tx.putSecret(newSecret(account.id, purpose, ctx.ports.sha256(code), target, now));
  const sms = purpose === 'login-otp' || purpose === 'verify-mobile';
  const link =
    purpose === 'verify-email'
      ? `${ctx.options.publicUrl}/auth/verify?token=${account.id}.${code}`
      : undefined;
  ctx.ports.send({
    channel: sms ? 'sms' : 'email',
    to: target,
    template: purpose,
    code,
    ...(link ? { link } : {}),
    text: `Your IQOS ${purpose} code is ${code}${link ? `, or open ${link}` : ''}`,
    atMs: now,
  });
}

/** Checks a guess against the live secret; a failed guess's attempt count is committed. */
async function useSecret(ctx: Context, tx: StoreTx, accountId: string, purpose: SecretPurpose, code: string) {
  const secret = await tx.secret(accountId, purpose);
  const check = checkSecret(secret, ctx.ports.sha256(code), ctx.ports.nowMs());
  if (check.ok) {
    await tx.deleteSecret(accountId, purpose);
    return secret as NonNullable<typeof secret>;
  }
  if (check.left) await tx.putSecret(check.left);
  else if (secret) await tx.deleteSecret(accountId, purpose);
  return check.code;
}

export async function signUp(ctx: Context, input: SignUpInput): Promise<{ status: 'verification-sent' }> {
  const now = ctx.ports.nowMs();
  must(checkAdult(input.dateOfBirth, input.country, now));
  must(checkPassword(input.password));
  const passwordHash = await ctx.ports.hashPassword(input.password);
  const email = normaliseEmail(input.email);
  await ctx.store.transaction(async (tx) => {
    const existing = await tx.accountByEmail(email);
    if (existing) {
      // Sign-up does not reveal accounts either: the owner is told instead.
      ctx.ports.send({
        channel: 'email',
        to: email,
        template: 'signup-existing',
        text: 'Someone tried to create an IQOS account with this address. Log in or reset your password.',
        atMs: now,
      });
      return;
    }
    const account: Account = {
      id: ctx.ports.randomId(),
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
  });
  return { status: 'verification-sent' };
}

/** D-R1: verify by email + code or by the link token `<accountId>.<code>`. */
export async function verifyEmail(
  ctx: Context,
  input: { email?: string; code?: string; token?: string },
): Promise<{
  verified: true;
  email: string;
  accountId: string;
  device?: RegistrationOut | { error: string };
}> {
  return ctx.store.transaction(async (tx) => {
    let account: Account | undefined;
    let code: string | undefined;
    if (input.token) {
      const dot = input.token.indexOf('.');
      account = dot > 0 ? await tx.account(input.token.slice(0, dot)) : undefined;
      code = input.token.slice(dot + 1);
    } else if (input.email && input.code) {
      account = await tx.accountByEmail(normaliseEmail(input.email));
      code = input.code;
    }
    if (!account || code === undefined)
      throw new RegistryError('REGISTRY_CODE_INVALID', 'wrong or unknown code');
    const used = await useSecret(ctx, tx, account.id, 'verify-email', code);
    if (typeof used === 'string') throw new RegistryError(used, 'the verification code was not accepted');
    const email = used.target;
    if (email !== account.email && (await tx.accountByEmail(email)))
      throw new RegistryError('REGISTRY_EMAIL_TAKEN', 'that email address is in use');
    const { pendingEmail: _p, pendingDeviceId, ...rest } = account;
    const verified: Account = { ...rest, email, emailVerified: true };
    if (email !== account.email) await rememberEmailChange(ctx, tx, account.email, email);
    await tx.putAccount(verified);
    // R-9: a device ID given at sign-up is registered now that the account may register devices.
    const device =
      pendingDeviceId === undefined
        ? undefined
        : await registerInTx(ctx, tx, verified, pendingDeviceId, 'sign-up').catch((e: unknown) => {
            if (e instanceof RegistryError) return { error: e.code };
            throw e;
          });
    return { verified: true, email, accountId: account.id, ...(device ? { device } : {}) };
  });
}

export async function resendVerification(ctx: Context, email: string): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const account = await tx.accountByEmail(normaliseEmail(email));
    if (account && !account.emailVerified) await issueSecret(ctx, tx, account, 'verify-email', account.email);
  });
}

async function newSession(ctx: Context, tx: StoreTx, accountId: string): Promise<SessionOut> {
  const token = ctx.ports.randomToken();
  const expiresAtMs = ctx.ports.nowMs() + SESSION_TTL_MS;
  await tx.putSession({ tokenHash: ctx.ports.sha256(token), accountId, expiresAtMs });
  return { token, accountId, expiresAt: isoInstant(expiresAtMs) };
}

/** A stand-in hash so a login for a missing account costs the same scrypt work. */
let dummyHash: Promise<string> | undefined;

/** R-3: email + password. Every failure is the same REGISTRY_LOGIN_FAILED. */
export async function login(ctx: Context, email: string, password: string): Promise<SessionOut> {
  const account = await ctx.store.read((tx) => tx.accountByEmail(normaliseEmail(email)));
  dummyHash ??= ctx.ports.hashPassword('not a password 0');
  const ok = await ctx.ports.verifyPassword(password, account?.passwordHash ?? (await dummyHash));
  if (!account?.passwordHash || !ok) throw LOGIN_FAILED();
  must(checkVerified(account));
  return ctx.store.transaction((tx) => newSession(ctx, tx, account.id));
}

/** R-4, D-R2: an OTP goes only to a verified mobile on an account; the answer is the same either way. */
export async function requestOtp(ctx: Context, mobile: string): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const account = await tx.accountByMobile(mobile);
    if (account && canUseMobileLogin(account, mobile))
      await issueSecret(ctx, tx, account, 'login-otp', mobile);
  });
}

export async function loginByOtp(ctx: Context, mobile: string, code: string): Promise<SessionOut> {
  return ctx.store
    .transaction(async (tx) => {
      const account = await tx.accountByMobile(mobile);
      if (!account || !canUseMobileLogin(account, mobile)) throw LOGIN_FAILED();
      const used = await useSecret(ctx, tx, account.id, 'login-otp', code);
      if (typeof used === 'string') return used;
      return newSession(ctx, tx, account.id);
    })
    .then((r) => {
      if (typeof r === 'string') throw LOGIN_FAILED();
      return r;
    });
}

/** R-3: "forgot password" sends a reset code; the answer never says whether the account exists. */
export async function forgotPassword(ctx: Context, email: string): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const account = await tx.accountByEmail(normaliseEmail(email));
    if (account) await issueSecret(ctx, tx, account, 'reset-password', account.email);
  });
}

export async function resetPassword(ctx: Context, email: string, code: string, newPassword: string) {
  must(checkPassword(newPassword));
  const passwordHash = await ctx.ports.hashPassword(newPassword);
  const result = await ctx.store.transaction(async (tx) => {
    const account = await tx.accountByEmail(normaliseEmail(email));
    if (!account) return 'REGISTRY_CODE_INVALID' as const;
    const used = await useSecret(ctx, tx, account.id, 'reset-password', code);
    if (typeof used === 'string') return used;
    await tx.putAccount({ ...account, passwordHash });
    // A reset ends every session (our choice: whoever knew the old password is logged out).
    await tx.deleteSessionsOf(account.id);
    return 'ok' as const;
  });
  if (result !== 'ok') throw new RegistryError(result, 'the reset code was not accepted');
}

/** The account behind a bearer token, or REGISTRY_UNAUTHENTICATED. */
export async function authenticate(ctx: Context, token: string | undefined): Promise<Account> {
  if (token) {
    const account = await ctx.store.read((tx) =>
      tx.sessionAccount(ctx.ports.sha256(token), ctx.ports.nowMs()),
    );
    if (account) return account;
  }
  throw new RegistryError('REGISTRY_UNAUTHENTICATED', 'log in first (Authorization: Bearer <token>)');
}

export async function logout(ctx: Context, token: string): Promise<void> {
  await ctx.store.transaction((tx) => tx.deleteSession(ctx.ports.sha256(token)));
}

/** R-6, R-7: the profile as its owner sees it. */
export function profile(account: Account) {
  return {
    accountId: account.id,
    email: account.email,
    emailVerified: account.emailVerified,
    ...(account.pendingEmail ? { pendingEmail: account.pendingEmail } : {}),
    dateOfBirth: account.dateOfBirth,
    country: account.country,
    ...(account.firstName ? { firstName: account.firstName } : {}),
    ...(account.lastName ? { lastName: account.lastName } : {}),
    ...(account.mobile ? { mobile: account.mobile } : {}),
    mobileVerified: account.mobileVerified,
    hasPassword: account.passwordHash !== undefined,
    marketing: { optIn: account.marketingOptIn, topics: account.marketingOptIn ? MARKETING_TOPICS : [] },
    addresses: account.addresses,
  };
}

/** Reads the account fresh, applies `change` and stores it (one transaction). */
export async function updateAccount(
  ctx: Context,
  accountId: string,
  change: (account: Account, tx: StoreTx) => Promise<Account> | Account,
): Promise<Account> {
  return ctx.store.transaction(async (tx) => {
    const account = await tx.account(accountId);
    if (!account) throw new RegistryError('REGISTRY_UNAUTHENTICATED', 'the account no longer exists');
    const next = await change(account, tx);
    await tx.putAccount(next);
    return next;
  });
}

/** R-4: a mobile is added unverified and gets a code by SMS. */
export async function addMobile(ctx: Context, accountId: string, mobile: string): Promise<void> {
  await updateAccount(ctx, accountId, async (account, tx) => {
    const holder = await tx.accountByMobile(mobile);
    if (holder && holder.id !== accountId)
      throw new RegistryError('REGISTRY_MOBILE_TAKEN', 'that mobile is in use');
    const next = { ...account, mobile, mobileVerified: false };
    await issueSecret(ctx, tx, next, 'verify-mobile', mobile);
    return next;
  });
}

export async function verifyMobile(ctx: Context, accountId: string, code: string): Promise<void> {
  const result = await ctx.store.transaction(async (tx) => {
    const account = await tx.account(accountId);
    if (!account?.mobile) return 'REGISTRY_CODE_INVALID' as const;
    const used = await useSecret(ctx, tx, accountId, 'verify-mobile', code);
    if (typeof used === 'string') return used;
    if (used.target !== account.mobile) return 'REGISTRY_CODE_INVALID' as const;
    const holder = await tx.accountByMobile(account.mobile);
    if (holder && holder.id !== accountId) return 'REGISTRY_MOBILE_TAKEN' as const;
    await tx.putAccount({ ...account, mobileVerified: true });
    return 'ok' as const;
  });
  if (result !== 'ok') throw new RegistryError(result, 'the mobile code was not accepted');
}

/** R-5: the new address is pending until verified by the code sent to it. */
export async function changeEmail(ctx: Context, accountId: string, newEmail: string): Promise<void> {
  const email = normaliseEmail(newEmail);
  await updateAccount(ctx, accountId, async (account, tx) => {
    if (await tx.accountByEmail(email))
      throw new RegistryError('REGISTRY_EMAIL_TAKEN', 'that email address is in use');
    const next = { ...account, pendingEmail: email };
    await issueSecret(ctx, tx, next, 'verify-email', email);
    return next;
  });
}

/** R-5: the current password is required, unless none was ever set (then one is set). */
export async function changePassword(
  ctx: Context,
  account: Account,
  current: string | undefined,
  next: string,
) {
  must(checkPassword(next));
  if (needsCurrentPassword(account)) {
    const ok =
      current !== undefined && (await ctx.ports.verifyPassword(current, account.passwordHash as string));
    if (!ok) throw new RegistryError('REGISTRY_WRONG_PASSWORD', 'the current password is wrong');
  }
  const passwordHash = await ctx.ports.hashPassword(next);
  await updateAccount(ctx, account.id, (a) => ({ ...a, passwordHash }));
}

/** R-6 addresses. */
export async function putAddress(ctx: Context, accountId: string, address: Omit<Address, 'id'>, id?: string) {
  const addressId = id ?? ctx.ports.randomId();
  await updateAccount(ctx, accountId, (account) => {
    if (id !== undefined && !account.addresses.some((a) => a.id === id))
      throw new RegistryError('REGISTRY_NOT_FOUND', 'no such address');
    const others = account.addresses.filter((a) => a.id !== addressId);
    return { ...account, addresses: [...others, { ...address, id: addressId }] };
  });
  return { ...address, id: addressId };
}

export async function removeAddress(ctx: Context, accountId: string, id: string): Promise<void> {
  await updateAccount(ctx, accountId, (account) => {
    if (!account.addresses.some((a) => a.id === id))
      throw new RegistryError('REGISTRY_NOT_FOUND', 'no such address');
    return { ...account, addresses: account.addresses.filter((a) => a.id !== id) };
  });
}

/** R-8, D-R3: confirmed once, immediate; personal data erased; devices released. */
export async function deleteAccount(
  ctx: Context,
  accountId: string,
  confirm: boolean,
): Promise<{ releasedDevices: string[] }> {
  if (!confirm)
    throw new RegistryError('REGISTRY_CONFIRM_REQUIRED', 'confirm the deletion with "confirm": true');
  return ctx.store.transaction(async (tx) => {
    const devices = await tx.devicesOf(accountId);
    for (const device of devices) await tx.putDevice(releaseDevice(device));
    await tx.deleteAccount(accountId);
    return { releasedDevices: devices.map((d) => d.deviceId) };
  });
}
