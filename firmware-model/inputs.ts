/**
 * One handler per firmware input (docs/device.md §11.2, §12.2, docs/faults.md §15.1). Each does only what its
 * event does; `reconcile` then settles the guards. Returns true when the charger should re-check
 * charging conditions at once rather than at its next periodic check (`holder.recheckSeconds`).
 */
import { press, release } from './buttons.js';
import type { Ctx } from './context.js';
import { heatingCapacityJ, isHeating, syncHeatingBattery } from './energy.js';
import { HeaterFault } from './heater.js';
import { daysCounter, setChargerState, setHolderState, setRtc, vibrate } from './outputs.js';
import { beginReset } from './power.js';
import { injectPuff } from './puffs.js';
import { startCleaning } from './reconcile.js';
import { attemptStart, endSession, logError, restHolder, showUses } from './session.js';
import { applySetting } from './settings.js';
import { END_REASON, type FaultName, type FirmwareInput, HEATING_STATES, type UsbPower } from './types.js';

export function applyInput(ctx: Ctx, input: FirmwareInput): boolean {
  const { state, params, profile, derived } = ctx;
  const now = state.nowMs;
  const reject = (reason: string): false => {
    ctx.emit({ type: 'rejected', atMs: now, input: input.type, reason });
    return false;
  };
  switch (input.type) {
    case 'button':
      if (input.action === 'press') press(ctx, input.unit);
      else release(ctx, input.unit);
      return false;
    case 'stick':
      if (input.action === 'insert') {
        if (state.holder.stickInserted) return reject('a stick is already inserted');
        if (state.holder.docked) return reject('holder is in the charger');
        state.holder.stickInserted = true;
        state.holder.stickUsed = input.used ?? false;
        const autoStart = !profile.capabilities.includes('autoStart') || state.settings.autoStart;
        if (profile.stickStarts && autoStart) attemptStart(ctx, 'stick');
        else showUses(ctx);
      } else {
        if (!state.holder.stickInserted) return reject('no stick inserted');
        state.holder.stickInserted = false;
        if (isHeating(ctx)) endSession(ctx, END_REASON.userAction);
      }
      return false;
    case 'puff':
      injectPuff(
        ctx,
        isHeating(ctx),
        input.durationMs ?? params.heater.defaultPuffMs,
        input.flowMlS ?? params.heater.defaultPuffFlowMlS,
      );
      return false;
    case 'dock':
      if (derived.onePiece) return reject('one-piece devices have no charger to dock in');
      if (state.holder.docked) return reject('holder already docked');
      if (isHeating(ctx)) {
        if (!params.session.dockAborts) return reject('session running');
        endSession(ctx, END_REASON.userAction);
      }
      state.holder.docked = true;
      ctx.clearTimer('idleSleep');
      ctx.clearTimer('holderShowEnd');
      if (state.holder.state !== 'ERROR' && state.holder.state !== 'RESETTING')
        setHolderState(ctx, 'DOCKED_UNCHARGED');
      return true;
    case 'undock':
      if (derived.onePiece || !state.holder.docked) return reject('holder is not docked');
      state.holder.docked = false;
      state.charger.chargingHolder = false;
      state.charger.cleaningHolder = false;
      ctx.clearTimer('cleaningEnd');
      if (state.holder.state !== 'ERROR' && state.holder.state !== 'RESETTING') restHolder(ctx);
      return false;
    case 'usb':
      return onUsb(ctx, input.power);
    case 'ambient':
      state.environment.ambientC = input.tempC;
      if (isHeating(ctx)) {
        ctx.heater.setAmbient(input.tempC);
        // docs/device.md §11.2: out of range ends heating with reason 9; the record has no "too low" reason,
        // so a cold end uses it too and the ambient bits (1 too low, 2 too high) tell which.
        if (input.tempC > profile.ambientMaxC || input.tempC < profile.ambientMinC)
          endSession(ctx, END_REASON.ambientTooHigh);
      }
      if (
        (input.tempC < profile.ambientMinC || input.tempC > profile.ambientMaxC) &&
        ['STANDBY', 'SHOW_LEVEL', 'USB_CHARGING', 'USB_CHARGED'].includes(state.charger.state)
      ) {
        setChargerState(ctx, 'TEMP_OUT_OF_RANGE');
      }
      return false;
    case 'tilt':
      if (!state.settings.smartGesture || !profile.capabilities.includes('smartGesture'))
        return reject('Smart Gesture off');
      showUses(ctx);
      return false;
    case 'cleanButton':
      if (
        !profile.autoClean ||
        state.holder.state !== 'DOCKED_READY' ||
        state.charger.levelPercent < params.cleaning.minChargerPercent
      )
        return reject('cleaning needs a blade holder docked and ready');
      startCleaning(ctx);
      return false;
    case 'setting':
      applySetting(ctx, input.name, input.value);
      return false;
    case 'clock':
      if (!Number.isInteger(input.seconds) || input.seconds < 0 || input.seconds > 0xffffffff)
        return reject('clock seconds must be a u32');
      setRtc(ctx, input.unit ?? 'charger', input.seconds);
      return false;
    case 'findMy':
      if (!profile.findMy) return reject('Find My is ignored on this model');
      if (input.on) {
        state.findMyUntilMs = now + params.findMy.maxSeconds * 1000;
        ctx.setTimer('findMyEnd', state.findMyUntilMs);
        ctx.emit({
          type: 'vibration',
          atMs: now,
          unit: 'holder',
          reason: 'findMy',
          pulses: 0,
          pulseMs: params.haptics.findMyPatternMs[0],
          gapMs: params.haptics.findMyPatternMs[1],
          continuous: true,
        });
      } else stopFindMy(ctx);
      return false;
    case 'statusRead':
      state.holder.lastExperience.newInformationWasRead = true;
      return false;
    case 'reset':
      beginReset(ctx);
      return false;
    case 'level':
      setLevel(ctx, input.unit, input.percent);
      return false;
    case 'connection':
      state.holder.connection = input.value & 3;
      return true;
    case 'counter': {
      const unit = input.unit === 'holder' && !derived.onePiece ? 'holder' : 'charger';
      const tag = input.tag.toUpperCase();
      // D-28: tag 17 is computed from the RTC, so setting it moves its day offset instead.
      if (tag === '17') state.counters.dayOffset[unit] += daysCounter(ctx, unit) - input.value;
      else state.counters[unit][tag] = input.value;
      return false;
    }
    case 'cycleCount':
      state.charger.cycleCount = input.value;
      state.charger.cycleAccumPercent = 0;
      return false;
    case 'fault':
      injectFault(ctx, input.fault, input.bits ?? 0, true);
      return false;
    case 'clearFault':
      injectFault(ctx, input.fault, input.bits ?? 0, false);
      return true;
  }
}

