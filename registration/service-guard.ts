/**
 * Transactions whose refusals commit, and the per-account throttles they run (docs/security.md
 * "One-time codes", "Throttling"). A spent attempt must stick: a body that refuses returns its
 * `RegistryError` instead of throwing it, the transaction commits, and only then is it thrown.
 */
import { RegistryError } from './errors.js';
import type { StoreTx } from './model.js';
import type { Context } from './service-context.js';
import { THROTTLES, type ThrottleScope, throttleAttempt, throttleRefusal } from './throttle.js';

/** Runs `body` in a transaction that commits whatever it answers; a returned error is thrown after. */
export async function committed<T>(
  ctx: Context,
  body: (tx: StoreTx) => Promise<T | RegistryError>,
): Promise<T> {
  const result = await ctx.store.transaction(body);
  if (result instanceof RegistryError) throw result;
  return result;
}

function throttleKey(ctx: Context, scope: ThrottleScope, identifier: string): string {
  return ctx.ports.keyedHash(`throttle:${scope}:${identifier}`);
}

/**
 * Counts one attempt (or one message) for `identifier` under `scope`, or answers REGISTRY_RATE_LIMITED
 * without counting it when the throttle blocks it.
 */
export async function countAttempt(
  ctx: Context,
  tx: StoreTx,
  scope: ThrottleScope,
  identifier: string,
): Promise<RegistryError | undefined> {
  const key = throttleKey(ctx, scope, identifier);
  const policy = THROTTLES[scope];
  const now = ctx.ports.nowMs();
  const current = await tx.throttle(key);
  const refusal = throttleRefusal(current, policy, now);
  if (refusal) return refusal;
  await tx.putThrottle(throttleAttempt(current, key, policy, now));
  return undefined;
}

/** A success: the attempts counted for `identifier` under `scope` are forgotten. */
export function clearAttempts(ctx: Context, tx: StoreTx, scope: ThrottleScope, identifier: string) {
  return tx.deleteThrottle(throttleKey(ctx, scope, identifier));
}

/**
 * Counts one attempt (a guess, or a message sent) for `identifier` under `scope` and runs `body` in
 * the same committed transaction; when the throttle blocks it, answers REGISTRY_RATE_LIMITED without
 * running `body`. The count is the same whether or not an account has the identifier
 * (docs/security.md "Throttling").
 */
export function throttled<T>(
  ctx: Context,
  scope: ThrottleScope,
  identifier: string,
  body: (tx: StoreTx) => Promise<T | RegistryError>,
): Promise<T> {
  return committed(ctx, async (tx) => (await countAttempt(ctx, tx, scope, identifier)) ?? body(tx));
}
