/**
 * Operator actions, shared by the test-mode routes and `iqsim registry … --db FILE` (which opens the
 * store directly, no server): list accounts and devices, record a shop purchase and ship it.
 */
import {
  type Context,
  devicesService as devices,
  isoInstant,
  normaliseEmail,
  RegistryError,
  type Store,
} from '../index.js';

export async function listAccounts(store: Store, limit = 1000) {
  return store.transaction(async (tx) =>
    Promise.all(
      (await tx.accounts(limit)).map(async (a) => ({
        accountId: a.id,
        email: a.email,
        emailVerified: a.emailVerified,
        country: a.country,
        mobile: a.mobile ?? null,
        mobileVerified: a.mobileVerified,
        devices: (await tx.devicesOf(a.id)).map((d) => d.deviceId),
      })),
    ),
  );
}

export async function listDevices(store: Store, limit = 1000) {
  return store.transaction(async (tx) =>
    (await tx.devices(limit)).map((d) => ({
      deviceId: d.deviceId,
      registered: d.accountId !== undefined,
      accountId: d.accountId ?? null,
      registeredAt: d.registeredAtMs === undefined ? null : isoInstant(d.registeredAtMs),
      purchaseDate: d.purchaseDate ?? null,
      accidentalClaimUsed: d.accidentalClaimAtMs !== undefined,
    })),
  );
}

/** a shop purchase for the account with `email`, shipped at once when `ship` (default true). */
export async function purchase(
  ctx: Context,
  input: { email: string; deviceId: string; purchaseDate?: string; country?: string; ship?: boolean },
) {
  const account = await ctx.store.transaction((tx) => tx.accountByEmail(normaliseEmail(input.email)));
  if (!account) throw new RegistryError('REGISTRY_NOT_FOUND', 'no account with that email');
  const order = await devices.createOrder(ctx, account, input);
  if (input.ship === false) return order;
  return devices.shipOrder(ctx, order.orderId);
}
