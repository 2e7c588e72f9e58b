/**
 * The device's one event bus (`VirtualDevice.events$`) and the values its events carry, so a consumer
 * of `iqsim run --json` can plot and assert without the library: battery levels per unit (%), heater
 * temperature (°C) and power (W) once a second while heating, each puff's index and duration, the
 * notified characteristic values. The poll queue of the sans-IO contract (`pollEvent`) is opt-in
 * (`createVirtualDevice({ eventQueue: true })`): nothing is kept for a reader that never comes.
 */
import { type Observable, Subject } from 'rxjs';
import type { Firmware, FirmwareEvent } from '../../firmware-model/index.js';
import { toHex } from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import type { Channel } from '../wire.js';
import { batteryValue, statusValue } from './records.js';

/**
 * A puff the heater registered (docs/device.md §2.2), with its index in the session and the airflow's
 * duration.
 */
export type PuffEvent = Extract<FirmwareEvent, { type: 'puff' }> & {
  /** How long the airflow lasted, ms (the input's `durationMs`, else `heater.defaultPuffMs`). */
  durationMs: number;
};

/**
 * A characteristic value changed (docs/protocol.md §3.4/3.5); the value as notified (before the D-18 rate
 * limit).
 */
export type NotifyEvent =
  | {
      type: 'notify';
      atMs: number;
      characteristic: 'battery';
      /** The battery record (docs/protocol.md §3.4), hex. */
      hex: string;
      chargerPct: number;
      /** Absent when the record carries no holder (two-piece, holder out of the case). */
      holderPct?: number;
    }
  | {
      type: 'notify';
      atMs: number;
      characteristic: 'status' /** The status record (docs/protocol.md §3.5), hex. */;
      hex: string;
    };

/** Battery levels, whole % per unit, when either changes (one-piece: the holder mirrors the main unit). */
export interface BatteryEvent {
  type: 'battery';
  atMs: number;
  chargerPct: number;
  holderPct: number;
}

/** The heater while heating, at most once per `HEATER_EVENT_INTERVAL_MS`, and once when it stops. */
export interface HeaterEvent {
  type: 'heater';
  atMs: number;
  /** Heater temperature, °C (0.1 °C resolution). */
  tempC: number;
  /** Electrical power into the heater, W (0.01 W resolution; 0 once heating stopped). */
  powerW: number;
}

export type DeviceEvent =
  | Exclude<FirmwareEvent, { type: 'puff' | 'notify' }>
  | PuffEvent
  | NotifyEvent
  | BatteryEvent
  | HeaterEvent
  | { type: 'traffic'; atMs: number; dir: 'in' | 'out'; channel: Channel; hex: string }
  | { type: 'connection'; atMs: number; connected: boolean; central: string }
  /** `central` absent: every bond forgotten (F-50, factory reset). */
  | { type: 'bond'; atMs: number; bonded: boolean; central?: string }
  | { type: 'dropped'; atMs: number; channel: Channel; reason: string; hex: string };

/** What `VirtualDevice.watchEvents` delivers: every event but the traffic. */
export type WatchedEvent = Exclude<DeviceEvent, { type: 'traffic' }>;

/** Heater events at most once a second: enough to plot a 6-minute profile, cheap on the 1 kHz loop. */
export const HEATER_EVENT_INTERVAL_MS = 1000;

/**
 * The bus: rxjs `Subject` for subscribers, the opt-in queue behind `pollEvent`, and plain watchers
 * that take every event but the traffic (`VirtualDevice.watchEvents`).
 */
export class EventBus {
  private readonly subject = new Subject<DeviceEvent>();
  readonly events$: Observable<DeviceEvent> = this.subject.asObservable();
  private readonly queue: DeviceEvent[] | undefined;
  private readonly watchers: ((event: WatchedEvent) => void)[] = [];

  constructor(queued: boolean) {
    this.queue = queued ? [] : undefined;
  }

  /**
   * Whether an event would reach anyone (a subscriber of `events$`, a watcher, or the poll queue). A
   * device builds the values of its events (hex of records and packets) only while this holds: a
   * fleet nobody watches serialises nothing.
   */
  get listening(): boolean {
    return this.queue !== undefined || this.subject.observed || this.watchers.length > 0;
  }

