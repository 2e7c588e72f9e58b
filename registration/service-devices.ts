/**
 * Device operations (R-9… …R-25, D-R4, D-R5) over the store and the injected ports. Every
 * operation on a device checks that it belongs to the calling account (ownership) inside the same
 * transaction that changes it.
 */
import { todayIn } from './accounts.js';
import { checkAssistance } from './assistance.js';
import { retentionEnd } from './care.js';
import {
  accidentalClaimsLeft,
  accidentalCoverageEnd,
  checkAccidentalClaim,
  checkMoneyBack,
  checkProgramActivation,
  checkRapidReplacement,
  checkWarrantyClaim,
  type DamageKind,
  inWarranty,
  programStatus,
  promisedDelivery,
  warrantyEnd,
} from './coverage.js';
import { parseDeviceId, qrPayload } from './device-id.js';
import { checkOffer, checkRegistration, registerDevice, releaseDevice } from './devices.js';
import { must, RegistryError } from './errors.js';
import { REGISTRATION_BENEFITS, utcOffsetOf } from './markets.js';
import type { Account, Case, CaseKind, Device, StoreTx } from './model.js';
import type { Context } from './service-context.js';
import { addDays, isoInstant, localDate } from './time.js';

export type RegistrationSource = 'manual' | 'sign-up' | 'pairing' | 'shop';

export interface RegistrationOut {
  deviceId: string;
  /** false when the device was already registered to this account (idempotent). */
  newlyRegistered: boolean;
  source: RegistrationSource;
  /** */
  offer: { granted: boolean; reason?: string };
}

/** R-13's customer key: a keyed hash, not recomputable from the address alone (docs/security.md "Erasure"). */
export function emailHash(ctx: Context, email: string): string {
  return ctx.ports.keyedHash(`customer:${email}`);
}

/** an email change keeps the customer known under the new address too. */
export async function rememberEmailChange(ctx: Context, tx: StoreTx, from: string, to: string) {
  const known = await tx.customer(emailHash(ctx, from));
  if (known) await tx.putCustomer({ ...known, emailHash: emailHash(ctx, to) });
}

/** What a registration names besides the account: the device and how it arrived. */
export interface RegistrationInput {
  deviceId: string;
  source: RegistrationSource;
  /** the purchase, when known (shop orders, a receipt). */
  purchase?: { date: string; country: string };
  /** The model, when the registration came from the device itself (pairing). */
  model?: string;
}

/**
 * D-R1, D-R5 inside one transaction: register or refuse, never half. An
 * account holds at most `maxDevicesPerAccount` devices (docs/security.md "Device registrations").
 */
export async function registerInTx(
  ctx: Context,
  tx: StoreTx,
  account: Account,
  input: RegistrationInput,
): Promise<RegistrationOut> {
  const { source, purchase, model } = input;
  const deviceId = must(parseDeviceId(input.deviceId));
  if (!account.emailVerified)
    throw new RegistryError('REGISTRY_NOT_VERIFIED', 'verify the email address first');
  const device = await tx.device(deviceId);
  const kind = must(checkRegistration(device, account.id));
  if (kind === 'already-yours')
    return {
      deviceId,
      newlyRegistered: false,
      source,
      offer: { granted: false, reason: 'already registered' },
    };
  const cap = ctx.options.maxDevicesPerAccount;
  if ((await tx.deviceCount(account.id, cap)) >= cap)
    throw new RegistryError('REGISTRY_DEVICE_LIMIT', `an account holds at most ${cap} devices`);
  const now = ctx.ports.nowMs();
  const hash = emailHash(ctx, account.email);
  const customer = await tx.customer(hash);
  const offer = checkOffer(device, customer);
  const registered = registerDevice(device, deviceId, account, now, todayIn(account.country, now), purchase);
  await tx.putDevice(model && !registered.model ? { ...registered, model } : registered);
  // the customer is remembered at the first registration and when the offer is granted.
  if (!customer || offer.granted)
    await tx.putCustomer({
      emailHash: hash,
      firstRegistrationAtMs: customer?.firstRegistrationAtMs ?? now,
      ...(offer.granted ? { offerGrantedAtMs: now, offerDeviceId: deviceId } : {}),
    });
  return { deviceId, newlyRegistered: true, source, offer: offer.granted ? { granted: true } : offer };
}

export async function register(
  ctx: Context,
  account: Account,
  input: { deviceId: string; purchaseDate?: string; purchaseCountry?: string },
  source: RegistrationSource,
  model?: string,
): Promise<RegistrationOut> {
  const purchase = input.purchaseDate
    ? { date: input.purchaseDate, country: input.purchaseCountry ?? account.country }
    : undefined;
  return ctx.store.transaction(async (tx) => {
    const fresh = await tx.account(account.id);
    if (!fresh) throw new RegistryError('REGISTRY_UNAUTHENTICATED', 'the account no longer exists');
    return registerInTx(ctx, tx, fresh, {
      deviceId: input.deviceId,
      source,
      ...(purchase ? { purchase } : {}),
      ...(model ? { model } : {}),
    });
  });
}

