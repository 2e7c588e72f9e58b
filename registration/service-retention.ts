/**
 * The retention sweep (docs/security.md "Retention"): care correspondence after 3 years,
 * expired sessions and one-time codes, orders after 3 years and stale throttles. The server runs it
 * on a timer; nothing is deleted as a side effect of a read.
 */
import type { PurgeCounts } from './model.js';
import type { Context } from './service-context.js';

export function purgeExpired(ctx: Context): Promise<PurgeCounts> {
  return ctx.store.transaction((tx) => tx.purge(ctx.ports.nowMs()));
}
