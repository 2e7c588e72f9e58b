/**
 * A virtual IQOS device (issue #4): the firmware model behind the GATT table of P§3 (served as ATT
 * PDUs), the SCP responder on the control point, the battery and status characteristics, and the
 * USB HID endpoint of P§5, all against one shared state (D-24). Sans-IO: `receive`, `pollTransmit`,
 * `nextDeadline`, `handleTimeout`; a `VirtualClock` or the real-time pump drives it.
 */

import { type Observable, Subject } from 'rxjs';
import {
  Firmware,
  type FirmwareEvent,
  type FirmwareInput,
  type FirmwareOptions,
  type FirmwareSnapshot,
  getProfile,
} from '../../firmware-model/index.js';
import {
  BATTERY_CHAR_UUID,
  BlePacketAssembler,
  buildAdvertising,
  buildScanResponse,
  decodeUsbReport,
  encodeDisString,
  encodeUsbReport,
  FrameHeader,
  fragmentFrame,
  GATT_SERVICES,
  hexBytes,
  parseFrameInto,
  SCP_CHAR_UUID,
  STATUS_CHAR_UUID,
  sigUuid,
  toHex,
} from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import type { Channel, Endpoint, WirePacket } from '../wire.js';
import { ATT_ERROR_INSUFFICIENT_AUTHENTICATION } from './att.js';
import { GattServer } from './gatt-server.js';
import { type DeviceIdentity, generateIdentity, softwareRevisionString } from './identity.js';
import { batteryValue, statusValue } from './records.js';
import { type RegisterStoreJson, ScpResponder } from './scp.js';

export interface VirtualDeviceOptions {
  /** Model id as `iqsim models` lists it. */
  model: string;
  /** Seed of the identity and of every random choice (default 1). */
  seed?: number;
  identity?: Partial<DeviceIdentity>;
  firmware?: Omit<FirmwareOptions, 'snapshot'>;
  /** Refuse SCP writes from an unbonded central with ATT "insufficient authentication". */
  bondedOnly?: boolean;
  /** SCP reply latency, ms (P§12 D-10: 5). */
  replyDelayMs?: number;
  startMs?: number;
  snapshot?: DeviceSnapshot;
  /** Register overrides, key → hex reply payload (overrides.ts); on a snapshot, replace its own. */
  overrides?: RegisterStoreJson;
}

/**
 * Everything that persists in a device: firmware, identity, bond, stored registers and options. A
 * restored device starts disconnected with nothing in flight (queued replies belong to the
 * connection that was open, as on a real device that was switched off and on).
 */
export interface DeviceSnapshot {
  readonly format: 'iqsim-device';
  readonly version: 1;
  readonly model: string;
  readonly seed: number;
  readonly identity: DeviceIdentity;
  readonly identityOverrides: Partial<DeviceIdentity>;
  readonly bonded: boolean;
  readonly bondedOnly: boolean;
  readonly replyDelayMs?: number;
  readonly firmware: FirmwareSnapshot;
  readonly registers: RegisterStoreJson;
  /** Register overrides (overrides.ts); absent in snapshots saved before overrides existed. */
  readonly overrides?: RegisterStoreJson;
}

export type DeviceEvent =
  | FirmwareEvent
  | { type: 'traffic'; atMs: number; dir: 'in' | 'out'; channel: Channel; hex: string }
  | { type: 'connection'; atMs: number; connected: boolean }
  | { type: 'bond'; atMs: number; bonded: boolean }
  | { type: 'dropped'; atMs: number; channel: Channel; reason: string; hex: string };

interface Outgoing {
  readonly atMs: number;
  readonly seq: number;
  readonly packet: WirePacket;
}

const dis = (short: number) => sigUuid(short);

/** Battery notifications at most this often (P§12 D-18 `ble.batteryNotifyMinIntervalMs`). */
const BATTERY_NOTIFY_MIN_INTERVAL_MS = 1000;

function valueHandle(uuid: string): number {
  for (const service of GATT_SERVICES)
    for (const c of service.characteristics) if (c.uuid === uuid) return c.valueHandle;
  throw new SimulatorError('SIM_BAD_INPUT', `no characteristic ${uuid} in the GATT table`);
}

