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
  const flex = ctx.state.settings.flexPuff && ctx.profile.capabilities.includes('flexPuff');
  return ctx.params.session.maxPuffs + (flex ? ctx.params.flexPuff.extraPuffs : 0);
}

/** A start trigger (button hold or stick insertion, docs/device.md §11.2 IDLE_READY row). */
export function attemptStart(ctx: Ctx, trigger: string): void {
  const { state, params } = ctx;
  const h = state.holder;
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
  if (h.errorBits !== 0 || (ctx.derived.onePiece && state.charger.errorBits !== 0)) {
    reject(ctx, trigger, 'device error');
    return;
  }
  if (!h.stickInserted) {
    reject(ctx, trigger, 'no stick inserted');
    return;
  }
  if (state.settings.lock) {
    if (params.lock.rejectHaptic) vibrate(ctx, 'holder', 'locked', 1);
    reject(ctx, trigger, 'locked');
    return;
  }
  if (ambientBits(ctx) !== 0) {
    h.resumeState = 'IDLE_READY';
    setHolderState(ctx, 'TEMP_OUT_OF_RANGE');
    ctx.setTimer('outOfRangeEnd', state.nowMs + params.lights.outOfRangeSeconds * 1000);
    reject(ctx, trigger, 'ambient temperature out of range');
    return;
  }
  begin(ctx);
}

function reject(ctx: Ctx, input: string, reason: string): void {
  ctx.emit({ type: 'rejected', atMs: ctx.state.nowMs, input, reason });
}

/** Short press or tilt while idle: show uses left for `charger.showLevelSeconds` (docs/device.md §3.2). */
export function showUses(ctx: Ctx): void {
  const h = ctx.state.holder;
  if (h.state === 'SLEEP') setHolderState(ctx, h.usesLeft >= 1 ? 'IDLE_READY' : 'IDLE_EMPTY');
  if (h.state !== 'IDLE_READY' && h.state !== 'IDLE_EMPTY') return;
  h.indicating = true;
  ctx.setTimer('holderShowEnd', ctx.state.nowMs + ctx.params.charger.showLevelSeconds * 1000);
  armSleep(ctx);
}

export function armSleep(ctx: Ctx): void {
  if (ctx.state.holder.state === 'IDLE_READY')
    ctx.setTimer('idleSleep', ctx.state.nowMs + ctx.params.holder.idleSleepSeconds * 1000);
}

function begin(ctx: Ctx): void {
  const { state, params, derived } = ctx;
  const now = state.nowMs;
  const capacity = heatingCapacityJ(ctx);
  const level = derived.onePiece ? state.charger.levelPercent : state.holder.levelPercent;
  ctx.heater.start(
    now,
    state.environment.ambientC,
    state.environment.ambientC,
    (level / 100) * capacity,
    (params.holder.cutoffPercent / 100) * capacity,
  );
  ctx.heater.setFault(state.faults.heater);
  state.heater = [];
  const endAtMs =
    now +
    params.session.maxSeconds * 1000 +
    (params.session.timerStartsAt === 'ready' ? params.session.preheatSeconds * 1000 : 0);
  state.session = {
    capacityJ: capacity,
    startMs: now,
    endAtMs,
    readyAtMs: now + params.session.preheatSeconds * 1000,
    warned: false,
    puffs: 0,
    lastPuffMs: -1,
    pausedAtMs: -1,
    reachedReady: false,
    dutyCycleFault: state.faults.dutyCycle,
    intensivePuffing: false,
  };
  state.holder.indicating = false;
  state.holder.lastExperience = {
    reason: END_REASON.heating,
    puffs: 0,
    dutyCycleFault: false,
    intensivePuffing: false,
    newInformationWasRead: false,
  };
  ctx.clearTimer('idleSleep');
  setHolderState(ctx, 'PREHEAT');
  armSessionTimers(ctx);
  ctx.setTimer('heaterReport', now + params.heater.reportEveryMs);
  vibrate(ctx, 'holder', 'heatingStart', 1, 'heatingStart');
  ctx.emit({ type: 'session', atMs: now, phase: 'start', puffs: 0 });
}

