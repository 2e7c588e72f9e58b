/**
 * Injected puffs and what became of them (issue 9: a puff that does nothing must say so). The
 * heater loop registers a puff only from its cooling (heater.ts): a deficit of `puffDetectDropC`
 * under the set-point held for `puffDetectMs`, once detection has armed after the ramp. So an
 * injected puff is pending until it is detected (a `puff` event, counted or not) or until it can no
 * longer be, and then a `puffIgnored` event gives the reason:
 *
 * - `notHeating`: no session is heating (idle, docked, cooling down, in error …);
 * - `paused`: Pause Mode holds the heater off (docs/device.md §7), so there is no heat for the airflow to
 *   take;
 * - `heaterSettling`: the puff ended before detection armed (the pre-heat ramp, or the re-heat after
 *   a pause, and `heater` settle time): the controller's own lag would look like puffs then;
 * - `belowThreshold`: the airflow was too weak or too short to make the detectable deficit;
 * - `merged`: another puff came before this one was registered; the heater feels one airflow;
 * - `sessionEnded`: the session ended first.
 */
import type { Ctx } from './context.js';
import type { PuffIgnoredReason } from './types.js';

/** Margin after `puffEnd + puffDetectMs` before a puff counts as missed, ms (a few 1 kHz ticks). */
const CHECK_MARGIN_MS = 50;

/** A `puff` input while the holder may be heating; `heating` tells whether it is. */
export function injectPuff(ctx: Ctx, heating: boolean, durationMs: number, flowMlS: number): void {
  const { state, params } = ctx;
  const now = state.nowMs;
  const ignore = (reason: PuffIgnoredReason) =>
    ctx.emit({ type: 'puffIgnored', atMs: now, reason, injectedAtMs: now, durationMs, flowMlS });
  if (!heating || state.holder.state === 'PAUSED') {
    ignore(heating ? 'paused' : 'notHeating');
    return;
  }
  resolvePendingPuff(ctx, 'merged');
  ctx.heater.puff(now, durationMs, flowMlS);
  state.pendingPuff = { injectedAtMs: now, durationMs, flowMlS, armsAtMs: ctx.heater.detectArmsAtMs };
  ctx.setTimer('puffCheck', now + durationMs + params.heater.puffDetectMs + CHECK_MARGIN_MS);
}

/** The heater loop detected a puff: the pending one, if any, was registered. */
export function puffRegistered(ctx: Ctx): void {
  ctx.state.pendingPuff = null;
  ctx.clearTimer('puffCheck');
}

/** `puffCheck` timer: the pending puff's window passed without a detection. */
export function onPuffCheck(ctx: Ctx): void {
  const pending = ctx.state.pendingPuff;
  if (!pending) return;
  const endMs = pending.injectedAtMs + pending.durationMs;
  resolvePendingPuff(ctx, endMs <= pending.armsAtMs ? 'heaterSettling' : 'belowThreshold');
}

/** Ends a pending puff with `reason` (pause, session end, a newer puff, a missed window). */
export function resolvePendingPuff(ctx: Ctx, reason: PuffIgnoredReason): void {
  const pending = ctx.state.pendingPuff;
  if (!pending) return;
  ctx.state.pendingPuff = null;
  ctx.clearTimer('puffCheck');
  ctx.emit({
    type: 'puffIgnored',
    atMs: ctx.state.nowMs,
    reason,
    injectedAtMs: pending.injectedAtMs,
    durationMs: pending.durationMs,
    flowMlS: pending.flowMlS,
  });
}
