/** Rule-named unit tests of the pure rules (docs/registration.md). */
import { describe, expect, it } from 'vitest';
import { checkAdult, checkSecret, checkVerified, mayMarket, newSecret } from './accounts.js';
import { checkAssistance } from './assistance.js';
import {
  checkAccidentalClaim,
  checkMoneyBack,
  checkProgramActivation,
  checkWarrantyClaim,
  inWarranty,
  programEnd,
  promisedDelivery,
} from './coverage.js';
import { checkOffer, checkRegistration, registerDevice, releaseDevice } from './devices.js';
import type { Decision } from './errors.js';
import { COVERED_COUNTRIES, MARKETS } from './markets.js';
import type { Account, Device } from './model.js';

const at = (iso: string) => new Date(iso).getTime();
const code = (d: Decision<unknown>) => (d.ok ? 'ok' : d.error.code);

const account = (over: Partial<Account> = {}): Account => ({
  id: 'a1',
  email: 'a@example.com',
  emailVerified: true,
  dateOfBirth: '1990-01-01',
  country: 'DE',
  mobileVerified: false,
  addresses: [],
  marketingOptIn: false,
  createdAtMs: 0,
  careCoarseCount: 0,
  careBanned: false,
  ...over,
});

const device = (over: Partial<Device> = {}): Device => ({
  deviceId: 'T1AB2CD3EF4GH5',
  accountId: 'a1',
  registeredAtMs: at('2025-03-10T12:00:00Z'),
  registrationCountry: 'DE',
  firstRegisteredAtMs: at('2025-03-10T12:00:00Z'),
  purchaseDate: '2025-03-10',
  purchaseCountry: 'DE',
  events: [],
  ...over,
});

describe('accounts', () => {
  it('R-1: only adults; the 18th birthday counts, the day before does not', () => {
    expect(code(checkAdult('2007-06-15', 'DE', at('2025-06-15T12:00:00Z')))).toBe('ok');
    expect(code(checkAdult('2007-06-15', 'DE', at('2025-06-14T12:00:00Z')))).toBe('REGISTRY_UNDERAGE');
    expect(code(checkAdult('2030-01-01', 'DE', at('2025-06-14T12:00:00Z')))).toBe('REGISTRY_BAD_DATE');
    expect(code(checkAdult('2007-02-30', 'DE', at('2025-06-14T12:00:00Z')))).toBe('REGISTRY_BAD_DATE');
  });

  it('R-1: an 18th birthday on 29 Feb falls on 1 Mar in a common year', () => {
    expect(code(checkAdult('2008-02-29', 'DE', at('2026-02-28T12:00:00Z')))).toBe('REGISTRY_UNDERAGE');
    expect(code(checkAdult('2008-02-29', 'DE', at('2026-03-01T12:00:00Z')))).toBe('ok');
    expect(code(checkAdult('2006-02-28', 'DE', at('2024-02-28T00:00:00Z')))).toBe('ok');
  });

  it('R-1, D-R7: age is measured on the date in the person country (Astana UTC+5 vs UTC)', () => {
    // 20:00 UTC on 14 Jun is already 15 Jun in Kazakhstan.
    expect(code(checkAdult('2007-06-15', 'KZ', at('2025-06-14T20:00:00Z')))).toBe('ok');
    expect(code(checkAdult('2007-06-15', 'GB', at('2025-06-14T20:00:00Z')))).toBe('REGISTRY_UNDERAGE');
  });

  it('D-R1: the verification secret is valid for 24 h; exactly 24 h later it has expired', () => {
    const issued = at('2025-01-01T00:00:00Z');
    const secret = newSecret('a1', 'verify-email', 'H', 'a@example.com', issued);
    expect(checkSecret(secret, 'H', issued + 24 * 3_600_000 - 1).ok).toBe(true);
    const late = checkSecret(secret, 'H', issued + 24 * 3_600_000);
    expect(late.ok ? 'ok' : late.reason).toBe('expired');
  });

  it('D-R1: an unverified account may not log in, buy or register', () => {
    expect(code(checkVerified(account({ emailVerified: false })))).toBe('REGISTRY_NOT_VERIFIED');
    expect(code(checkVerified(account()))).toBe('ok');
  });

  it('D-R2: an OTP lasts 5 minutes and 5 attempts; the fifth wrong guess destroys it', () => {
    const t = at('2025-01-01T00:00:00Z');
    let secret = newSecret('a1', 'login-otp', 'H', '+49170000000', t);
    expect(checkSecret(secret, 'H', t + 5 * 60_000).ok).toBe(false);
    for (let i = 1; i <= 4; i++) {
      const r = checkSecret(secret, 'X', t);
      expect(r.ok ? 'ok' : r.reason).toBe('wrong');
      if (!r.ok && r.left) secret = r.left;
    }
    const fifth = checkSecret(secret, 'X', t);
    expect(fifth.ok ? 'ok' : fifth.reason).toBe('used-up');
    expect(fifth.ok ? 'kept' : fifth.left).toBeUndefined();
  });

  it('R-7: marketing only when opted in, and never tobacco sticks', () => {
    expect(mayMarket({ marketingOptIn: false }, 'special-offers')).toBe(false);
    expect(mayMarket({ marketingOptIn: true }, 'special-offers')).toBe(true);
    expect(mayMarket({ marketingOptIn: true }, 'tobacco-sticks')).toBe(false);
    expect(mayMarket({ marketingOptIn: true }, 'heatsticks')).toBe(false);
  });
});