function armSessionTimers(ctx: Ctx): void {
  const { state, params } = ctx;
  const session = state.session;
  if (!session) return;
  if (!session.reachedReady) ctx.setTimer('preheatEnd', session.readyAtMs);
  ctx.setTimer('sessionEnd', session.endAtMs);
  if (!session.warned)
    ctx.setTimer('warning', session.endAtMs - params.session.warningSecondsBeforeEnd * 1000);
}

export function onPreheatEnd(ctx: Ctx): void {
  const session = ctx.state.session;
  if (!session || ctx.state.holder.state !== 'PREHEAT') return;
  session.reachedReady = true;
  setHolderState(ctx, 'SESSION_ACTIVE');
  vibrate(ctx, 'holder', 'startingToUse', 2, 'startingToUse');
  ctx.emit({ type: 'session', atMs: ctx.state.nowMs, phase: 'ready', puffs: session.puffs });
  if (session.warned) enterWarning(ctx);
}

export function enterWarning(ctx: Ctx): void {
  const session = ctx.state.session;
  if (!session) return;
  session.warned = true;
  ctx.clearTimer('warning');
  if (ctx.state.holder.state !== 'SESSION_ACTIVE') return;
  setHolderState(ctx, 'SESSION_WARNING');
  vibrate(ctx, 'holder', 'puffEnd', 2, 'puffEnd');
  ctx.emit({ type: 'session', atMs: ctx.state.nowMs, phase: 'warning', puffs: session.puffs });
}

/**
 * A puff the heater loop detected (docs/device.md §2.2: not counted in pre-heat, at least `minPuffSeconds`
 * apart).
 */
export function onPuffDetected(ctx: Ctx): void {
  const { state, params } = ctx;
  const session = state.session;
  puffRegistered(ctx);
  if (!session) return;
  const holderState = state.holder.state;
  const countable =
    holderState === 'SESSION_ACTIVE' ||
    holderState === 'SESSION_WARNING' ||
    (holderState === 'PREHEAT' && params.session.countPuffsDuringPreheat);
  const gapMs = session.lastPuffMs < 0 ? Number.POSITIVE_INFINITY : state.nowMs - session.lastPuffMs;
  const counted = countable && gapMs >= params.session.minPuffSeconds * 1000;
  if (!counted) {
    const reason = countable ? 'tooSoon' : 'preheat';
    ctx.emit({ type: 'puff', atMs: state.nowMs, puffs: session.puffs, counted: false, reason });
    return;
  }
  if (gapMs < params.fault.intensivePuffIntervalS * 1000) session.intensivePuffing = true;
  session.lastPuffMs = state.nowMs;
  session.puffs += 1;
  state.holder.lastExperience.puffs = session.puffs;
  ctx.emit({ type: 'puff', atMs: state.nowMs, puffs: session.puffs, counted: true });
  const limit = puffLimit(ctx);
  if (session.puffs >= limit) {
    endSession(ctx, END_REASON.puffLimit);
    return;
  }
  const warnPuffs = params.session.warningPuffsBeforeEnd;
  if (warnPuffs > 0 && limit - session.puffs <= warnPuffs && !session.warned) enterWarning(ctx);
}

/**
 * Button during heating (docs/device.md §7 Pause Mode, docs/device.md §11.2): pause or resume where enabled,
 * else a user end.
 */
