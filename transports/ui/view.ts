/**
 * What the dashboard page draws of one device (docs/ui.md "What the page shows"): both units' state
 * machines, lights (docs/device.md §3.2, the abstract `{ pattern, colour, count }`), levels, the
 * heater and the session, as plain JSON; and one chart sample. Read from the firmware's state when
 * the page is told about a change, never per heater tick.
 */
import type { Light } from '../../firmware-model/index.js';
import type { VirtualDevice } from '../../simulator/index.js';

export interface UnitView {
  readonly state: string;
  readonly levelPct: number;
  readonly light: Light;
  readonly errorBits: number;
}

export interface DeviceView {
  readonly id: string;
  readonly model: string;
  readonly displayName: string;
  readonly onePiece: boolean;
  /** Virtual time, ms. */
  readonly nowMs: number;
  readonly holder: UnitView & {
    readonly usesLeft: number;
    readonly stickInserted: boolean;
    readonly docked: boolean;
    readonly warningBits: number;
  };
  readonly charger: UnitView & {
    readonly usbPower: string;
    readonly bluetoothOn: boolean;
    readonly pairing: boolean;
    readonly chargingHolder: boolean;
  };
  readonly heater: { readonly tempC: number; readonly powerW: number; readonly heating: boolean };
  /** The running session, or undefined between sessions. */
  readonly session?: {
    readonly elapsedMs: number;
    readonly lengthMs: number;
    readonly puffs: number;
    readonly maxPuffs: number;
    readonly paused: boolean;
  };
  /** How the last session ended (docs/protocol.md §3.5 end-of-heat reason), 0 for none yet. */
  readonly lastEndReason: number;
  readonly ambientC: number;
  /** Whether the dashboard's own central is connected (the traffic panel's source). */
  readonly centralConnected: boolean;
}

/** One point of the live charts; virtual time in seconds. */
export interface ChartSample {
  readonly tS: number;
  readonly heaterC: number;
  readonly powerW: number;
  readonly holderPct: number;
  readonly chargerPct: number;
  readonly puffs: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** `nowMs`: the clock's time when it is ahead of the device's (a fleet serves a device only when it is due). */
export function deviceView(
  id: string,
  device: VirtualDevice,
  centralConnected: boolean,
  nowMs = device.now,
): DeviceView {
  const { firmware } = device;
  const { holder, charger, session, settings } = firmware.state;
  const { params, profile } = firmware;
  const flex = settings.flexPuff && profile.capabilities.includes('flexPuff');
  return {
    id,
    model: device.model,
    displayName: profile.info.displayName,
    onePiece: profile.parts === 'one-piece',
    nowMs,
    holder: {
      state: holder.state,
      levelPct: round(holder.levelPercent, 1),
      light: holder.light,
      errorBits: holder.errorBits,
      usesLeft: holder.usesLeft,
      stickInserted: holder.stickInserted,
      docked: holder.docked,
      warningBits: holder.warningBits,
    },
    charger: {
      state: charger.state,
      levelPct: round(charger.levelPercent, 1),
      light: charger.light,
      errorBits: charger.errorBits,
      usbPower: charger.usbPower,
      bluetoothOn: charger.bluetoothOn,
      pairing: charger.pairing,
      chargingHolder: charger.chargingHolder,
    },
    heater: {
      tempC: round(firmware.heaterTempC(), 1),
      powerW: round(firmware.heating() ? firmware.heaterPowerW() : 0, 2),
      heating: firmware.heating(),
    },
    ...(session
      ? {
          session: {
            elapsedMs: Math.max(0, nowMs - session.startMs),
            lengthMs: session.endAtMs - session.startMs,
            puffs: session.puffs,
            maxPuffs: params.session.maxPuffs + (flex ? params.flexPuff.extraPuffs : 0),
            paused: session.pausedAtMs >= 0,
          },
        }
      : {}),
    lastEndReason: holder.lastExperience.reason,
    ambientC: firmware.state.environment.ambientC,
    centralConnected,
  };
}

export function chartSample(device: VirtualDevice): ChartSample {
  const { firmware } = device;
  const { holder, charger, session } = firmware.state;
  return {
    tS: device.now / 1000,
    heaterC: round(firmware.heaterTempC(), 1),
    powerW: round(firmware.heating() ? firmware.heaterPowerW() : 0, 2),
    holderPct: round(holder.levelPercent, 1),
    chargerPct: round(charger.levelPercent, 1),
    puffs: session?.puffs ?? 0,
  };
}
