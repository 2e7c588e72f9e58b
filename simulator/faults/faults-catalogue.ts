/**
 * The fault-injection catalogue of docs/faults.md §15 as data: how `FaultInjector` (faults.ts) applies
 * each device fault (docs/faults.md §15.1, as firmware inputs) and which link and protocol faults
 * (docs/faults.md §15.2) it covers. Rows that the model cannot express say why; injecting them throws
 * SIM_BAD_INPUT.
 */
import type { FaultName, FirmwareInput, UnitName } from '../../firmware-model/index.js';
import type { VirtualDevice } from '../device/device.js';
import type { FaultId } from './fault-names.js';

/** Parameters of one injection; each fault reads the ones its catalogue row names, the rest are ignored. */
export interface FaultOptions {
  /** Error or warning bits (F-08…F-15; default the catalogue's). */
  readonly bits?: number;
  /** Ambient, °C (F-01 default 5 °C beyond the model's range; F-28 `charger.maxChargeTempC + 1`). */
  readonly tempC?: number;
  /** F-01: too cold instead of too hot. */
  readonly cold?: boolean;
  /** Level, % (F-05 default `holder.cutoffPercent − 1`, F-16 0, F-18 `charger.lowBatteryPercent / 2`). */
  readonly percent?: number;
  /** F-11 contact value 1…3 (default 1); F-26 counter value (default 0xFFFF). */
  readonly value?: number;
  /** F-26 counter block (default holder) and tag as hex (default 8E, sticks used). */
  readonly unit?: UnitName;
  readonly tag?: string;
  /** F-07 puffs (default 4); F-43 replies to drop (1); F-44 replies to delay (default: until cleared). */
  readonly count?: number;
  /** F-07 gap between puffs, ms (default 4000, under `fault.intensivePuffIntervalS = 8`). */
  readonly intervalMs?: number;
  /** F-44 extra reply latency, ms (default 150, beyond the 120 ms probe). */
  readonly delayMs?: number;
  /** F-46 fragment to drop, 0-based (default 0). */
  readonly index?: number;
  /** F-41 frame bytes the request keeps (default 3: below the 4-byte minimum, so `malformed`). */
  readonly keepBytes?: number;
  /**
   * F-19 stick removal (default) or a button press; F-23 undock or dock (default: the opposite of
   * now); F-42 an unknown register (default) or node.
   */
  readonly variant?: 'removeStick' | 'press' | 'undock' | 'dock' | 'register' | 'node';
  /** F-25: how far the update got before it failed, 0…1 of `fwUpdate.durationSeconds` (default 0.5). */
  readonly failAt?: number;
  /** F-53: the Device Information characteristic whose reads fail (default `2A28`). */
  readonly uuid?: string;
}

/** A firmware input, `afterMs` after the fault is applied (default at once). */
export interface FaultStep {
  readonly input: FirmwareInput;
  readonly afterMs?: number;
}

export interface DeviceFault {
  readonly id: FaultId;
  readonly name: string;
  /** How the injector applies it, or why it cannot. */
  readonly applied: string;
  /** Undefined: the firmware model has nothing to apply it to (`inject` throws SIM_BAD_INPUT). */
  readonly steps?: (device: VirtualDevice, o: FaultOptions) => FaultStep[];
  readonly clear?: (device: VirtualDevice, o: FaultOptions) => FirmwareInput[];
}

export interface LinkFault {
  readonly id: FaultId;
  readonly name: string;
  readonly applied: string;
  /** False: out of scope for the injector (`inject` throws SIM_BAD_INPUT). */
  readonly supported: boolean;
}

