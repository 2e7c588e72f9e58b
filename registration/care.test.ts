import { describe, expect, it } from 'vitest';
import {
  afterCoarse,
  classifyInquiry,
  inServiceHours,
  messengerProfile,
  replyDueAt,
  retentionEnd,
} from './care.js';
import type { Account } from './model.js';

const at = (iso: string) => new Date(iso).getTime();
const iso = (ms: number) => new Date(ms).toISOString();

describe('customer care', () => {
  it('R-26, D-R7: service hours are weekdays 10:00–22:00 Astana (UTC+5)', () => {
    expect(inServiceHours(at('2025-06-04T05:00:00Z'))).toBe(true); // Wed 10:00 Astana
    expect(inServiceHours(at('2025-06-04T04:59:00Z'))).toBe(false);
    expect(inServiceHours(at('2025-06-04T17:00:00Z'))).toBe(false); // 22:00 Astana
    expect(inServiceHours(at('2025-06-07T08:00:00Z'))).toBe(false); // Saturday
  });

  it('D-R8: 120 service minutes inside one window', () => {
    expect(iso(replyDueAt(at('2025-06-04T06:00:00Z')))).toBe('2025-06-04T08:00:00.000Z');
  });

  it('D-R8: the due time carries across the night', () => {
    // Wed 21:00 Astana: 60 minutes today, 60 from Thu 10:00 → Thu 11:00 Astana = 06:00Z.
    expect(iso(replyDueAt(at('2025-06-04T16:00:00Z')))).toBe('2025-06-05T06:00:00.000Z');
    // Received at night (02:00 Astana Thu): counting starts at 10:00.
    expect(iso(replyDueAt(at('2025-06-04T21:00:00Z')))).toBe('2025-06-05T07:00:00.000Z');
  });

  it('D-R8: the due time carries across the weekend', () => {
    // Fri 21:30 Astana → 30 minutes Friday, 90 from Mon 10:00 → Mon 11:30 Astana.
    expect(iso(replyDueAt(at('2025-06-06T16:30:00Z')))).toBe('2025-06-09T06:30:00.000Z');
    // Saturday noon → Monday 12:00 Astana.
    expect(iso(replyDueAt(at('2025-06-07T07:00:00Z')))).toBe('2025-06-09T07:00:00.000Z');
    // Exactly at close on Friday counts nothing that day.
    expect(iso(replyDueAt(at('2025-06-06T17:00:00Z')))).toBe('2025-06-09T07:00:00.000Z');
  });

  it('R-27: health questions are referred to the phone line', () => {
    expect(classifyInquiry('Is heating tobacco bad for my health?')).toBe('health');
    expect(classifyInquiry('I feel dizzy after using it, what should I do')).toBe('health');
    expect(classifyInquiry('My holder blinks red after cleaning it')).toBe('ok');
  });

  it('R-28: illegible and coarse inquiries are refused; coarse language can ban', () => {
    expect(classifyInquiry('asdkjh')).toBe('illegible');
    expect(classifyInquiry('!!! ??? 1234 ###')).toBe('illegible');
    expect(classifyInquiry('   ')).toBe('illegible');
    expect(classifyInquiry('this shit device does not charge')).toBe('coarse');
    const a = { careCoarseCount: 0, careBanned: false } as Account;
    expect(afterCoarse(a).careBanned).toBe(false);
    expect(afterCoarse(afterCoarse(a)).careBanned).toBe(true);
  });

  it('R-29: an inquiry sees only the messenger profile (name and phone)', () => {
    const profile = messengerProfile({
      firstName: 'Ada',
      lastName: 'L',
      mobile: '+77011234567',
      email: 'x@example.com',
      dateOfBirth: '1990-01-01',
    } as Account);
    expect(profile).toEqual({ name: 'Ada L', phone: '+77011234567' });
  });

  it('R-30: correspondence is kept 3 years from the inquiry date (leap day included)', () => {
    expect(iso(retentionEnd(at('2025-06-04T06:00:00Z')))).toBe('2028-06-04T06:00:00.000Z');
    expect(iso(retentionEnd(at('2024-02-29T10:00:00Z')))).toBe('2027-03-01T10:00:00.000Z');
  });
});
