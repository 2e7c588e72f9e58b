/**
 * One client of the hub: a page (one per frame in the browser) or one Node shim. It is the
 * `WebBluetoothBackend` the shim talks to and holds what Chromium keeps per origin: which devices the
 * page was granted and which services of each it may use. It enforces that itself (SecurityError),
 * so a page that bypasses the shim cannot reach a service it did not ask for.
 */
import {
  type DiscoveredCharacteristic,
  type DiscoveredService,
  type GattClient,
  ListenerSet,
} from '../../simulator/index.js';
import {
  CANCELLED_MESSAGE,
  DISCONNECTED_MESSAGE,
  domError,
  gattError,
  NO_ADAPTER_MESSAGE,
  NOT_ALLOWED_SERVICE_MESSAGE,
  NOT_AUTHORIZED_MESSAGE,
  NOT_PERMITTED_MESSAGE,
  OUT_OF_RANGE_MESSAGE,
} from './errors.js';
import { allowedServicesOf } from './filters.js';
import type {
  AdapterState,
  CharacteristicJson,
  PermittedDeviceJson,
  RequestDeviceOptionsJson,
  ServiceJson,
  WebBluetoothBackend,
  WebBluetoothEvent,
} from './types.js';

/** A device the chooser may offer. */
export interface ChooserCandidate {
  readonly id: string;
  readonly name: string | null;
  /**
   * RSSI of the advertisement the chooser heard, dBm: crowd members only (Chromium's chooser shows it
   * as signal bars to tell devices of one name apart). Undefined for devices added one by one.
   */
  readonly rssiDbm?: number;
}

/** What a session needs of the hub (the hub implements it). */
export interface SessionHost {
  readonly adapter: AdapterState;
  candidates(options: RequestDeviceOptionsJson): ChooserCandidate[];
  choose(
    candidates: readonly ChooserCandidate[],
    options: RequestDeviceOptionsJson,
  ): Promise<string | undefined>;
  has(id: string): boolean;
  nameOf(id: string): string | null;
  attach(session: HubSession, id: string): Promise<void>;
  detach(session: HubSession, id: string): void;
  isAttached(session: HubSession, id: string): boolean;
  /** Services of the live connection (empty when none). */
  services(id: string): readonly DiscoveredService[];
  gatt(id: string): GattClient;
  setNotify(
    session: HubSession,
    id: string,
    characteristic: DiscoveredCharacteristic,
    enable: boolean,
  ): Promise<void>;
  sessionClosed(session: HubSession): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const READ = 0x02;
const WRITE_WITHOUT_RESPONSE = 0x04;
const WRITE = 0x08;
const NOTIFY_OR_INDICATE = 0x30;

/** The shim validates options; this guards the hub against any other caller of the binding. */
function assertOptions(options: RequestDeviceOptionsJson): void {
  const uuids = [
    ...(options?.optionalServices ?? []),
    ...(options?.filters ?? []).flatMap((f) => f.services ?? []),
  ];
  const ok =
    typeof options === 'object' &&
    options !== null &&
    Array.isArray(options.optionalServices) &&
    (options.acceptAllDevices === true || (Array.isArray(options.filters) && options.filters.length > 0)) &&
    uuids.every((u) => typeof u === 'string' && UUID.test(u));
  if (!ok) throw new TypeError('requestDevice: malformed options');
}

/** Session ids, unique in the process: a frame's replaced session must not share numbers. */
let nextSessionId = 1;

export class HubSession implements WebBluetoothBackend {
  /** Names this session in bridge replies and events (`WebBluetoothEvent.session`). */
  readonly id = nextSessionId++;
  private readonly granted = new Map<string, Set<string>>();
  private readonly listeners = new ListenerSet<WebBluetoothEvent>();
  private closedValue = false;
  private pushed = 0;

  constructor(private readonly host: SessionHost) {}

  get closed(): boolean {
    return this.closedValue;
  }

  async requestDevice(options: RequestDeviceOptionsJson): Promise<PermittedDeviceJson> {
    this.assertOpen();
    assertOptions(options);
    // docs/webbluetooth.md "Situations and errors": no adapter fails at once; an adapter that is
    // off shows a chooser with nothing in it, which the user can only cancel.
    if (this.host.adapter === 'absent') throw domError('NotFoundError', NO_ADAPTER_MESSAGE);
    if (this.host.adapter === 'powered-off') throw domError('NotFoundError', CANCELLED_MESSAGE);
    const candidates = this.host.candidates(options);
    const id = await this.host.choose(candidates, options);
    if (id === undefined || !candidates.some((c) => c.id === id))
      throw domError('NotFoundError', CANCELLED_MESSAGE);
    const allowed = this.granted.get(id) ?? new Set<string>();
    for (const uuid of allowedServicesOf(options)) allowed.add(uuid);
    this.granted.set(id, allowed);
    return this.permitted(id, allowed);
  }

  async getDevices(): Promise<PermittedDeviceJson[]> {
    this.assertOpen();
    return [...this.granted]
      .filter(([id]) => this.host.has(id))
      .map(([id, allowed]) => this.permitted(id, allowed));
  }

  async getAvailability(): Promise<boolean> {
    return this.host.adapter !== 'absent';
  }

  /** Chromium: no permission (forgotten, revoked) is GATT_NOT_AUTHORIZED; the hub says why else not. */
  async connect(id: string): Promise<void> {
    this.assertOpen();
    if (!this.granted.has(id)) throw domError('SecurityError', NOT_AUTHORIZED_MESSAGE);
    if (!this.host.has(id)) throw domError('NetworkError', OUT_OF_RANGE_MESSAGE);
    if (this.host.isAttached(this, id)) return;
    await this.host.attach(this, id);
    // Revoked while the link was being set up: the new connection goes too.
    if (!this.granted.has(id)) {
      this.host.detach(this, id);
      throw domError('SecurityError', NOT_AUTHORIZED_MESSAGE);
    }
  }

