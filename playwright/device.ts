/**
 * The `device` of the Playwright fixture: one virtual holder (holder + charger, or a one-piece unit)
 * in a `WebBluetoothHub`, driven from the test while the page talks to it: firmware inputs, the
 * device faults of docs/faults.md §15.1 (seeded `FaultInjector`), virtual time and the radio
 * (drop the link, drop it on the next SCP write, go out of range and back).
 */
import type { FirmwareInput, FirmwareState } from '../firmware-model/index.js';
import {
  createVirtualDevice,
  type DeviceEvent,
  FaultInjector,
  type FaultOptions,
  type FaultRef,
  HANDLES,
  type VirtualDevice,
} from '../simulator/index.js';
import type { WebBluetoothHub } from '../transports/webbluetooth/index.js';

export interface VirtualHolderOptions {
  model: string;
  seed: number;
}

/** ATT Write Request (Core Vol 3 Part F §3.4.5.1) opcode. */
const ATT_WRITE_REQUEST = 0x12;
/** SCP type bit 0x40: a write (docs/protocol.md §4.3). */
const SCP_WRITE_BIT = 0x40;

export class VirtualHolder {
  /** The virtual device itself (`firmware.state`, `identity`, `events$`, …). */
  readonly virtual: VirtualDevice;
  /** Its Web Bluetooth id, as the page's `BluetoothDevice.id` shows it. */
  readonly id: string;
  /** Every device event since the fixture made it. */
  readonly events: DeviceEvent[] = [];
  private readonly faults: FaultInjector;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly hub: WebBluetoothHub,
    options: VirtualHolderOptions,
  ) {
    this.virtual = createVirtualDevice({ model: options.model, seed: options.seed });
    const subscription = this.virtual.events$.subscribe((e) => this.events.push(e));
    this.unsubscribe = () => subscription.unsubscribe();
    this.id = hub.addDevice(this.virtual);
    this.faults = new FaultInjector({ clock: hub.clock, device: this.virtual, seed: options.seed });
  }

  get model(): string {
    return this.virtual.model;
  }

  /** Advertised name, e.g. `IQOS ILUMA i` (docs/protocol.md §2.3). */
  get name(): string {
    return this.virtual.identity.name;
  }

  /** The device ID a registration service knows it by: the main unit's product number (D-R4). */
  get deviceId(): string {
    return this.virtual.identity.chargerProductNumber;
  }

  get state(): FirmwareState {
    return this.virtual.firmware.state;
  }

  /** Virtual time now, ms (the hub's clock, which follows real time). */
  now(): number {
    return this.hub.nowMs();
  }

  /** A firmware input now (button, stick, puff, dock, level …); notifications go out at once. */
  input(input: FirmwareInput): void {
    this.hub.input(this.virtual, input);
  }

  /** A device fault of docs/faults.md §15.1 now, by id or name (`F-02` or `heater-too-hot`). */
  fault(ref: FaultRef, options?: FaultOptions): void {
    this.hub.nowMs();
    this.faults.inject(ref, options);
  }

  clearFault(ref: FaultRef, options?: FaultOptions): void {
    this.hub.nowMs();
    this.faults.clear(ref, options);
  }

  /**
   * Moves virtual time `ms` ahead at once (a six-minute session in a blink); afterwards the clock
   * follows real time again from there. Notifications due meanwhile reach the page.
   */
  advance(ms: number): void {
    this.hub.nowMs();
    this.hub.clock.advanceBy(ms);
  }

  get connected(): boolean {
    return this.hub.isConnected(this.virtual);
  }

  /** Drops the link from the device side now; the page gets `gattserverdisconnected`. */
  disconnect(reason?: string): boolean {
    return this.hub.disconnect(this.virtual, reason);
  }

  /**
   * Drops the link when the next SCP write request reaches the device, before its reply and ATT
   * Write Response go out (a write cut off mid-way). Resolves once the link is down.
   */
  disconnectOnNextWrite(): Promise<void> {
    return new Promise((resolve) => {
      const subscription = this.virtual.events$.subscribe((event) => {
        if (event.type !== 'traffic' || event.dir !== 'in' || event.channel !== 'att') return;
        const bytes = event.hex.split(/\s+/).map((h) => Number.parseInt(h, 16));
        // Write Request on the SCP value handle: opcode, handle u16 LE, transport byte, node, type.
        const [opcode, lo = 0, hi = 0, , , type = 0] = bytes;
        if (opcode !== ATT_WRITE_REQUEST || (lo | (hi << 8)) !== HANDLES.scp) return;
        if ((type & SCP_WRITE_BIT) === 0) return;
        subscription.unsubscribe();
        // A timer at the receive time runs in this same advance, after the receive returns and
        // before the reply and the Write Response, which the device sends 5 ms later (D-10, D-1).
        this.hub.clock.schedule(event.atMs, () => {
          this.disconnect('link lost during a write');
          resolve();
        });
      });
    });
  }

  /**
   * Out of range: the link drops (the page gets `gattserverdisconnected`), the chooser no longer
   * offers it and a reconnect fails with NetworkError; the page keeps its permission
   * (docs/webbluetooth.md "Situations and errors").
   */
  outOfRange(): void {
    this.hub.outOfRange(this.virtual);
  }

  /** Back in range: the same `BluetoothDevice` reconnects with `gatt.connect()`. */
  inRange(): void {
    this.hub.inRange(this.virtual);
  }

  /** The user withdraws the page's permission (site settings): as `forget()`, from outside. */
  revokePermission(): void {
    this.hub.revoke(this.virtual);
  }

  close(): void {
    this.faults.stop();
    this.unsubscribe();
  }
}
