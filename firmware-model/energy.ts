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
  if (ctx.s.session) return ctx.s.session.capacityJ;
  const aged = (ctx.s.holder.warningBits & 0x08) !== 0;
  return ctx.d.heatingCapacityJ * (aged ? ctx.p.fault.agedCapacityPercent / 100 : 1);
}

/**
 * Uses the charge level buys while charging: one per use's worth (docs/device.md §1 recharge times are per
 * use, so DUO has one use at 50 % after 110 s and two at 100 %).
 */
export function usesByCharge(ctx: Ctx, levelPercent: number): number {
  return Math.min(ctx.profile.usesPerCharge, Math.floor((levelPercent + 1e-9) / ctx.d.energyPerUsePercent));
}

/**
 * Sessions the level can still power above the cut-off: each draws `session.energyFractionPerUse` of a
 * use's worth (more on an aged battery, F-12). Uses left never exceed this once charging stops.
 */
export function usesByEnergy(ctx: Ctx, levelPercent: number): number {
  const agedFactor = heatingCapacityJ(ctx) / ctx.d.heatingCapacityJ;
  const drawPercent = (ctx.p.session.energyFractionPerUse * ctx.d.energyPerUsePercent) / agedFactor;
  const usable = levelPercent - ctx.p.holder.cutoffPercent;
  return Math.max(0, Math.min(ctx.profile.usesPerCharge, Math.floor(usable / drawPercent + 1e-9)));
}

export function isHeating(ctx: Ctx): boolean {
  return HEATING_STATES.includes(ctx.s.holder.state) && ctx.s.heater !== null;
}

/** Level at which USB charging stops: 100 %, or the FlexBattery Eco ceiling (docs/device.md §7). */
export function chargeCeiling(ctx: Ctx): number {
  return ctx.s.settings.flexBattery === 'eco' && ctx.profile.capabilities.includes('flexBattery')
    ? ctx.p.flexBattery.ecoCeilingPercent
    : 100;
}

/** Holder charge rate in the current use segment (docs/device.md §1 recharge times, one segment per use). */
export function holderChargeRate(ctx: Ctx): number {
  const { s, d, profile } = ctx;
  const segments = profile.holderRechargeSeconds;
  if (segments.length === 0 || s.faults.holderChargeStuck) return 0;
  const index = Math.min(
    Math.floor(s.holder.levelPercent / d.energyPerUsePercent + 1e-9),
    segments.length - 1,
  );
  return d.energyPerUsePercent / ((segments[index] as number) * 1000);
}

export function rates(ctx: Ctx): Rates {
  const { s, p, d } = ctx;
  const heating = isHeating(ctx);
  let charger = 0;
  let holder = 0;
  if (
    s.charger.state === 'USB_CHARGING' ||
    (s.charger.state === 'DEEP_DISCHARGED' && s.charger.usbPower !== 'none')
  ) {
    const knee = s.charger.levelPercent < p.battery.cvKneePercent ? 1 : 0.5;
    charger = d.usbRatePctPerMs * knee * (s.charger.usbPower === 'weak' ? p.usb.weakSourceFactor : 1);
  } else if (s.charger.levelPercent > 0 && !(d.onePiece && heating)) {
    charger = -p.battery.selfDischargePercentPerDay / MS_PER_DAY;
  }
  if (!d.onePiece) {
    if (s.charger.chargingHolder && s.holder.docked) {
      holder = holderChargeRate(ctx);
      charger -= holder * d.transferCost;
    } else if (!s.holder.docked && !heating && s.holder.levelPercent > 0) {
      holder = -p.holder.idleDrainPercentPerHour / MS_PER_HOUR;
    }
  }
  return { charger, holder };
}