export function onButtonDuringSession(ctx: Ctx): void {
  const { state, params } = ctx;
  const session = state.session;
  if (!session) return;
  const pausable = state.settings.pauseMode && ctx.profile.capabilities.includes('pauseMode');
  if (state.holder.state === 'PAUSED') {
    const pausedMs = state.nowMs - session.pausedAtMs;
    session.pausedAtMs = -1;
    if (params.pause.freezesTimer) {
      session.endAtMs += pausedMs;
      if (!session.reachedReady) session.readyAtMs += pausedMs;
    }
    ctx.clearTimer('pauseExpire');
    ctx.heater.resume(state.nowMs);
    setHolderState(ctx, state.holder.resumeState ?? 'SESSION_ACTIVE');
    state.holder.resumeState = null;
    armSessionTimers(ctx);
    ctx.emit({ type: 'session', atMs: state.nowMs, phase: 'resumed', puffs: session.puffs });
    return;
  }
  if (pausable && (state.holder.state === 'SESSION_ACTIVE' || state.holder.state === 'SESSION_WARNING')) {
    session.pausedAtMs = state.nowMs;
    resolvePendingPuff(ctx, 'paused');
    state.holder.resumeState = state.holder.state;
    ctx.heater.setOn(false);
    for (const t of ['preheatEnd', 'warning', 'sessionEnd'] as const) ctx.clearTimer(t);
    ctx.setTimer('pauseExpire', state.nowMs + params.pause.windowSeconds * 1000);
    setHolderState(ctx, 'PAUSED');
    vibrate(ctx, 'holder', 'paused', 1);
    ctx.emit({ type: 'session', atMs: state.nowMs, phase: 'paused', puffs: session.puffs });
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
  const { state, params, derived } = ctx;
  const session = state.session;
  if (!session || !HEATING_STATES.includes(state.holder.state)) return;
  syncHeatingBattery(ctx);
  resolvePendingPuff(ctx, 'sessionEnded');
  state.heaterTempC = state.environment.ambientC;
  state.heater = null;
  for (const t of SESSION_TIMERS) ctx.clearTimer(t);
  const now = state.nowMs;
  setHolderState(ctx, 'SESSION_END');
  state.holder.resumeState = null;
  state.holder.lastExperience = {
    reason,
    puffs: session.puffs,
    dutyCycleFault: session.dutyCycleFault,
    intensivePuffing: session.intensivePuffing,
    newInformationWasRead: false,
  };
  if (session.reachedReady) countUse(ctx, now - session.startMs);
  const level = derived.onePiece ? state.charger.levelPercent : state.holder.levelPercent;
  state.holder.usesLeft = Math.max(0, Math.min(state.holder.usesLeft - 1, usesByEnergy(ctx, level)));
  state.session = null;
  if (reason === END_REASON.userAction) vibrate(ctx, 'holder', 'manuallyTerminated', 1, 'manuallyTerminated');
  ctx.emit({ type: 'session', atMs: now, phase: 'end', puffs: session.puffs, reason });
  if (FAULT_REASONS.includes(reason)) {
    state.holder.errorBits |= 0x01;
    state.holder.systemError = reason;
    logError(ctx, 0x02, state.holder.errorBits);
    setHolderState(ctx, 'ERROR');
    return;
  }
  setHolderState(ctx, 'COOLDOWN');
  if (params.session.cooldownSeconds > 0)
    ctx.setTimer('cooldownEnd', now + params.session.cooldownSeconds * 1000);
  else finishCooldown(ctx);
}

export function finishCooldown(ctx: Ctx): void {
  if (ctx.state.holder.state !== 'COOLDOWN') return;
  restHolder(ctx);
}

/** The holder's resting state: docked states follow the charger; out of it, by uses left. */
export function restHolder(ctx: Ctx): void {
  const h = ctx.state.holder;
  if (h.docked) {
    setHolderState(ctx, 'DOCKED_UNCHARGED');
    return;
  }
  setHolderState(ctx, h.usesLeft >= 1 ? 'IDLE_READY' : 'IDLE_EMPTY');
  armSleep(ctx);
}

function countUse(ctx: Ctx, durationMs: number): void {
  const { state, derived } = ctx;
  const c = state.counters;
  const session = state.session;
  const holderTags = derived.onePiece ? c.charger : c.holder;
  holderTags['8E'] = (holderTags['8E'] ?? 0) + 1;
  if (!derived.onePiece) {
    holderTags['20'] = (holderTags['20'] ?? 0) + 1;
    c.charger['1E'] = (c.charger['1E'] ?? 0) + 1;
  }
  c.lifetimePuffs += session?.puffs ?? 0;
  const quarters = Math.round(durationMs / 250);
  c.lifetimeUsageQuarterSeconds += quarters;
  c.lastSessionQuarterSeconds = quarters;
  state.holder.sticksSinceClean += 1;
}

/** Logs an error (docs/device.md §5.3): S 0x03 takes the RTC date, S 0x82 the code `(group << 8) | bits`. */
export function logError(ctx: Ctx, group: number, bits: number): void {
  ctx.state.lastErrorRtc = rtcSeconds(ctx);
  ctx.state.errorCode = ((group & 0xff) << 8) | (bits & 0xff);
}
