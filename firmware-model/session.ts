/**
 * The heating session (docs/device.md §2.2, §11.2 PREHEAT … COOLDOWN): start guards, the timers
 * of the profile (ready, warning, end), puffs, pause, and the end of heat with its reason, record
 * and counters. The control loop itself is in heater.ts.
 */
import type { Ctx } from './context.js';
import { heatingCapacityJ, syncHeatingBattery, usesByEnergy } from './energy.js';
import { rtcSeconds, setHolderState, vibrate } from './outputs.js';
import { puffRegistered, resolvePendingPuff } from './puffs.js';
import { END_REASON, HEATING_STATES } from './types.js';
import { ambientBits } from './views.js';

const SESSION_TIMERS = ['preheatEnd', 'warning', 'sessionEnd', 'pauseExpire', 'heaterReport'] as const;

export function puffLimit(ctx: Ctx): number {
  const flex = ctx.s.settings.flexPuff && ctx.profile.capabilities.includes('flexPuff');
  return ctx.p.session.maxPuffs + (flex ? ctx.p.flexPuff.extraPuffs : 0);
}

/** A start trigger (button hold or stick insertion, docs/device.md §11.2 IDLE_READY row). */
export function attemptStart(ctx: Ctx, trigger: string): void {
  const { s, p } = ctx;
  const h = s.holder;
  if (h.state === 'SLEEP') setHolderState(ctx, h.usesLeft >= 1 ? 'IDLE_READY' : 'IDLE_EMPTY');
  if (h.state === 'IDLE_EMPTY') {
    showUses(ctx);
    reject(ctx, trigger, 'no use left');
    return;
  }
  if (h.state !== 'IDLE_READY') {
    reject(ctx, trigger, `holder is ${h.state}`);
    return;
  }
  if (h.errorBits !== 0 || (ctx.d.onePiece && s.charger.errorBits !== 0)) {
    reject(ctx, trigger, 'device error');
    return;
  }
  if (!h.stickInserted) {
    reject(ctx, trigger, 'no stick inserted');
    return;
  }
  if (s.settings.lock) {
    if (p.lock.rejectHaptic) vibrate(ctx, 'holder', 'locked', 1);
    reject(ctx, trigger, 'locked');
    return;
  }
  if (ambientBits(ctx) !== 0) {
    h.resumeState = 'IDLE_READY';
    setHolderState(ctx, 'TEMP_OUT_OF_RANGE');
    ctx.setTimer('outOfRangeEnd', s.nowMs + p.lights.outOfRangeSeconds * 1000);
    reject(ctx, trigger, 'ambient temperature out of range');
    return;
  }
  begin(ctx);
}

function reject(ctx: Ctx, input: string, reason: string): void {
  ctx.emit({ type: 'rejected', atMs: ctx.s.nowMs, input, reason });
}

/** Short press or tilt while idle: show uses left for `charger.showLevelSeconds` (docs/device.md §3.2). */
export function showUses(ctx: Ctx): void {
  const h = ctx.s.holder;
  if (h.state === 'SLEEP') setHolderState(ctx, h.usesLeft >= 1 ? 'IDLE_READY' : 'IDLE_EMPTY');
  if (h.state !== 'IDLE_READY' && h.state !== 'IDLE_EMPTY') return;
  h.indicating = true;
  ctx.setTimer('holderShowEnd', ctx.s.nowMs + ctx.p.charger.showLevelSeconds * 1000);
  armSleep(ctx);
}

export function armSleep(ctx: Ctx): void {
  if (ctx.s.holder.state === 'IDLE_READY')
    ctx.setTimer('idleSleep', ctx.s.nowMs + ctx.p.holder.idleSleepSeconds * 1000);
}

function begin(ctx: Ctx): void {
  const { s, p, d } = ctx;
  const now = s.nowMs;
  const capacity = heatingCapacityJ(ctx);
  const level = d.onePiece ? s.charger.levelPercent : s.holder.levelPercent;
  ctx.heater.start(
    now,
    s.environment.ambientC,
    s.environment.ambientC,
    (level / 100) * capacity,
    (p.holder.cutoffPercent / 100) * capacity,
  );
  ctx.heater.setFault(s.faults.heater);
  s.heater = [];
  const endAtMs =
    now +
    p.session.maxSeconds * 1000 +
    (p.session.timerStartsAt === 'ready' ? p.session.preheatSeconds * 1000 : 0);
  s.session = {
    capacityJ: capacity,
    startMs: now,
    endAtMs,
    readyAtMs: now + p.session.preheatSeconds * 1000,
    warned: false,
    puffs: 0,
    lastPuffMs: -1,
    pausedAtMs: -1,
    reachedReady: false,
    dutyCycleFault: s.faults.dutyCycle,
    intensivePuffing: false,
  };
  s.holder.indicating = false;
  s.holder.lastExperience = {
    reason: END_REASON.heating,
    puffs: 0,
    dutyCycleFault: false,
    intensivePuffing: false,
    newInformationWasRead: false,
  };
  ctx.clearTimer('idleSleep');
  setHolderState(ctx, 'PREHEAT');
  armSessionTimers(ctx);
  ctx.setTimer('heaterReport', now + p.heater.reportEveryMs);
  vibrate(ctx, 'holder', 'heatingStart', 1, 'heatingStart');
  ctx.emit({ type: 'session', atMs: now, phase: 'start', puffs: 0 });
}

