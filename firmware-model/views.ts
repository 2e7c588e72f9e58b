/**
 * The firmware state as the wire shows it: the numbers of the battery record (docs/protocol.md §3.4) and of
 * the device-status record (docs/protocol.md §3.5), rounded as the record carries them. Notifications are due
 * when these views change (docs/device.md §4.2, docs/protocol.md §3.4–3.5), so they double as change
 * signatures.
 */
import type { Ctx } from './context.js';
import { isHeating, levelToMv } from './energy.js';

export interface BatteryView {
  chargerPercent: number;
  chargerTempC: number;
  chargerMv: number;
  /**
   * Holder present in the record: two-piece with the holder docked (flags 0x000F vs 0x0007,
   * docs/device.md §4.2).
   */
  holderPresent: boolean;
  holderPercent: number;
  holderTempC: number;
  holderMv: number;
}

export interface StatusView {
  /** 0 idle, 1 charging, 2 charged (charger battery). */
  chargerState: number;
  chargerLowBattery: boolean;
  chargerDefect: boolean;
  /** 0 unplugged, 1 charging, 2 charged, 3 ready to use, 4 cleaning, 5 uncharged. */
  holderState: number;
  holderConnection: number;
  holderDefect: boolean;
  chargerErrors: number;
  holderErrors: number;
  holderWarnings: number;
  /** 0 in range, 1 too low, 2 too high. */
  ambient: number;
  holderSystemError: number;
  endOfHeatReason: number;
  puffs: number;
  dutyCycleFault: boolean;
  intensivePuffing: boolean;
  newInformationWasRead: boolean;
}

export function chargerTempC(ctx: Ctx): number {
  const { state, params } = ctx;
  const charging = state.charger.state === 'USB_CHARGING' || state.charger.chargingHolder;
  return Math.round(
    state.environment.ambientC + params.battery.selfHeatC + (charging ? params.battery.chargeHeatC : 0),
  );
}

export function holderTempC(ctx: Ctx): number {
  const { state, params } = ctx;
  const heat = isHeating(ctx)
    ? params.battery.sessionHeatC
    : state.charger.chargingHolder
      ? params.battery.chargeHeatC
      : 0;
  return Math.round(state.environment.ambientC + params.battery.selfHeatC + heat);
}

export function batteryView(ctx: Ctx): BatteryView {
  const { state, derived } = ctx;
  return {
    chargerPercent: Math.round(state.charger.levelPercent),
    chargerTempC: chargerTempC(ctx),
    chargerMv: levelToMv(ctx, state.charger.levelPercent),
    holderPresent: !derived.onePiece && state.holder.docked,
    holderPercent: Math.round(state.holder.levelPercent),
    holderTempC: holderTempC(ctx),
    holderMv: levelToMv(ctx, state.holder.levelPercent),
  };
}

/** Ambient bits of the status record: 1 too low, 2 too high (docs/device.md §5.2, docs/faults.md F-01). */
export function ambientBits(ctx: Ctx): number {
  const t = ctx.state.environment.ambientC;
  if (t < ctx.profile.ambientMinC) return 1;
  if (t > ctx.profile.ambientMaxC) return 2;
  return 0;
}

function holderWireState(ctx: Ctx): number {
  const h = ctx.state.holder;
  switch (h.state) {
    case 'DOCKED_CHARGING':
      return 1;
    case 'DOCKED_READY':
      return ctx.params.status.dockedFullState;
    case 'CLEANING':
      return 4;
    case 'DOCKED_UNCHARGED':
      return 5;
    case 'OFF':
      return h.docked ? 5 : 0;
    default:
      return 0;
  }
}

export function statusView(ctx: Ctx): StatusView {
  const { state } = ctx;
  const c = state.charger;
  const h = state.holder;
  const e = h.lastExperience;
  return {
    chargerState: c.state === 'USB_CHARGING' ? 1 : c.state === 'USB_CHARGED' ? 2 : 0,
    chargerLowBattery: c.lowBattery,
    chargerDefect: c.errorBits !== 0,
    holderState: holderWireState(ctx),
    holderConnection: h.connection,
    holderDefect: h.errorBits !== 0,
    chargerErrors: c.errorBits,
    holderErrors: h.errorBits,
    holderWarnings: h.warningBits,
    ambient: ambientBits(ctx),
    holderSystemError: h.systemError,
    endOfHeatReason: e.reason,
    puffs: e.puffs,
    dutyCycleFault: e.dutyCycleFault,
    intensivePuffing: e.intensivePuffing,
    newInformationWasRead: e.newInformationWasRead,
  };
}
