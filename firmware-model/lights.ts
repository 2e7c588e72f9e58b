/**
 * Lights as a function of state (docs/device.md §3.2): each unit shows one abstract indicator
 * `{pattern, colour, count}`; transient indications (show level, out of range, reset blink) are
 * states with timers, so the light never needs its own memory. Per-family vocabulary as documented:
 * 2.4 green/orange/red, 3-series white with red faults, ILUMA white pulses with yellow low-battery.
 */
import type { Ctx } from './context.js';
import type { Light, LightColour, LightPattern } from './types.js';

function light(pattern: LightPattern, colour: LightColour, count = 1): Light {
  return { pattern, colour, count: pattern === 'off' ? 0 : count };
}

const OFF = light('off', 'none');

/** Charger gauge by quartile (docs/device.md §4.1): 4 lights > 75 %, 3 ≤ 75 %, 2 ≤ 50 %, 1 ≤ 25 %. */
export function quartile(levelPercent: number): number {
  if (levelPercent > 75) return 4;
  if (levelPercent > 50) return 3;
  if (levelPercent > 25) return 2;
  return 1;
}

export function holderLight(ctx: Ctx): Light {
  const { state, profile } = ctx;
  const h = state.holder;
  const family = profile.lightFamily;
  const legacy = family === 'iqos-2.4';
  const ready = legacy ? 'green' : 'white';
  switch (h.state) {
    case 'ERROR':
      return light('blink', 'red');
    case 'RESETTING':
      return light('blinkN', 'white', 2);
    case 'OFF':
    case 'SESSION_END':
    case 'COOLDOWN':
      return OFF;
    case 'DOCKED_CHARGING':
      return light('blink', ready, Math.max(1, h.usesLeft));
    case 'DOCKED_READY':
      return light('steady', ready, h.usesLeft);
    case 'DOCKED_UNCHARGED':
      if (h.connection !== 0) return legacy ? light('blink', 'orange') : light('steady', 'red');
      return light('blink', 'white');
    case 'CLEANING':
      return legacy ? light('blink', 'green') : light('pulse', 'white');
    case 'TEMP_OUT_OF_RANGE':
      return legacy ? light('steady', 'red') : light('blinkN', 'white', 2);
    case 'PREHEAT':
      if (state.environment.magnetNearby && profile.heater === 'induction') return light('blink', 'red');
      return legacy ? light('blink', 'green') : light('pulse', 'white');
    case 'SESSION_ACTIVE':
      if (state.environment.magnetNearby && profile.heater === 'induction') return light('blink', 'red');
      if (family === 'iluma-one') return light('progressive', 'white');
      return light('steady', ready);
    case 'SESSION_WARNING':
      if (state.environment.magnetNearby && profile.heater === 'induction') return light('blink', 'red');
      if (legacy) return light('steady', 'orange');
      return family === 'iqos-3' ? light('blink', 'white') : light('pulse', 'white');
    case 'PAUSED':
      return light('steady', 'white', 1);
    case 'IDLE_READY':
      return h.indicating ? light('steady', ready, h.usesLeft) : OFF;
    case 'IDLE_EMPTY':
      if (!h.indicating) return OFF;
      if (legacy) return light('steady', 'red');
      return family === 'iqos-3' ? light('blink', 'white') : OFF;
    case 'SLEEP':
      return OFF;
  }
}

export function chargerLight(ctx: Ctx): Light {
  const { state, profile } = ctx;
  const c = state.charger;
  const ilumaFamily = profile.lightFamily === 'iluma' || profile.lightFamily === 'iluma-one';
  if (c.dark) return OFF;
  switch (c.state) {
    case 'OFF':
    case 'DEEP_DISCHARGED':
      return OFF;
    case 'ERROR':
      return light('blink', 'red');
    case 'TEMP_OUT_OF_RANGE':
      return profile.lightFamily === 'iqos-2.4' ? light('steady', 'red') : light('blink', 'red');
    case 'RESETTING':
      return light('blinkN', 'white', 2);
    case 'SHOW_LEVEL':
      if (c.lowBattery && ilumaFamily) return light('blinkN', 'yellow', 3);
      return light('steady', 'white', quartile(c.levelPercent));
    case 'USB_CHARGING':
      return light('blink', 'white', quartile(c.levelPercent));
    case 'USB_CHARGED':
      return profile.lightFamily === 'iluma-one' ? OFF : light('steady', 'white', 4);
    case 'STANDBY':
      if (c.cleaningHolder)
        return profile.lightFamily === 'iqos-2.4' ? light('blink', 'green') : light('pulse', 'white');
      return OFF;
  }
}

export function sameLight(a: Light, b: Light): boolean {
  return a.pattern === b.pattern && a.colour === b.colour && a.count === b.count;
}
