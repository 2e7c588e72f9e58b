/**
 * The adapter half of the virtual noble bindings: adapter state, scanning and 'discover',
 * connections and their end ('connect', 'disconnect'), pairing, RSSI, and the hooks a test uses on
 * the virtual side (`input`, `nowMs`, `dropConnection`, crowds). The GATT half is in bindings.ts.
 *
 * Method names, arguments and emitted events are those `lib/noble.js` (@stoprocent/noble 2.8) uses
 * with its HCI and D-Bus bindings. Everything noble is told arrives asynchronously, as from a real
 * adapter.
 */
import { EventEmitter } from 'node:events';
import type { FirmwareInput } from '../../firmware-model/index.js';
import {
  type Advertising,
  Crowd,
  type CrowdOptions,
  VirtualClock,
  type VirtualDevice,
} from '../../simulator/index.js';
import { type ClockPump, startClockPump } from '../clock-pump.js';
import {
  HCI_CONNECTION_TIMEOUT,
  HCI_HARDWARE_FAILURE,
  HCI_LOCAL_HOST_TERMINATED,
  HCI_REMOTE_USER_TERMINATED,
  VirtualConnection,
} from './connection.js';
import { NobleCrowds } from './crowds.js';
import { type NobleAdvertisement, nobleAdvertisement, nobleUuid } from './format.js';

export type AdapterState =
  | 'poweredOn'
  | 'poweredOff'
  | 'unauthorized'
  | 'unsupported'
  | 'unknown'
  | 'resetting';

export interface VirtualNobleBindingsOptions {
  /** The devices in range (default none); a function is asked again at every scan round and connect. */
  devices?: readonly VirtualDevice[] | (() => readonly VirtualDevice[]);
  /** The clock crowds run on (default a new one at 0 ms); it follows real time while a scan runs. */
  clock?: VirtualClock;
  /** RSSI reported for every device, dBm (default -50). */
  rssi?: number;
  /** Scan round period while scanning, real ms (default 100): new advertisers, and repeats if duplicates are allowed. */
  scanIntervalMs?: number;
  /** ATT MTU asked for at connect (default 247, the device's maximum). */
  mtu?: number;
  /** Longest sleep of a connection's clock pump, real ms (default 50). */
  maxWaitMs?: number;
  /** The adapter's own address, reported once at start (default `c0:00:00:00:00:01`). */
  address?: string;
  /** A device or link threw while the clock ran (a bug); the connection is dropped. Default: console.warn. */
  onError?: (error: unknown) => void;
}