  async disconnect(id: string): Promise<void> {
    this.host.detach(this, id);
  }

  async services(id: string): Promise<ServiceJson[]> {
    const allowed = this.allowedOf(id);
    this.assertAttached(id);
    return this.host
      .services(id)
      .filter((s) => allowed.has(s.uuid))
      .map((s) => ({
        uuid: s.uuid,
        handle: s.startHandle,
        characteristics: s.characteristics.map((c) => ({
          uuid: c.uuid,
          handle: c.valueHandle,
          properties: c.properties,
        })),
      }));
  }

  async characteristics(id: string, serviceHandle: number): Promise<CharacteristicJson[]> {
    const service = (await this.services(id)).find((s) => s.handle === serviceHandle);
    if (!service) throw domError('InvalidStateError', 'GATT Service no longer exists.');
    return [...service.characteristics];
  }

  async read(id: string, handle: number): Promise<number[]> {
    const gatt = this.characteristic(id, handle, READ).gatt;
    try {
      return Array.from(await gatt.read(handle));
    } catch (error) {
      throw gattError(error);
    }
  }

  async write(id: string, handle: number, bytes: number[], withResponse: boolean): Promise<void> {
    if (
      !Array.isArray(bytes) ||
      bytes.length > 512 ||
      !bytes.every((b) => Number.isInteger(b) && b >= 0 && b < 256)
    )
      throw new TypeError('write: bytes must be at most 512 integers 0–255');
    const gatt = this.characteristic(id, handle, withResponse ? WRITE : WRITE_WITHOUT_RESPONSE).gatt;
    try {
      await gatt.write(handle, Uint8Array.from(bytes), withResponse);
    } catch (error) {
      throw gattError(error);
    }
  }

  async notify(id: string, handle: number, enable: boolean): Promise<void> {
    const { characteristic } = this.characteristic(id, handle, enable ? NOTIFY_OR_INDICATE : 0);
    if (characteristic.cccdHandle === undefined) throw domError('NotSupportedError', NOT_PERMITTED_MESSAGE);
    try {
      await this.host.setNotify(this, id, characteristic, enable);
    } catch (error) {
      throw gattError(error);
    }
  }

  async forget(id: string): Promise<void> {
    this.host.detach(this, id);
    this.granted.delete(id);
  }

  /**
   * The permission is withdrawn from outside the page (the hub's `revoke`): a connected page hears of
   * the drop first, then loses the grant (spec "revoke Bluetooth access"; Chromium closes the link).
   */
  revoke(id: string): void {
    if (!this.granted.has(id)) return;
    if (this.host.isAttached(this, id)) {
      this.push({ type: 'disconnected', id });
      this.host.detach(this, id);
    }
    this.granted.delete(id);
  }

  /** Drops this client's connections (a new document in the frame); grants stay, as in Chromium. */
  async reset(): Promise<void> {
    for (const id of this.granted.keys()) this.host.detach(this, id);
  }

  subscribe(listener: (event: WebBluetoothEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /** How many events this session has pushed (the `seq` of the last one). */
  eventSequence(): number {
    return this.pushed;
  }

  /**
   * Numbers an event and queues it for the listeners of this moment. Always asynchronous: the hub
   * raises events inside virtual-clock callbacks, where app code must not run (it may await, or
   * throw into the clock). Replies computed after this carry a higher `eventSequence()`, and the
   * shim waits for this event before acting on them.
   */
  push(event: WebBluetoothEvent): void {
    if (this.closedValue) return;
    const numbered: WebBluetoothEvent = { ...event, seq: ++this.pushed };
    const listeners = this.listeners.current();
    queueMicrotask(() => {
      for (const listener of listeners) listener(numbered);
    });
  }

  close(): void {
    if (this.closedValue) return;
    for (const id of this.granted.keys()) this.host.detach(this, id);
    this.closedValue = true;
    this.listeners.clear();
    this.host.sessionClosed(this);
  }

  private permitted(id: string, allowed: ReadonlySet<string>): PermittedDeviceJson {
    return { id, name: this.host.nameOf(id), allowedServices: [...allowed] };
  }

  private assertOpen(): void {
    if (this.closedValue) throw domError('InvalidStateError', 'The Web Bluetooth session is closed.');
  }

  private allowedOf(id: string): ReadonlySet<string> {
    this.assertOpen();
    const allowed = this.granted.get(id);
    if (!allowed || !this.host.has(id))
      throw domError('SecurityError', 'Origin is not allowed to access this device.');
    return allowed;
  }

  private assertAttached(id: string): void {
    if (!this.host.isAttached(this, id)) throw domError('NetworkError', DISCONNECTED_MESSAGE);
  }

  /** The characteristic at `handle`, after the service and property checks; `needs` = property bits. */
  private characteristic(
    id: string,
    handle: number,
    needs: number,
  ): { characteristic: DiscoveredCharacteristic; gatt: GattClient } {
    const allowed = this.allowedOf(id);
    this.assertAttached(id);
    for (const service of this.host.services(id))
      for (const characteristic of service.characteristics) {
        if (characteristic.valueHandle !== handle) continue;
        if (!allowed.has(service.uuid)) throw domError('SecurityError', NOT_ALLOWED_SERVICE_MESSAGE);
        if (needs !== 0 && (characteristic.properties & needs) === 0)
          throw domError('NotSupportedError', NOT_PERMITTED_MESSAGE);
        return { characteristic, gatt: this.host.gatt(id) };
      }
    throw domError('InvalidStateError', 'GATT Characteristic no longer exists.');
  }
}
