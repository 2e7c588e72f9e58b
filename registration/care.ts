/** Customer-care rules R-26…R-30 with D-R7, D-R8 as pure functions. */
import { CARE_CHANNEL } from './markets.js';
import type { Account, Inquiry } from './model.js';
import { addMonthsToInstant, DAY_MS, MINUTE_MS } from './time.js';

/** Words that make an inquiry a health question. Lower case; matched as word stems. */
const HEALTH_TERMS = [
  'health',
  'cancer',
  'harm',
  'side effect',
  'adverse',
  'pregnan',
  'nicotine poisoning',
  'lung',
  'heart',
  'cough',
  'dizz',
  'nause',
  'allerg',
  'doctor',
];

/** coarse language (a short list as data; a market replaces it with its own). */
const COARSE_TERMS = ['fuck', 'shit', 'bitch', 'bastard', 'asshole', 'idiot', 'moron', 'crap'];

/** coarse inquiries before the user is banned from the channel (ours: the second one bans). */
export const COARSE_BAN_AFTER = 2;

export type InquiryClass = 'illegible' | 'coarse' | 'health' | 'ok';

/**
 * R-28 illegible (our test, the pages give none): fewer than two words of two or more letters, or
 * less than half of the non-space characters are letters, or a "word" longer than 40 characters.
 */
export function isIllegible(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) return true;
  const letters = (compact.match(/\p{L}/gu) ?? []).length;
  const words = text.split(/\s+/).filter((w) => (w.match(/\p{L}/gu) ?? []).length >= 2);
  return words.length < 2 || letters / compact.length < 0.5 || words.some((w) => w.length > 40);
}

/** what happens to an inquiry's text. Coarse and illegible are checked first. */
export function classifyInquiry(text: string): InquiryClass {
  const lower = text.toLowerCase();
  if (COARSE_TERMS.some((t) => new RegExp(`\\b${t}`, 'u').test(lower))) return 'coarse';
  if (isIllegible(text)) return 'illegible';
  if (HEALTH_TERMS.some((t) => lower.includes(t))) return 'health';
  return 'ok';
}

/** is `atMs` inside service hours (weekdays 10:00–22:00 UTC+5, D-R7)? */
export function inServiceHours(atMs: number): boolean {
  const local = atMs + CARE_CHANNEL.utcOffsetMin * MINUTE_MS;
  const day = Math.floor(local / DAY_MS);
  const minute = (local - day * DAY_MS) / MINUTE_MS;
  const weekday = (((day + 4) % 7) + 7) % 7;
  return (
    CARE_CHANNEL.weekdays.includes(weekday) &&
    minute >= CARE_CHANNEL.openMin &&
    minute < CARE_CHANNEL.closeMin
  );
}

/**
 * R-26, D-R8: the reply due time, `targetMin` service minutes after receipt; time outside service
 * hours (nights, weekends) does not count. An inquiry received at night starts counting at 10:00.
 */
export function replyDueAt(receivedAtMs: number, targetMin: number = CARE_CHANNEL.replyTargetMin): number {
  const offsetMs = CARE_CHANNEL.utcOffsetMin * MINUTE_MS;
  let left = targetMin * MINUTE_MS;
  let local = receivedAtMs + offsetMs;
  // At most 8 days of windows are visited per week of target: bounded by the target's size.
  for (;;) {
    const day = Math.floor(local / DAY_MS);
    const weekday = (((day + 4) % 7) + 7) % 7;
    const open = day * DAY_MS + CARE_CHANNEL.openMin * MINUTE_MS;
    const close = day * DAY_MS + CARE_CHANNEL.closeMin * MINUTE_MS;
    if (CARE_CHANNEL.weekdays.includes(weekday) && local < close) {
      const start = Math.max(local, open);
      if (start + left <= close) return start + left - offsetMs;
      left -= close - start;
    }
    local = (day + 1) * DAY_MS;
  }
}

/** an inquiry is purged 3 years after its receipt (calendar months, UTC). */
export function retentionEnd(receivedAtMs: number): number {
  return addMonthsToInstant(receivedAtMs, CARE_CHANNEL.retentionMonths);
}

/** the profile a messenger shows everyone: name and phone, nothing else. */
export function messengerProfile(account: Account): Inquiry['profile'] {
  const name = [account.firstName, account.lastName].filter(Boolean).join(' ');
  return { ...(name ? { name } : {}), ...(account.mobile ? { phone: account.mobile } : {}) };
}

/** the account after a coarse inquiry; the COARSE_BAN_AFTER-th bans. */
export function afterCoarse(account: Account): Account {
  const careCoarseCount = account.careCoarseCount + 1;
  return {
    ...account,
    careCoarseCount,
    careBanned: account.careBanned || careCoarseCount >= COARSE_BAN_AFTER,
  };
}
