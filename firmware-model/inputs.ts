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
  const { s, p, profile, d } = ctx;
  const now = s.nowMs;
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
        if (s.holder.stickInserted) return reject('a stick is already inserted');
        if (s.holder.docked) return reject('holder is in the charger');
        s.holder.stickInserted = true;
        s.holder.stickUsed = input.used ?? false;
        const autoStart = !profile.capabilities.includes('autoStart') || s.settings.autoStart;
        if (profile.stickStarts && autoStart) attemptStart(ctx, 'stick');
        else showUses(ctx);
      } else {
        if (!s.holder.stickInserted) return reject('no stick inserted');
        s.holder.stickInserted = false;
        if (isHeating(ctx)) endSession(ctx, END_REASON.userAction);
      }
      return false;
    case 'puff':
      injectPuff(
        ctx,
        isHeating(ctx),
        input.durationMs ?? p.heater.defaultPuffMs,
        input.flowMlS ?? p.heater.defaultPuffFlowMlS,
      );
      return false;
    case 'dock':
      if (d.onePiece) return reject('one-piece devices have no charger to dock in');
      if (s.holder.docked) return reject('holder already docked');
      if (isHeating(ctx)) {
        if (!p.session.dockAborts) return reject('session running');
        endSession(ctx, END_REASON.userAction);
      }
      s.holder.docked = true;
      ctx.clearTimer('idleSleep');
      ctx.clearTimer('holderShowEnd');
      if (s.holder.state !== 'ERROR' && s.holder.state !== 'RESETTING')
        setHolderState(ctx, 'DOCKED_UNCHARGED');
      return true;
    case 'undock':
      if (d.onePiece || !s.holder.docked) return reject('holder is not docked');
      s.holder.docked = false;
      s.charger.chargingHolder = false;
      s.charger.cleaningHolder = false;
      ctx.clearTimer('cleaningEnd');
      if (s.holder.state !== 'ERROR' && s.holder.state !== 'RESETTING') restHolder(ctx);
      return false;
    case 'usb':
      return onUsb(ctx, input.power);
    case 'ambient':
      s.environment.ambientC = input.tempC;
      if (isHeating(ctx)) {
        ctx.heater.setAmbient(input.tempC);
        // docs/device.md §11.2: out of range ends heating with reason 9; the record has no "too low" reason,
        // so a cold end uses it too and the ambient bits (1 too low, 2 too high) tell which.
        if (input.tempC > profile.ambientMaxC || input.tempC < profile.ambientMinC)
          endSession(ctx, END_REASON.ambientTooHigh);
      }
      if (
        (input.tempC < profile.ambientMinC || input.tempC > profile.ambientMaxC) &&
        ['STANDBY', 'SHOW_LEVEL', 'USB_CHARGING', 'USB_CHARGED'].includes(s.charger.state)
      ) {
        setChargerState(ctx, 'TEMP_OUT_OF_RANGE');
      }
      return false;
    case 'tilt':
      if (!s.settings.smartGesture || !profile.capabilities.includes('smartGesture'))
        return reject('Smart Gesture off');
      showUses(ctx);
      return false;
    case 'cleanButton':
      if (
        !profile.autoClean ||
        s.holder.state !== 'DOCKED_READY' ||
        s.charger.levelPercent < p.cleaning.minChargerPercent
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
        s.findMyUntilMs = now + p.findMy.maxSeconds * 1000;
        ctx.setTimer('findMyEnd', s.findMyUntilMs);
        ctx.emit({
          type: 'vibration',
          atMs: now,
          unit: 'holder',
          reason: 'findMy',
          pulses: 0,
          pulseMs: p.haptics.findMyPatternMs[0],
          gapMs: p.haptics.findMyPatternMs[1],
          continuous: true,
        });
      } else stopFindMy(ctx);
      return false;
    case 'statusRead':
      s.holder.lastExperience.newInformationWasRead = true;
      return false;
    case 'reset':
      beginReset(ctx);
      return false;
    case 'level':
      setLevel(ctx, input.unit, input.percent);
      return false;
    case 'connection':
      s.holder.connection = input.value & 3;
      return true;
    case 'counter': {
      const unit = input.unit === 'holder' && !d.onePiece ? 'holder' : 'charger';
      const tag = input.tag.toUpperCase();
      // D-28: tag 17 is computed from the RTC, so setting it moves its day offset instead.
      if (tag === '17') s.counters.dayOffset[unit] += daysCounter(ctx, unit) - input.value;
      else s.counters[unit][tag] = input.value;
      return false;
    }
    case 'cycleCount':
      s.charger.cycleCount = input.value;
      s.charger.cycleAccumPercent = 0;
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
  if (ctx.s.findMyUntilMs < 0) return;
  ctx.s.findMyUntilMs = -1;
  ctx.clearTimer('findMyEnd');
  ctx.emit({ type: 'vibrationStop', atMs: ctx.s.nowMs, unit: 'holder', reason: 'findMy' });
}

