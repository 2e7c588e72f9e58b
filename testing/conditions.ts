/**
 * Conditions for `rig.until(…)`: what a test waits for, in virtual time. A condition is a function
 * from the device to an rxjs `Observable` whose first value ends the wait; it checks the device's
 * state when the wait starts (so a condition that already holds ends it at once) and then watches
 * `device.events$`. Any `Observable` works too, e.g. `device.events$.pipe(filter(…), take(3), last())`.
 */
import { defer, filter, map, type Observable, of } from 'rxjs';
import type { UnitName } from '../firmware-model/index.js';
import type { DeviceEvent, VirtualDevice } from '../simulator/index.js';

export type Condition<T = unknown> = ((device: VirtualDevice) => Observable<T>) & {
  /** What the condition waits for, in words (used in the error when it is not reached). */
  readonly description: string;
};

function condition<T>(description: string, make: (device: VirtualDevice) => Observable<T>): Condition<T> {
  return Object.assign(make, { description });
}

/** Now if `holds(device)`, else the first event after which it holds. */
function whenever(device: VirtualDevice, holds: () => boolean, relevant: (e: DeviceEvent) => boolean) {
  return defer(() =>
    holds()
      ? of(device.now)
      : device.events$.pipe(
          filter((e) => relevant(e) && holds()),
          map((e) => e.atMs),
        ),
  );
}

/** The unit (holder by default) is in state `name` (docs/device.md §11.1, §12.1); yields the time, ms. */
export function state(name: string, unit: UnitName = 'holder'): Condition<number> {
  return condition(`${unit} in ${name}`, (device) =>
    whenever(
      device,
      () => device.firmware.state[unit].state === name,
      (e) => e.type === 'state' && e.unit === unit,
    ),
  );
}

/** The unit's battery (charger by default) is at or below `percent` (whole %, as the battery record shows it). */
export function batteryAtMost(percent: number, unit: UnitName = 'charger'): Condition<number> {
  return condition(`${unit} battery ≤ ${percent} %`, (device) =>
    whenever(
      device,
      () => Math.round(device.firmware.state[unit].levelPercent) <= percent,
      (e) => e.type === 'battery',
    ),
  );
}

/** The unit's battery is at or above `percent` (charging). */
export function batteryAtLeast(percent: number, unit: UnitName = 'charger'): Condition<number> {
  return condition(`${unit} battery ≥ ${percent} %`, (device) =>
    whenever(
      device,
      () => Math.round(device.firmware.state[unit].levelPercent) >= percent,
      (e) => e.type === 'battery',
    ),
  );
}

/** The session in progress has counted `count` puffs (docs/device.md §2.2). */
export function puffs(count: number): Condition<number> {
  return condition(`${count} puffs in the session`, (device) =>
    whenever(
      device,
      () => (device.firmware.state.session?.puffs ?? 0) >= count,
      (e) => e.type === 'puff' && e.counted,
    ),
  );
}

/** The first event of `type` (that `match` accepts, if given) from now on. */
export function event<K extends DeviceEvent['type']>(
  type: K,
  match: (e: Extract<DeviceEvent, { type: K }>) => boolean = () => true,
): Condition<Extract<DeviceEvent, { type: K }>> {
  return condition(`a ${type} event`, (device) =>
    device.events$.pipe(
      filter((e): e is Extract<DeviceEvent, { type: K }> => e.type === type),
      filter(match),
    ),
  );
}

/** Any check on the device, made now and after every event (`description` names it in errors). */
export function when(
  holds: (device: VirtualDevice) => boolean,
  description = 'the condition',
): Condition<number> {
  return condition(description, (device) =>
    whenever(
      device,
      () => holds(device),
      () => true,
    ),
  );
}
