/**
 * One-time codes and account notices (D-R1, D-R2, docs/security.md "One-time codes"): issuing a code
 * and sending it, spending a guess against it, the one answer for every failed code, and the notice
 * sent after a credential change.
 */
import { checkSecret, newSecret, SECRET_POLICY } from './accounts.js';
import { RegistryError } from './errors.js';
import type { Account, Secret, SecretPurpose, StoreTx } from './model.js';
import type { Context } from './service-context.js';

/** The one answer for a code that is wrong, expired, used up or for no account (docs/security.md). */
export const codeInvalid = () =>
  new RegistryError('REGISTRY_CODE_INVALID', 'the code is wrong, expired or used up; ask for a new one');

/**
 * ASVS 2.2.3: a notice to the account's address after its password or email address changed, so an
 * owner learns of a takeover (never throttled, never carrying a secret).
 */
export function notifyChange(ctx: Context, to: string, change: 'password-changed' | 'email-changed') {
  ctx.ports.send({
    channel: 'email',
    to,
    template: change,
    text:
      change === 'password-changed'
        ? 'The password of your IQOS account was changed. If this was not you, reset it now.'
        : 'The email address of your IQOS account was changed. If this was not you, contact customer care.',
    atMs: ctx.ports.nowMs(),
  });
}

/** Issues a one-time secret and sends it (D-R1: a new one replaces the old). */
export async function issueSecret(
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

/**
 * Checks a guess against the live secret, spending an attempt (D-R1, D-R2): the secret when right,
 * undefined otherwise. The caller's transaction must commit either way.
 */
export async function useSecret(
  ctx: Context,
  tx: StoreTx,
  accountId: string,
  purpose: SecretPurpose,
  code: string,
): Promise<Secret | undefined> {
  const secret = await tx.secret(accountId, purpose);
  const check = checkSecret(secret, ctx.ports.sha256(code), ctx.ports.nowMs());
  if (check.ok) {
    await tx.deleteSecret(accountId, purpose);
    return secret;
  }
  if (check.left) await tx.putSecret(check.left);
  else if (secret) await tx.deleteSecret(accountId, purpose);
  return undefined;
}
