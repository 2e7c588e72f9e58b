/** What each timer does when it expires (timeouts are inputs, architecture rule 3). */
import { onPowerHold, onResetHold, onStartHold } from './buttons.js';
import type { Ctx, TimerName } from './context.js';
import { holderErrorBits, stopFindMy } from './inputs.js';
import { setChargerState, setHolderState } from './outputs.js';
import { finishChargerReset, finishHolderReset } from './power.js';
import { onPuffCheck } from './puffs.js';
import { armSleep, endSession, enterWarning, finishCooldown, logError, onPreheatEnd } from './session.js';
import { END_REASON } from './types.js';

/** Fires `name`; returns true when the charger should re-check its conditions at once. */
export function fireTimer(ctx: Ctx, name: TimerName): boolean {
  const { state, params } = ctx;
  switch (name) {
    case 'level':
      return false;
    case 'heaterReport':
      ctx.setTimer('heaterReport', state.nowMs + params.heater.reportEveryMs);
      return false;
    case 'chargerPowerHold':
      onPowerHold(ctx);
      return true;
    case 'chargerResetHold':
      onResetHold(ctx);
      return false;
    case 'holderStartHold':
      onStartHold(ctx);
      return false;
    case 'preheatEnd':
      onPreheatEnd(ctx);
      return false;
    case 'warning':
      enterWarning(ctx);
      return false;
    case 'puffCheck':
      onPuffCheck(ctx);
      return false;
    case 'sessionEnd':
      endSession(ctx, END_REASON.endOfProfile);
      return false;
    case 'pauseExpire':
      endSession(ctx, END_REASON.userAction);
      return false;
    case 'cooldownEnd':
      finishCooldown(ctx);
      return true;
    case 'cleaningEnd':
      state.charger.cleaningHolder = false;
      if (state.holder.state !== 'CLEANING') return false;
      state.holder.sticksSinceClean = 0;
      setHolderState(ctx, 'DOCKED_UNCHARGED');
      return true;
    case 'chargerResetEnd':
      finishChargerReset(ctx);
      return true;
    case 'holderResetEnd':
      finishHolderReset(ctx);
      return true;
    case 'showLevelEnd':
      if (state.charger.state === 'SHOW_LEVEL') setChargerState(ctx, 'STANDBY');
      return false;
    case 'holderShowEnd':
      state.holder.indicating = false;
      return false;
    case 'outOfRangeEnd':
      if (state.holder.state === 'TEMP_OUT_OF_RANGE') {
        setHolderState(ctx, state.holder.resumeState ?? 'IDLE_READY');
        state.holder.resumeState = null;
        armSleep(ctx);
      }
      return false;
    case 'idleSleep':
      if (state.holder.state === 'IDLE_READY') setHolderState(ctx, 'SLEEP');
      return false;
    case 'findMyEnd':
      stopFindMy(ctx);
      return false;
    case 'recheck':
      return true;
    case 'firstLight':
      state.charger.dark = false;
      return false;
    case 'chargeTimeout':
      if (state.charger.state === 'USB_CHARGING') {
        state.charger.errorBits |= 0x02;
        logError(ctx, 0x01, state.charger.errorBits);
        setChargerState(ctx, 'ERROR');
      }
      return false;
    case 'holderChargeTimeout':
      state.faults.holderChargeStuck = false;
      holderErrorBits(ctx, 0x02);
      return false;
  }
}
