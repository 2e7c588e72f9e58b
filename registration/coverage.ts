/**
 * Warranty and benefit rules R-14…R-21 as pure functions. All periods are half-open [start, end) in
 * calendar dates of the relevant market (time.ts); "today" is passed in by the caller.
 */
import { allow, type Decision, refuse } from './errors.js';
import { PERIODS, PROGRAM_BENEFITS, RAPID_REPLACEMENT } from './markets.js';
import type { Device } from './model.js';
import { addBusinessDays, addDays, addMonths, compareDates, isBusinessDay, localDate } from './time.js';

/** the voluntary warranty ends (exclusive) 12 months after the purchase date. */
export function warrantyEnd(purchaseDate: string): string {
  return addMonths(purchaseDate, PERIODS.warrantyMonths);
}

/** is the voluntary warranty running on `today` (in the country of purchase)? */
export function inWarranty(device: Device, today: string): boolean {
  return device.purchaseDate !== undefined && compareDates(today, warrantyEnd(device.purchaseDate)) < 0;
}

export type DamageKind = 'defect' | 'malfunction' | 'cosmetic';

/** defects and malfunctions are replaced; cosmetic damage only when it affects function. */
export function checkWarrantyClaim(
  device: Device,
  today: string,
  kind: DamageKind,
  affectsFunction: boolean,
): Decision<'replace'> {
  if (!inWarranty(device, today))
    return refuse('REGISTRY_WARRANTY_EXPIRED', 'the 12-month voluntary warranty has ended');
  if (kind === 'cosmetic' && !affectsFunction)
    return refuse(
      'REGISTRY_COSMETIC_NOT_COVERED',
      'cosmetic damage is not replaced unless it affects function',
    );
  return allow('replace');
}

/** the 60-day money-back guarantee: [purchase date, +60 days), registered devices only. */
export function checkMoneyBack(device: Device, today: string): Decision {
  if (!device.purchaseDate)
    return refuse('REGISTRY_NOT_PURCHASED', 'no purchase is recorded for this device');
  return compareDates(today, addDays(device.purchaseDate, PERIODS.moneyBackDays)) < 0
    ? allow(true)
    : refuse('REGISTRY_MONEY_BACK_EXPIRED', 'the 60-day money-back period has ended');
}

/**
 * the program runs 12 months from the purchase date of the account's latest purchased device;
 * undefined when no device has a purchase date.
 */
export function programEnd(devices: readonly Device[]): string | undefined {
  const latest = devices
    .map((d) => d.purchaseDate)
    .filter((d): d is string => d !== undefined)
    .sort()
    .at(-1);
  return latest === undefined ? undefined : addMonths(latest, PERIODS.programMonths);
}

/**
 * activating the program for one registered unit, in the country applied in. Once
 * the warranty period has passed the user can no longer take part.
 */
export function checkProgramActivation(
  device: Device,
  accountId: string,
  ownDevices: readonly Device[],
  today: string,
): Decision {
  if (device.program?.accountId === accountId)
    return refuse('REGISTRY_PROGRAM_ACTIVE', 'the program is already active for this device');
  const end = programEnd(ownDevices);
  if (!inWarranty(device, today) || end === undefined || compareDates(today, end) >= 0)
    return refuse(
      'REGISTRY_PROGRAM_EXPIRED',
      'the program ran 12 months from the latest purchase and has ended',
    );
  return allow(true);
}

/** the program status of a unit as its owner sees it. */
export function programStatus(
  device: Device,
  accountId: string,
  ownDevices: readonly Device[],
  today: string,
) {
  const end = programEnd(ownDevices);
  const mine = device.program?.accountId === accountId;
  const running = end !== undefined && compareDates(today, end) < 0;
  return {
    status: mine ? (running ? 'active' : 'ended') : 'not-activated',
    country: mine ? device.program?.country : undefined,
    endsBefore: mine ? end : undefined,
    benefits: mine && running ? PROGRAM_BENEFITS : [],
  } as const;
}

/** accidental coverage ends (exclusive) 12 months after the registration date. */
export function accidentalCoverageEnd(registrationDate: string): string {
  return addMonths(registrationDate, PERIODS.accidentalCoverageMonths);
}

/**
 * one accidental-damage claim per unit, with the program active for this account,
 * within 12 months of the registration date. Warranty replacements, including any made before the
 * program existed, do not use the claim.
 */
export function checkAccidentalClaim(
  device: Device,
  accountId: string,
  ownDevices: readonly Device[],
  today: string,
  registrationDate: string,
): Decision {
  if (device.program?.accountId !== accountId)
    return refuse(
      'REGISTRY_PROGRAM_NOT_ACTIVE',
      'activate the Customer Benefit Program for this device first',
    );
  const end = programEnd(ownDevices);
  if (end === undefined || compareDates(today, end) >= 0)
    return refuse(
      'REGISTRY_PROGRAM_EXPIRED',
      'the program ran 12 months from the latest purchase and has ended',
    );
  if (device.accidentalClaimAtMs !== undefined)
    return refuse('REGISTRY_CLAIM_USED', 'this unit has used its one accidental-damage claim');
  if (compareDates(today, accidentalCoverageEnd(registrationDate)) >= 0)
    return refuse(
      'REGISTRY_COVERAGE_EXPIRED',
      'accidental coverage ran 12 months from registration and has ended',
    );
  return allow(true);
}

/** Claims left on a unit for its owner (0 or 1, R-19). */
export function accidentalClaimsLeft(device: Device): number {
  return device.accidentalClaimAtMs === undefined ? 1 : 0;
}

/**
 * rapid replacement during the warranty; promised delivery is the next business day when
 * ordered by the cutoff (20:00 local), else the business day after that.
 */
export function checkRapidReplacement(device: Device, today: string): Decision {
  return inWarranty(device, today)
    ? allow(true)
    : refuse('REGISTRY_WARRANTY_EXPIRED', 'rapid replacement is for devices in their warranty period');
}

export function promisedDelivery(nowMs: number, utcOffsetMin: number): string {
  const today = localDate(nowMs, utcOffsetMin);
  const minuteOfDay = Math.floor((((nowMs / 60_000 + utcOffsetMin) % 1440) + 1440) % 1440);
  const orderDay =
    isBusinessDay(today) && minuteOfDay < RAPID_REPLACEMENT.cutoffMin ? today : addBusinessDays(today, 1);
  return addBusinessDays(orderDay, RAPID_REPLACEMENT.deliveryBusinessDays);
}