/** The owner's view of a device: dates as "last covered day" (inclusive), R-14, R-15, R-17…R-19. */
export function deviceView(device: Device, account: Account, ownDevices: readonly Device[], nowMs: number) {
  const today = todayIn(device.purchaseCountry ?? account.country, nowMs);
  const registrationDate = localDate(device.registeredAtMs ?? nowMs, utcOffsetOf(account.country));
  return {
    deviceId: device.deviceId,
    qr: qrPayload(device.deviceId),
    ...(device.model ? { model: device.model } : {}),
    registeredAt: isoInstant(device.registeredAtMs ?? nowMs),
    registrationCountry: device.registrationCountry ?? account.country,
    purchaseDate: device.purchaseDate ?? registrationDate,
    purchaseCountry: device.purchaseCountry ?? account.country,
    warrantyUntil: device.purchaseDate ? addDays(warrantyEnd(device.purchaseDate), -1) : undefined,
    inWarranty: inWarranty(device, today),
    benefits: REGISTRATION_BENEFITS,
    program: programStatus(device, account.id, ownDevices, today),
    accidentalCoverageUntil: addDays(accidentalCoverageEnd(registrationDate), -1),
    accidentalClaimsLeft: accidentalClaimsLeft(device),
    replacements: device.events.filter((e) => e.kind.endsWith('replacement')).length,
  };
}

export async function listDevices(ctx: Context, account: Account) {
  const devices = await ctx.store.read((tx) => tx.devicesOf(account.id));
  const now = ctx.ports.nowMs();
  return devices.map((d) => deviceView(d, account, devices, now));
}

/** Runs `body` with the caller's own device, or REGISTRY_NOT_FOUND (ownership: never another's). */
export async function withOwnDevice<T>(
  ctx: Context,
  account: Account,
  rawDeviceId: string,
  body: (device: Device, own: Device[], tx: StoreTx) => Promise<T>,
): Promise<T> {
  const deviceId = must(parseDeviceId(rawDeviceId));
  return ctx.store.transaction(async (tx) => {
    const device = await tx.device(deviceId);
    if (!device || device.accountId !== account.id)
      throw new RegistryError('REGISTRY_NOT_FOUND', 'no such device on this account');
    return body(device, await tx.devicesOf(account.id), tx);
  });
}

/** the device number (and its QR label) as the profile shows it. */
export async function lookupDevice(ctx: Context, account: Account, deviceId: string) {
  return withOwnDevice(ctx, account, deviceId, async (device, own) =>
    deviceView(device, account, own, ctx.ports.nowMs()),
  );
}

async function recordCase(
  ctx: Context,
  tx: StoreTx,
  kind: CaseKind,
  account: Account,
  device: Device,
  details: Record<string, unknown>,
  event?: Device['events'][number]['kind'],
): Promise<Case> {
  const now = ctx.ports.nowMs();
  const c: Case = {
    id: ctx.ports.randomId(),
    kind,
    accountId: account.id,
    deviceId: device.deviceId,
    createdAtMs: now,
    details,
  };
  await tx.putCase(c);
  if (event)
    await tx.putDevice({ ...device, events: [...device.events, { kind: event, atMs: now, caseId: c.id }] });
  return c;
}

function caseOut(c: Case) {
  return {
    caseId: c.id,
    kind: c.kind,
    deviceId: c.deviceId,
    createdAt: isoInstant(c.createdAtMs),
    ...c.details,
  };
}

function purchaseToday(ctx: Context, device: Device, account: Account): string {
  return todayIn(device.purchaseCountry ?? account.country, ctx.ports.nowMs());
}

/** a covered defect or malfunction is replaced; the warranty dates stay. */
export async function warrantyClaim(
  ctx: Context,
  account: Account,
  deviceId: string,
  input: { kind: DamageKind; affectsFunction?: boolean; description: string },
) {
  return withOwnDevice(ctx, account, deviceId, async (device, _own, tx) => {
    must(
      checkWarrantyClaim(
        device,
        purchaseToday(ctx, device, account),
        input.kind,
        input.affectsFunction === true,
      ),
    );
    const c = await recordCase(
      ctx,
      tx,
      'warranty',
      account,
      device,
      { outcome: 'replacement', damage: input.kind, description: input.description },
      'warranty-replacement',
    );
    return caseOut(c);
  });
}

/** money back within 60 days of purchase; the device is returned and so released. */
export async function moneyBack(ctx: Context, account: Account, deviceId: string) {
  return withOwnDevice(ctx, account, deviceId, async (device, _own, tx) => {
    must(checkMoneyBack(device, purchaseToday(ctx, device, account)));
    const c = await recordCase(ctx, tx, 'money-back', account, device, { outcome: 'refund' });
    await tx.putDevice(
      releaseDevice({
        ...device,
        events: [...device.events, { kind: 'money-back', atMs: c.createdAtMs, caseId: c.id }],
      }),
    );
    return caseOut(c);
  });
}

