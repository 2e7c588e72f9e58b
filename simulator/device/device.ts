/**
 * A virtual IQOS device (issue #4): the firmware model behind the GATT table of docs/protocol.md §3 (served
 * as ATT PDUs), the SCP responder on the control point, the battery and status characteristics, and the
 * USB HID endpoint of docs/protocol.md §5, all against one shared state (D-24). Sans-IO: `receive`,
 * `pollTransmit`,
 * `pollEvent` (opt-in), `nextDeadline`, `handleTimeout`; a `VirtualClock` or the real-time pump
 * drives it. Events: `device-events.ts`; bonds: `bonds.ts`; outgoing packets: `outbox.ts`; GATT
 * values: `gatt-values.ts`; snapshots: `device-snapshot.ts`.
 */

import type { Observable } from 'rxjs';
import { Firmware, type FirmwareInput, type FirmwareProbe, getProfile } from '../../firmware-model/index.js';
import { GATT_SERVICES, toHex } from '../../protocol/index.js';
import type { CaptureSink } from '../capture-event.js';
import { SimulatorError } from '../errors.js';
import type { Endpoint, WirePacket } from '../wire.js';
import { type Advertising, type Bonds, DEFAULT_CENTRAL } from './bonds.js';
import { CaptureTap } from './capture-tap.js';
import { type DeviceEvent, EventBus, EventValues, type WatchedEvent } from './device-events.js';
import { type DeviceSnapshot, deviceParts, type PartsOptions, toSnapshot } from './device-snapshot.js';
import { GattServer } from './gatt-server.js';
import { gattValue, HANDLES } from './gatt-values.js';
import { type DeviceIdentity, generateIdentity } from './identity.js';
import { Notifier } from './notifier.js';
import { Outbox } from './outbox.js';
import { ScpRequests } from './requests.js';
import { type RegisterStoreJson, ScpResponder } from './scp.js';
import type { DeviceScript } from './script.js';

export { type Advertising, DEFAULT_CENTRAL } from './bonds.js';
export type {
  BatteryEvent,
  DeviceEvent,
  HeaterEvent,
  NotifyEvent,
  PuffEvent,
  WatchedEvent,
} from './device-events.js';
export type { DeviceSnapshot } from './device-snapshot.js';
export { HANDLES } from './gatt-values.js';

export interface VirtualDeviceOptions extends PartsOptions {
  /** Register overrides, key → hex reply payload (overrides.ts); on a snapshot, replace its own. */
  overrides?: RegisterStoreJson;
  /** Keep every event for `pollEvent()` (default false: `events$` only, nothing kept unread). */
  eventQueue?: boolean;
  /** Answer SCP requests and characteristic reads from a recording (script.ts, docs/captures.md "Replay"). */
  script?: DeviceScript;
}

export class VirtualDevice implements Endpoint {
  readonly model: string;
  readonly seed: number;
  private firmwareValue: Firmware;
  private identityValue: DeviceIdentity;
  private readonly identityOverrides: Partial<DeviceIdentity>;
  private readonly gatt: GattServer;
  readonly scp: ScpResponder;
  private readonly outbox = new Outbox();
  private readonly bus: EventBus;
  private readonly values: EventValues;
  private readonly bondTable: Bonds;
  /** Every event as it happens (state, lights, vibrations, battery, heater, puffs, notifications, traffic, connection, bond). */
  readonly events$: Observable<DeviceEvent>;
  private readonly notifier: Notifier;
  private readonly requests: ScpRequests;
  private nowMs: number;
  /** The connected central (one at a time, D-21), or undefined. */
  private centralValue: string | undefined;
  readonly replyDelayMs: number;
  readonly bondedOnly: boolean;
  /** The capture stream's tap while a sink is attached (`captureTo`); undefined costs nothing. */
  private tap: CaptureTap | undefined;
  private readonly script: DeviceScript | undefined;
  /** Whoever follows the deadline (`watchDeadline`): one clock usually, none for a device driven by hand. */
  private deadlineWatchers: (() => void)[] | undefined;
  /** The firmware probes added through `addProbe`, with their removers; carried over a factory reset. */
  private readonly probes: { probe: FirmwareProbe; remove: () => void }[] = [];

