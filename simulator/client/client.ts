/**
 * The client (central) API: connect, discover, subscribe, and typed calls for the registers, over
 * any `Transport` — BLE (ATT packets) or USB (64-byte reports). SCP replies are paired with
 * requests by position (FIFO), as real clients do (docs/protocol.md §6.2), each request with its own timeout.
 */
import {
  BATTERY_CHAR_UUID,
  type BatteryRecord,
  BlePacketAssembler,
  DEVICE_EPOCH_UNIX_S,
  type DecodedFrame,
  decodeBatteryRecord,
  decodeDisString,
  decodeFrame,
  decodeStatusRecord,
  decodeUsbReport,
  type EncodeOptions,
  encodeCommand,
  encodeUsbReport,
  type Fields,
  FrameHeader,
  FrameStatus,
  fragmentFrame,
  parseFrameInto,
  REPLY_NODE,
  SCP_CHAR_UUID,
  STATUS_CHAR_UUID,
  type StatusRecord,
  sigUuid,
  type Unit,
  unitOfReplyNode,
  unitOfRequestNode,
} from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import type { Transport } from '../link.js';
import { ListenerSet } from '../listeners.js';
import type { WirePacket } from '../wire.js';
import { GattClient, type Scheduler } from './gatt-client.js';

export interface ClientOptions {
  scheduler: Scheduler;
  /** Which wire the transport carries (default ble). */
  channel?: 'ble' | 'usb';
  /** Per-request timeout, ms (default 1000; the tightest real client uses 120). */
  requestTimeoutMs?: number;
  /** MTU to ask for (default 247, docs/protocol.md D-22). */
  mtu?: number;
  /** ATT transaction timeout, ms (default 30 000, Core spec Vol 3 Part F §3.3.3). */
  attTimeoutMs?: number;
}

export interface DeviceInformation {
  modelNumber: string;
  serialNumber: string;
  softwareRevision: string;
  manufacturer: string;
}

interface PendingRequest {
  resolve(frame: Uint8Array): void;
  reject(error: Error): void;
  timer: { cancel(): void };
  /** What a reply to this request looks like (unit, register or table), when the request decodes. */
  expects?: ReplyKey;
}

/** Who answers and on what: the reply node byte and the register or table (docs/protocol.md §4.2). */
interface ReplyKey {
  node: number;
  long: boolean;
  address: number;
}

const keyHeader = new FrameHeader();

/** The key of a frame from its header alone (no payload decode); undefined when it does not parse. */
function frameKey(frame: Uint8Array, reply: boolean): ReplyKey | undefined {
  const status = parseFrameInto(frame, 0, frame.length, keyHeader, 'either');
  if (status !== FrameStatus.OK) return undefined;
  const unit = reply ? unitOfReplyNode(keyHeader.node) : unitOfRequestNode(keyHeader.node);
  if (!unit) return undefined;
  return {
    node: REPLY_NODE[unit],
    long: keyHeader.long,
    address: keyHeader.long ? keyHeader.table : keyHeader.address,
  };
}

export class IqosClient {
  private readonly pending: PendingRequest[] = [];
  private readonly assembler = new BlePacketAssembler();
  private readonly batteryListeners = new ListenerSet<BatteryRecord>();
  private readonly statusListeners = new ListenerSet<StatusRecord>();
  private readonly frameListeners = new ListenerSet<Uint8Array>();
  private gatt: GattClient | undefined;
  private readonly channel: 'ble' | 'usb';
  private readonly timeoutMs: number;
  private readonly offData: () => void;
  /** Frames go out one after another: all fragments of one before the next (docs/protocol.md §4.1). */
  private sending: Promise<void> = Promise.resolve();
  /** Replies dropped because they did not answer the oldest pending request (late or duplicated). */
  staleReplies = 0;

  private constructor(
    private readonly transport: Transport,
    private readonly options: ClientOptions,
  ) {
    this.channel = options.channel ?? 'ble';
    this.timeoutMs = options.requestTimeoutMs ?? 1000;
    this.offData = transport.onData((packet) => this.onPacket(packet));
    transport.onClose((reason) => {
      for (const p of this.pending.splice(0)) {
        p.timer.cancel();
        p.reject(new SimulatorError('SIM_DISCONNECTED', `link lost: ${reason}`));
      }
    });
  }

  /** Connects: over BLE exchanges the MTU, discovers, and subscribes SCP, battery and status. */
  static async connect(transport: Transport, options: ClientOptions): Promise<IqosClient> {
    const client = new IqosClient(transport, options);
    if (client.channel === 'ble') {
      const gatt = new GattClient(transport, options.scheduler, options.attTimeoutMs);
      client.gatt = gatt;
      await gatt.exchangeMtu(options.mtu ?? 247);
      await gatt.discover();
      gatt.onNotification((handle, value) => client.onNotification(handle, value));
      for (const uuid of [SCP_CHAR_UUID, BATTERY_CHAR_UUID, STATUS_CHAR_UUID])
        await gatt.subscribe(gatt.characteristic(uuid));
    }
    return client;
  }