const once = (input: FirmwareInput): FaultStep[] => [{ input }];
/** docs/device.md §14 `fwUpdate.durationSeconds` (D, 120 s). */
const FW_UPDATE_DURATION_MS = 120_000;
const fault = (name: FaultName) => ({
  steps: (): FaultStep[] => once({ type: 'fault', fault: name }),
  clear: (): FirmwareInput[] => [{ type: 'clearFault', fault: name }],
});
const bitsFault = (name: 'holderError' | 'holderWarning' | 'chargerError', bits: number) => ({
  steps: (_: VirtualDevice, o: FaultOptions) => once({ type: 'fault', fault: name, bits: o.bits ?? bits }),
  clear: (_: VirtualDevice, o: FaultOptions): FirmwareInput[] => [
    { type: 'clearFault', fault: name, bits: o.bits ?? bits },
  ],
});
const restoreAmbient = (d: VirtualDevice): FirmwareInput[] => [
  { type: 'ambient', tempC: d.firmware.params.environment.ambientC },
];

/** docs/faults.md §15.1, one row per id. */
export const DEVICE_FAULTS: readonly DeviceFault[] = [
  {
    id: 'F-01',
    name: 'Ambient too cold / too hot',
    applied: 'ambient tempC 5 °C above the model range (cold: below it)',
    steps: (d, o) => {
      const p = d.firmware.profile;
      return once({ type: 'ambient', tempC: o.tempC ?? (o.cold ? p.ambientMinC - 5 : p.ambientMaxC + 5) });
    },
    clear: restoreAmbient,
  },
  {
    id: 'F-02',
    name: 'Heater over-temperature',
    applied: 'fault heaterOverTemp (acts while heating)',
    ...fault('heaterOverTemp'),
  },
  {
    id: 'F-03',
    name: 'Heater power out of range',
    applied: 'fault heaterPower (acts while heating)',
    ...fault('heaterPower'),
  },
  {
    id: 'F-04',
    name: 'Erratic heater readings',
    applied: 'fault heaterVariation (acts while heating)',
    ...fault('heaterVariation'),
  },
  {
    id: 'F-05',
    name: 'Holder battery below cut-off',
    applied: 'level holder = holder.cutoffPercent − 1',
    steps: (d, o) =>
      once({
        type: 'level',
        unit: 'holder',
        percent: o.percent ?? d.firmware.params.holder.cutoffPercent - 1,
      }),
  },
  { id: 'F-06', name: 'Duty-cycle fault', applied: 'fault dutyCycle', ...fault('dutyCycle') },
  {
    id: 'F-07',
    name: 'Intensive puffing',
    applied: 'count (4) puffs intervalMs (4000) apart, closer than fault.intensivePuffIntervalS',
    steps: (_, o) =>
      Array.from({ length: o.count ?? 4 }, (_, i) => ({
        input: { type: 'puff' },
        afterMs: i * (o.intervalMs ?? 4000),
      })),
  },
  {
    id: 'F-08',
    name: 'Holder system defect',
    applied: 'fault holderError 0x01',
    ...bitsFault('holderError', 0x01),
  },
  {
    id: 'F-09',
    name: 'Holder charging timeout',
    applied: 'fault holderError 0x02 (charge stuck, then error)',
    ...bitsFault('holderError', 0x02),
  },
  {
    id: 'F-10',
    name: 'Holder identification failure',
    applied: 'fault holderError 0x08',
    ...bitsFault('holderError', 0x08),
  },
  {
    id: 'F-11',
    name: 'Holder–charger contact fault',
    applied: 'connection = value (1)',
    steps: (_, o) => once({ type: 'connection', value: o.value ?? 1 }),
    clear: () => [{ type: 'connection', value: 0 }],
  },
  {
    id: 'F-12',
    name: 'Holder battery aged',
    applied: 'fault holderWarning 0x08',
    ...bitsFault('holderWarning', 0x08),
  },
  {
    id: 'F-13',
    name: 'Holder protocol not supported',
    applied: 'fault holderWarning 0x04',
    ...bitsFault('holderWarning', 0x04),
  },
  {
    id: 'F-14',
    name: 'Holder communication problem',
    applied: 'fault holderWarning 0x01; with a link attached, holder (C9) replies are dropped until cleared',
    ...bitsFault('holderWarning', 0x01),
  },
  {
    id: 'F-15',
    name: 'Charger error',
    applied: 'fault chargerError bits (0x04 defect; 0x02 timeout, 0x08 self-test)',
    ...bitsFault('chargerError', 0x04),
  },
  {
    id: 'F-16',
    name: 'Charger deeply discharged',
    applied: 'level charger = 0',
    steps: (_, o) => once({ type: 'level', unit: 'charger', percent: o.percent ?? 0 }),
  },
  {
    id: 'F-17',
    name: 'Weak USB source',
    applied: 'usb weak; every weakUsbDropoutSeconds (120) a seeded dropout (usb none) of weakUsbDropoutMs',
    steps: () => once({ type: 'usb', power: 'weak' }),
    clear: () => [{ type: 'usb', power: 'normal' }],
  },
  {
    id: 'F-18',
    name: 'Charger low battery',
    applied: 'level charger = charger.lowBatteryPercent / 2',
    steps: (d, o) =>
      once({
        type: 'level',
        unit: 'charger',
        percent: o.percent ?? d.firmware.params.charger.lowBatteryPercent / 2,
      }),
  },
  {
    id: 'F-19',
    name: 'Stick removed / button pressed mid-session',
    applied: 'stick remove (variant press: holder button press, release 100 ms later)',
    steps: (_, o) =>
      o.variant === 'press'
        ? [
            { input: { type: 'button', unit: 'holder', action: 'press' } },
            { input: { type: 'button', unit: 'holder', action: 'release' }, afterMs: 100 },
          ]
        : once({ type: 'stick', action: 'remove' }),
  },
  {
    id: 'F-20',
    name: 'Used or mis-inserted stick',
    applied: 'stick insert used',
    steps: () => once({ type: 'stick', action: 'insert', used: true }),
  },
  { id: 'F-21', name: 'Magnet near an ILUMA', applied: 'fault magnet', ...fault('magnet') },
  {
    id: 'F-22',
    name: 'Device locked from the app',
    applied: 'setting lock = true (what the SCP lock write sets)',
    steps: () => once({ type: 'setting', name: 'lock', value: true }),
    clear: () => [{ type: 'setting', name: 'lock', value: false }],
  },
  {
    id: 'F-23',
    name: 'Holder undocked during charging / docked during session',
    applied: 'undock if docked, else dock (or variant)',
    steps: (d, o) => {
      const dock = o.variant === 'dock' || (o.variant !== 'undock' && !d.firmware.state.holder.docked);
      return once(dock ? { type: 'dock' } : { type: 'undock' });
    },
  },
  {
    id: 'F-24',
    name: 'RTC reset to the epoch',
    applied: 'fault rtcReset',
    steps: () => once({ type: 'fault', fault: 'rtcReset' }),
  },
  {
    id: 'F-25',
    name: 'Firmware update interrupted',
    // docs/device.md §14 fwUpdate.durationSeconds = 120 (D): the update fails failAt of the way through.
    // Nothing was written, so the versions stay; the device is in ERROR until a reset
    // (docs/faults.md §15.1, D).
    applied:
      'after failAt (0.5) × 120 s: fault chargerError 0x08 (self-test), so ERROR until a reset; versions unchanged',
    steps: (_, o) => [
      {
        input: { type: 'fault', fault: 'chargerError', bits: o.bits ?? 0x08 },
        afterMs: Math.round((o.failAt ?? 0.5) * FW_UPDATE_DURATION_MS),
      },
    ],
    clear: (_, o) => [{ type: 'clearFault', fault: 'chargerError', bits: o.bits ?? 0x08 }],
  },
  {
    id: 'F-26',
    name: 'Counter anomalies',
    applied: 'counter unit (holder) tag (8E) = value (0xFFFF)',
    steps: (_, o) =>
      once({ type: 'counter', unit: o.unit ?? 'holder', tag: o.tag ?? '8E', value: o.value ?? 0xffff }),
  },
  {
    id: 'F-27',
    name: 'End of life by cycle count',
    applied: 'cycleCount value (warranty.cycleLimit + 1 = 7301): Firmware.cycleLimitExceeded() is true',
    steps: (d, o) =>
      once({ type: 'cycleCount', value: o.value ?? d.firmware.params.warranty.cycleLimit + 1 }),
    clear: () => [{ type: 'cycleCount', value: 0 }],
  },
  {
    id: 'F-28',
    name: 'Over-temperature during charging',
    applied: 'ambient tempC = charger.maxChargeTempC + 1 (on ILUMA also beyond the ambient range, F-01)',
    steps: (d, o) =>
      once({ type: 'ambient', tempC: o.tempC ?? d.firmware.params.charger.maxChargeTempC + 1 }),
    clear: restoreAmbient,
  },
];