  constructor(options: VirtualDeviceOptions) {
    const parts = deviceParts(options);
    ({ model: this.model, seed: this.seed, identityOverrides: this.identityOverrides } = parts);
    ({ identity: this.identityValue, firmware: this.firmwareValue, replyDelayMs: this.replyDelayMs } = parts);
    this.bondTable = parts.bonds;
    this.bondedOnly = parts.bonds.bondedOnly;
    this.script = options.script;
    this.nowMs = this.firmware.nowMs;
    const profile = this.firmware.profile;
    this.bus = new EventBus(options.eventQueue ?? false);
    this.events$ = this.bus.events$;
    this.values = new EventValues((event) => this.emit(event));
    this.scp = new ScpResponder({
      firmware: () => this.firmwareValue,
      identity: () => this.identityValue,
      options: { holderReachable: () => profile.parts === 'one-piece' || this.firmware.state.holder.docked },
    });
    if (options.snapshot) this.scp.registers.load(options.snapshot.registers);
    const overrides = options.overrides ?? options.snapshot?.overrides;
    if (overrides) this.scp.setOverrides(overrides);
    this.gatt = new GattServer(GATT_SERVICES, {
      read: (handle) => {
        const value = this.valueOf(handle);
        // The record stays "new" until the app reads it (docs/device.md §2.2 session accounting).
        if (handle === HANDLES.status) this.input({ type: 'statusRead' }, this.nowMs);
        return value;
      },
      write: (handle, value, _withResponse, nowMs) =>
        handle === HANDLES.scp ? this.requests.bleWrite(value, nowMs) : 0,
      subscribed: (handle, enabled, nowMs) =>
        enabled && this.notifier.subscribed(handle, nowMs, this.connected),
    });
    this.notifier = new Notifier(
      this.gatt,
      this.outbox,
      (handle) => this.valueOf(handle),
      () => this.nowMs,
    );
    this.requests = new ScpRequests({
      scp: this.scp,
      gatt: this.gatt,
      outbox: this.outbox,
      bonds: this.bondTable,
      replyDelayMs: this.replyDelayMs,
      script: options.script,
      central: () => this.centralValue,
      pump: () => this.pumpFirmware(),
      emit: (event) => this.emit(event),
    });
    this.firmware.drainEvents();
    this.values.afterStep(this.firmware, this.nowMs);
  }

  /** A characteristic's value now: the script's when it has one, else the model's. */
  private valueOf(handle: number): Uint8Array {
    return this.script?.value(handle) ?? gattValue(handle, this.identityValue, this.firmware);
  }

  get identity(): DeviceIdentity {
    return this.identityValue;
  }
  get connected(): boolean {
    return this.centralValue !== undefined;
  }
  /** The connected central's identity, or undefined. */
  get central(): string | undefined {
    return this.centralValue;
  }
  /** Whether any central is bonded (the advertising byte, docs/protocol.md §2.1); `bonds` lists them. */
  get bonded(): boolean {
    return this.bondTable.any;
  }
  /** Bonded centrals, in bonding order. */
  get bonds(): string[] {
    return this.bondTable.list();
  }
  get mtu(): number {
    return this.gatt.mtu;
  }
  get now(): number {
    return this.nowMs;
  }

  /**
   * Advertising and scan response (docs/protocol.md §2.1, §2.2), none while connected or with Bluetooth off.
   */
  advertising(): Advertising | undefined {
    if (this.connected || !this.firmware.state.charger.bluetoothOn) return undefined;
    return this.bondTable.advertising(this.identityValue.name);
  }

  /**
   * Sends every packet in and out, the connection, MTU and bonds to `sink` (docs/captures.md), or
   * stops with `undefined`. Attached during a connection, the stream starts with that connection.
   */
  captureTo(sink: CaptureSink | undefined): void {
    this.tap = sink ? new CaptureTap(sink) : undefined;
    if (!this.tap || this.centralValue === undefined) return;
    this.tap.connect(this.nowMs, this.identityValue.address, this.centralValue, undefined);
    this.tap.mtuNow(this.gatt.mtu, this.nowMs);
  }

  /** A central connects (one at a time, D-21); the MTU starts at 23 (D-22). */
  connect(nowMs: number, central = DEFAULT_CENTRAL): void {
    this.advance(nowMs);
    if (this.connected)
      throw new SimulatorError('SIM_DISCONNECTED', 'a central is already connected (ble.maxCentrals = 1)');
    if (!this.firmware.state.charger.bluetoothOn)
      throw new SimulatorError('SIM_DISCONNECTED', 'Bluetooth is off on the device');
    this.tap?.connect(nowMs, this.identityValue.address, central, this.advertising()?.advertisement);
    this.centralValue = central;
    this.emit({ type: 'connection', atMs: nowMs, connected: true, central });
  }

