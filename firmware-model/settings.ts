/**
 * Setting writes (docs/device.md §7, docs/protocol.md §7.1): each needs the model's capability
 * (docs/device.md §1 matrix) and a value of the right kind; anything else is refused with a `rejected` event
 * and changes nothing.
 */
import type { Capability } from '../protocol/index.js';
import type { Ctx } from './context.js';
import { endSession } from './session.js';
import { END_REASON, type SettingName, type VibrationFlags } from './types.js';

const NEEDS: Record<string, Capability> = {
  chargerBrightness: 'brightness',
  holderBrightness: 'brightness',
  autoStart: 'autoStart',
  smartGesture: 'smartGesture',
  flexPuff: 'flexPuff',
  pauseMode: 'pauseMode',
  flexBattery: 'flexBattery',
  lock: 'lock',
  'vibration.heatingStart': 'vibration',
  'vibration.startingToUse': 'vibration',
  'vibration.puffEnd': 'vibration',
  'vibration.manuallyTerminated': 'vibration',
  'vibration.chargeStart': 'chargeStartVibration',
};

export const SETTING_NAMES = Object.keys(NEEDS) as SettingName[];

/** Returns whether the write was accepted. */
export function applySetting(ctx: Ctx, name: SettingName, value: boolean | number | string): boolean {
  const { state, profile } = ctx;
  const reject = (reason: string): false => {
    ctx.emit({ type: 'rejected', atMs: state.nowMs, input: `setting ${name}`, reason });
    return false;
  };
  const capability = NEEDS[name];
  if (!capability) return reject('unknown setting');
  if (!profile.capabilities.includes(capability))
    return reject(`${profile.info.displayName} has no ${capability}`);
  if (name === 'chargerBrightness' || name === 'holderBrightness') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100)
      return reject('brightness is an integer 0–100');
    state.settings[name] = value;
    return true;
  }
  if (name === 'flexBattery') {
    if (value !== 'performance' && value !== 'eco') return reject("FlexBattery is 'performance' or 'eco'");
    state.settings.flexBattery = value;
    return true;
  }
  if (typeof value !== 'boolean') return reject('this setting is on or off');
  if (name.startsWith('vibration.')) {
    state.settings.vibration[name.slice('vibration.'.length) as keyof VibrationFlags] = value;
    return true;
  }
  state.settings[name as 'autoStart' | 'smartGesture' | 'flexPuff' | 'pauseMode' | 'lock'] = value;
  // A locked device never heats (docs/device.md §7): locking during a session ends it as a user action.
  if (name === 'lock' && value) endSession(ctx, END_REASON.userAction);
  return true;
}
