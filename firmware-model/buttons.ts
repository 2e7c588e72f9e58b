/**
 * Buttons with durations (docs/device.md §3.3, §12.2): the charger (or one-piece) button toggles
 * power after `buttons.powerHoldSeconds` (powering on while still held, off on release), resets at
 * `buttons.resetHoldSeconds` while held, shows the level on a short press, and enters pairing mode
 * on a third quick press. The holder button starts heating after `buttons.startHoldSeconds`, shows
 * uses left on a short press, and pauses or ends a running session.
 */
import type { Ctx } from './context.js';
import { setChargerState } from './outputs.js';
import { beginReset, powerOff } from './power.js';
import { chargerIsOn } from './reconcile.js';
import { attemptStart, onButtonDuringSession, showUses } from './session.js';
import { HEATING_STATES, type UnitName } from './types.js';

/** Which physical button an input names: one-piece devices have only the main one. */
function physical(ctx: Ctx, unit: UnitName): UnitName {
  return ctx.derived.onePiece ? 'charger' : unit;
}

export function press(ctx: Ctx, unit: UnitName): void {
  const { state, params } = ctx;
  const which = physical(ctx, unit);
  const track = state.buttons[which];
  if (track.downAtMs >= 0) return;
  const now = state.nowMs;
  track.downAtMs = now;
  track.consumed = false;
  // Only a switched-off unit powers on at 4 s; ERROR and out-of-range leave only by a reset
  // (docs/device.md §12.2).
  const c = state.charger;
  track.wasOff = c.state === 'OFF' || c.state === 'DEEP_DISCHARGED' || c.offWhenPlugged;
  track.quickPresses =
    now - track.lastReleaseMs <= params.buttons.multiPressWindowMs ? track.quickPresses + 1 : 1;
  const heating = HEATING_STATES.includes(state.holder.state);
  if (which === 'holder' || ctx.derived.onePiece) {
    if (heating) {
      onButtonDuringSession(ctx);
      track.consumed = true;
      return;
    }
    ctx.setTimer('holderStartHold', now + params.buttons.startHoldSeconds * 1000);
  }
  if (which === 'charger') {
    if (track.quickPresses >= 3 && chargerIsOn(ctx) && ctx.profile.info.scp) {
      state.charger.pairing = true;
      track.consumed = true;
      ctx.clearTimer('holderStartHold');
      ctx.emit({ type: 'pairing', atMs: now });
      return;
    }
    ctx.setTimer('chargerPowerHold', now + params.buttons.powerHoldSeconds * 1000);
    ctx.setTimer('chargerResetHold', now + params.buttons.resetHoldSeconds * 1000);
  }
}

export function release(ctx: Ctx, unit: UnitName): void {
  const { state, params } = ctx;
  const which = physical(ctx, unit);
  const track = state.buttons[which];
  if (track.downAtMs < 0) return;
  const heldMs = state.nowMs - track.downAtMs;
  track.downAtMs = -1;
  track.lastReleaseMs = state.nowMs;
  ctx.clearTimer('holderStartHold');
  if (which === 'charger') {
    ctx.clearTimer('chargerPowerHold');
    ctx.clearTimer('chargerResetHold');
  }
  if (track.consumed) return;
  if (which === 'charger' && heldMs >= params.buttons.powerHoldSeconds * 1000) {
    // In ERROR only the reset hold acts (docs/device.md §12.2): a 4 s hold neither hides nor clears the
    // fault.
    if (!track.wasOff && state.charger.state !== 'ERROR') powerOff(ctx);
    return;
  }
  if (heldMs >= params.buttons.startHoldSeconds * 1000 && which === 'holder') return;
  if (which === 'charger' && state.charger.state === 'STANDBY') {
    setChargerState(ctx, 'SHOW_LEVEL');
    ctx.setTimer('showLevelEnd', state.nowMs + params.charger.showLevelSeconds * 1000);
  }
  if (which === 'holder' || ctx.derived.onePiece) showUses(ctx);
}

/** Timer: the holder (or one-piece) button has been held `buttons.startHoldSeconds`. */
export function onStartHold(ctx: Ctx): void {
  const { state } = ctx;
  const which = ctx.derived.onePiece ? 'charger' : 'holder';
  const track = state.buttons[which];
  if (track.downAtMs < 0) return;
  const before = state.holder.state;
  attemptStart(ctx, 'button');
  if (state.holder.state !== before || ctx.state.holder.state === 'PREHEAT') track.consumed = true;
}

/**
 * Timer: the charger button has been held `buttons.powerHoldSeconds`; from off, power on now
 * (docs/device.md §3.3).
 */
export function onPowerHold(ctx: Ctx): void {
  const track = ctx.state.buttons.charger;
  if (track.downAtMs < 0 || !track.wasOff) return;
  if (ctx.state.charger.state === 'DEEP_DISCHARGED') return;
  powerOn(ctx);
  track.consumed = true;
}

/**
 * Timer: held `buttons.resetHoldSeconds`; ILUMA two-piece needs the holder in the case (docs/device.md §3.3).
 */
export function onResetHold(ctx: Ctx): void {
  const { state, derived, profile } = ctx;
  const track = state.buttons.charger;
  if (track.downAtMs < 0 || (!chargerIsOn(ctx) && state.charger.state !== 'ERROR')) return;
  if (!derived.onePiece && profile.heater === 'induction' && !state.holder.docked) return;
  track.consumed = true;
  beginReset(ctx);
}

export function powerOn(ctx: Ctx): void {
  const { state, params } = ctx;
  state.charger.offWhenPlugged = false;
  if (state.charger.usbPower !== 'none') setChargerState(ctx, 'USB_CHARGING');
  else {
    setChargerState(ctx, 'SHOW_LEVEL');
    ctx.setTimer('showLevelEnd', state.nowMs + params.charger.showLevelSeconds * 1000);
  }
}
