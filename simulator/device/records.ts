/**
 * The battery (docs/protocol.md §3.4) and device-status (docs/protocol.md §3.5) characteristic values of a
 * virtual device, built from the firmware's wire views with the flag choices of docs/protocol.md D-18 / D-19
 * and docs/device.md §4.2.
 */
import type { BatteryView, StatusView } from '../../firmware-model/index.js';
import { encodeBatteryRecord, encodeStatusRecord } from '../../protocol/index.js';

/**
 * Flags 0x000F with the holder in its case (holder level carried), 0x0007 otherwise (docs/device.md §4.2).
 */
export function batteryValue(view: BatteryView): Uint8Array {
  return encodeBatteryRecord({
    chargerLevelPct: view.chargerPercent,
    chargerTempC: Math.max(0, view.chargerTempC),
    chargerVoltageMv: view.chargerMv,
    ...(view.holderPresent ? { holder1LevelPct: view.holderPercent } : {}),
  });
}

/** Flags 0x005B always; bit 2 while an ambient fault is active, bit 5 while the system error is non-zero (D-19). */
export function statusValue(view: StatusView): Uint8Array {
  const flags = 0x5b | (view.ambient !== 0 ? 0x04 : 0) | (view.holderSystemError !== 0 ? 0x20 : 0);
  return encodeStatusRecord({
    flags,
    chargerSystemError: view.chargerErrors,
    status: {
      chargerState: view.chargerState,
      chargerReserved: 0,
      chargerLowBattery: view.chargerLowBattery,
      chargerDefect: view.chargerDefect,
      holderState: view.holderState,
      holderConnection: view.holderConnection,
      holderReserved: false,
      holderDefect: view.holderDefect,
    },
    ...(view.ambient !== 0 ? { ambient: view.ambient } : {}),
    holder1: {
      error: view.holderErrors,
      warning: view.holderWarnings,
      ...(view.holderSystemError !== 0 ? { systemError: view.holderSystemError } : {}),
      lastExperience: {
        endOfHeatReason: view.endOfHeatReason,
        reserved: false,
        dutyCycleFault: view.dutyCycleFault,
        newInformationWasRead: view.newInformationWasRead,
        intensivePuffing: view.intensivePuffing,
        puffCount: view.puffs,
      },
    },
  });
}