describe('devices', () => {
  it('D-R5: a device of another account is refused without naming it', () => {
    const r = checkRegistration(device({ accountId: 'someone' }), 'a1');
    expect(code(r)).toBe('REGISTRY_DEVICE_UNAVAILABLE');
    if (!r.ok) expect(r.error.message).not.toContain('someone');
    expect(checkRegistration(device(), 'a1')).toEqual({ ok: true, value: 'already-yours' });
    expect(checkRegistration(undefined, 'a1')).toEqual({ ok: true, value: 'register' });
  });

  it('R-9: registration records account, country and keeps the original purchase date', () => {
    const released = releaseDevice(device());
    const again = registerDevice(
      released,
      released.deviceId,
      account({ id: 'b2', country: 'FR' }),
      5,
      '2025-09-01',
    );
    expect(again).toMatchObject({ accountId: 'b2', registrationCountry: 'FR', purchaseDate: '2025-03-10' });
    expect(again.firstRegisteredAtMs).toBe(device().firstRegisteredAtMs);
  });

  it('D-R3: a released device is unregistered and loses its program, but keeps its claim history', () => {
    const released = releaseDevice(
      device({ program: { accountId: 'a1', country: 'DE', activatedAtMs: 1 }, accidentalClaimAtMs: 9 }),
    );
    expect(released.accountId).toBeUndefined();
    expect(released.program).toBeUndefined();
    expect(released.accidentalClaimAtMs).toBe(9);
  });

  it('R-13: the offer goes once, to a new customer, on a device never registered before', () => {
    expect(checkOffer(undefined, undefined)).toEqual({ granted: true });
    expect(checkOffer(releaseDevice(device()), undefined).granted).toBe(false);
    expect(
      checkOffer(undefined, { emailHash: 'h', firstRegistrationAtMs: 1, offerGrantedAtMs: 1 }).granted,
    ).toBe(false);
    expect(checkOffer(undefined, { emailHash: 'h', firstRegistrationAtMs: 1 }).granted).toBe(false);
  });

  it('R-21: a new owner does not inherit the program (not transferable)', () => {
    const d = releaseDevice(device({ program: { accountId: 'a1', country: 'DE', activatedAtMs: 1 } }));
    expect(registerDevice(d, d.deviceId, account({ id: 'b2' }), 5, '2025-09-01').program).toBeUndefined();
  });
});

