/** International Assistance rules R-22…R-25 with D-R6 as pure functions. */
import { inWarranty } from './coverage.js';
import { allow, type Decision, refuse } from './errors.js';
import { COVERED_COUNTRIES, INTERNATIONAL_ASSISTANCE, IQOS_COUNTRIES, market } from './markets.js';
import type { Account, Device } from './model.js';
import { addBusinessDays } from './time.js';

export interface AssistanceGrant {
  helpline: string;
  fallbackHelpline: string;
  /** ships within 1–4 business days of the call (local dates in the current country). */
  shipEarliest: string;
  shipLatest: string;
  /** per the registration market's flag. */
  keepReplacedComponent: boolean;
}

/**
 * may `account` get International Assistance for `device` while in `currentCountry`
 * on `today` (local date there), with `purchaseToday` the date in the country of purchase?
 */
export function checkAssistance(
  account: Account | undefined,
  device: Device | undefined,
  currentCountry: string,
  today: string,
  purchaseToday: string,
): Decision<AssistanceGrant> {
  // only registered users and equipment; everyone else is told to register first.
  if (!account || !device || device.accountId !== account.id || !device.registrationCountry)
    return refuse(
      'REGISTRY_REGISTER_FIRST',
      'International Assistance is for registered users and devices: register your account and device first',
    );
  // R-22 (1), (2)
  if (!IQOS_COUNTRIES.has(account.country) || !IQOS_COUNTRIES.has(device.registrationCountry))
    return refuse(
      'REGISTRY_IA_NOT_RESIDENT',
      'the user and device must be registered in a country where IQOS is available',
    );
  // at home, the home country's customer service handles exchanges.
  if (currentCountry === device.registrationCountry)
    return refuse(
      'REGISTRY_IA_AT_HOME',
      'in the country of registration, contact the local customer service',
    );
  // R-22 (3), D-R6
  if (!COVERED_COUNTRIES.includes(currentCountry))
    return refuse('REGISTRY_IA_NOT_COVERED', `International Assistance does not cover ${currentCountry}`);
  // as long as the voluntary warranty, valid in the country of purchase.
  if (!inWarranty(device, purchaseToday))
    return refuse(
      'REGISTRY_WARRANTY_EXPIRED',
      'International Assistance lasts as long as the voluntary warranty',
    );
  const { min, max } = INTERNATIONAL_ASSISTANCE.shipWithinBusinessDays;
  return allow({
    helpline: INTERNATIONAL_ASSISTANCE.helpline,
    fallbackHelpline: INTERNATIONAL_ASSISTANCE.fallbackHelpline,
    shipEarliest: addBusinessDays(today, min),
    shipLatest: addBusinessDays(today, max),
    keepReplacedComponent: market(device.registrationCountry)?.keepsReplacedComponent ?? true,
  });
}
