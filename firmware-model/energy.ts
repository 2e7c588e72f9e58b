/**
 * Batteries between events (docs/device.md §4.2, §11.2, §12.2): every level changes at a rate that
 * is constant until the next event, so levels are integrated exactly and the next boundary (full,
 * knee, low, a use's worth, a whole percent for notifications) is a deadline rather than a tick.
 * While heating, the heater loop owns the heating battery in joules; `syncHeatingBattery` copies it back.
 */
import type { Ctx } from './context.js';
import { HEATING_STATES } from './types.js';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** A mark closer than this is where the level already is, not one still ahead of it. */
const ON_MARK_PERCENT = 1e-9;

export interface Rates {
  /** Charger (or one-piece main unit), % per ms. */
  charger: number;
  /** Holder, % per ms (two-piece only). */
  holder: number;
}

/**
 * Joules in the heating battery at 100 % (reduced by an aged battery, F-12). A session keeps the
 * capacity it started with, so a warning injected mid-session cannot unbalance the ledger.
 */
export function heatingCapacityJ(ctx: Ctx): number {
  if (ctx.state.session) return ctx.state.session.capacityJ;
  const aged = (ctx.state.holder.warningBits & 0x08) !== 0;
  return ctx.derived.heatingCapacityJ * (aged ? ctx.params.fault.agedCapacityPercent / 100 : 1);
}

/**
 * Uses the charge level buys while charging: one per use's worth (docs/device.md §1 recharge times are per
 * use, so DUO has one use at 50 % after 110 s and two at 100 %).
 */
export function usesByCharge(ctx: Ctx, levelPercent: number): number {
  return Math.min(
    ctx.profile.usesPerCharge,
    Math.floor((levelPercent + 1e-9) / ctx.derived.energyPerUsePercent),
  );
}

/**
 * Sessions the level can still power above the cut-off: each draws `session.energyFractionPerUse` of a
 * use's worth (more on an aged battery, F-12). Uses left never exceed this once charging stops.
 */
export function usesByEnergy(ctx: Ctx, levelPercent: number): number {
  const agedFactor = heatingCapacityJ(ctx) / ctx.derived.heatingCapacityJ;
  const drawPercent =
    (ctx.params.session.energyFractionPerUse * ctx.derived.energyPerUsePercent) / agedFactor;
  const usable = levelPercent - ctx.params.holder.cutoffPercent;
  return Math.max(0, Math.min(ctx.profile.usesPerCharge, Math.floor(usable / drawPercent + 1e-9)));
}

export function isHeating(ctx: Ctx): boolean {
  return HEATING_STATES.includes(ctx.state.holder.state) && ctx.state.heater !== null;
}

/** Level at which USB charging stops: 100 %, or the FlexBattery Eco ceiling (docs/device.md §7). */
export function chargeCeiling(ctx: Ctx): number {
  return ctx.state.settings.flexBattery === 'eco' && ctx.profile.capabilities.includes('flexBattery')
    ? ctx.params.flexBattery.ecoCeilingPercent
    : 100;
}

/** Holder charge rate in the current use segment (docs/device.md §1 recharge times, one segment per use). */
export function holderChargeRate(ctx: Ctx): number {
  const { state, derived, profile } = ctx;
  const segments = profile.holderRechargeSeconds;
  if (segments.length === 0 || state.faults.holderChargeStuck) return 0;
  const index = Math.min(
    Math.floor(state.holder.levelPercent / derived.energyPerUsePercent + 1e-9),
    segments.length - 1,
  );
  return derived.energyPerUsePercent / ((segments[index] as number) * 1000);
}

export function rates(ctx: Ctx): Rates {
  return ratesInto(ctx, isHeating(ctx), { charger: 0, holder: 0 });
}