  get mtu(): number {
    return this.gatt?.mtu ?? 64;
  }

  /** The GATT client underneath (BLE only). */
  get gattClient(): GattClient | undefined {
    return this.gatt;
  }

  onBattery(listener: (record: BatteryRecord) => void): () => void {
    return this.batteryListeners.add(listener);
  }

  onStatus(listener: (record: StatusRecord) => void): () => void {
    return this.statusListeners.add(listener);
  }

  /**
   * Sends one logical SCP frame; resolves with the next reply frame (pairing by position,
   * docs/protocol.md §6.2). A reply that does not answer the oldest pending request — its unit, register or
   * table differ, as with a reply arriving after its request timed out — is dropped and counted in
   * `staleReplies`.
   */
  request(frame: Uint8Array, timeoutMs = this.timeoutMs): Promise<Uint8Array> {
    let entry: PendingRequest | undefined;
    const reply = new Promise<Uint8Array>((resolve, reject) => {
      const expects = frameKey(frame, false);
      const self: PendingRequest = {
        resolve,
        reject,
        ...(expects ? { expects } : {}),
        timer: this.options.scheduler.schedule(this.options.scheduler.now() + timeoutMs, () => {
          this.forget(self);
          // A reply still half-assembled now lost a fragment (replies come whole and in order,
          // docs/protocol.md §6.1): drop it, or the next reply's packets would be glued onto it and lost too.
          this.assembler.reset();
          reject(new SimulatorError('SIM_TIMEOUT', `no reply within ${timeoutMs} ms`));
        }),
      };
      entry = self;
      this.pending.push(self);
    });
    const sent = this.sendFrame(frame);
    sent.catch((error: Error) => {
      if (!entry || !this.forget(entry)) return;
      entry.timer.cancel();
      entry.reject(error);
    });
    return reply;
  }

