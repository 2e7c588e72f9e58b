/**
 * One device's behaviour script (docs/fleet.md "Behaviour scripts"): what its user does and when, in
 * virtual time, every choice drawn from the device's own seeded generator. Four independent tracks,
 * each with its next due time: the heating sessions (take the holder out, insert a stick, start,
 * puff, remove, maybe put it back), the charger on USB (daily, or when low, until charged), the check
 * that unplugs it, and at most one fault. The script only gives inputs; what the device makes of them
 * (refusals, empty holders, errors) is the firmware model's business.
 */
import {
  type FaultName,
  type Firmware,
  type FirmwareInput,
  HEATING_STATES,
  type HolderStateName,
} from '../../firmware-model/index.js';
import type { SeededRandom } from '../random.js';
import type { Behaviour } from './spec.js';

export const DAY_MS = 86_400_000;
/** Pre-heat lasts about 20 s (docs/device.md §2.1); the user waits this long before the first puff check. */
const PREHEAT_WAIT_MS = 20_000;
/** While pre-heat runs on, the user looks again this often. */
const PREHEAT_POLL_MS = 2_000;
/** A puff's airflow, ms, and the time from one puff to the next, ms: drawn in these ranges. */
const PUFF_MS = [1_200, 2_500] as const;
const PUFF_GAP_MS = [20_000, 40_000] as const;
/** `whenLow` plugs the charger in under this level, %. */
const LOW_PERCENT = 20;
/** A plugged charger is checked this often and unplugged once charged, or after `MAX_PLUGGED_MS`. */
const CHARGE_CHECK_MS = 15 * 60_000;
const MAX_PLUGGED_MS = 8 * 3_600_000;

/** What the script tells the fleet's statistics. */
export interface ScriptNotes {
  failedStart(): void;
  usbPlugged(): void;
  faultInjected(fault: FaultName): void;
}

/** What a script drives: a `VirtualDevice` has it. */
export interface ScriptDevice {
  input(input: FirmwareInput, nowMs: number): void;
  readonly firmware: Firmware;
}

type Phase = 'idle' | 'holding' | 'heating';

export class UsageScript {
  private phase: Phase = 'idle';
  /** Next session start (idle) or next step inside a session. */
  private sessionAtMs: number;
  private chargeAtMs = Number.POSITIVE_INFINITY;
  private checkAtMs = Number.POSITIVE_INFINITY;
  private faultAtMs: number;
  private pluggedAtMs = 0;
  private puffsLeft = 0;
  private sawHeating = false;
  private readonly onePiece: boolean;
  private readonly startHoldMs: number;

  constructor(
    private readonly behaviour: Behaviour,
    private readonly random: SeededRandom,
    firmware: Firmware,
    startMs: number,
    private readonly fault: { readonly name: FaultName; readonly atMs: number } | undefined,
  ) {
    this.onePiece = firmware.profile.parts === 'one-piece';
    this.startHoldMs = firmware.params.buttons.startHoldSeconds * 1000;
    const gapMs = this.meanGapMs();
    this.sessionAtMs = startMs + (Number.isFinite(gapMs) ? Math.floor(random.next() * gapMs) : gapMs);
    if (behaviour.charging === 'daily') this.chargeAtMs = startMs + Math.floor(random.next() * DAY_MS);
    this.faultAtMs = fault ? fault.atMs : Number.POSITIVE_INFINITY;
  }

  /** When the script next acts, ms (+∞: never). */
  get nextAtMs(): number {
    return Math.min(this.sessionAtMs, this.chargeAtMs, this.checkAtMs, this.faultAtMs);
  }

  /** Does whatever is due at `nowMs`. */
  run(device: ScriptDevice, nowMs: number, notes: ScriptNotes): void {
    if (this.faultAtMs <= nowMs && this.fault) {
      this.faultAtMs = Number.POSITIVE_INFINITY;
      device.input({ type: 'fault', fault: this.fault.name }, nowMs);
      notes.faultInjected(this.fault.name);
    }
    if (this.chargeAtMs <= nowMs) {
      this.chargeAtMs += DAY_MS;
      this.plug(device, nowMs, notes);
    }
    if (this.checkAtMs <= nowMs) this.checkCharge(device, nowMs);
    if (this.sessionAtMs <= nowMs) this.sessionStep(device, nowMs, notes);
  }

