/**
 * Effects as data (architecture: machines return effects): state changes, haptics and the RTC,
 * each stamped with the machine's current time.
 */
import type { Ctx } from './context.js';
import type { ChargerStateName, HolderStateName, UnitName, VibrationFlags } from './types.js';

export function setHolderState(ctx: Ctx, to: HolderStateName): void {
  const h = ctx.state.holder;
  if (h.state === to) return;
  const from = h.state;
  h.state = to;
  if (to !== 'IDLE_READY' && to !== 'IDLE_EMPTY') h.indicating = false;
  ctx.emit({ type: 'state', atMs: ctx.state.nowMs, unit: 'holder', from, to });
}

export function setChargerState(ctx: Ctx, to: ChargerStateName): void {
  const c = ctx.state.charger;
  if (c.state === to) return;
  const from = c.state;
  c.state = to;
  ctx.emit({ type: 'state', atMs: ctx.state.nowMs, unit: 'charger', from, to });
}

/**
 * A vibration of `pulses` pulses (docs/device.md §3.1, `haptics.pulseMs`/`gapMs`), suppressed when the app
 * turned off the matching setting (`flag`). Haptics come from the holder on two-piece devices.
 */
export function vibrate(
  ctx: Ctx,
  unit: UnitName,
  reason: string,
  pulses: number,
  flag?: keyof VibrationFlags,
): void {
  if (flag && !ctx.state.settings.vibration[flag]) return;
  ctx.emit({
    type: 'vibration',
    atMs: ctx.state.nowMs,
    unit,
    reason,
    pulses,
    pulseMs: ctx.params.haptics.pulseMs,
    gapMs: ctx.params.haptics.gapMs,
    continuous: false,
  });
}

/**
 * A unit's RTC, seconds since 2010-01-01 UTC now (docs/protocol.md §8.1): counts on from the last write at 1
 * s resolution. Two-piece devices keep two clocks (the case's and the holder's); one-piece devices one.
 */
export function rtcSeconds(ctx: Ctx, unit: UnitName = 'charger'): number {
  const { nowMs } = ctx.state;
  const rtc = unit === 'holder' && !ctx.derived.onePiece ? ctx.state.holderRtc : ctx.state.rtc;
  return rtc.seconds + Math.floor((nowMs - rtc.setAtMs) / 1000);
}

/** Sets a unit's RTC to `seconds` now (the charger's on one-piece devices). */
export function setRtc(ctx: Ctx, unit: UnitName, seconds: number): void {
  const rtc = { seconds, setAtMs: ctx.state.nowMs };
  if (unit === 'holder' && !ctx.derived.onePiece) ctx.state.holderRtc = rtc;
  else ctx.state.rtc = rtc;
}

/** docs/protocol.md D-28: tag 17 = floor(RTC / 86400) − `counters.dayOffset`, on the unit's own clock. */
export function daysCounter(ctx: Ctx, unit: UnitName): number {
  const key = unit === 'holder' && !ctx.derived.onePiece ? 'holder' : 'charger';
  return Math.floor(rtcSeconds(ctx, unit) / 86_400) - ctx.state.counters.dayOffset[key];
}
