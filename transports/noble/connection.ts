/**
 * One noble connection to a virtual device: its own `VirtualClock` (starting at the device's time)
 * made to follow real time by a clock pump, an `InMemoryLink` to the device and a `GattClient` that
 * exchanged the MTU and discovered the whole GATT table before noble hears 'connect' (as noble's
 * D-Bus bindings wait for BlueZ's ServicesResolved). Every write into the link kicks the pump, so the
 * device answers on the next turn of the event loop instead of at the pump's next wake-up; packets
 * from the device reach the client one per turn of the event loop (see `realTimeTransport`).
 */
import {
  type DiscoveredCharacteristic,
  type DiscoveredService,
  GattClient,
  InMemoryLink,
  ListenerSet,
  type Transport,
  VirtualClock,
  type VirtualDevice,
  type WirePacket,
} from '../../simulator/index.js';
import { type ClockPump, startClockPump } from '../clock-pump.js';
import { nobleUuid } from './format.js';

/** HCI disconnect reasons noble reports (Core spec Vol 1 Part F; noble's `hciStatusMessage`). */
export const HCI_HARDWARE_FAILURE = 0x03;
export const HCI_CONNECTION_TIMEOUT = 0x08;
export const HCI_REMOTE_USER_TERMINATED = 0x13;
export const HCI_REMOTE_POWER_OFF = 0x15;
export const HCI_LOCAL_HOST_TERMINATED = 0x16;

export interface ConnectionOptions {
  /** ATT MTU asked for at connect (the device accepts up to 247). */
  mtu: number;
  /** The pump's longest sleep, real ms. */
  maxWaitMs: number;
  /** A notification or indication by value handle. */
  onNotification(handle: number, value: Uint8Array): void;
  /** The link is gone (either side), with the HCI reason; called once. */
  onClosed(reason: number): void;
  /** An advance of the clock threw (a device or link bug); the link is dropped after. */
  onError(error: unknown): void;
}

/**
 * The link as the GATT client sees it from real time: every write kicks the pump, and packets from the
 * device arrive one per turn of the event loop, as a real adapter's socket delivers them. The clock
 * can hand over several at one instant (a Write Response, then the notification the CCCD write
 * caused); one at a time, the app's continuation after `await subscribeAsync()` runs, and can add its
 * 'data' listener, before the notification comes, as with noble's HCI bindings.
 */
function realTimeTransport(link: InMemoryLink, pump: ClockPump): { transport: Transport; stop(): void } {
  const inbox: WirePacket[] = [];
  const listeners = new ListenerSet<WirePacket>();
  let pending: ReturnType<typeof setImmediate> | undefined;
  const deliver = (): void => {
    pending = undefined;
    const packet = inbox.shift();
    if (packet) listeners.emit(packet);
    if (inbox.length > 0) pending = setImmediate(deliver);
  };
  const unlisten = link.onData((packet) => {
    inbox.push(packet);
    pending ??= setImmediate(deliver);
  });
  const transport: Transport = {
    write(packet) {
      link.write(packet);
      pump.kick();
    },
    onData: (listener) => listeners.add(listener),
    onClose: (listener) => link.onClose(listener),
    close: () => link.close(),
    get open() {
      return link.open;
    },
  };
  const stop = (): void => {
    unlisten();
    if (pending !== undefined) clearImmediate(pending);
    inbox.length = 0;
  };
  return { transport, stop };
}

export interface FoundCharacteristic {
  readonly service: DiscoveredService;
  readonly characteristic: DiscoveredCharacteristic;
}

export class VirtualConnection {
  readonly clock: VirtualClock;
  readonly pump: ClockPump;
  readonly link: InMemoryLink;
  readonly client: GattClient;
  private closeReason: number | undefined;
  private closed = false;
  private readonly cleanups: (() => void)[] = [];

  /** Connects at once (throws SIM_DISCONNECTED when the device is connected or its Bluetooth is off). */
  constructor(
    readonly device: VirtualDevice,
    private readonly options: ConnectionOptions,
  ) {
    this.clock = new VirtualClock(device.now);
    this.link = new InMemoryLink(this.clock, device);
    this.pump = startClockPump(this.clock, {
      maxWaitMs: options.maxWaitMs,
      onError: (error) => {
        options.onError(error);
        this.drop(HCI_CONNECTION_TIMEOUT);
      },
    });
    const { transport, stop } = realTimeTransport(this.link, this.pump);
    this.cleanups.push(stop);
    this.client = new GattClient(transport, {
      now: () => this.clock.now(),
      schedule: (atMs, callback) => this.clock.schedule(atMs, callback),
    });
    this.cleanups.push(this.client.onNotification((handle, value) => options.onNotification(handle, value)));
    this.cleanups.push(this.link.onClose(() => this.finish()));
    // Bluetooth switched off on the device ends the connection as a power-off would.
    const subscription = device.events$.subscribe((event) => {
      if (event.type === 'bluetooth' && !event.on) setImmediate(() => this.drop(HCI_REMOTE_POWER_OFF));
    });
    this.cleanups.push(() => subscription.unsubscribe());
  }

  get open(): boolean {
    return !this.closed;
  }

  /** MTU exchange then full discovery; resolves with the MTU. */
  async setUp(): Promise<number> {
    const mtu = await this.client.exchangeMtu(this.options.mtu);
    await this.client.discover();
    return mtu;
  }

  get services(): readonly DiscoveredService[] {
    return this.client.services;
  }

  service(serviceUuid: string): DiscoveredService | undefined {
    const wanted = nobleUuid(serviceUuid);
    return this.client.services.find((s) => nobleUuid(s.uuid) === wanted);
  }

  characteristic(serviceUuid: string, characteristicUuid: string): FoundCharacteristic | undefined {
    const service = this.service(serviceUuid);
    const wanted = nobleUuid(characteristicUuid);
    const characteristic = service?.characteristics.find((c) => nobleUuid(c.uuid) === wanted);
    return service && characteristic ? { service, characteristic } : undefined;
  }

  byValueHandle(handle: number): FoundCharacteristic | undefined {
    for (const service of this.client.services)
      for (const characteristic of service.characteristics)
        if (characteristic.valueHandle === handle) return { service, characteristic };
    return undefined;
  }

  /** Ends the link with an HCI reason: 0x16 when the app disconnects, 0x13 or 0x15 from the device. */
  drop(reason: number): void {
    if (this.closed) return;
    this.closeReason = reason;
    try {
      if (reason === HCI_LOCAL_HOST_TERMINATED) this.link.close();
      else this.link.disconnect(`HCI reason 0x${reason.toString(16)}`);
    } catch (error) {
      // The device refused to disconnect (its time is ahead of this clock after a pump error).
      this.options.onError(error);
    } finally {
      this.finish();
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.pump.stop();
    this.client.close();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.options.onClosed(this.closeReason ?? HCI_CONNECTION_TIMEOUT);
  }
}