  private meanGapMs(): number {
    return this.behaviour.sessionsPerDay > 0
      ? DAY_MS / this.behaviour.sessionsPerDay
      : Number.POSITIVE_INFINITY;
  }

  private between(range: readonly [number, number]): number {
    return range[0] + Math.floor(this.random.next() * (range[1] - range[0]));
  }

  private holderState(device: ScriptDevice): HolderStateName {
    return device.firmware.state.holder.state;
  }

  private sessionStep(device: ScriptDevice, nowMs: number, notes: ScriptNotes): void {
    if (this.phase === 'idle') {
      this.startSession(device, nowMs);
      return;
    }
    if (this.phase === 'holding') {
      device.input({ type: 'button', unit: 'holder', action: 'release' }, nowMs);
      this.phase = 'heating';
      this.sessionAtMs = nowMs + PREHEAT_WAIT_MS;
      return;
    }
    const state = this.holderState(device);
    const heating = HEATING_STATES.includes(state);
    if (heating) this.sawHeating = true;
    if (state === 'PREHEAT') {
      this.sessionAtMs = nowMs + PREHEAT_POLL_MS;
      return;
    }
    if (heating && this.puffsLeft > 0) {
      this.puffsLeft--;
      device.input({ type: 'puff', durationMs: this.between(PUFF_MS) }, nowMs);
      this.sessionAtMs = nowMs + this.between(PUFF_GAP_MS);
      return;
    }
    this.endSession(device, nowMs, notes);
  }

  private startSession(device: ScriptDevice, nowMs: number): void {
    const holder = device.firmware.state.holder;
    if (!this.onePiece && holder.docked) device.input({ type: 'undock' }, nowMs);
    if (!device.firmware.state.holder.stickInserted) device.input({ type: 'stick', action: 'insert' }, nowMs);
    const mean = this.behaviour.puffsPerSession;
    this.puffsLeft = Math.max(1, mean - 3 + Math.floor(this.random.next() * 7));
    this.sawHeating = false;
    if (HEATING_STATES.includes(this.holderState(device))) {
      this.phase = 'heating';
      this.sessionAtMs = nowMs + PREHEAT_WAIT_MS;
      return;
    }
    // Models without auto-start (and a sleeping holder) start on a held button (docs/device.md §2.1).
    device.input({ type: 'button', unit: 'holder', action: 'press' }, nowMs);
    this.phase = 'holding';
    this.sessionAtMs = nowMs + this.startHoldMs + 50;
  }

  private endSession(device: ScriptDevice, nowMs: number, notes: ScriptNotes): void {
    if (!this.sawHeating) notes.failedStart();
    if (device.firmware.state.holder.stickInserted) device.input({ type: 'stick', action: 'remove' }, nowMs);
    const dock = !this.sawHeating || this.random.next() < this.behaviour.dockAfterSession;
    if (!this.onePiece && dock && !device.firmware.state.holder.docked) device.input({ type: 'dock' }, nowMs);
    if (this.behaviour.charging === 'whenLow' && device.firmware.state.charger.levelPercent < LOW_PERCENT)
      this.plug(device, nowMs, notes);
    this.phase = 'idle';
    this.sessionAtMs = nowMs + Math.floor(this.meanGapMs() * (0.5 + this.random.next()));
  }

  private plug(device: ScriptDevice, nowMs: number, notes: ScriptNotes): void {
    if (device.firmware.state.charger.usbPower !== 'none') return;
    device.input({ type: 'usb', power: 'normal' }, nowMs);
    notes.usbPlugged();
    this.pluggedAtMs = nowMs;
    this.checkAtMs = nowMs + CHARGE_CHECK_MS;
  }

  private checkCharge(device: ScriptDevice, nowMs: number): void {
    const charger = device.firmware.state.charger;
    if (charger.state === 'USB_CHARGING' && nowMs - this.pluggedAtMs < MAX_PLUGGED_MS) {
      this.checkAtMs = nowMs + CHARGE_CHECK_MS;
      return;
    }
    this.checkAtMs = Number.POSITIVE_INFINITY;
    if (charger.usbPower !== 'none') device.input({ type: 'usb', power: 'none' }, nowMs);
  }
}