  /** Whether a traffic event would reach anyone: watchers take none, so none is built for them. */
  get listeningToTraffic(): boolean {
    return this.queue !== undefined || this.subject.observed;
  }

  emit(event: DeviceEvent): void {
    this.queue?.push(event);
    if (this.subject.observed) this.subject.next(event);
    const watchers = this.watchers;
    if (event.type !== 'traffic')
      for (let i = 0; i < watchers.length; i++) (watchers[i] as (event: WatchedEvent) => void)(event);
  }

  /** Adds a watcher; returns the function that removes it. */
  watch(watcher: (event: WatchedEvent) => void): () => void {
    this.watchers.push(watcher);
    return () => {
      const index = this.watchers.indexOf(watcher);
      if (index >= 0) this.watchers.splice(index, 1);
    };
  }

  poll(): DeviceEvent | undefined {
    if (!this.queue)
      throw new SimulatorError(
        'SIM_BAD_INPUT',
        'pollEvent() needs a device made with createVirtualDevice({ eventQueue: true }); or subscribe to events$',
      );
    return this.queue.shift();
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Turns firmware events into valued device events and adds the ones the firmware has no event for
 * (battery levels, heater samples). Reads the firmware's state only when the device steps, never per
 * heater tick: the control loop stays allocation-free.
 */
export class EventValues {
  /** When the next heater sample is due, ms; +∞ while not heating. */
  heaterDueMs = Number.POSITIVE_INFINITY;
  private lastChargerPct = Number.NaN;
  private lastHolderPct = Number.NaN;
  private puffDurationMs = 0;

  constructor(private readonly emit: (event: DeviceEvent) => void) {}

  /** Remembers a puff input's duration for the puff event the heater raises later. */
  noteInput(firmware: Firmware, input: { type: string; durationMs?: number }): void {
    if (input.type === 'puff') this.puffDurationMs = input.durationMs ?? firmware.params.heater.defaultPuffMs;
  }

  /** A firmware event with its values. */
  fromFirmware(firmware: Firmware, e: FirmwareEvent): DeviceEvent {
    if (e.type === 'puff') return { ...e, durationMs: this.puffDurationMs };
    if (e.type !== 'notify') return e;
    if (e.characteristic === 'status')
      return { ...e, characteristic: 'status', hex: toHex(statusValue(firmware.status())) };
    const view = firmware.battery();
    return {
      ...e,
      characteristic: 'battery',
      hex: toHex(batteryValue(view)),
      chargerPct: view.chargerPercent,
      ...(view.holderPresent ? { holderPct: view.holderPercent } : {}),
    };
  }

  /** After the device stepped to `nowMs`: a battery event on a level change, a heater sample when due. */
  afterStep(firmware: Firmware, nowMs: number): void {
    const { charger, holder } = firmware.state;
    const chargerPct = Math.round(charger.levelPercent);
    const holderPct = Math.round(holder.levelPercent);
    if (chargerPct !== this.lastChargerPct || holderPct !== this.lastHolderPct) {
      const first = Number.isNaN(this.lastChargerPct);
      this.lastChargerPct = chargerPct;
      this.lastHolderPct = holderPct;
      if (!first) this.emit({ type: 'battery', atMs: nowMs, chargerPct, holderPct });
    }
    if (firmware.heating()) {
      if (this.heaterDueMs <= nowMs || this.heaterDueMs === Number.POSITIVE_INFINITY) {
        this.heaterDueMs = nowMs + HEATER_EVENT_INTERVAL_MS;
        this.emitHeater(firmware, nowMs, firmware.heaterPowerW());
      }
    } else if (this.heaterDueMs !== Number.POSITIVE_INFINITY) {
      this.heaterDueMs = Number.POSITIVE_INFINITY;
      this.emitHeater(firmware, nowMs, 0);
    }
  }

  /** A new firmware (factory reset): its levels are taken as they are, without an event. */
  reset(firmware: Firmware, nowMs: number): void {
    this.lastChargerPct = Number.NaN;
    this.lastHolderPct = Number.NaN;
    this.heaterDueMs = Number.POSITIVE_INFINITY;
    this.afterStep(firmware, nowMs);
  }

  private emitHeater(firmware: Firmware, nowMs: number, powerW: number): void {
    this.emit({ type: 'heater', atMs: nowMs, tempC: round1(firmware.heaterTempC()), powerW: round2(powerW) });
  }
}