/** activated per registered unit in the country applied in; not transferable. */
export async function activateProgram(ctx: Context, account: Account, deviceId: string, country: string) {
  return withOwnDevice(ctx, account, deviceId, async (device, own, tx) => {
    const now = ctx.ports.nowMs();
    must(checkProgramActivation(device, account.id, own, purchaseToday(ctx, device, account)));
    const next: Device = { ...device, program: { accountId: account.id, country, activatedAtMs: now } };
    await tx.putDevice(next);
    return deviceView(
      next,
      account,
      own.map((d) => (d.deviceId === next.deviceId ? next : d)),
      now,
    ).program;
  });
}

/** one accidental-damage claim per unit; the replacement keeps the warranty dates. */
export async function accidentalClaim(
  ctx: Context,
  account: Account,
  deviceId: string,
  input: { replacement: 'partial' | 'complete'; description: string },
) {
  return withOwnDevice(ctx, account, deviceId, async (device, own, tx) => {
    const now = ctx.ports.nowMs();
    const registrationDate = localDate(device.registeredAtMs ?? now, utcOffsetOf(account.country));
    must(checkAccidentalClaim(device, account.id, own, todayIn(account.country, now), registrationDate));
    const claimed: Device = { ...device, accidentalClaimAtMs: now };
    const c = await recordCase(
      ctx,
      tx,
      'accidental',
      account,
      claimed,
      { outcome: 'replacement', replacement: input.replacement, description: input.description },
      'accidental-replacement',
    );
    return {
      ...caseOut(c),
      warrantyUntil: claimed.purchaseDate ? addDays(warrantyEnd(claimed.purchaseDate), -1) : undefined,
    };
  });
}

/** a replacement order with its promised delivery date. */
export async function rapidReplacement(ctx: Context, account: Account, deviceId: string, addressId: string) {
  return withOwnDevice(ctx, account, deviceId, async (device, _own, tx) => {
    must(checkRapidReplacement(device, purchaseToday(ctx, device, account)));
    const address = account.addresses.find((a) => a.id === addressId);
    if (!address) throw new RegistryError('REGISTRY_NOT_FOUND', 'no such address on this account');
    const promisedDeliveryDate = promisedDelivery(ctx.ports.nowMs(), utcOffsetOf(address.country));
    const c = await recordCase(
      ctx,
      tx,
      'rapid-replacement',
      account,
      device,
      { promisedDeliveryDate, address },
      'rapid-replacement',
    );
    return caseOut(c);
  });
}

/** R-22…R-25: granted abroad in a covered country; refused at home; unregistered → register first. */
export async function internationalAssistance(
  ctx: Context,
  account: Account | undefined,
  input: {
    deviceId: string;
    currentCountry: string;
    temporaryAddress: Record<string, string>;
    problem: string;
  },
) {
  const deviceId = must(parseDeviceId(input.deviceId));
  return ctx.store.transaction(async (tx) => {
    const device = await tx.device(deviceId);
    const now = ctx.ports.nowMs();
    const grant = must(
      checkAssistance(
        account,
        device,
        input.currentCountry,
        todayIn(input.currentCountry, now),
        device && account ? purchaseToday(ctx, device, account) : todayIn(input.currentCountry, now),
      ),
    );
    const c = await recordCase(ctx, tx, 'international-assistance', account as Account, device as Device, {
      ...grant,
      currentCountry: input.currentCountry,
      temporaryAddress: input.temporaryAddress,
      problem: input.problem,
    });
    return caseOut(c);
  });
}

/** a web-shop order (an account is required, verified: D-R1). */
export async function createOrder(
  ctx: Context,
  account: Account,
  input: { deviceId: string; purchaseDate?: string; country?: string },
) {
  const deviceId = must(parseDeviceId(input.deviceId));
  if (!account.emailVerified)
    throw new RegistryError('REGISTRY_NOT_VERIFIED', 'verify the email address first');
  const now = ctx.ports.nowMs();
  const country = input.country ?? account.country;
  const order = {
    id: ctx.ports.randomId(),
    accountId: account.id,
    deviceId,
    purchaseDate: input.purchaseDate ?? todayIn(country, now),
    country,
    status: 'paid' as const,
    purgeAtMs: retentionEnd(now),
  };
  await ctx.store.transaction((tx) => tx.putOrder(order));
  return { orderId: order.id, deviceId, purchaseDate: order.purchaseDate, country, status: order.status };
}

/** shipping registers the device to the buyer, in the same transaction. */
export async function shipOrder(ctx: Context, orderId: string) {
  return ctx.store.transaction(async (tx) => {
    const order = await tx.order(orderId);
    if (!order) throw new RegistryError('REGISTRY_NOT_FOUND', 'no such order');
    if (order.status !== 'paid')
      throw new RegistryError('REGISTRY_ORDER_STATE', 'the order has shipped already');
    const account = await tx.account(order.accountId);
    if (!account) throw new RegistryError('REGISTRY_NOT_FOUND', 'the buyer no longer exists');
    const registration = await registerInTx(ctx, tx, account, {
      deviceId: order.deviceId,
      source: 'shop',
      purchase: { date: order.purchaseDate, country: order.country },
    });
    await tx.putOrder({ ...order, status: 'shipped', shippedAtMs: ctx.ports.nowMs() });
    return { orderId, status: 'shipped' as const, registration };
  });
}