function armSessionTimers(ctx: Ctx): void {
  const { s, p } = ctx;
  const session = s.session;
  if (!session) return;
  if (!session.reachedReady) ctx.setTimer('preheatEnd', session.readyAtMs);
  ctx.setTimer('sessionEnd', session.endAtMs);
  if (!session.warned) ctx.setTimer('warning', session.endAtMs - p.session.warningSecondsBeforeEnd * 1000);
}

export function onPreheatEnd(ctx: Ctx): void {
  const session = ctx.s.session;
  if (!session || ctx.s.holder.state !== 'PREHEAT') return;
  session.reachedReady = true;
  setHolderState(ctx, 'SESSION_ACTIVE');
  vibrate(ctx, 'holder', 'startingToUse', 2, 'startingToUse');
  ctx.emit({ type: 'session', atMs: ctx.s.nowMs, phase: 'ready', puffs: session.puffs });
  if (session.warned) enterWarning(ctx);
}

export function enterWarning(ctx: Ctx): void {
  const session = ctx.s.session;
  if (!session) return;
  session.warned = true;
  ctx.clearTimer('warning');
  if (ctx.s.holder.state !== 'SESSION_ACTIVE') return;
  setHolderState(ctx, 'SESSION_WARNING');
  vibrate(ctx, 'holder', 'puffEnd', 2, 'puffEnd');
  ctx.emit({ type: 'session', atMs: ctx.s.nowMs, phase: 'warning', puffs: session.puffs });
}

/**
 * A puff the heater loop detected (docs/device.md §2.2: not counted in pre-heat, at least `minPuffSeconds`
 * apart).
 */
export function onPuffDetected(ctx: Ctx): void {
  const { s, p } = ctx;
  const session = s.session;
  puffRegistered(ctx);
  if (!session) return;
  const state = s.holder.state;
  const countable =
    state === 'SESSION_ACTIVE' ||
    state === 'SESSION_WARNING' ||
    (state === 'PREHEAT' && p.session.countPuffsDuringPreheat);
  const gapMs = session.lastPuffMs < 0 ? Number.POSITIVE_INFINITY : s.nowMs - session.lastPuffMs;
  const counted = countable && gapMs >= p.session.minPuffSeconds * 1000;
  if (!counted) {
    const reason = countable ? 'tooSoon' : 'preheat';
    ctx.emit({ type: 'puff', atMs: s.nowMs, puffs: session.puffs, counted: false, reason });
    return;
  }
  if (gapMs < p.fault.intensivePuffIntervalS * 1000) session.intensivePuffing = true;
  session.lastPuffMs = s.nowMs;
  session.puffs += 1;
  s.holder.lastExperience.puffs = session.puffs;
  ctx.emit({ type: 'puff', atMs: s.nowMs, puffs: session.puffs, counted: true });
  const limit = puffLimit(ctx);
  if (session.puffs >= limit) {
    endSession(ctx, END_REASON.puffLimit);
    return;
  }
  const warnPuffs = p.session.warningPuffsBeforeEnd;
  if (warnPuffs > 0 && limit - session.puffs <= warnPuffs && !session.warned) enterWarning(ctx);
}

/**
 * Button during heating (docs/device.md §7 Pause Mode, docs/device.md §11.2): pause or resume where enabled,
 * else a user end.
 */