export const HANDLES = {
  scp: valueHandle(SCP_CHAR_UUID),
  battery: valueHandle(BATTERY_CHAR_UUID),
  status: valueHandle(STATUS_CHAR_UUID),
  modelNumber: valueHandle(dis(0x2a24)),
  serialNumber: valueHandle(dis(0x2a25)),
  softwareRevision: valueHandle(dis(0x2a28)),
  manufacturer: valueHandle(dis(0x2a29)),
  deviceName: valueHandle(dis(0x2a00)),
} as const;

export class VirtualDevice implements Endpoint {
  readonly model: string;
  readonly seed: number;
  firmware: Firmware;
  private identityValue: DeviceIdentity;
  private readonly identityOverrides: Partial<DeviceIdentity>;
  private readonly gatt: GattServer;
  readonly scp: ScpResponder;
  private readonly assembler = new BlePacketAssembler();
  private readonly header = new FrameHeader();
  private readonly outgoing: Outgoing[] = [];
  private readonly events: DeviceEvent[] = [];
  private readonly subject = new Subject<DeviceEvent>();
  /** Every event as it happens (state, LEDs, vibrations, notifications, traffic, connection, bond). */
  readonly events$: Observable<DeviceEvent> = this.subject.asObservable();
  /** Keep events for `pollEvent` (default true; a long-running pump reading only `events$` turns it off). */
  queueEvents = true;
  private seq = 0;
  /** Latest time an SCP reply is queued for, per channel: later replies never go before it. */
  private readonly replyHorizonMs: Record<Channel, number> = {
    att: Number.NEGATIVE_INFINITY,
    usb: Number.NEGATIVE_INFINITY,
  };
  /** When the echo of the SCP write being handled goes out (its Write Response follows it). */
  private echoAtMs = 0;
  private lastBatteryNotifyMs = Number.NEGATIVE_INFINITY;
  /** A battery notification held back by the D-18 minimum interval, due at this time. */
  private batteryNotifyDueMs = Number.POSITIVE_INFINITY;
  /** Notifications raised while a PDU is being handled, sent after its response. */
  private deferred: Uint8Array[] | undefined;
  private nowMs: number;
  private connectedValue = false;
  private bondedValue: boolean;
  readonly bondedOnly: boolean;
  readonly replyDelayMs: number;

  constructor(options: VirtualDeviceOptions) {
    const snapshot = options.snapshot;
    this.model = snapshot?.model ?? options.model;
    const profile = getProfile(this.model);
    this.seed = snapshot?.seed ?? options.seed ?? 1;
    this.identityOverrides = snapshot?.identityOverrides ?? options.identity ?? {};
    this.identityValue = snapshot?.identity ?? generateIdentity(profile, this.seed, this.identityOverrides);
    this.firmware = snapshot
      ? new Firmware(this.model, { snapshot: snapshot.firmware })
      : new Firmware(this.model, { ...options.firmware, startMs: options.startMs ?? 0 });
    this.nowMs = this.firmware.nowMs;
    this.bondedValue = snapshot?.bonded ?? false;
    this.bondedOnly = snapshot?.bondedOnly ?? options.bondedOnly ?? false;
    this.replyDelayMs = snapshot?.replyDelayMs ?? options.replyDelayMs ?? 5;
    this.scp = new ScpResponder({
      firmware: this.firmware,
      identity: () => this.identityValue,
      options: { holderReachable: () => profile.parts === 'one-piece' || this.firmware.state.holder.docked },
    });
    if (snapshot) this.scp.registers.load(snapshot.registers);
    const overrides = options.overrides ?? snapshot?.overrides;
    if (overrides) this.scp.setOverrides(overrides);
    this.gatt = new GattServer(GATT_SERVICES, {
      read: (handle) => this.readValue(handle),
      write: (handle, value, withResponse, nowMs) => this.writeValue(handle, value, withResponse, nowMs),
      subscribed: (handle, enabled, nowMs) => {
        if (!enabled) return;
        if (handle === HANDLES.battery) this.notifyBattery(nowMs);
        else if (handle === HANDLES.status) this.notifyCharacteristic(handle, nowMs);
      },
    });
    this.firmware.drainEvents();
  }