/** `rates` written into `out` (returned), for callers that read them once per sample. */
function ratesInto(ctx: Ctx, heating: boolean, out: Rates): Rates {
  const { state, params, derived } = ctx;
  let charger = 0;
  let holder = 0;
  if (
    state.charger.state === 'USB_CHARGING' ||
    (state.charger.state === 'DEEP_DISCHARGED' && state.charger.usbPower !== 'none')
  ) {
    const knee = state.charger.levelPercent < params.battery.cvKneePercent ? 1 : 0.5;
    charger =
      derived.usbRatePctPerMs * knee * (state.charger.usbPower === 'weak' ? params.usb.weakSourceFactor : 1);
  } else if (state.charger.levelPercent > 0 && !(derived.onePiece && heating)) {
    charger = -params.battery.selfDischargePercentPerDay / MS_PER_DAY;
  }
  if (!derived.onePiece) {
    if (state.charger.chargingHolder && state.holder.docked) {
      holder = holderChargeRate(ctx);
      charger -= holder * derived.transferCost;
    } else if (!state.holder.docked && !heating && state.holder.levelPercent > 0) {
      holder = -params.holder.idleDrainPercentPerHour / MS_PER_HOUR;
    }
  }
  out.charger = charger;
  out.holder = holder;
  return out;
}

/** Moves levels from `s.nowMs` to `toMs` at the current rates and books the energy. */
export function integrate(ctx: Ctx, toMs: number): void {
  const { state, derived } = ctx;
  const dt = toMs - state.nowMs;
  if (dt <= 0) return;
  const r = rates(ctx);
  const chargerBefore = state.charger.levelPercent;
  state.charger.levelPercent = move(chargerBefore, r.charger, dt, !(derived.onePiece && isHeating(ctx)));
  const chargerDelta = state.charger.levelPercent - chargerBefore;
  if (chargerDelta > 0) {
    state.ledger.chargerInPercent += chargerDelta;
    state.charger.cycleAccumPercent += chargerDelta;
    while (state.charger.cycleAccumPercent >= 100) {
      state.charger.cycleAccumPercent -= 100;
      state.charger.cycleCount += 1;
    }
  } else state.ledger.chargerOutPercent -= chargerDelta;
  if (derived.onePiece) {
    if (isHeating(ctx)) ctx.heater.adjustBattery((chargerDelta / 100) * heatingCapacityJ(ctx));
    state.holder.levelPercent = state.charger.levelPercent;
    return;
  }
  const holderBefore = state.holder.levelPercent;
  state.holder.levelPercent = move(holderBefore, r.holder, dt, true);
  const holderDelta = state.holder.levelPercent - holderBefore;
  if (holderDelta > 0) state.ledger.holderInPercent += holderDelta;
  else state.ledger.holderOutPercent -= holderDelta;
}

/**
 * `level` moved at `ratePctPerMs` for `dtMs`, within 0–100. Deadlines are whole milliseconds, so a
 * level that reached a mark (a whole or half percent, which includes every boundary) within one
 * millisecond of travel is put on it exactly — only a mark it moved towards, so tiny steps of a slow
 * drain are never undone.
 */
function move(level: number, ratePctPerMs: number, dtMs: number, snap: boolean): number {
  if (ratePctPerMs === 0) return level;
  const next = Math.min(100, Math.max(0, level + ratePctPerMs * dtMs));
  if (!snap) return next;
  const mark = Math.round(next * 2) / 2;
  const towards = ratePctPerMs > 0 ? mark > level : mark < level;
  return towards && Math.abs(next - mark) <= Math.abs(ratePctPerMs) + 1e-12 ? mark : next;
}

/** The heating unit's level (%) from the heater's battery energy, plus `extraPercent` not yet booked there. */
function heatingLevelPercent(ctx: Ctx, extraPercent: number): number {
  return Math.max(0, (ctx.heater.batteryJ / heatingCapacityJ(ctx)) * 100 + extraPercent);
}

/**
 * Both levels (%) at `atMs` as one `integrate` from the firmware's time (and, while heating,
 * `syncHeatingBattery`) would leave them, without moving anything: what a firmware probe reads
 * (docs/firmware-model.md "Surface"). `scratch` takes the rates, so nothing is allocated.
 */
export function levelsAt(
  ctx: Ctx,
  atMs: number,
  heating: boolean,
  scratch: Rates,
  out: { holderPct: number; chargerPct: number },
): void {
  const { state, derived } = ctx;
  const dt = Math.max(0, atMs - state.nowMs);
  const r = ratesInto(ctx, heating, scratch);
  const charger = move(state.charger.levelPercent, r.charger, dt, !(derived.onePiece && heating));
  if (derived.onePiece) {
    // A one-piece unit heating books its charge into the heater's energy (see `integrate`).
    out.chargerPct = heating ? heatingLevelPercent(ctx, charger - state.charger.levelPercent) : charger;
    out.holderPct = out.chargerPct;
    return;
  }
  out.chargerPct = charger;
  out.holderPct = heating ? heatingLevelPercent(ctx, 0) : move(state.holder.levelPercent, r.holder, dt, true);
}

