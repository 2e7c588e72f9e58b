/**
 * What the machine functions share: the state they mutate, the resolved parameters and profile,
 * derived constants, the heater loop, and the two effect sinks (events out, timers armed).
 */
import type { HeaterLoop } from './heater.js';
import type { FirmwareParams } from './params.js';
import type { ModelProfile } from './profiles.js';
import type { TimerName } from './timer-slots.js';
import type { FirmwareEvent, FirmwareState } from './types.js';

export interface Derived {
  /** % of the heating battery one use is worth (docs/device.md §11.2 `holder.energyPerUsePercent`). */
  readonly energyPerUsePercent: number;
  /** Capacity of the heating battery in joules (sized from the nominal session, see heater.ts). */
  readonly heatingCapacityJ: number;
  /** Charger % spent per holder % delivered: recharging one nominal session costs 100 / holderChargesPerFull %. */
  readonly transferCost: number;
  /** Charger USB rate below the knee, % per ms (linear to the knee, half rate after: full in `fullChargeMinutes`). */
  readonly usbRatePctPerMs: number;
  readonly onePiece: boolean;
}

export interface Ctx {
  /** The firmware state the machine functions mutate (what a snapshot saves). */
  readonly state: FirmwareState;
  /** The model's resolved parameters. */
  readonly params: FirmwareParams;
  readonly profile: ModelProfile;
  readonly heater: HeaterLoop;
  /** Constants computed once from the profile and parameters. */
  readonly derived: Derived;
  emit(event: FirmwareEvent): void;
  /** Arms (or re-arms) a named timer; re-arming moves it to the end of the insertion order. */
  setTimer(name: TimerName, atMs: number): void;
  clearTimer(name: TimerName): void;
  hasTimer(name: TimerName): boolean;
}

export type { TimerName } from './timer-slots.js';