/** Moves levels from `s.nowMs` to `toMs` at the current rates and books the energy. */
export function integrate(ctx: Ctx, toMs: number): void {
  const { s, d } = ctx;
  const dt = toMs - s.nowMs;
  if (dt <= 0) return;
  const r = rates(ctx);
  const chargerBefore = s.charger.levelPercent;
  s.charger.levelPercent = move(chargerBefore, r.charger, dt, !(d.onePiece && isHeating(ctx)));
  const chargerDelta = s.charger.levelPercent - chargerBefore;
  if (chargerDelta > 0) {
    s.ledger.chargerInPercent += chargerDelta;
    s.charger.cycleAccumPercent += chargerDelta;
    while (s.charger.cycleAccumPercent >= 100) {
      s.charger.cycleAccumPercent -= 100;
      s.charger.cycleCount += 1;
    }
  } else s.ledger.chargerOutPercent -= chargerDelta;
  if (d.onePiece) {
    if (isHeating(ctx)) ctx.heater.adjustBattery((chargerDelta / 100) * heatingCapacityJ(ctx));
    s.holder.levelPercent = s.charger.levelPercent;
    return;
  }
  const holderBefore = s.holder.levelPercent;
  s.holder.levelPercent = move(holderBefore, r.holder, dt, true);
  const holderDelta = s.holder.levelPercent - holderBefore;
  if (holderDelta > 0) s.ledger.holderInPercent += holderDelta;
  else s.ledger.holderOutPercent -= holderDelta;
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

/** Copies the heater's battery energy back to the heating unit's level and books the draw. */
export function syncHeatingBattery(ctx: Ctx): void {
  const { s, d, heater } = ctx;
  const level = Math.max(0, (heater.batteryJ / heatingCapacityJ(ctx)) * 100);
  const unit = d.onePiece ? s.charger : s.holder;
  const drawn = unit.levelPercent - level;
  if (drawn > 0) {
    if (d.onePiece) s.ledger.chargerOutPercent += drawn;
    else s.ledger.holderOutPercent += drawn;
  }
  unit.levelPercent = level;
  if (d.onePiece) s.holder.levelPercent = level;
}

/**
 * The next time a level reaches a boundary the machines care about: full or the Eco ceiling, the
 * charge knee, the low-battery threshold, empty, every use's worth (uses left), and every half
 * percent (the battery record carries whole percents, rounded).
 */
export function nextLevelDeadline(ctx: Ctx): number | undefined {
  const r = rates(ctx);
  const { s, p, d } = ctx;
  const candidates: number[] = [];
  const chargerMarks = [
    0,
    p.charger.lowBatteryPercent,
    p.battery.cvKneePercent,
    chargeCeiling(ctx),
    chargeCeiling(ctx) - 2,
    100,
  ];
  if (d.onePiece)
    for (let k = 1; k * d.energyPerUsePercent <= 100 + 1e-9; k++)
      chargerMarks.push(k * d.energyPerUsePercent);
  const holderMarks = [0, 100];
  for (let k = 1; k * d.energyPerUsePercent < 100 - 1e-9; k++) holderMarks.push(k * d.energyPerUsePercent);
  pushCrossing(candidates, s.charger.levelPercent, r.charger, chargerMarks);
  if (!d.onePiece) pushCrossing(candidates, s.holder.levelPercent, r.holder, holderMarks);
  if (candidates.length === 0) return undefined;
  return s.nowMs + Math.max(1, Math.ceil(Math.min(...candidates)));
}

function pushCrossing(out: number[], level: number, rate: number, marks: number[]): void {
  if (rate === 0) return;
  const halves = rate > 0 ? Math.floor(level * 2 + 1e-9) / 2 + 0.5 : Math.ceil(level * 2 - 1e-9) / 2 - 0.5;
  const all = [...marks, halves];
  let best = Number.POSITIVE_INFINITY;
  for (const mark of all) {
    const distance = mark - level;
    if (rate > 0 ? distance > ON_MARK_PERCENT : distance < -ON_MARK_PERCENT)
      best = Math.min(best, distance / rate);
  }
  if (Number.isFinite(best)) out.push(best);
}

/** Battery cell voltage for a level (docs/device.md §4.2 straight line, mV). */
export function levelToMv(ctx: Ctx, levelPercent: number): number {
  const { vEmptyMv, vFullMv } = ctx.p.battery;
  return Math.round(vEmptyMv + ((vFullMv - vEmptyMv) * levelPercent) / 100);
}