export function stopFindMy(ctx: Ctx): void {
  if (ctx.state.findMyUntilMs < 0) return;
  ctx.state.findMyUntilMs = -1;
  ctx.clearTimer('findMyEnd');
  ctx.emit({ type: 'vibrationStop', atMs: ctx.state.nowMs, unit: 'holder', reason: 'findMy' });
}

function onUsb(ctx: Ctx, power: UsbPower): boolean {
  const { state, params } = ctx;
  const c = state.charger;
  const before = c.usbPower;
  c.usbPower = power;
  // The charge timeout depends on the source's rate: re-arm it for the new one.
  if (before !== power) ctx.clearTimer('chargeTimeout');
  if (before === 'none' && power !== 'none') {
    if (c.state === 'OFF') {
      c.offWhenPlugged = true;
      setChargerState(ctx, 'USB_CHARGING');
    } else if (c.state === 'DEEP_DISCHARGED') {
      c.offWhenPlugged = true;
      c.dark = true;
      ctx.setTimer('firstLight', state.nowMs + params.charger.deepDischargeFirstLightSeconds * 1000);
      setChargerState(ctx, 'USB_CHARGING');
    } else if (c.state === 'STANDBY' || c.state === 'SHOW_LEVEL') setChargerState(ctx, 'USB_CHARGING');
  } else if (before !== 'none' && power === 'none') {
    c.dark = false;
    ctx.clearTimer('firstLight');
    if (c.state === 'USB_CHARGING' || c.state === 'USB_CHARGED') {
      const wasOff = c.offWhenPlugged;
      c.offWhenPlugged = false;
      setChargerState(ctx, wasOff ? (c.levelPercent <= 0 ? 'DEEP_DISCHARGED' : 'OFF') : 'STANDBY');
    }
  }
  return true;
}

