/** Device registration rules R-9…R-13 with D-R4, D-R5 as pure functions. */
import { allow, type Decision, refuse } from './errors.js';
import type { Account, Customer, Device } from './model.js';

export type RegistrationKind = 'register' | 'already-yours';

/**
 * R-9, D-R5: may `account` register `device` (undefined = never seen)? A device of another account is
 * refused with the same answer whoever owns it (the owner is never revealed).
 */
export function checkRegistration(device: Device | undefined, accountId: string): Decision<RegistrationKind> {
  if (!device?.accountId) return allow('register');
  if (device.accountId === accountId) return allow('already-yours');
  return refuse('REGISTRY_DEVICE_UNAVAILABLE', 'this device cannot be registered to this account');
}

/**
 * the device after registration to `account` at `nowMs`. The warranty start is the
 * purchase date when known (shop order, invoice); otherwise the registration date (our default).
 */
export function registerDevice(
  device: Device | undefined,
  deviceId: string,
  account: Account,
  nowMs: number,
  today: string,
  purchase?: { date: string; country: string },
): Device {
  const base: Device = device ?? { deviceId, events: [] };
  const purchaseDate = base.purchaseDate ?? purchase?.date ?? today;
  return {
    ...base,
    accountId: account.id,
    registeredAtMs: nowMs,
    registrationCountry: account.country,
    firstRegisteredAtMs: base.firstRegisteredAtMs ?? nowMs,
    purchaseDate,
    purchaseCountry: base.purchaseCountry ?? purchase?.country ?? account.country,
    // the program is personal; a new owner starts without one.
    program: base.program?.accountId === account.id ? base.program : undefined,
  };
}

/** D-R3: the device after its account is deleted (or it is returned): unregistered, history kept. */
export function releaseDevice(device: Device): Device {
  const { accountId: _a, registeredAtMs: _r, registrationCountry: _c, program: _p, ...rest } = device;
  return rest;
}

export type OfferDecision = { granted: true } | { granted: false; reason: string };

/**
 * the first-registration offer goes once to a new customer (an email never seen registering a
 * device, even on a deleted account) at the first-ever registration of the unit in the database.
 */
export function checkOffer(device: Device | undefined, customer: Customer | undefined): OfferDecision {
  if (device?.firstRegisteredAtMs !== undefined)
    return { granted: false, reason: 'the device was registered before' };
  if (customer?.offerGrantedAtMs !== undefined)
    return { granted: false, reason: 'the offer was already granted' };
  if (customer) return { granted: false, reason: 'not a new customer' };
  return { granted: true };
}
