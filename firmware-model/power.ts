/**
 * Power off and reset (docs/device.md §11.2, §12.2): switching the charger off switches a docked
 * holder off; a reset ends any session, blinks, and clears errors but not counters, settings, the
 * lock (unless `lock.persistAcrossReset` is false) or the RTC.
 */
import type { Ctx } from './context.js';
import { HeaterFault } from './heater.js';
import { setChargerState, setHolderState, vibrate } from './outputs.js';
import { endSession, restHolder } from './session.js';
import { END_REASON } from './types.js';

export function powerOff(ctx: Ctx): void {
  const { s } = ctx;
  if (ctx.d.onePiece) endSession(ctx, END_REASON.userAction);
  s.charger.chargingHolder = false;
  s.charger.cleaningHolder = false;
  if (s.holder.state === 'CLEANING') restHolder(ctx);
  ctx.clearTimer('cleaningEnd');
  ctx.clearTimer('showLevelEnd');
  if (s.charger.usbPower !== 'none') {
    s.charger.offWhenPlugged = true;
  } else setChargerState(ctx, 'OFF');
}

export function beginReset(ctx: Ctx): void {
  const { s, p, d } = ctx;
  // An undocked two-piece holder is not part of the reset: its session goes on.
  if (d.onePiece || s.holder.docked) endSession(ctx, END_REASON.userAction);
  const end = s.nowMs + p.reset.durationSeconds * 1000;
  setChargerState(ctx, 'RESETTING');
  s.charger.chargingHolder = false;
  s.charger.cleaningHolder = false;
  ctx.clearTimer('cleaningEnd');
  ctx.setTimer('chargerResetEnd', end);
  if (d.onePiece || s.holder.docked) {
    setHolderState(ctx, 'RESETTING');
    ctx.setTimer('holderResetEnd', end);
  }
}

export function finishChargerReset(ctx: Ctx): void {
  const { s } = ctx;
  s.charger.errorBits = 0;
  s.charger.offWhenPlugged = false;
  if (s.holder.errorBits === 0) s.errorCode = 0;
  setChargerState(ctx, s.charger.usbPower === 'none' ? 'STANDBY' : 'USB_CHARGING');
}

export function finishHolderReset(ctx: Ctx): void {
  const { s, p, profile } = ctx;
  s.holder.errorBits = 0;
  s.holder.systemError = 0;
  s.errorCode = s.charger.errorBits === 0 ? 0 : s.errorCode;
  s.faults.heater = HeaterFault.none;
  s.faults.holderChargeStuck = false;
  if (!p.lock.persistAcrossReset) s.settings.lock = false;
  // docs/device.md §3.1: ILUMA confirms a reset with a vibration when the lights come back.
  if (profile.heater === 'induction') vibrate(ctx, 'holder', 'reset', 1);
  restHolder(ctx);
}
