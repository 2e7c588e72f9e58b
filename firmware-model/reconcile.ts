/**
 * Guards that hold whatever the last input was (docs/device.md §11.2, §12.2): deep discharge,
 * USB full / not full, low battery, Bluetooth, whether the charger charges the docked holder, the
 * docked holder's state, automatic cleaning, uses left. Run after every input and timer, so each
 * handler only does what its event itself does.
 */
import type { Ctx } from './context.js';
import { chargeCeiling, usesByCharge, usesByEnergy } from './energy.js';
import { chargerLight, holderLight, sameLight } from './lights.js';
import { setChargerState, setHolderState, vibrate } from './outputs.js';
import { endSession, restHolder } from './session.js';
import { END_REASON, HEATING_STATES, type HolderStateName } from './types.js';
import { chargerTempC } from './views.js';

const CHARGER_ON_STATES = ['STANDBY', 'SHOW_LEVEL', 'USB_CHARGING', 'USB_CHARGED'];
const HOLDER_BUSY: readonly HolderStateName[] = [
  ...HEATING_STATES,
  'SESSION_END',
  'COOLDOWN',
  'ERROR',
  'RESETTING',
  'CLEANING',
];

/** The charger is switched on (off-but-charging-on-USB counts as off, docs/device.md §12.2). */
export function chargerIsOn(ctx: Ctx): boolean {
  const c = ctx.state.charger;
  return CHARGER_ON_STATES.includes(c.state) && !c.offWhenPlugged;
}

export function reconcile(ctx: Ctx, recheck = false): void {
  const { state, params, derived } = ctx;
  const c = state.charger;
  const h = state.holder;
  if (c.levelPercent <= 0 && c.state !== 'DEEP_DISCHARGED' && c.state !== 'USB_CHARGING') deepDischarge(ctx);
  c.lowBattery = c.levelPercent < params.charger.lowBatteryPercent;
  const ceiling = chargeCeiling(ctx);
  if (c.state === 'USB_CHARGING' && c.levelPercent >= ceiling) setChargerState(ctx, 'USB_CHARGED');
  if (c.state === 'USB_CHARGED' && c.levelPercent < ceiling - 2) setChargerState(ctx, 'USB_CHARGING');
  if (c.state === 'USB_CHARGING' && !c.dark) {
    // A weak source charges at `usb.weakSourceFactor`: the timeout stretches with it (F-17 is slow
    // charging, not a fault).
    const factor = c.usbPower === 'weak' ? params.usb.weakSourceFactor : 1;
    if (!ctx.hasTimer('chargeTimeout'))
      ctx.setTimer('chargeTimeout', state.nowMs + (params.charger.chargeTimeoutMinutes * 60_000) / factor);
  } else ctx.clearTimer('chargeTimeout');
  if (c.state === 'TEMP_OUT_OF_RANGE' && recheck && inRange(ctx)) {
    setChargerState(ctx, c.usbPower === 'none' ? 'STANDBY' : 'USB_CHARGING');
  }
  const bluetoothOn =
    chargerIsOn(ctx) || c.state === 'ERROR' || c.state === 'TEMP_OUT_OF_RANGE' || c.state === 'RESETTING';
  if (bluetoothOn !== c.bluetoothOn) {
    c.bluetoothOn = bluetoothOn;
    if (!bluetoothOn) c.pairing = false;
    ctx.emit({ type: 'bluetooth', atMs: state.nowMs, on: bluetoothOn });
  }
  if (derived.onePiece) reconcileOnePiece(ctx);
  else reconcileDocked(ctx, recheck);
  reconcileUses(ctx);
  if (h.state === 'IDLE_READY' && h.usesLeft < 1) setHolderState(ctx, 'IDLE_EMPTY');
  else if (h.state === 'IDLE_EMPTY' && h.usesLeft >= 1) setHolderState(ctx, 'IDLE_READY');
  const needRecheck = h.state === 'DOCKED_UNCHARGED' || c.state === 'TEMP_OUT_OF_RANGE';
  if (needRecheck && !ctx.hasTimer('recheck'))
    ctx.setTimer('recheck', state.nowMs + params.holder.recheckSeconds * 1000);
  if (!needRecheck) ctx.clearTimer('recheck');
  updateLights(ctx);
}

export function inRange(ctx: Ctx): boolean {
  const t = ctx.state.environment.ambientC;
  return t >= ctx.profile.ambientMinC && t <= ctx.profile.ambientMaxC;
}

function deepDischarge(ctx: Ctx): void {
  const { state } = ctx;
  if (ctx.derived.onePiece) endSession(ctx, END_REASON.lowBattery);
  state.charger.levelPercent = 0;
  state.charger.chargingHolder = false;
  state.charger.cleaningHolder = false;
  setChargerState(ctx, 'DEEP_DISCHARGED');
  // docs/protocol.md D-27: a deeply discharged charger loses its RTC.
  state.rtc = { seconds: 0, setAtMs: state.nowMs };
}

