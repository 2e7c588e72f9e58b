/**
 * The Node side of Web Bluetooth: owns virtual devices, plays the browser's device chooser, and
 * connects a page (or a Node shim) to a device through an `InMemoryLink` and a `GattClient` on one
 * `VirtualClock` that follows real time (`clock-pump.ts`). A device has at most one link (D-21: one
 * central); every session connected to it shares that link, as tabs share Chromium's connection.
 * The pump is the general one of `../clock-pump.ts`, kicked after every write into a link.
 */
import type { FirmwareInput } from '../../firmware-model/index.js';
import {
  Crowd,
  type CrowdOptions,
  type DiscoveredCharacteristic,
  type DiscoveredService,
  GattClient,
  InMemoryLink,
  SimulatorError,
  VirtualClock,
  type VirtualDevice,
} from '../../simulator/index.js';
import { type ClockPump, startClockPump } from '../clock-pump.js';
import { CONNECT_FAILED_MESSAGE, domError, OUT_OF_RANGE_MESSAGE } from './errors.js';
import { matchesRequest, scanRecordOf } from './filters.js';
import { type ChooserPolicy, pick } from './hub-chooser.js';
import { HubCrowds } from './hub-crowds.js';
import { type DeviceEntry, deviceIdOf, kicking, newEntry, type Subscription } from './hub-entry.js';
import { installWebBluetooth } from './install.js';
import { type ChooserCandidate, HubSession, type SessionHost } from './session.js';
import type { AdapterState, Bluetooth, RequestDeviceOptionsJson } from './types.js';

export interface WebBluetoothHubOptions {
  /** Default 'first'. */
  chooser?: ChooserPolicy;
  /** The clock the links run on (default a new one at 0 ms); the hub makes it follow real time. */
  clock?: VirtualClock;
  /** Longest real-time pump sleep, ms (default 50). */
  maxWaitMs?: number;
  /** ATT MTU the central asks for on connect (default 517, as BlueZ; the device answers its own). */
  mtu?: number;
  /** Called when driving the clock throws (the pump stops); default: rethrow. */
  onError?: (error: unknown) => void;
}

export class WebBluetoothHub implements SessionHost {
  readonly clock: VirtualClock;
  chooser: ChooserPolicy;
  private readonly mtu: number;
  private readonly pump: ClockPump;
  private readonly entries = new Map<string, DeviceEntry>();
  private readonly byDevice = new Map<VirtualDevice, DeviceEntry>();
  private readonly sessions = new Set<HubSession>();
  private readonly crowds = new HubCrowds();
  private adapterState: AdapterState = 'powered-on';