  disconnect(nowMs: number): void {
    this.advance(nowMs);
    const central = this.centralValue;
    if (central === undefined) return;
    this.centralValue = undefined;
    this.gatt.disconnect();
    this.requests.reset();
    this.outbox.dropChannel('att');
    this.tap?.disconnect(nowMs);
    this.deadlineMoved();
    this.emit({ type: 'connection', atMs: nowMs, connected: false, central });
  }

  /**
   * Just Works bonding (docs/protocol.md §3.8, D-17) with `central`: by default the connected one, else the
   * default central.
   */
  bond(nowMs: number, central = this.centralValue ?? DEFAULT_CENTRAL): void {
    this.advance(nowMs);
    if (!this.bondTable.add(central)) return;
    this.tap?.bond(nowMs, true, central, this.centralValue);
    this.emit({ type: 'bond', atMs: nowMs, bonded: true, central });
  }

  /** The firmware model behind the device; a factory reset replaces it with a fresh one. */
  get firmware(): Firmware {
    return this.firmwareValue;
  }

  /** F-50: the device forgets every bond; the advertising byte goes back to 01. */
  forgetBonds(nowMs: number): void {
    this.advance(nowMs);
    if (!this.bondTable.clear()) return;
    this.tap?.bond(nowMs, false, undefined, undefined);
    this.emit({ type: 'bond', atMs: nowMs, bonded: false });
  }

  /**
   * Factory reset: a fresh firmware (settings, counters and records back to defaults), the identity
   * generated from the seed and overrides again, bonds and stored registers cleared.
   */
  factoryReset(nowMs: number): void {
    this.advance(nowMs);
    if (this.connected) this.disconnect(nowMs);
    const profile = getProfile(this.model);
    this.identityValue = generateIdentity(profile, this.seed, this.identityOverrides);
    this.firmwareValue = new Firmware(this.model, { startMs: nowMs });
    for (const entry of this.probes) entry.remove = this.firmwareValue.addProbe(entry.probe);
    this.firmwareValue.drainEvents();
    this.values.reset(this.firmwareValue, nowMs);
    this.deadlineMoved();
    this.scp.registers.clear();
    this.bondTable.clear();
    this.tap?.bond(nowMs, false, undefined, undefined);
    this.emit({ type: 'bond', atMs: nowMs, bonded: false });
  }

  /** A user or environment input to the firmware (buttons, stick, puffs, dock, USB, faults …). */
  input(input: FirmwareInput, nowMs: number): void {
    this.advance(nowMs);
    this.firmware.input(input, nowMs);
    this.values.noteInput(this.firmware, input);
    this.pumpFirmware();
    this.deadlineMoved();
  }

  receive(packet: WirePacket, nowMs: number): void {
    try {
      this.receiveNow(packet, nowMs);
    } finally {
      this.deadlineMoved();
    }
  }

  private receiveNow(packet: WirePacket, nowMs: number): void {
    this.advance(nowMs);
    this.traffic('in', packet, nowMs);
    if (packet.channel === 'usb') {
      this.tap?.packet('toDevice', packet, nowMs);
      this.requests.usbReport(packet.bytes, nowMs);
      return;
    }
    if (!this.connected) {
      this.emit({
        type: 'dropped',
        atMs: nowMs,
        channel: 'att',
        reason: 'not connected',
        hex: toHex(packet.bytes),
      });
      return;
    }
    this.tap?.packet('toDevice', packet, nowMs);
    // A CCCD enable notifies the current value (D-18/19); that notification follows the Write Response.
    this.notifier.beginPdu();
    this.requests.echoAtMs = nowMs;
    const responses = this.gatt.handlePdu(packet.bytes, nowMs);
    this.tap?.mtuNow(this.gatt.mtu, nowMs);
    const deferred = this.notifier.endPdu();
    // D-1: the ATT Write Response of an SCP write goes after its echo, even when the echo waits.
    const at = this.requests.echoAtMs;
    for (const response of responses) this.outbox.queue(at, 'att', response);
    for (const pdu of deferred) this.outbox.queue(at, 'att', pdu);
  }

  pollTransmit(): WirePacket | undefined {
    const packet = this.outbox.take(this.nowMs);
    if (!packet) return undefined;
    this.deadlineMoved();
    this.traffic('out', packet, this.nowMs);
    this.tap?.packet('toHost', packet, this.nowMs);
    return packet;
  }

  /** The next event kept for polling; throws SIM_BAD_INPUT unless made with `eventQueue: true`. */
  pollEvent(): DeviceEvent | undefined {
    return this.bus.poll();
  }