  get identity(): DeviceIdentity {
    return this.identityValue;
  }
  get connected(): boolean {
    return this.connectedValue;
  }
  get bonded(): boolean {
    return this.bondedValue;
  }
  get mtu(): number {
    return this.gatt.mtu;
  }
  get now(): number {
    return this.nowMs;
  }

  /** Advertising and scan response (P§2.1, P§2.2): the manufacturer byte reads 01 until bonded, then 00. */
  advertising(): { advertisement: Uint8Array; scanResponse: Uint8Array; connectable: boolean } | undefined {
    if (this.connectedValue || !this.firmware.state.charger.bluetoothOn) return undefined;
    return {
      advertisement: buildAdvertising({ bonded: this.bondedValue }),
      scanResponse: buildScanResponse(this.identityValue.name),
      connectable: true,
    };
  }

  /** A central connects (one at a time, D-21); the MTU starts at 23 (D-22). */
  connect(nowMs: number): void {
    this.advance(nowMs);
    if (this.connectedValue)
      throw new SimulatorError('SIM_DISCONNECTED', 'a central is already connected (ble.maxCentrals = 1)');
    if (!this.firmware.state.charger.bluetoothOn)
      throw new SimulatorError('SIM_DISCONNECTED', 'Bluetooth is off on the device');
    this.connectedValue = true;
    this.emit({ type: 'connection', atMs: nowMs, connected: true });
  }

  disconnect(nowMs: number): void {
    this.advance(nowMs);
    if (!this.connectedValue) return;
    this.connectedValue = false;
    this.gatt.disconnect();
    this.assembler.reset();
    this.replyHorizonMs.att = Number.NEGATIVE_INFINITY;
    for (let i = this.outgoing.length - 1; i >= 0; i--)
      if (this.outgoing[i]?.packet.channel === 'att') this.outgoing.splice(i, 1);
    this.emit({ type: 'connection', atMs: nowMs, connected: false });
  }

  /** Just Works bonding (P§3.8, D-17). */
  bond(nowMs: number): void {
    this.advance(nowMs);
    if (this.bondedValue) return;
    this.bondedValue = true;
    this.emit({ type: 'bond', atMs: nowMs, bonded: true });
  }

  /** F-50: the device forgets its bonds; the advertising byte goes back to 01. */
  forgetBonds(nowMs: number): void {
    this.advance(nowMs);
    if (!this.bondedValue) return;
    this.bondedValue = false;
    this.emit({ type: 'bond', atMs: nowMs, bonded: false });
  }

  /**
   * Factory reset: a fresh firmware (settings, counters and records back to defaults), the identity
   * generated from the seed and overrides again, bonds and stored registers cleared.
   */
  factoryReset(nowMs: number): void {
    this.advance(nowMs);
    if (this.connectedValue) this.disconnect(nowMs);
    const profile = getProfile(this.model);
    this.identityValue = generateIdentity(profile, this.seed, this.identityOverrides);
    this.firmware = new Firmware(this.model, { startMs: nowMs });
    this.firmware.drainEvents();
    this.scp.firmware = this.firmware;
    this.scp.registers.clear();
    this.bondedValue = false;
    this.emit({ type: 'bond', atMs: nowMs, bonded: false });
  }

  /** A user or environment input to the firmware (buttons, stick, puffs, dock, USB, faults …). */
  input(input: FirmwareInput, nowMs: number): void {
    this.advance(nowMs);
    this.firmware.input(input, nowMs);
    this.pumpFirmware();
  }