function setLevel(ctx: Ctx, unit: 'charger' | 'holder', percent: number): void {
  const { state, derived } = ctx;
  const level = Math.min(100, Math.max(0, percent));
  const heatingUnit = derived.onePiece ? 'charger' : 'holder';
  if (isHeating(ctx) && (unit === heatingUnit || derived.onePiece)) {
    syncHeatingBattery(ctx);
    const current = derived.onePiece ? state.charger.levelPercent : state.holder.levelPercent;
    ctx.heater.adjustBattery(((level - current) / 100) * heatingCapacityJ(ctx));
  }
  if (unit === 'charger' || derived.onePiece) {
    state.charger.levelPercent = level;
    state.ledger.chargerStartPercent = level;
    state.ledger.chargerInPercent = 0;
    state.ledger.chargerOutPercent = 0;
  }
  if (unit === 'holder' || derived.onePiece) {
    state.holder.levelPercent = level;
    state.ledger.holderStartPercent = level;
    state.ledger.holderInPercent = 0;
    state.ledger.holderOutPercent = 0;
  }
  if (isHeating(ctx) && level < ctx.params.holder.cutoffPercent) endSession(ctx, END_REASON.lowBattery);
}

/**
 * docs/faults.md §15.1 device faults: inject (`on`) or clear. Error bits put the unit in ERROR until a reset.
 */
function injectFault(ctx: Ctx, fault: FaultName, bits: number, on: boolean): void {
  const { state } = ctx;
  const heater = (mode: number) => {
    state.faults.heater = on ? mode : HeaterFault.none;
    if (isHeating(ctx)) ctx.heater.setFault(state.faults.heater);
  };
  switch (fault) {
    case 'heaterOverTemp':
      heater(HeaterFault.runaway);
      return;
    case 'heaterPower':
      heater(HeaterFault.open);
      return;
    case 'heaterVariation':
      heater(HeaterFault.noisy);
      return;
    case 'dutyCycle':
      state.faults.dutyCycle = on;
      if (on && state.session) state.session.dutyCycleFault = true;
      return;
    case 'magnet':
      state.environment.magnetNearby = on;
      if (on && isHeating(ctx) && ctx.params.fault.magnetAborts && ctx.profile.heater === 'induction')
        endSession(ctx, END_REASON.systemFault);
      return;
    case 'rtcReset':
      if (on) setRtc(ctx, 'charger', 0); // F-24: the case's clock (C0 S 0x04, table 00 04)
      return;
    case 'holderWarning':
      state.holder.warningBits = on ? state.holder.warningBits | bits : state.holder.warningBits & ~bits;
      return;
    case 'holderError':
      if (!on) {
        state.holder.errorBits &= ~bits;
        if (bits & 0x02) state.faults.holderChargeStuck = false;
        return;
      }
      if (bits === 0x02) {
        state.faults.holderChargeStuck = true;
        return;
      }
      holderErrorBits(ctx, bits);
      return;
    case 'chargerError':
      if (!on) {
        state.charger.errorBits &= ~bits;
        return;
      }
      state.charger.errorBits |= bits;
      state.charger.chargingHolder = false;
      if (ctx.derived.onePiece && HEATING_STATES.includes(state.holder.state))
        endSession(ctx, END_REASON.systemFault);
      logError(ctx, 0x01, state.charger.errorBits);
      setChargerState(ctx, 'ERROR');
      return;
  }
}

/**
 * Holder error bits (docs/device.md §5.2): a running session ends with a system fault; the holder shows red
 * until reset.
 */
export function holderErrorBits(ctx: Ctx, bits: number): void {
  const { state } = ctx;
  if (isHeating(ctx)) endSession(ctx, END_REASON.systemFault);
  state.holder.errorBits |= bits;
  if (state.holder.state === 'CLEANING') {
    state.charger.cleaningHolder = false;
    ctx.clearTimer('cleaningEnd');
  }
  logError(ctx, 0x02, state.holder.errorBits);
  if (state.holder.state !== 'RESETTING') setHolderState(ctx, 'ERROR');
  vibrate(ctx, 'holder', 'error', 1);
}
