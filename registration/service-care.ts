/** Customer-care inquiries (R-26…R-30, D-R7, D-R8) over the store and the injected ports. */
import { afterCoarse, classifyInquiry, messengerProfile, replyDueAt, retentionEnd } from './care.js';
import { RegistryError } from './errors.js';
import { CARE_CHANNEL } from './markets.js';
import type { Account, Inquiry } from './model.js';
import { updateAccount } from './service-accounts.js';
import type { Context } from './service-context.js';
import { isoInstant } from './time.js';

export function inquiryOut(inquiry: Inquiry) {
  return {
    inquiryId: inquiry.id,
    status: inquiry.status,
    receivedAt: isoInstant(inquiry.receivedAtMs),
    ...(inquiry.dueAtMs !== undefined ? { dueAt: isoInstant(inquiry.dueAtMs) } : {}),
    ...(inquiry.status === 'referred-to-phone' ? { phone: CARE_CHANNEL.healthPhoneLine } : {}),
    purgeAt: isoInstant(inquiry.purgeAtMs),
    text: inquiry.text,
    profile: inquiry.profile,
    hasDiagnostics: inquiry.diagnostics !== undefined,
    ...(inquiry.diagnostics !== undefined ? { diagnostics: inquiry.diagnostics } : {}),
  };
}

/**
 * R-26…R-29: a queued inquiry gets its due time (120 service minutes, D-R8); a health question is
 * referred to the phone line; illegible or coarse text is refused and coarse language counts
 * toward a ban. Refusals are answered with an error and nothing is stored but the ban count.
 */
export async function createInquiry(ctx: Context, account: Account, text: string, diagnostics?: unknown) {
  if (account.careBanned)
    throw new RegistryError('REGISTRY_CARE_BANNED', 'this user is banned from the channel');
  const kind = classifyInquiry(text);
  if (kind === 'coarse') {
    const next = await updateAccount(ctx, account.id, (a) => afterCoarse(a));
    throw new RegistryError(
      next.careBanned ? 'REGISTRY_CARE_BANNED' : 'REGISTRY_CARE_COARSE',
      next.careBanned
        ? 'coarse language: the user is now banned from the channel'
        : 'inquiries with coarse language are not processed',
    );
  }
  if (kind === 'illegible')
    throw new RegistryError(
      'REGISTRY_CARE_ILLEGIBLE',
      'the inquiry is illegible; please write it out in words',
    );
  const now = ctx.ports.nowMs();
  const inquiry: Inquiry = {
    id: ctx.ports.randomId(),
    accountId: account.id,
    receivedAtMs: now,
    status: kind === 'health' ? 'referred-to-phone' : 'queued',
    ...(kind === 'health' ? {} : { dueAtMs: replyDueAt(now) }),
    purgeAtMs: retentionEnd(now),
    text,
    profile: messengerProfile(account),
    ...(diagnostics !== undefined ? { diagnostics } : {}),
  };
  await ctx.store.transaction((tx) => tx.putInquiry(inquiry));
  return inquiryOut(inquiry);
}

/**
 * the caller's inquiries still inside their 3 years. Older ones are no longer shown; the
 * retention sweep deletes them (service-retention.ts), reads never write.
 */
export async function listInquiries(ctx: Context, account: Account) {
  const inquiries = await ctx.store.read((tx) => tx.inquiriesOf(account.id, ctx.ports.nowMs()));
  return inquiries.map(inquiryOut);
}