  receive(packet: WirePacket, nowMs: number): void {
    this.advance(nowMs);
    this.emit({ type: 'traffic', atMs: nowMs, dir: 'in', channel: packet.channel, hex: toHex(packet.bytes) });
    if (packet.channel === 'usb') {
      this.receiveUsb(packet.bytes, nowMs);
      return;
    }
    if (!this.connectedValue) {
      this.emit({
        type: 'dropped',
        atMs: nowMs,
        channel: 'att',
        reason: 'not connected',
        hex: toHex(packet.bytes),
      });
      return;
    }
    // A CCCD enable notifies the current value (D-18/19); that notification follows the Write Response.
    this.deferred = [];
    this.echoAtMs = nowMs;
    const responses = this.gatt.handlePdu(packet.bytes, nowMs);
    const deferred = this.deferred;
    this.deferred = undefined;
    // D-1: the ATT Write Response of an SCP write goes after its echo, even when the echo waits.
    for (const response of responses) this.queue(this.echoAtMs, 'att', response);
    for (const pdu of deferred) this.queue(this.echoAtMs, 'att', pdu);
  }

  pollTransmit(): WirePacket | undefined {
    const next = this.outgoing[0];
    if (!next || next.atMs > this.nowMs) return undefined;
    this.outgoing.shift();
    this.emit({
      type: 'traffic',
      atMs: this.nowMs,
      dir: 'out',
      channel: next.packet.channel,
      hex: toHex(next.packet.bytes),
    });
    return next.packet;
  }

  pollEvent(): DeviceEvent | undefined {
    return this.events.shift();
  }

  nextDeadline(): number | undefined {
    const next = Math.min(
      this.firmware.nextDeadline() ?? Number.POSITIVE_INFINITY,
      this.outgoing[0]?.atMs ?? Number.POSITIVE_INFINITY,
      this.batteryNotifyDueMs,
    );
    return Number.isFinite(next) ? next : undefined;
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
  }

  snapshot(): DeviceSnapshot {
    return {
      format: 'iqsim-device',
      version: 1,
      model: this.model,
      seed: this.seed,
      identity: structuredClone(this.identityValue),
      identityOverrides: structuredClone(this.identityOverrides),
      bonded: this.bondedValue,
      bondedOnly: this.bondedOnly,
      replyDelayMs: this.replyDelayMs,
      firmware: this.firmware.snapshot(),
      registers: this.scp.registers.toJSON(),
      overrides: this.scp.overrides.toJSON(),
    };
  }

  /** Runs the firmware to `nowMs` and turns its events into notifications. */
  private advance(nowMs: number): void {
    if (!(nowMs >= this.nowMs))
      throw new SimulatorError('SIM_TIME', `time went back from ${this.nowMs} to ${nowMs}`);
    this.nowMs = nowMs;
    this.firmware.advanceTo(nowMs);
    this.pumpFirmware();
  }

  private pumpFirmware(): void {
    for (let e = this.firmware.pollEvent(); e; e = this.firmware.pollEvent()) {
      this.emit(e);
      if (e.type !== 'notify' || !this.connectedValue) continue;
      if (e.characteristic === 'status') this.notifyCharacteristic(HANDLES.status, e.atMs);
      else if (e.atMs - this.lastBatteryNotifyMs >= BATTERY_NOTIFY_MIN_INTERVAL_MS)
        this.notifyBattery(e.atMs);
      else this.batteryNotifyDueMs = this.lastBatteryNotifyMs + BATTERY_NOTIFY_MIN_INTERVAL_MS;
    }
    if (this.batteryNotifyDueMs <= this.nowMs) this.notifyBattery(this.nowMs);
  }

  private notifyBattery(atMs: number): void {
    this.batteryNotifyDueMs = Number.POSITIVE_INFINITY;
    this.lastBatteryNotifyMs = atMs;
    if (this.connectedValue) this.notifyCharacteristic(HANDLES.battery, atMs);
  }

  private notifyCharacteristic(handle: number, atMs: number): void {
    const value =
      handle === HANDLES.battery
        ? batteryValue(this.firmware.battery())
        : statusValue(this.firmware.status());
    const pdu = this.gatt.notify(handle, value);
    if (!pdu) return;
    if (this.deferred) this.deferred.push(pdu);
    else this.queue(Math.max(atMs, this.nowMs), 'att', pdu);
  }