/** Copies the heater's battery energy back to the heating unit's level and books the draw. */
export function syncHeatingBattery(ctx: Ctx): void {
  const { state, derived } = ctx;
  const level = heatingLevelPercent(ctx, 0);
  const unit = derived.onePiece ? state.charger : state.holder;
  const drawn = unit.levelPercent - level;
  if (drawn > 0) {
    if (derived.onePiece) state.ledger.chargerOutPercent += drawn;
    else state.ledger.holderOutPercent += drawn;
  }
  unit.levelPercent = level;
  if (derived.onePiece) state.holder.levelPercent = level;
}

/**
 * The next time a level reaches a boundary the machines care about: full or the Eco ceiling, the
 * charge knee, the low-battery threshold, empty, every use's worth (uses left), and every half
 * percent (the battery record carries whole percents, rounded).
 */
export function nextLevelDeadline(ctx: Ctx): number | undefined {
  const r = rates(ctx);
  const { state, params, derived } = ctx;
  // Called after every step: the marks are visited in place, nothing is allocated.
  let bestMs = Number.POSITIVE_INFINITY;
  const charger = state.charger.levelPercent;
  if (r.charger !== 0) {
    const ceiling = chargeCeiling(ctx);
    let unitMs = Number.POSITIVE_INFINITY;
    unitMs = crossing(charger, r.charger, 0, unitMs);
    unitMs = crossing(charger, r.charger, params.charger.lowBatteryPercent, unitMs);
    unitMs = crossing(charger, r.charger, params.battery.cvKneePercent, unitMs);
    unitMs = crossing(charger, r.charger, ceiling, unitMs);
    unitMs = crossing(charger, r.charger, ceiling - 2, unitMs);
    unitMs = crossing(charger, r.charger, 100, unitMs);
    if (derived.onePiece)
      for (let k = 1; k * derived.energyPerUsePercent <= 100 + 1e-9; k++)
        unitMs = crossing(charger, r.charger, k * derived.energyPerUsePercent, unitMs);
    unitMs = crossing(charger, r.charger, nextHalf(charger, r.charger), unitMs);
    bestMs = Math.min(bestMs, unitMs);
  }
  const holder = state.holder.levelPercent;
  if (!derived.onePiece && r.holder !== 0) {
    let unitMs = Number.POSITIVE_INFINITY;
    unitMs = crossing(holder, r.holder, 0, unitMs);
    unitMs = crossing(holder, r.holder, 100, unitMs);
    for (let k = 1; k * derived.energyPerUsePercent < 100 - 1e-9; k++)
      unitMs = crossing(holder, r.holder, k * derived.energyPerUsePercent, unitMs);
    unitMs = crossing(holder, r.holder, nextHalf(holder, r.holder), unitMs);
    bestMs = Math.min(bestMs, unitMs);
  }
  if (!Number.isFinite(bestMs)) return undefined;
  return state.nowMs + Math.max(1, Math.ceil(bestMs));
}

/** The half-percent boundary a level moving at `rate` reaches next (the record rounds to whole %). */
function nextHalf(level: number, rate: number): number {
  return rate > 0 ? Math.floor(level * 2 + 1e-9) / 2 + 0.5 : Math.ceil(level * 2 - 1e-9) / 2 - 0.5;
}

/** `bestMs`, or the time to reach `mark` from `level` at `rate` (%/ms) when that is sooner and ahead. */
function crossing(level: number, rate: number, mark: number, bestMs: number): number {
  const distance = mark - level;
  if (rate > 0 ? distance > ON_MARK_PERCENT : distance < -ON_MARK_PERCENT)
    return Math.min(bestMs, distance / rate);
  return bestMs;
}

/** Battery cell voltage for a level (docs/device.md §4.2 straight line, mV). */
export function levelToMv(ctx: Ctx, levelPercent: number): number {
  const { vEmptyMv, vFullMv } = ctx.params.battery;
  return Math.round(vEmptyMv + ((vFullMv - vEmptyMv) * levelPercent) / 100);
}
