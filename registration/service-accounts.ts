/**
 * The signed-in account (R-4…R-8, D-R3) over the store and the injected ports: sessions, profile,
 * mobile, email and password changes, addresses, deletion. A new email address or mobile is never
 * checked against other accounts before its owner has proved it with the code sent to it, and a
 * password or email change ends the account's other sessions (docs/security.md "Sessions"). The
 * unauthenticated flows (sign-up, verification, logins, reset) live in service-auth.ts and are
 * re-exported here.
 */
import { MARKETING_TOPICS, needsCurrentPassword, normaliseEmail } from './accounts.js';
import { releaseDevice } from './devices.js';
import { RegistryError } from './errors.js';
import type { Account, Address, StoreTx } from './model.js';
import { checkNewPassword } from './service-auth.js';
import { codeInvalid, issueSecret, notifyChange, useSecret } from './service-codes.js';
import type { Context } from './service-context.js';
import { clearAttempts, committed, countAttempt, throttled } from './service-guard.js';

export {
  forgotPassword,
  login,
  loginByOtp,
  requestOtp,
  resendVerification,
  resetPassword,
  type SessionOut,
  type SignUpInput,
  signUp,
  verifyEmail,
} from './service-auth.js';

const gone = () => new RegistryError('REGISTRY_UNAUTHENTICATED', 'the account no longer exists');

/** How a session token is stored (and how the caller's own session is named to keep it). */
export function tokenHash(ctx: Context, token: string): string {
  return ctx.ports.sha256(token);
}

/** The account behind a bearer token, or REGISTRY_UNAUTHENTICATED. */
export async function authenticate(ctx: Context, token: string | undefined): Promise<Account> {
  if (token) {
    const account = await ctx.store.read((tx) => tx.sessionAccount(tokenHash(ctx, token), ctx.ports.nowMs()));
    if (account) return account;
  }
  throw new RegistryError('REGISTRY_UNAUTHENTICATED', 'log in first (Authorization: Bearer <token>)');
}

export async function logout(ctx: Context, token: string): Promise<void> {
  await ctx.store.transaction((tx) => tx.deleteSession(tokenHash(ctx, token)));
}

/** the profile as its owner sees it. */
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
    if (!account) throw gone();
    const next = await change(account, tx);
    await tx.putAccount(next);
    return next;
  });
}

/** a mobile is added unverified and gets a code by SMS (whether another account has it is not said). */
export async function addMobile(ctx: Context, accountId: string, mobile: string): Promise<void> {
  await throttled(ctx, 'send', mobile, async (tx) => {
    const account = await tx.account(accountId);
    if (!account) return gone();
    const next = { ...account, mobile, mobileVerified: false };
    await tx.putAccount(next);
    await issueSecret(ctx, tx, next, 'verify-mobile', mobile);
    return undefined;
  });
}

/** the code sent to the mobile; only now is a mobile verified by another account refused. */
export async function verifyMobile(ctx: Context, accountId: string, code: string): Promise<void> {
  const identifier = `verify-mobile:${accountId}`;
  await throttled(ctx, 'code', identifier, async (tx) => {
    const account = await tx.account(accountId);
    const used = account?.mobile ? await useSecret(ctx, tx, accountId, 'verify-mobile', code) : undefined;
    if (!account || !used || used.target !== account.mobile) return codeInvalid();
    await clearAttempts(ctx, tx, 'code', identifier);
    const holder = await tx.accountByMobile(account.mobile);
    if (holder && holder.id !== accountId)
      return new RegistryError('REGISTRY_MOBILE_TAKEN', 'that mobile belongs to another account');
    await tx.putAccount({ ...account, mobileVerified: true });
    return undefined;
  });
}

/**
 * the new address is pending until verified by the code sent to it; whether another account
 * has it is said only to whoever proves the address (verifyEmail).
 */
export async function changeEmail(ctx: Context, accountId: string, newEmail: string): Promise<void> {
  const email = normaliseEmail(newEmail);
  await throttled(ctx, 'send', email, async (tx) => {
    const account = await tx.account(accountId);
    if (!account) return gone();
    if (email === account.email) return undefined;
    const next = { ...account, pendingEmail: email };
    await tx.putAccount(next);
    await issueSecret(ctx, tx, next, 'verify-email', email);
    return undefined;
  });
}

/**
 * the current password is required, unless none was ever set (then one is set); its guesses are
 * throttled per account. The account's other sessions end (`keepTokenHash`: the caller's own).
 */
export async function changePassword(
  ctx: Context,
  account: Account,
  input: { current: string | undefined; next: string; keepTokenHash: string },
) {
  checkNewPassword(ctx, input.next, account.email);
  if (needsCurrentPassword(account)) {
    await committed(ctx, (tx) => countAttempt(ctx, tx, 'password', account.id));
    const ok =
      input.current !== undefined &&
      (await ctx.ports.verifyPassword(input.current, account.passwordHash as string));
    if (!ok) throw new RegistryError('REGISTRY_WRONG_PASSWORD', 'the current password is wrong');
  }
  const passwordHash = await ctx.ports.hashPassword(input.next);
  await updateAccount(ctx, account.id, async (a, tx) => {
    await clearAttempts(ctx, tx, 'password', account.id);
    await tx.deleteSessionsOf(account.id, input.keepTokenHash);
    return { ...a, passwordHash };
  });
  notifyChange(ctx, account.email, 'password-changed');
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