  private readValue(handle: number): Uint8Array | { error: number } {
    const id = this.identityValue;
    switch (handle) {
      case HANDLES.modelNumber:
        return encodeDisString(id.modelNumber);
      case HANDLES.serialNumber:
        return encodeDisString(id.chargerProductNumber);
      case HANDLES.softwareRevision:
        return encodeDisString(softwareRevisionString(id));
      case HANDLES.manufacturer:
        return encodeDisString(id.manufacturer);
      case HANDLES.deviceName:
        return encodeDisString(id.name);
      case HANDLES.battery:
        return batteryValue(this.firmware.battery());
      case HANDLES.status: {
        const value = statusValue(this.firmware.status());
        // The record stays "new" until the app reads it (device-model §2.2 session accounting).
        this.firmware.input({ type: 'statusRead' }, this.nowMs);
        this.pumpFirmware();
        return value;
      }
    }
    for (const service of GATT_SERVICES)
      for (const c of service.characteristics)
        if (c.valueHandle === handle)
          return c.staticValueHex ? hexBytes(c.staticValueHex) : new Uint8Array(0);
    return new Uint8Array(0);
  }

  private writeValue(handle: number, value: Uint8Array, _withResponse: boolean, nowMs: number): number {
    if (handle !== HANDLES.scp) return 0;
    if (this.bondedOnly && !this.bondedValue) return ATT_ERROR_INSUFFICIENT_AUTHENTICATION;
    const assembled = this.assembler.push(value, nowMs);
    if (!assembled) return 0;
    if (!assembled.ok) {
      this.scp.diagnostics.malformed += 1;
      return 0;
    }
    this.handleScp(assembled.value, nowMs, 'att');
    return 0;
  }

  private receiveUsb(report: Uint8Array, nowMs: number): void {
    const frame = decodeUsbReport(report);
    if (!frame.ok) {
      this.scp.diagnostics.malformed += 1;
      this.emit({
        type: 'dropped',
        atMs: nowMs,
        channel: 'usb',
        reason: frame.error.code,
        hex: toHex(report),
      });
      return;
    }
    this.handleScp(frame.value, nowMs, 'usb');
  }

  /**
   * Replies to SCP writes go out at once, before the ATT Write Response the server queues after this
   * returns (D-1: positional clients consume the echo with their write); read replies after
   * `replyDelayMs` (D-10).
   */
  private handleScp(frame: Uint8Array, nowMs: number, channel: Channel): void {
    const replies = this.scp.handleFrame(frame, nowMs);
    this.pumpFirmware();
    if (replies.length === 0) return;
    // The responder accepted the frame, so its header parses; only the write bit is needed here.
    parseFrameInto(frame, 0, frame.length, this.header, 'either');
    const isWrite = this.header.write;
    // Replies leave in request order (P§6.1): a write's echo never overtakes an earlier read's reply.
    const at = Math.max(
      isWrite && channel === 'att' ? nowMs : nowMs + this.replyDelayMs,
      this.replyHorizonMs[channel],
    );
    this.replyHorizonMs[channel] = at;
    if (isWrite && channel === 'att') this.echoAtMs = at;
    for (const reply of replies) {
      if (channel === 'usb') this.queue(at, 'usb', encodeUsbReport(reply));
      else
        for (const fragment of fragmentFrame(reply, this.gatt.mtu)) {
          const pdu = this.gatt.notify(HANDLES.scp, fragment);
          if (pdu) this.queue(at, 'att', pdu);
        }
    }
  }

  private queue(atMs: number, channel: Channel, bytes: Uint8Array): void {
    const item = { atMs, seq: this.seq++, packet: { channel, bytes } };
    let i = this.outgoing.length;
    while (i > 0 && (this.outgoing[i - 1] as Outgoing).atMs > atMs) i--;
    this.outgoing.splice(i, 0, item);
  }

  private emit(event: DeviceEvent): void {
    if (this.queueEvents) this.events.push(event);
    this.subject.next(event);
  }
}

export function createVirtualDevice(options: VirtualDeviceOptions): VirtualDevice {
  return new VirtualDevice(options);
}