function reconcileOnePiece(ctx: Ctx): void {
  const { state } = ctx;
  const h = state.holder;
  h.levelPercent = state.charger.levelPercent;
  if (!chargerIsOn(ctx) && state.charger.state !== 'ERROR' && state.charger.state !== 'TEMP_OUT_OF_RANGE') {
    if (HEATING_STATES.includes(h.state)) endSession(ctx, END_REASON.userAction);
    if (h.state !== 'ERROR' && h.state !== 'RESETTING') setHolderState(ctx, 'OFF');
  } else if (h.state === 'OFF') restHolder(ctx);
}

function reconcileDocked(ctx: Ctx, recheck: boolean): void {
  const { state, params, profile } = ctx;
  const c = state.charger;
  const h = state.holder;
  const chargerCan =
    chargerIsOn(ctx) &&
    c.errorBits === 0 &&
    chargerTempC(ctx) <= params.charger.maxChargeTempC &&
    !c.cleaningHolder;
  const holderCan =
    h.docked &&
    h.errorBits === 0 &&
    h.connection === 0 &&
    (h.warningBits & 0x04) === 0 &&
    h.levelPercent < 100 &&
    !HOLDER_BUSY.includes(h.state);
  const enough = c.chargingHolder
    ? c.levelPercent > 0
    : c.levelPercent >= 100 / params.charger.holderChargesPerFull;
  let want = chargerCan && holderCan && enough;
  if (want && !c.chargingHolder && h.state === 'DOCKED_UNCHARGED' && !recheck) want = false;
  // docs/device.md §3.1: the holder vibrates when it starts charging, on models with that setting.
  if (want && !c.chargingHolder && profile.capabilities.includes('chargeStartVibration'))
    vibrate(ctx, 'holder', 'chargeStart', 1, 'chargeStart');
  c.chargingHolder = want;
  if (want && state.faults.holderChargeStuck) {
    if (!ctx.hasTimer('holderChargeTimeout'))
      ctx.setTimer('holderChargeTimeout', state.nowMs + params.holder.chargeTimeoutSeconds * 1000);
  } else ctx.clearTimer('holderChargeTimeout');
  if (h.docked && !HOLDER_BUSY.includes(h.state)) {
    let target: HolderStateName;
    if (!chargerIsOn(ctx)) target = 'OFF';
    else if (c.chargingHolder) target = 'DOCKED_CHARGING';
    else if (h.levelPercent >= 100) target = 'DOCKED_READY';
    else target = 'DOCKED_UNCHARGED';
    setHolderState(ctx, target);
  }
  if (
    profile.autoClean &&
    h.state === 'DOCKED_READY' &&
    h.sticksSinceClean >= params.cleaning.autoEverySticks &&
    c.levelPercent >= params.cleaning.minChargerPercent
  ) {
    startCleaning(ctx);
  }
}

/** Automatic or button-started cleaning (docs/device.md §6): holder docked, charger above the minimum. */
export function startCleaning(ctx: Ctx): void {
  const { state, params } = ctx;
  state.charger.cleaningHolder = true;
  state.charger.chargingHolder = false;
  setHolderState(ctx, 'CLEANING');
  ctx.setTimer('cleaningEnd', state.nowMs + params.cleaning.durationSeconds * 1000);
}

function reconcileUses(ctx: Ctx): void {
  const { state, derived, profile } = ctx;
  const h = state.holder;
  if (HEATING_STATES.includes(h.state)) return;
  const level = derived.onePiece ? state.charger.levelPercent : state.holder.levelPercent;
  const charging = derived.onePiece ? state.charger.state === 'USB_CHARGING' : state.charger.chargingHolder;
  if (level >= 100) h.usesLeft = profile.usesPerCharge;
  else if (charging) h.usesLeft = Math.max(h.usesLeft, usesByCharge(ctx, level));
  else h.usesLeft = Math.min(h.usesLeft, usesByEnergy(ctx, level));
}

function updateLights(ctx: Ctx): void {
  const { state } = ctx;
  const holder = holderLight(ctx);
  if (!sameLight(holder, state.holder.light)) {
    state.holder.light = holder;
    ctx.emit({ type: 'led', atMs: state.nowMs, unit: 'holder', light: holder });
  }
  const charger = chargerLight(ctx);
  if (!sameLight(charger, state.charger.light)) {
    state.charger.light = charger;
    ctx.emit({ type: 'led', atMs: state.nowMs, unit: 'charger', light: charger });
  }
}