describe('warranty and benefits', () => {
  it('R-15: the warranty runs 12 months from purchase; the anniversary is outside', () => {
    expect(inWarranty(device(), '2026-03-09')).toBe(true);
    expect(inWarranty(device(), '2026-03-10')).toBe(false);
    expect(inWarranty(device({ purchaseDate: '2024-02-29' }), '2025-02-28')).toBe(true);
    expect(inWarranty(device({ purchaseDate: '2024-02-29' }), '2025-03-01')).toBe(false);
  });

  it('R-15: defects are replaced; cosmetic damage only when it affects function', () => {
    expect(code(checkWarrantyClaim(device(), '2025-06-01', 'defect', false))).toBe('ok');
    expect(code(checkWarrantyClaim(device(), '2025-06-01', 'cosmetic', false))).toBe(
      'REGISTRY_COSMETIC_NOT_COVERED',
    );
    expect(code(checkWarrantyClaim(device(), '2025-06-01', 'cosmetic', true))).toBe('ok');
    expect(code(checkWarrantyClaim(device(), '2026-03-10', 'defect', false))).toBe(
      'REGISTRY_WARRANTY_EXPIRED',
    );
  });

  it('R-14: money back within 60 days of purchase (day 60 is the last)', () => {
    expect(code(checkMoneyBack(device(), '2025-05-08'))).toBe('ok');
    expect(code(checkMoneyBack(device(), '2025-05-09'))).toBe('REGISTRY_MONEY_BACK_EXPIRED');
  });

  it('R-20: the program runs 12 months from the latest purchase', () => {
    expect(programEnd([device(), device({ purchaseDate: '2025-08-01' })])).toBe('2026-08-01');
    expect(code(checkProgramActivation(device(), 'a1', [device()], '2026-03-09'))).toBe('ok');
    expect(code(checkProgramActivation(device(), 'a1', [device()], '2026-03-10'))).toBe(
      'REGISTRY_PROGRAM_EXPIRED',
    );
  });

  it('R-17: activation is per unit and once', () => {
    const active = device({ program: { accountId: 'a1', country: 'DE', activatedAtMs: 1 } });
    expect(code(checkProgramActivation(active, 'a1', [active], '2025-06-01'))).toBe(
      'REGISTRY_PROGRAM_ACTIVE',
    );
    expect(code(checkAccidentalClaim(device(), 'a1', [device()], '2025-06-01', '2025-03-10'))).toBe(
      'REGISTRY_PROGRAM_NOT_ACTIVE',
    );
  });

  it('R-19: one accidental claim per unit, within 12 months of registration; earlier replacements keep it', () => {
    const program = { accountId: 'a1', country: 'DE', activatedAtMs: 1 };
    const replacedBefore = device({
      program,
      purchaseDate: '2025-09-01',
      events: [{ kind: 'warranty-replacement', atMs: 0, caseId: 'c0' }],
    });
    expect(
      code(checkAccidentalClaim(replacedBefore, 'a1', [replacedBefore], '2025-10-01', '2025-03-10')),
    ).toBe('ok');
    const used = device({ program, accidentalClaimAtMs: 5 });
    expect(code(checkAccidentalClaim(used, 'a1', [used], '2025-06-01', '2025-03-10'))).toBe(
      'REGISTRY_CLAIM_USED',
    );
    const late = device({ program, purchaseDate: '2025-09-01' });
    expect(code(checkAccidentalClaim(late, 'a1', [late], '2026-03-10', '2025-03-10'))).toBe(
      'REGISTRY_COVERAGE_EXPIRED',
    );
    expect(code(checkAccidentalClaim(late, 'a1', [late], '2026-03-09', '2025-03-10'))).toBe('ok');
  });

  it('R-16: promised delivery is the next business day when ordered by 20:00 local', () => {
    expect(promisedDelivery(at('2025-06-04T19:59:00Z'), 0)).toBe('2025-06-05'); // Wed before cutoff
    expect(promisedDelivery(at('2025-06-04T20:00:00Z'), 0)).toBe('2025-06-06');
    expect(promisedDelivery(at('2025-06-06T12:00:00Z'), 0)).toBe('2025-06-09'); // Fri → Mon
    expect(promisedDelivery(at('2025-06-07T12:00:00Z'), 0)).toBe('2025-06-10'); // Sat → Tue
  });
});

describe('International Assistance', () => {
  const today = '2025-06-06'; // Friday
  it('R-22: granted outside the country of registration inside the covered list', () => {
    const r = checkAssistance(account(), device(), 'FR', today, today);
    expect(r.ok).toBe(true);
  });

  it('R-22: refused outside the covered list, and for a non-IQOS residence', () => {
    expect(code(checkAssistance(account(), device(), 'US', today, today))).toBe('REGISTRY_IA_NOT_COVERED');
    expect(code(checkAssistance(account({ country: 'US' }), device(), 'FR', today, today))).toBe(
      'REGISTRY_IA_NOT_RESIDENT',
    );
  });

  it('R-23: only during the warranty; unregistered users or devices are told to register first', () => {
    expect(code(checkAssistance(account(), device(), 'FR', today, '2026-03-10'))).toBe(
      'REGISTRY_WARRANTY_EXPIRED',
    );
    const r = checkAssistance(undefined, device(), 'FR', today, today);
    expect(code(r)).toBe('REGISTRY_REGISTER_FIRST');
    if (!r.ok) expect(r.error.message).toMatch(/register/);
    expect(code(checkAssistance(account(), undefined, 'FR', today, today))).toBe('REGISTRY_REGISTER_FIRST');
    expect(code(checkAssistance(account(), device({ accountId: 'x' }), 'FR', today, today))).toBe(
      'REGISTRY_REGISTER_FIRST',
    );
  });

  it('R-24: ships within 1–4 business days; the keep-component flag is per market', () => {
    const r = checkAssistance(account(), device(), 'FR', today, today);
    expect(r.ok && r.value).toMatchObject({
      shipEarliest: '2025-06-09',
      shipLatest: '2025-06-12',
      keepReplacedComponent: true,
      helpline: '+800 2559 2559',
      fallbackHelpline: '+41 21 547 88 88',
    });
    const jp = checkAssistance(
      account({ country: 'JP' }),
      device({ registrationCountry: 'JP' }),
      'FR',
      today,
      today,
    );
    expect(jp.ok && jp.value.keepReplacedComponent).toBe(false);
  });

  it('R-25: at home the home customer service handles it', () => {
    expect(code(checkAssistance(account(), device(), 'DE', today, today))).toBe('REGISTRY_IA_AT_HOME');
  });

  it('D-R6: Northern Cyprus is covered as XN; the list has 46 entries', () => {
    expect(COVERED_COUNTRIES).toHaveLength(46);
    expect(new Set(COVERED_COUNTRIES).size).toBe(46);
    expect(MARKETS.get('XN')?.name).toBe('Northern Cyprus');
    expect(code(checkAssistance(account(), device(), 'XN', today, today))).toBe('ok');
  });
});