interface ScanSession {
  readonly filter: readonly string[];
  readonly allowDuplicates: boolean;
  readonly announced: Set<string>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Entry {
  /** The peripheral id noble knows the connection by (the address it connected to). */
  readonly id: string;
  readonly connection: VirtualConnection;
  /** 'connect' went out without an error: a later close is a 'disconnect'. */
  established: boolean;
  /** The app gave up (cancelConnect or disconnect while connecting): the close is silent. */
  cancelled: boolean;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class VirtualNobleAdapter extends EventEmitter {
  private stateValue: AdapterState = 'unknown';
  private started = false;
  private scan: ScanSession | undefined;
  private readonly connections = new Map<string, Entry>();
  /** Ids noble has been told about (noble ignores events for peripherals it never saw). */
  private readonly known = new Set<string>();
  private readonly rssi: number;
  private readonly scanIntervalMs: number;
  private readonly crowds = new NobleCrowds();
  /** Crowds' time: `clock` while no scan runs, kept up with real time while one does. */
  private scanPump: ClockPump | undefined;
  readonly clock: VirtualClock;

  constructor(private readonly options: VirtualNobleBindingsOptions) {
    super();
    this.rssi = options.rssi ?? -50;
    this.scanIntervalMs = options.scanIntervalMs ?? 100;
    this.clock = options.clock ?? new VirtualClock();
  }

  get state(): AdapterState {
    return this.stateValue;
  }

  // ---- adapter ----------------------------------------------------------------------------------

  /** Called by noble on first use; the adapter reports its address, then poweredOn. */
  start(): void {
    if (this.started) return;
    this.started = true;
    setImmediate(() => {
      this.emit('addressChange', this.options.address ?? 'c0:00:00:00:00:01');
      this.setState('poweredOn');
    });
  }

  /** noble.stop(): scanning stops and every connection is dropped, each with a 'disconnect' (0x16). */
  stop(): void {
    this.started = false;
    this.endScan();
    for (const entry of this.connections.values()) this.close(entry, HCI_LOCAL_HOST_TERMINATED);
  }

  /**
   * Simulates the adapter changing state (e.g. 'poweredOff'). Leaving poweredOn stops scanning and
   * drops every connection quietly: noble itself then fails pending connects and disconnects its
   * peripherals ('cleanup').
   */
  setState(state: AdapterState): void {
    if (state === this.stateValue) return;
    if (this.stateValue === 'poweredOn') {
      this.endScan();
      for (const entry of this.connections.values()) {
        entry.established = false;
        entry.cancelled = true;
        entry.connection.drop(HCI_HARDWARE_FAILURE);
      }
    }
    this.stateValue = state;
    this.emit('stateChange', state);
  }

  setScanParameters(_interval?: number, _window?: number): void {
    setImmediate(() => this.emit('scanParametersSet'));
  }

  setAddress(address: string): void {
    setImmediate(() => this.emit('addressChange', address));
  }

  addressToId(address: string): string {
    return address.replace(/:/g, '').toLowerCase();
  }

  // ---- the virtual side -------------------------------------------------------------------------

  /**
   * The peripheral id noble uses for `device`: its address, lower-case, without colons (a crowd
   * member's: the address it advertises now, or the one it was connected at).
   */
  idOf(device: VirtualDevice): string {
    const entry = this.entryOf(device);
    if (entry) return entry.id;
    const member = this.crowds.memberOf(device);
    if (member) return this.addressToId(member.crowd.addressAt(member.index, this.crowdNow()));
    return this.addressToId(device.identity.address);
  }

  /**
   * Many advertisers at once (docs/noble.md "Crowds"): scan rounds report the crowd's members as
   * they advertise at `clock` time, each under the address it has then.
   */
  addCrowd(crowd: Crowd | CrowdOptions): Crowd {
    const added = crowd instanceof Crowd ? crowd : new Crowd(crowd);
    this.crowds.add(added);
    return added;
  }

  /** The crowd leaves: its members are no longer heard, and their connections drop (0x08, timeout). */
  removeCrowd(crowd: Crowd): void {
    this.crowds.remove(crowd);
    for (const entry of this.connections.values())
      if (crowd.indexOf(entry.connection.device) !== undefined) entry.connection.drop(HCI_CONNECTION_TIMEOUT);
  }

  /** Crowds' virtual time now (caught up with real time while scanning). */
  crowdNow(): number {
    return this.scanPump?.now() ?? this.clock.now();
  }

  /** The device's virtual time now: its connection's clock (synced to real time) or its own. */
  nowMs(device: VirtualDevice): number {
    return this.entryOf(device)?.connection.pump.now() ?? device.now;
  }

  /** Applies a firmware input at `nowMs(device)` and lets any notification it causes out at once. */
  input(device: VirtualDevice, input: FirmwareInput): void {
    device.input(input, this.nowMs(device));
    this.entryOf(device)?.connection.pump.kick();
  }

  /** Drops the device's connection from the device side (default reason 0x13); false if none. */
  dropConnection(device: VirtualDevice, reason = HCI_REMOTE_USER_TERMINATED): boolean {
    const entry = this.entryOf(device);
    if (!entry) return false;
    entry.connection.drop(reason);
    return true;
  }

  private devices(): readonly VirtualDevice[] {
    const { devices = [] } = this.options;
    return typeof devices === 'function' ? devices() : devices;
  }

  private deviceById(id: string): VirtualDevice | undefined {
    return (
      this.devices().find((d) => this.addressToId(d.identity.address) === id) ??
      this.crowds.deviceOf(id, this.crowdNow())
    );
  }

  private entryOf(device: VirtualDevice): Entry | undefined {
    for (const entry of this.connections.values()) if (entry.connection.device === device) return entry;
    return undefined;
  }

  // ---- scanning ---------------------------------------------------------------------------------

  startScanning(serviceUuids?: readonly string[], allowDuplicates?: boolean): void {
    if (this.scan?.timer !== undefined) clearTimeout(this.scan.timer);
    const scan: ScanSession = {
      filter: (serviceUuids ?? []).map(nobleUuid),
      allowDuplicates: allowDuplicates === true,
      announced: new Set(),
      timer: undefined,
    };
    this.scan = scan;
    this.scanPump ??= startClockPump(this.clock, { maxWaitMs: this.scanIntervalMs });
    setImmediate(() => {
      if (this.scan !== scan) return;
      // HCI semantics: the argument is "filter duplicates".
      this.emit('scanStart', !scan.allowDuplicates);
      this.scanRound(scan);
    });
  }

  stopScanning(): void {
    this.endScan();
    setImmediate(() => this.emit('scanStop'));
  }

  private endScan(): void {
    if (this.scan?.timer !== undefined) clearTimeout(this.scan.timer);
    this.scan = undefined;
    this.scanPump?.stop();
    this.scanPump = undefined;
  }

  /**
   * One advertising event of every advertiser (devices, then crowd members) that passes the filter,
   * then the next round. Without duplicates an address is announced once per scan, as the
   * controller's duplicate filter does; with them, every round, each with its RSSI then.
   */
  private scanRound(scan: ScanSession): void {
    scan.timer = undefined;
    if (this.scan !== scan) return;
    const heard = (address: string, bytes: Advertising, rssi: number): void => {
      const id = this.addressToId(address);
      if (!scan.allowDuplicates && scan.announced.has(id)) return;
      const advertisement = nobleAdvertisement(bytes.advertisement, bytes.scanResponse);
      const advertised = [...advertisement.serviceUuids, ...advertisement.serviceData.map((s) => s.uuid)];
      if (scan.filter.length > 0 && !advertised.some((uuid) => scan.filter.includes(uuid))) return;
      scan.announced.add(id);
      this.discovered(id, bytes.connectable, advertisement, rssi);
    };
    for (const device of this.devices()) {
      const advertising = device.advertising();
      if (advertising) heard(device.identity.address, advertising, this.rssi);
    }
    for (const sighting of this.crowds.sightings(this.crowdNow()))
      heard(sighting.address, sighting.advertising, sighting.rssiDbm);
    if (this.scan === scan) scan.timer = setTimeout(() => this.scanRound(scan), this.scanIntervalMs);
  }

  /** 'discover': ADV_IND + SCAN_RSP, so connectable and (as HCI reports it) not "scannable". */
  private discovered(
    id: string,
    connectable: boolean,
    advertisement: NobleAdvertisement,
    rssi: number,
  ): void {
    this.known.add(id);
    const address = (id.match(/../g) ?? []).join(':');
    this.emit('discover', id, address, 'random', connectable, advertisement, rssi, false);
  }

  // ---- connections ------------------------------------------------------------------------------

  connect(peripheralUuid: string, _parameters?: object): void {
    const id = this.addressToId(peripheralUuid);
    if (this.connections.has(id)) return;
    let entry: Entry;
    try {
      entry = this.open(id);
    } catch (error) {
      setImmediate(() => this.emit('connect', id, asError(error)));
      return;
    }
    const { connection } = entry;
    connection.setUp().then(
      (mtu) => {
        if (entry.cancelled || !connection.open) return;
        entry.established = true;
        this.emit('onMtu', id, mtu);
        this.emit('connect', id, null);
      },
      (error) => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        connection.drop(HCI_LOCAL_HOST_TERMINATED);
        this.emit('connect', id, asError(error));
      },
    );
  }

  /** Links to the device (throws when the adapter is off, the device is unknown or refuses). */
  private open(id: string): Entry {
    if (this.stateValue !== 'poweredOn')
      throw new Error(`Cannot connect while adapter state is ${this.stateValue} (not poweredOn)`);
    const device = this.deviceById(id);
    if (!device) throw new Error(`no virtual device with id ${id}`);
    // Connecting by address to a device noble never saw: HCI reports a discovery first.
    if (!this.known.has(id)) this.discovered(id, true, nobleAdvertisement(), 127);
    const connection: VirtualConnection = new VirtualConnection(device, {
      mtu: this.options.mtu ?? 247,
      maxWaitMs: this.options.maxWaitMs ?? 50,
      onNotification: (handle, value) => this.notified(id, connection, handle, value),
      onClosed: (reason) => this.closed(id, entry, reason),
      onError: this.options.onError ?? ((error) => console.warn('iqsim noble bindings:', error)),
    });
    const entry: Entry = { id, connection, established: false, cancelled: false };
    this.connections.set(id, entry);
    return entry;
  }

  /** noble has already failed the connect; the attempt ends quietly. */
  cancelConnect(peripheralUuid: string, _parameters?: object): void {
    const entry = this.connections.get(this.addressToId(peripheralUuid));
    if (!entry || entry.established) return;
    entry.cancelled = true;
    entry.connection.drop(HCI_LOCAL_HOST_TERMINATED);
  }

  disconnect(peripheralUuid: string): void {
    const id = this.addressToId(peripheralUuid);
    const entry = this.connections.get(id);
    // Not connected: still answer, or `peripheral.disconnectAsync()` would wait forever.
    if (entry) this.close(entry, HCI_LOCAL_HOST_TERMINATED);
    else setImmediate(() => this.emit('disconnect', id, HCI_LOCAL_HOST_TERMINATED));
  }

  private close(entry: Entry, reason: number): void {
    if (!entry.established && !entry.cancelled) {
      // The app disconnects (or noble stops) while connecting: the connect fails, then the link ends.
      entry.cancelled = true;
      const { id } = entry;
      setImmediate(() => this.emit('connect', id, new Error('disconnected while connecting')));
      setImmediate(() => this.emit('disconnect', id, reason));
    }
    entry.connection.drop(reason);
  }

  private closed(id: string, entry: Entry, reason: number): void {
    if (this.connections.get(id) === entry) this.connections.delete(id);
    if (entry.established) setImmediate(() => this.emit('disconnect', id, reason));
  }

  private notified(id: string, connection: VirtualConnection, handle: number, value: Uint8Array): void {
    const data = Buffer.from(value);
    this.emit('handleNotify', id, handle, data);
    const found = connection.byValueHandle(handle);
    if (found)
      this.emit('read', id, nobleUuid(found.service.uuid), nobleUuid(found.characteristic.uuid), data, true);
  }

  pair(peripheralUuid: string, _kind?: number, _protectionLevel?: number): void {
    const id = this.addressToId(peripheralUuid);
    this.run(
      id,
      async (connection) => connection.device.bond(connection.pump.now()),
      () => this.emit('pair', id, true),
      (error) => this.emit('pair', id, false, error),
    );
  }

  /** The configured RSSI; a crowd member's is its crowd's at this moment. */
  updateRssi(peripheralUuid: string): void {
    const id = this.addressToId(peripheralUuid);
    this.run(
      id,
      async (connection) => {
        const member = this.crowds.memberOf(connection.device);
        return member ? member.crowd.rssiAt(member.index, this.crowdNow()) : this.rssi;
      },
      (rssi) => this.emit('rssiUpdate', id, rssi),
      (error) => this.emit('rssiUpdate', id, 0, error),
    );
  }

  /**
   * Runs `work` on the peripheral's established connection, then `done` with its result, or `fail`
   * with an Error (not connected, not found, ATT error, link lost). A throw inside `done` (an app
   * listener) is not turned into a second, failing event.
   */
  protected run<T>(
    id: string,
    work: (connection: VirtualConnection) => Promise<T>,
    done: (value: T) => void,
    fail: (error: Error) => void,
  ): void {
    const entry = this.connections.get(id);
    const started =
      entry?.established && entry.connection.open
        ? Promise.resolve(entry.connection).then(work)
        : Promise.reject(new Error(`peripheral ${id} is not connected`));
    started.then(done, (error: unknown) => fail(asError(error)));
  }
}
