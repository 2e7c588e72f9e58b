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
  const { state } = ctx;
  if (ctx.derived.onePiece) endSession(ctx, END_REASON.userAction);
  state.charger.chargingHolder = false;
  state.charger.cleaningHolder = false;
  if (state.holder.state === 'CLEANING') restHolder(ctx);
  ctx.clearTimer('cleaningEnd');
  ctx.clearTimer('showLevelEnd');
  if (state.charger.usbPower !== 'none') {
    state.charger.offWhenPlugged = true;
  } else setChargerState(ctx, 'OFF');
}

export function beginReset(ctx: Ctx): void {
  const { state, params, derived } = ctx;
  // An undocked two-piece holder is not part of the reset: its session goes on.
  if (derived.onePiece || state.holder.docked) endSession(ctx, END_REASON.userAction);
  const end = state.nowMs + params.reset.durationSeconds * 1000;
  setChargerState(ctx, 'RESETTING');
  state.charger.chargingHolder = false;
  state.charger.cleaningHolder = false;
  ctx.clearTimer('cleaningEnd');
  ctx.setTimer('chargerResetEnd', end);
  if (derived.onePiece || state.holder.docked) {
    setHolderState(ctx, 'RESETTING');
    ctx.setTimer('holderResetEnd', end);
  }
}

export function finishChargerReset(ctx: Ctx): void {
  const { state } = ctx;
  state.charger.errorBits = 0;
  state.charger.offWhenPlugged = false;
  if (state.holder.errorBits === 0) state.errorCode = 0;
  setChargerState(ctx, state.charger.usbPower === 'none' ? 'STANDBY' : 'USB_CHARGING');
}

export function finishHolderReset(ctx: Ctx): void {
  const { state, params, profile } = ctx;
  state.holder.errorBits = 0;
  state.holder.systemError = 0;
  state.errorCode = state.charger.errorBits === 0 ? 0 : state.errorCode;
  state.faults.heater = HeaterFault.none;
  state.faults.holderChargeStuck = false;
  if (!params.lock.persistAcrossReset) state.settings.lock = false;
  // docs/device.md §3.1: ILUMA confirms a reset with a vibration when the lights come back.
  if (profile.heater === 'induction') vibrate(ctx, 'holder', 'reset', 1);
  restHolder(ctx);
}