function onUsb(ctx: Ctx, power: UsbPower): boolean {
  const { s, p } = ctx;
  const c = s.charger;
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
      ctx.setTimer('firstLight', s.nowMs + p.charger.deepDischargeFirstLightSeconds * 1000);
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
  const { s, d } = ctx;
  const level = Math.min(100, Math.max(0, percent));
  const heatingUnit = d.onePiece ? 'charger' : 'holder';
  if (isHeating(ctx) && (unit === heatingUnit || d.onePiece)) {
    syncHeatingBattery(ctx);
    const current = d.onePiece ? s.charger.levelPercent : s.holder.levelPercent;
    ctx.heater.adjustBattery(((level - current) / 100) * heatingCapacityJ(ctx));
  }
  if (unit === 'charger' || d.onePiece) {
    s.charger.levelPercent = level;
    s.ledger.chargerStartPercent = level;
    s.ledger.chargerInPercent = 0;
    s.ledger.chargerOutPercent = 0;
  }
  if (unit === 'holder' || d.onePiece) {
    s.holder.levelPercent = level;
    s.ledger.holderStartPercent = level;
    s.ledger.holderInPercent = 0;
    s.ledger.holderOutPercent = 0;
  }
  if (isHeating(ctx) && level < ctx.p.holder.cutoffPercent) endSession(ctx, END_REASON.lowBattery);
}

/**
 * docs/faults.md §15.1 device faults: inject (`on`) or clear. Error bits put the unit in ERROR until a reset.
 */
function injectFault(ctx: Ctx, fault: FaultName, bits: number, on: boolean): void {
  const { s } = ctx;
  const heater = (mode: number) => {
    s.faults.heater = on ? mode : HeaterFault.none;
    if (isHeating(ctx)) ctx.heater.setFault(s.faults.heater);
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
      s.faults.dutyCycle = on;
      if (on && s.session) s.session.dutyCycleFault = true;
      return;
    case 'magnet':
      s.environment.magnetNearby = on;
      if (on && isHeating(ctx) && ctx.p.fault.magnetAborts && ctx.profile.heater === 'induction')
        endSession(ctx, END_REASON.systemFault);
      return;
    case 'rtcReset':
      if (on) setRtc(ctx, 'charger', 0); // F-24: the case's clock (C0 S 0x04, table 00 04)
      return;
    case 'holderWarning':
      s.holder.warningBits = on ? s.holder.warningBits | bits : s.holder.warningBits & ~bits;
      return;
    case 'holderError':
      if (!on) {
        s.holder.errorBits &= ~bits;
        if (bits & 0x02) s.faults.holderChargeStuck = false;
        return;
      }
      if (bits === 0x02) {
        s.faults.holderChargeStuck = true;
        return;
      }
      holderErrorBits(ctx, bits);
      return;
    case 'chargerError':
      if (!on) {
        s.charger.errorBits &= ~bits;
        return;
      }
      s.charger.errorBits |= bits;
      s.charger.chargingHolder = false;
      if (ctx.d.onePiece && HEATING_STATES.includes(s.holder.state)) endSession(ctx, END_REASON.systemFault);
      logError(ctx, 0x01, s.charger.errorBits);
      setChargerState(ctx, 'ERROR');
      return;
  }
}

/**
 * Holder error bits (docs/device.md §5.2): a running session ends with a system fault; the holder shows red
 * until reset.
 */
export function holderErrorBits(ctx: Ctx, bits: number): void {
  const { s } = ctx;
  if (isHeating(ctx)) endSession(ctx, END_REASON.systemFault);
  s.holder.errorBits |= bits;
  if (s.holder.state === 'CLEANING') {
    s.charger.cleaningHolder = false;
    ctx.clearTimer('cleaningEnd');
  }
  logError(ctx, 0x02, s.holder.errorBits);
  if (s.holder.state !== 'RESETTING') setHolderState(ctx, 'ERROR');
  vibrate(ctx, 'holder', 'error', 1);
}