/** docs/faults.md §15.2, one row per id. */
export const LINK_FAULTS: readonly LinkFault[] = [
  {
    id: 'F-40',
    name: 'Bad CRC in a request',
    applied: 'XOR the last (CRC) byte of the next request with a seeded non-zero byte',
    supported: true,
  },
  {
    id: 'F-41',
    name: 'Truncated request',
    applied: 'cut the last packet of the next request to keepBytes (3) frame bytes',
    supported: true,
  },
  {
    id: 'F-42',
    name: 'Unknown register / selector / node',
    applied: 'the next one-packet request becomes a read of S 0x3FF on its node (variant node: of node AA)',
    supported: true,
  },
  { id: 'F-43', name: 'Dropped reply', applied: 'drop the next count (1) SCP replies', supported: true },
  {
    id: 'F-44',
    name: 'Delayed reply',
    applied: 'delay the next count (all until cleared) SCP replies by delayMs (150)',
    supported: true,
  },
  { id: 'F-45', name: 'Duplicate reply', applied: 'send the next SCP reply twice', supported: true },
  {
    id: 'F-46',
    name: 'Lost fragment of a multi-packet reply',
    applied: 'drop fragment index (0) of the next multi-packet SCP reply',
    supported: true,
  },
  {
    id: 'F-47',
    name: 'Small MTU',
    applied: 'MTU exchanges answer 23 both ways until cleared, so replies over 19 frame bytes fragment',
    supported: true,
  },
  {
    id: 'F-48',
    name: 'Write-before-subscribe race',
    applied:
      'the next SCP CCCD enable reaches the device as 00 00: the client thinks it subscribed, replies are not delivered',
    supported: true,
  },
  {
    id: 'F-49',
    name: 'Disconnect mid-sequence',
    applied: 'link.disconnect, then close (a dead link stops following the device)',
    supported: true,
  },
  { id: 'F-50', name: 'Bond lost', applied: 'device.forgetBonds', supported: true },
  {
    id: 'F-51',
    name: 'Encryption required',
    applied:
      'SCP writes from an unbonded central get ATT insufficient encryption (0x0F) and never reach the device, until bonded or cleared',
    supported: true,
  },
  {
    id: 'F-52',
    name: 'Second central',
    applied: 'a second central connects to the connected device: refused (ble.maxCentrals = 1), logged',
    supported: true,
  },
  {
    id: 'F-53',
    name: 'DIS read failure',
    applied: 'reads of DIS uuid (2A28) get ATT error 0x0E (unlikely error) until cleared',
    supported: true,
  },
  {
    id: 'F-54',
    name: 'Battery value of unexpected length',
    applied: 'battery notifications and reads carry flags bits (0x003F) over their own bytes until cleared',
    supported: true,
  },
  {
    id: 'F-55',
    name: 'USB trailing noise',
    applied: 'USB reports to the client carry seeded random bytes after the frame (usb.trailingFill random)',
    supported: true,
  },
  {
    id: 'F-56',
    name: 'USB unplug during a request',
    applied: 'USB detached: reports dropped both ways until cleared; BLE unaffected',
    supported: true,
  },
  {
    id: 'F-57',
    name: 'Write reply off',
    applied: 'write echoes (reply type with 0x40) are not delivered until cleared (scp.writeReply none)',
    supported: true,
  },
];

/** The row of a catalogue id, or undefined. */
export function findFault(id: string): DeviceFault | LinkFault | undefined {
  return DEVICE_FAULTS.find((f) => f.id === id) ?? LINK_FAULTS.find((f) => f.id === id);
}