  /**
   * Sends one logical SCP frame without waiting for a reply (fragments over BLE, a report over USB),
   * after any frame already being sent. Replies still reach `onFrame` listeners.
   */
  sendFrame(frame: Uint8Array): Promise<void> {
    const sent = this.sending.then(() => this.send(frame));
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  /** Every SCP reply frame as it arrives, before pairing (for tools that show all traffic). */
  onFrame(listener: (frame: Uint8Array) => void): () => void {
    return this.frameListeners.add(listener);
  }

  /** Removes a request from the pending list; false if it was already settled. */
  private forget(entry: PendingRequest): boolean {
    const i = this.pending.indexOf(entry);
    if (i < 0) return false;
    this.pending.splice(i, 1);
    return true;
  }

  /** Encodes a catalogue command, sends it and decodes the reply (PROTOCOL_* errors reject). */
  async call(name: string, options: EncodeOptions = {}): Promise<DecodedFrame> {
    const reply = await this.request(encodeCommand(name, options));
    const decoded = decodeFrame(reply);
    if (!decoded.ok) throw decoded.error;
    return decoded.value;
  }

  async readDeviceInformation(): Promise<DeviceInformation> {
    const gatt = this.requireGatt();
    const text = async (short: number) =>
      decodeDisString(await gatt.read(gatt.characteristic(sigUuid(short)).valueHandle)).text;
    return {
      modelNumber: await text(0x2a24),
      serialNumber: await text(0x2a25),
      softwareRevision: await text(0x2a28),
      manufacturer: await text(0x2a29),
    };
  }

  async readBattery(): Promise<BatteryRecord> {
    const gatt = this.requireGatt();
    const result = decodeBatteryRecord(await gatt.read(gatt.characteristic(BATTERY_CHAR_UUID).valueHandle));
    if (!result.ok) throw result.error;
    return result.value;
  }

  async readStatus(): Promise<StatusRecord> {
    const gatt = this.requireGatt();
    const result = decodeStatusRecord(await gatt.read(gatt.characteristic(STATUS_CHAR_UUID).valueHandle));
    if (!result.ok) throw result.error;
    return result.value;
  }

  async getFirmwareVersion(unit: Unit = 'charger'): Promise<string> {
    const f = (await this.call('get-firmware', { unit })).fields;
    return `${f.major}.${f.minor}.${f.patch}.${f.build}`;
  }
  async getProductNumber(unit: Unit = 'charger'): Promise<string> {
    return String((await this.call('get-product-number', { unit })).fields.productNumber);
  }
  async getBatteryPercent(): Promise<number> {
    return Number((await this.call('get-battery-percent')).fields.percent);
  }
  async setBrightness(level: 'high' | 'low', unit: 'charger' | 'holder' = 'charger'): Promise<DecodedFrame> {
    return this.call(unit === 'charger' ? 'set-brightness' : 'set-holder-brightness', { args: [level] });
  }
  async getBrightness(unit: 'charger' | 'holder' = 'charger'): Promise<Fields> {
    return (await this.call(unit === 'charger' ? 'get-brightness' : 'get-holder-brightness')).fields;
  }
  async setSetting(
    name: 'auto-start' | 'pause-mode' | 'smart-gesture' | 'flexpuff',
    on: boolean,
  ): Promise<DecodedFrame> {
    return this.call(`set-${name}`, { args: [on ? 'on' : 'off'], unit: 'holder' });
  }
  async getSetting(name: 'auto-start' | 'pause-mode' | 'smart-gesture' | 'flexpuff'): Promise<Fields> {
    return (await this.call(`get-${name}`, { unit: 'holder' })).fields;
  }
  async setFlexBattery(mode: 'eco' | 'performance'): Promise<DecodedFrame> {
    return this.call('set-flexbattery', { args: [mode] });
  }
  async setVibration(flags: string[]): Promise<DecodedFrame> {
    return this.call('set-vibration', { args: [flags.join(',')] });
  }
  async lock(): Promise<DecodedFrame> {
    return this.call('set-lock', { args: ['lock'] });
  }
  async unlock(): Promise<DecodedFrame> {
    return this.call('set-lock', { args: ['unlock'] });
  }
  async isLocked(): Promise<boolean> {
    const f = (await this.call('get-lock')).fields;
    return f.locked === true;
  }
  async findMyIqos(on: boolean): Promise<DecodedFrame> {
    return this.call('find-my', { args: [on ? 'start' : 'stop'] });
  }
  /** Reads the device clock (table 00 04), seconds since 2010-01-01 UTC. */
  async readClock(unit: Unit = 'charger'): Promise<number> {
    return Number((await this.call('get-clock', { unit })).fields.seconds);
  }
  /** Writes the clock as the official app does once per session (docs/protocol.md §8.2). */
  async syncClock(unixMs: number): Promise<DecodedFrame> {
    return this.call('set-clock', { fields: { seconds: Math.floor(unixMs / 1000) - DEVICE_EPOCH_UNIX_S } });
  }
  async readUsageCounters(unit: Unit = 'charger'): Promise<Fields> {
    return (await this.call('get-usage-counters', { unit })).fields;
  }

  /** Closes the link first, so pending calls reject with SIM_DISCONNECTED rather than time out. */
  close(): void {
    this.transport.close();
    this.offData();
    this.gatt?.close();
  }

  private requireGatt(): GattClient {
    if (!this.gatt) throw new SimulatorError('SIM_BAD_INPUT', 'GATT characteristics need a BLE transport');
    return this.gatt;
  }

  private async send(frame: Uint8Array): Promise<void> {
    if (this.channel === 'usb') {
      this.transport.write({ channel: 'usb', bytes: encodeUsbReport(frame) });
      return;
    }
    const gatt = this.requireGatt();
    const scp = gatt.characteristic(SCP_CHAR_UUID).valueHandle;
    for (const packet of fragmentFrame(frame, gatt.mtu)) await gatt.write(scp, packet);
  }

  private onPacket(packet: WirePacket): void {
    if (packet.channel !== 'usb' || this.channel !== 'usb') return;
    const frame = decodeUsbReport(packet.bytes);
    if (frame.ok) this.deliver(frame.value);
  }

  private onNotification(handle: number, value: Uint8Array): void {
    const gatt = this.requireGatt();
    if (handle === gatt.characteristic(SCP_CHAR_UUID).valueHandle) {
      const frame = this.assembler.push(value, this.options.scheduler.now());
      if (frame?.ok) this.deliver(frame.value);
    } else if (handle === gatt.characteristic(BATTERY_CHAR_UUID).valueHandle) {
      const record = decodeBatteryRecord(value);
      if (record.ok) this.batteryListeners.emit(record.value);
    } else if (handle === gatt.characteristic(STATUS_CHAR_UUID).valueHandle) {
      const record = decodeStatusRecord(value);
      if (record.ok) this.statusListeners.emit(record.value);
    }
  }

  private deliver(frame: Uint8Array): void {
    this.frameListeners.emit(frame);
    const entry = this.pending[0];
    if (!entry) {
      this.staleReplies += 1;
      return;
    }
    const key = entry.expects;
    if (key) {
      const got = frameKey(frame, true);
      if (got && (got.node !== key.node || got.long !== key.long || got.address !== key.address)) {
        this.staleReplies += 1;
        return;
      }
    }
    this.pending.shift();
    entry.timer.cancel();
    entry.resolve(frame);
  }
}