export function onButtonDuringSession(ctx: Ctx): void {
  const { s, p } = ctx;
  const session = s.session;
  if (!session) return;
  const pausable = s.settings.pauseMode && ctx.profile.capabilities.includes('pauseMode');
  if (s.holder.state === 'PAUSED') {
    const pausedMs = s.nowMs - session.pausedAtMs;
    session.pausedAtMs = -1;
    if (p.pause.freezesTimer) {
      session.endAtMs += pausedMs;
      if (!session.reachedReady) session.readyAtMs += pausedMs;
    }
    ctx.clearTimer('pauseExpire');
    ctx.heater.resume(s.nowMs);
    setHolderState(ctx, s.holder.resumeState ?? 'SESSION_ACTIVE');
    s.holder.resumeState = null;
    armSessionTimers(ctx);
    ctx.emit({ type: 'session', atMs: s.nowMs, phase: 'resumed', puffs: session.puffs });
    return;
  }
  if (pausable && (s.holder.state === 'SESSION_ACTIVE' || s.holder.state === 'SESSION_WARNING')) {
    session.pausedAtMs = s.nowMs;
    resolvePendingPuff(ctx, 'paused');
    s.holder.resumeState = s.holder.state;
    ctx.heater.setOn(false);
    for (const t of ['preheatEnd', 'warning', 'sessionEnd'] as const) ctx.clearTimer(t);
    ctx.setTimer('pauseExpire', s.nowMs + p.pause.windowSeconds * 1000);
    setHolderState(ctx, 'PAUSED');
    vibrate(ctx, 'holder', 'paused', 1);
    ctx.emit({ type: 'session', atMs: s.nowMs, phase: 'paused', puffs: session.puffs });
    return;
  }
  endSession(ctx, END_REASON.userAction);
}

const FAULT_REASONS: readonly number[] = [
  END_REASON.heaterOverTemp,
  END_REASON.heaterPower,
  END_REASON.systemFault,
  END_REASON.heaterVariation,
];

/** End of heat (docs/device.md §11.2 SESSION_END row): record, counters, uses, then cool-down and rest. */
export function endSession(ctx: Ctx, reason: number): void {
  const { s, p, d } = ctx;
  const session = s.session;
  if (!session || !HEATING_STATES.includes(s.holder.state)) return;
  syncHeatingBattery(ctx);
  resolvePendingPuff(ctx, 'sessionEnded');
  s.heaterTempC = s.environment.ambientC;
  s.heater = null;
  for (const t of SESSION_TIMERS) ctx.clearTimer(t);
  const now = s.nowMs;
  setHolderState(ctx, 'SESSION_END');
  s.holder.resumeState = null;
  s.holder.lastExperience = {
    reason,
    puffs: session.puffs,
    dutyCycleFault: session.dutyCycleFault,
    intensivePuffing: session.intensivePuffing,
    newInformationWasRead: false,
  };
  if (session.reachedReady) countUse(ctx, now - session.startMs);
  const level = d.onePiece ? s.charger.levelPercent : s.holder.levelPercent;
  s.holder.usesLeft = Math.max(0, Math.min(s.holder.usesLeft - 1, usesByEnergy(ctx, level)));
  s.session = null;
  if (reason === END_REASON.userAction) vibrate(ctx, 'holder', 'manuallyTerminated', 1, 'manuallyTerminated');
  ctx.emit({ type: 'session', atMs: now, phase: 'end', puffs: session.puffs, reason });
  if (FAULT_REASONS.includes(reason)) {
    s.holder.errorBits |= 0x01;
    s.holder.systemError = reason;
    logError(ctx, 0x02, s.holder.errorBits);
    setHolderState(ctx, 'ERROR');
    return;
  }
  setHolderState(ctx, 'COOLDOWN');
  if (p.session.cooldownSeconds > 0) ctx.setTimer('cooldownEnd', now + p.session.cooldownSeconds * 1000);
  else finishCooldown(ctx);
}

export function finishCooldown(ctx: Ctx): void {
  if (ctx.s.holder.state !== 'COOLDOWN') return;
  restHolder(ctx);
}

/** The holder's resting state: docked states follow the charger; out of it, by uses left. */
export function restHolder(ctx: Ctx): void {
  const h = ctx.s.holder;
  if (h.docked) {
    setHolderState(ctx, 'DOCKED_UNCHARGED');
    return;
  }
  setHolderState(ctx, h.usesLeft >= 1 ? 'IDLE_READY' : 'IDLE_EMPTY');
  armSleep(ctx);
}

function countUse(ctx: Ctx, durationMs: number): void {
  const { s, d } = ctx;
  const c = s.counters;
  const session = s.session;
  const holderTags = d.onePiece ? c.charger : c.holder;
  holderTags['8E'] = (holderTags['8E'] ?? 0) + 1;
  if (!d.onePiece) {
    holderTags['20'] = (holderTags['20'] ?? 0) + 1;
    c.charger['1E'] = (c.charger['1E'] ?? 0) + 1;
  }
  c.lifetimePuffs += session?.puffs ?? 0;
  const quarters = Math.round(durationMs / 250);
  c.lifetimeUsageQuarterSeconds += quarters;
  c.lastSessionQuarterSeconds = quarters;
  s.holder.sticksSinceClean += 1;
}

/** Logs an error (docs/device.md §5.3): S 0x03 takes the RTC date, S 0x82 the code `(group << 8) | bits`. */
export function logError(ctx: Ctx, group: number, bits: number): void {
  ctx.s.lastErrorRtc = rtcSeconds(ctx);
  ctx.s.errorCode = ((group & 0xff) << 8) | (bits & 0xff);
}