  constructor(options: WebBluetoothHubOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.chooser = options.chooser ?? 'first';
    this.mtu = options.mtu ?? 517;
    this.pump = startClockPump(this.clock, {
      ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
  }

  /** Adds a device (its time must not be ahead of the clock) and returns its id. */
  addDevice(device: VirtualDevice): string {
    const existing = this.byDevice.get(device);
    if (existing) return existing.id;
    let salt = 0;
    let id = deviceIdOf(device, salt);
    while (this.entries.has(id)) id = deviceIdOf(device, ++salt);
    const entry: DeviceEntry = newEntry(id, device, undefined, undefined);
    // Unconnected, the device still runs in real time (charging, timers); linked, the link drives it.
    entry.unfollow = this.clock.follow({
      nextDeadline: () => (entry.link ? undefined : device.nextDeadline()),
      handleTimeout: (nowMs) => {
        device.handleTimeout(nowMs);
        while (device.pollTransmit());
      },
    });
    this.entries.set(id, entry);
    this.byDevice.set(device, entry);
    this.pump.kick();
    return id;
  }

  /**
   * Many advertisers at once (docs/webbluetooth.md "Crowds"): a `Crowd` (or its options) whose members
   * the chooser offers as they advertise at the hub's virtual time, each address its own device id.
   */
  addCrowd(crowd: Crowd | CrowdOptions): Crowd {
    const added = crowd instanceof Crowd ? crowd : new Crowd(crowd);
    this.crowds.add(added);
    return added;
  }

  /** Takes a crowd out of range: its connections drop, and its ids reach nothing any more. */
  removeCrowd(crowd: Crowd): void {
    for (const id of this.crowds.remove(crowd)) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      entry.link?.disconnect('device removed');
      this.entries.delete(id);
      if (this.byDevice.get(entry.device) === entry) this.byDevice.delete(entry.device);
    }
    this.pump.kick();
  }

  /** The adapter's state now (default powered on). */
  get adapter(): AdapterState {
    return this.adapterState;
  }

  /** Switches the adapter off, removes it or brings it back; off or absent, every link drops. */
  setAdapter(state: AdapterState): void {
    this.adapterState = state;
    if (state === 'powered-on') return;
    for (const entry of this.entries.values()) entry.link?.disconnect(`adapter ${state}`);
    this.pump.kick();
  }

  /** `getAvailability()`: an adapter is present (on or off). Setting false removes it, true powers it on. */
  get available(): boolean {
    return this.adapterState !== 'absent';
  }

  set available(available: boolean) {
    this.setAdapter(available ? 'powered-on' : 'absent');
  }

  /** Out of range: the link drops, the chooser no longer offers it, connects fail; grants stay. */
  outOfRange(target: VirtualDevice | string): void {
    const entry = this.entryOf(target);
    entry.inRange = false;
    entry.link?.disconnect('out of range');
    this.pump.kick();
  }

  /** Back in range: offered again and connectable (the same id, so pages keep their grants). */
  inRange(target: VirtualDevice | string): void {
    this.entryOf(target).inRange = true;
  }

  isInRange(target: VirtualDevice | string): boolean {
    return this.reachable(this.entryOf(target));
  }

  /**
   * Revokes every session's permission for the device (the user in site settings): connected pages
   * get `gattserverdisconnected`, it leaves `getDevices()`, and a connect is a SecurityError.
   */
  revoke(target: VirtualDevice | string): void {
    const { id } = this.entryOf(target);
    for (const session of this.sessions) session.revoke(id);
    this.pump.kick();
  }

  /** Removes a device; its connections drop first. */
  removeDevice(target: VirtualDevice | string): void {
    const entry = this.entryOf(target);
    entry.link?.disconnect('device removed');
    entry.unfollow();
    this.entries.delete(entry.id);
    this.byDevice.delete(entry.device);
  }

  idOf(device: VirtualDevice): string {
    return this.entryOf(device).id;
  }

  device(id: string): VirtualDevice {
    return this.entryOf(id).device;
  }

  /** The devices added with `addDevice` (crowd members: `Crowd.device`). */
  get devices(): VirtualDevice[] {
    return [...this.entries.values()].filter((e) => !e.crowd).map((e) => e.device);
  }

  /** Virtual time now: the clock, which the pump keeps within `maxWaitMs` of real time. */
  nowMs(): number {
    return this.clock.now();
  }

  /** Applies a firmware input now (a battery level, a button …); notifications go out at once. */
  input(target: VirtualDevice | string, input: FirmwareInput): void {
    const entry = this.entryOf(target);
    entry.device.input(input, this.nowMs());
    this.pump.kick();
  }

  /** Drops the device's link from the device side: pages see `gattserverdisconnected`. */
  disconnect(target: VirtualDevice | string, reason = 'disconnected by the device'): boolean {
    const link = this.entryOf(target).link;
    if (!link) return false;
    link.disconnect(reason);
    this.pump.kick();
    return true;
  }

  isConnected(target: VirtualDevice | string): boolean {
    return this.entryOf(target).link?.open ?? false;
  }

  /** A new client: the backend for one shim (`playwright.ts` makes one per frame). */
  createSession(): HubSession {
    const session = new HubSession(this);
    this.sessions.add(session);
    return session;
  }

  /** `navigator.bluetooth` for Node: the shim over a new session of this hub. */
  bluetooth(): Bluetooth {
    return installWebBluetooth({}, { backend: this.createSession(), define: false }).bluetooth;
  }

  /** Closes every session and link and stops the pump. */
  close(): void {
    for (const session of [...this.sessions]) session.close();
    for (const entry of this.entries.values()) {
      entry.link?.close();
      entry.unfollow();
    }
    this.pump.stop();
  }

  // ---- SessionHost: what sessions call. ----

  candidates(options: RequestDeviceOptionsJson): ChooserCandidate[] {
    const out: ChooserCandidate[] = [];
    for (const entry of this.entries.values()) {
      // A crowd member off its link is heard through its crowd, under the address it has now.
      if (!entry.inRange || (entry.crowd && !entry.link)) continue;
      const advertising = entry.device.advertising();
      if (advertising) entry.scan = scanRecordOf(advertising.advertisement, advertising.scanResponse);
      // Off air and not ours: not in range. Connected through this hub: listed with its last scan data.
      const record = advertising || entry.link ? entry.scan : undefined;
      if (record && matchesRequest(record, options)) out.push({ id: entry.id, name: record.name });
    }
    for (const candidate of this.crowds.candidates(this.nowMs(), options))
      if (this.entries.get(candidate.id)?.inRange !== false) out.push(candidate);
    return out;
  }

  choose(
    candidates: readonly ChooserCandidate[],
    request: RequestDeviceOptionsJson,
  ): Promise<string | undefined> {
    return pick(
      this.chooser,
      candidates,
      request,
      (id) => this.device(id),
      (device) => this.byDevice.get(device)?.id ?? this.crowds.idOfDevice(device, this.nowMs()),
    );
  }

  has(id: string): boolean {
    return this.entries.has(id) || this.crowds.ref(id) !== undefined;
  }

  nameOf(id: string): string | null {
    const entry = this.entries.get(id);
    const ref = this.crowds.ref(id);
    if (!entry && ref) return ref.crowd.member(ref.index).identity.name;
    const { scan, device } = this.entryOf(id);
    return scan?.name ?? device.identity.name;
  }

  async attach(session: HubSession, id: string): Promise<void> {
    const entry = this.entries.get(id) ?? this.crowdEntry(id);
    // Chromium's answer for a device the adapter no longer lists (an adapter off lists none).
    if (!entry || !this.reachable(entry) || this.adapterState !== 'powered-on')
      throw domError('NetworkError', OUT_OF_RANGE_MESSAGE);
    // A link still discovering is not ready: a second connect waits for the first one's discovery.
    if (!entry.link || entry.opening) {
      entry.opening ??= this.open(entry).finally(() => {
        entry.opening = undefined;
      });
      await entry.opening;
    }
    if (!entry.link) throw this.connectFailure(entry);
    if (!session.closed) entry.sessions.add(session);
  }

  detach(session: HubSession, id: string): void {
    const entry = this.entries.get(id);
    if (!entry?.sessions.delete(session)) return;
    for (const [handle, subscription] of entry.subscriptions) {
      if (!subscription.sessions.delete(session) || subscription.sessions.size > 0) continue;
      entry.subscriptions.delete(handle);
      if (entry.sessions.size > 0) this.writeCccd(entry, handle, false).catch(() => undefined);
    }
    // The last client gone, the central drops the link (Chromium does the same).
    if (entry.sessions.size === 0) entry.link?.close();
  }

  isAttached(session: HubSession, id: string): boolean {
    return this.entries.get(id)?.sessions.has(session) ?? false;
  }

  services(id: string): readonly DiscoveredService[] {
    return this.entryOf(id).services;
  }

  gatt(id: string): GattClient {
    const gatt = this.entryOf(id).gatt;
    if (!gatt) throw new SimulatorError('SIM_DISCONNECTED', 'the device is not connected');
    return gatt;
  }

  async setNotify(
    session: HubSession,
    id: string,
    characteristic: DiscoveredCharacteristic,
    enable: boolean,
  ): Promise<void> {
    const entry = this.entryOf(id);
    const handle = characteristic.valueHandle;
    const existing = entry.subscriptions.get(handle);
    if (!enable) {
      if (!existing?.sessions.delete(session) || existing.sessions.size > 0) return;
      entry.subscriptions.delete(handle);
      await this.writeCccd(entry, handle, false);
      return;
    }
    if (existing) {
      existing.sessions.add(session);
      await existing.ready;
      return;
    }
    // Subscribed before the write: the device notifies its value right after the response (D-18).
    const subscription: Subscription = { sessions: new Set([session]), ready: Promise.resolve() };
    entry.subscriptions.set(handle, subscription);
    subscription.ready = this.writeCccd(entry, handle, true);
    try {
      await subscription.ready;
    } catch (error) {
      if (entry.subscriptions.get(handle) === subscription) entry.subscriptions.delete(handle);
      throw error;
    }
  }

  sessionClosed(session: HubSession): void {
    this.sessions.delete(session);
  }

  // ---- Links. ----

  private entryOf(target: VirtualDevice | string): DeviceEntry {
    const entry =
      typeof target === 'string'
        ? (this.entries.get(target) ?? this.crowdEntry(target))
        : (this.byDevice.get(target) ?? this.crowdEntry(this.crowds.idOfDevice(target, this.nowMs())));
    if (!entry)
      throw new SimulatorError(
        'SIM_BAD_INPUT',
        typeof target === 'string'
          ? `no device with id ${target} in the hub`
          : 'the device is not in the hub',
      );
    return entry;
  }

  private async open(entry: DeviceEntry): Promise<void> {
    const { device } = entry;
    const link = new InMemoryLink(this.clock, device, { connect: false });
    try {
      device.connect(this.clock.now());
    } catch {
      link.close();
      throw this.connectFailure(entry);
    }
    const gatt = new GattClient(
      kicking(link, () => this.pump.kick()),
      this.clock,
    );
    entry.link = link;
    entry.gatt = gatt;
    link.onClose(() => this.closed(entry, link));
    gatt.onNotification((handle, value) => {
      const subscription = entry.subscriptions.get(handle);
      if (!subscription) return;
      const bytes = Array.from(value);
      for (const session of subscription.sessions)
        session.push({ type: 'notification', id: entry.id, handle, bytes });
    });
    let services: DiscoveredService[];
    try {
      await gatt.exchangeMtu(this.mtu);
      services = await gatt.discover();
    } catch {
      if (entry.link === link) link.close();
      throw this.connectFailure(entry);
    }
    if (entry.link !== link) throw this.connectFailure(entry);
    entry.services = services;
  }

  /** The entry of a crowd member under a listed id, made on first use; its device runs when linked. */
  private crowdEntry(id: string | undefined): DeviceEntry | undefined {
    const ref = id === undefined ? undefined : this.crowds.ref(id);
    if (id === undefined || !ref) return undefined;
    const nowMs = this.nowMs();
    const device = this.crowds.device(ref, nowMs);
    const advertising = ref.crowd.advertisingAt(ref.index, nowMs);
    const scan = advertising ? scanRecordOf(advertising.advertisement, advertising.scanResponse) : undefined;
    const entry = newEntry(id, device, ref, scan);
    this.entries.set(id, entry);
    if (!this.byDevice.get(device)?.link) this.byDevice.set(device, entry);
    return entry;
  }

  /** In range now: not taken out by `outOfRange`, and a crowd member linked or advertising this address. */
  private reachable(entry: DeviceEntry): boolean {
    if (!entry.inRange) return false;
    return !entry.crowd || entry.link !== undefined || this.crowds.onAir(entry.crowd, this.nowMs());
  }

  /** A connect that lost its link: out of range (or adapter off), else a failed attempt. */
  private connectFailure(entry: DeviceEntry): DOMException {
    return domError(
      'NetworkError',
      this.reachable(entry) && this.adapterState === 'powered-on'
        ? CONNECT_FAILED_MESSAGE
        : OUT_OF_RANGE_MESSAGE,
    );
  }

  /** The link dropped (device side, fault, or the last client left): tell the clients still on it. */
  private closed(entry: DeviceEntry, link: InMemoryLink): void {
    if (entry.link !== link) return;
    // Told first: replies to the calls the drop fails carry a later event number, so each shim
    // fires gattserverdisconnected before it rejects them (shim-bridge.ts).
    const sessions = [...entry.sessions];
    entry.sessions.clear();
    for (const session of sessions) session.push({ type: 'disconnected', id: entry.id });
    entry.gatt?.close();
    entry.link = undefined;
    entry.gatt = undefined;
    entry.services = [];
    entry.subscriptions.clear();
    this.pump.kick();
  }

  private async writeCccd(entry: DeviceEntry, handle: number, enable: boolean): Promise<void> {
    const gatt = entry.gatt;
    const characteristic = entry.services
      .flatMap((s) => s.characteristics)
      .find((c) => c.valueHandle === handle);
    if (!gatt || !characteristic) throw new SimulatorError('SIM_DISCONNECTED', 'the device is not connected');
    await gatt.subscribe(characteristic, enable);
  }
}