  nextDeadline(): number | undefined {
    const next = Math.min(
      this.firmware.nextDeadline() ?? Number.POSITIVE_INFINITY,
      this.outbox.nextAtMs,
      this.requests.nextDeadline() ?? Number.POSITIVE_INFINITY,
      this.notifier.batteryDueMs,
      this.values.heaterDueMs,
    );
    return Number.isFinite(next) ? next : undefined;
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
    this.requests.handleTimeout(nowMs);
    this.deadlineMoved();
  }

  /**
   * Adds a probe to the firmware (`Firmware.addProbe`, docs/firmware-model.md "Surface"), kept on the
   * new firmware after a factory reset. Returns the function that removes it.
   */
  addProbe(probe: FirmwareProbe): () => void {
    const entry = { probe, remove: this.firmwareValue.addProbe(probe) };
    this.probes.push(entry);
    return () => {
      const index = this.probes.indexOf(entry);
      if (index < 0) return;
      this.probes.splice(index, 1);
      entry.remove();
    };
  }

  /**
   * Calls `watcher` with every event of `events$` but the ATT/USB traffic, synchronously as each is
   * emitted (after the `events$` subscribers), without rxjs. While only watchers listen, the device
   * builds no traffic event at all: the trace sampler watches, and has no use for a traffic event
   * with its packet's hex per ATT exchange. Returns the function that stops it.
   */
  watchEvents(watcher: (event: WatchedEvent) => void): () => void {
    return this.bus.watch(watcher);
  }

  /**
   * Calls `changed` whenever `nextDeadline()` may have moved (the optional part of the clock's
   * `DeadlineSource`, simulator/followed-sources.ts): after each call that steps the device, takes a
   * packet or changes its queues. Changes made past the device, through `device.firmware` or
   * `device.scp` directly, are seen at the device's next call. Returns the function that stops it.
   */
  watchDeadline(changed: () => void): () => void {
    const watchers = this.deadlineWatchers ?? [];
    this.deadlineWatchers = watchers;
    watchers.push(changed);
    return () => {
      const index = watchers.indexOf(changed);
      if (index >= 0) watchers.splice(index, 1);
    };
  }

  snapshot(): DeviceSnapshot {
    const {
      model,
      seed,
      identityOverrides,
      identityValue: identity,
      firmware,
      bondTable: bonds,
      replyDelayMs,
    } = this;
    return toSnapshot({ model, seed, identityOverrides, identity, firmware, bonds, replyDelayMs }, this.scp);
  }

  /** Runs the firmware to `nowMs`, stopping at each heater sample, and turns its events into notifications. */
  private advance(nowMs: number): void {
    if (!(nowMs >= this.nowMs))
      throw new SimulatorError('SIM_TIME', `time went back from ${this.nowMs} to ${nowMs}`);
    while (this.values.heaterDueMs < nowMs) this.stepTo(this.values.heaterDueMs);
    this.stepTo(nowMs);
    this.deadlineMoved();
  }

  /** Tells the deadline's watchers it may have moved (they read it again before the clock's next step). */
  private deadlineMoved(): void {
    const watchers = this.deadlineWatchers;
    if (watchers === undefined) return;
    for (let i = 0; i < watchers.length; i++) (watchers[i] as () => void)();
  }

  private stepTo(nowMs: number): void {
    this.nowMs = nowMs;
    this.firmware.advanceTo(nowMs);
    this.pumpFirmware();
  }

  private pumpFirmware(): void {
    const listening = this.bus.listening;
    for (let e = this.firmware.pollEvent(); e; e = this.firmware.pollEvent()) {
      if (listening) this.bus.emit(this.values.fromFirmware(this.firmware, e));
      if (e.type === 'notify' && this.connected) this.notifier.changed(e.characteristic, e.atMs);
    }
    this.notifier.flush(this.nowMs, this.connected);
    this.values.afterStep(this.firmware, this.nowMs);
  }

  private traffic(dir: 'in' | 'out', packet: WirePacket, atMs: number): void {
    if (!this.bus.listeningToTraffic) return;
    this.emit({ type: 'traffic', atMs, dir, channel: packet.channel, hex: toHex(packet.bytes) });
  }

  private emit(event: DeviceEvent): void {
    if (this.bus.listening) this.bus.emit(event);
  }
}

export function createVirtualDevice(options: VirtualDeviceOptions): VirtualDevice {
  return new VirtualDevice(options);
}
