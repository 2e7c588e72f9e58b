/**
 * The device end of a serial link (issue #5 item 3): a virtual device behind a byte endpoint,
 * speaking the 64-byte 0x3F reports of USB HID (docs/protocol.md §5.2). Bytes in go through the resyncing
 * report decoder, each whole report to `device.receive({ channel: 'usb' })`; the device's usb packets go
 * out whole. `openSerialDevice` puts one on a socat pty pair so any serial tool can open `<path>`.
 *
 * Timing: the real-time pump owns the device's clock and drains it through `transmit`. It sleeps up
 * to its `maxWaitMs` between wake-ups, so after a request the bridge itself wakes the device at its
 * next deadline (the reply, `replyDelayMs` later, default 5 ms per D-10) instead of leaving the reply
 * waiting for the pump's next round.
 */
import { type CaptureSink, usOf, type VirtualDevice, type WirePacket } from '../../simulator/index.js';
import { TransportError } from '../errors.js';
import { type ByteEndpoint, openSerialPort, type SerialOpenOptions } from './port.js';
import { type PtyOptions, startPtyPair } from './pty.js';
import { UsbReportStream } from './report-stream.js';

/** What the bridge needs of a device (a `VirtualDevice` has all of it). */
export type BridgedDevice = Pick<
  VirtualDevice,
  'receive' | 'pollTransmit' | 'nextDeadline' | 'handleTimeout'
>;

export interface DeviceBridgeOptions {
  /** Virtual time now, ms: the pump's `nowMs`, so both stamp the device with the same clock. */
  nowMs(): number;
  /** Virtual ms per real ms, as given to the pump (default 1); turns a deadline into a real delay. */
  speed?: number;
  /** Called once when the port goes away (TRANSPORT_LOST) or a device step throws; the bridge has stopped. */
  onError?(error: unknown): void;
  /**
   * Gets the raw bytes read from and written to the port as `serial` capture events (docs/captures.md);
   * the reports themselves come from the device's own sink, as `usb`.
   */
  capture?: CaptureSink;
}

export interface DeviceBridgeStats {
  reportsIn: number;
  reportsOut: number;
  garbageBytes: number;
}

/** Deadlines further off than this are left to the pump (ms of real time). */
const OWN_WAKE_LIMIT_MS = 50;

export class UsbDeviceBridge {
  readonly stats: DeviceBridgeStats = { reportsIn: 0, reportsOut: 0, garbageBytes: 0 };
  private readonly reports = new UsbReportStream();
  private readonly speed: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = true;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly endpoint: ByteEndpoint,
    private readonly device: BridgedDevice,
    private readonly options: DeviceBridgeOptions,
  ) {
    this.speed = options.speed ?? 1;
    this.unsubscribe.push(
      endpoint.onData((bytes) => this.guard(() => this.onBytes(bytes))),
      endpoint.onClose((lost) => {
        if (lost) this.fail(lost);
      }),
    );
  }

  /** Writes one device packet to the port (usb only: a serial link has no BLE central). Pass as `onTransmit`. */
  readonly transmit = (packet: WirePacket): void => {
    if (!this.running || packet.channel !== 'usb' || !this.endpoint.open) return;
    this.options.capture?.capture({
      kind: 'serial',
      tUs: usOf(this.options.nowMs()),
      dir: 'toHost',
      bytes: packet.bytes,
    });
    this.endpoint.write(packet.bytes);
    this.stats.reportsOut++;
  };

  /** False once closed or failed. */
  get active(): boolean {
    return this.running;
  }

  /** Stops feeding the device and closes the port. */
  async close(): Promise<void> {
    this.stop();
    await this.endpoint.close();
  }

  private onBytes(bytes: Uint8Array): void {
    this.options.capture?.capture({
      kind: 'serial',
      tUs: usOf(this.options.nowMs()),
      dir: 'toDevice',
      bytes,
    });
    const { reports, garbageBytes } = this.reports.push(bytes);
    this.stats.garbageBytes += garbageBytes;
    if (reports.length === 0) return;
    for (const report of reports) {
      this.stats.reportsIn++;
      this.device.receive({ channel: 'usb', bytes: report }, this.options.nowMs());
    }
    this.drainAndArm();
  }

  private drainAndArm(): void {
    for (let packet = this.device.pollTransmit(); packet; packet = this.device.pollTransmit())
      this.transmit(packet);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = this.device.nextDeadline();
    if (deadline === undefined || !this.running) return;
    const delayMs = Math.max(0, (deadline - this.options.nowMs()) / this.speed);
    if (delayMs > OWN_WAKE_LIMIT_MS) return;
    this.timer = setTimeout(
      () =>
        this.guard(() => {
          this.timer = undefined;
          this.device.handleTimeout(this.options.nowMs());
          this.drainAndArm();
        }),
      Math.ceil(delayMs),
    );
  }

  private guard(step: () => void): void {
    if (!this.running) return;
    try {
      step();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (!this.running) return;
    this.stop();
    void this.endpoint.close();
    this.options.onError?.(error);
  }

  private stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const off of this.unsubscribe.splice(0)) off();
  }
}

/** A pty pair with its device end open, waiting for a device. */
export interface SerialDevicePort {
  /** The path to give serial tools. */
  readonly path: string;
  /** Starts serving `device`; call once. */
  attach(device: BridgedDevice, options: DeviceBridgeOptions): UsbDeviceBridge;
  /** Closes the device end and stops socat. Idempotent. */
  close(): Promise<void>;
}

/**
 * `iqsim run --serial <path>`: makes the pty pair (socat), opens `<path>.iqsim` and returns the port
 * to attach a device to. Throws TRANSPORT_SOCAT_MISSING, TRANSPORT_BAD_SPEC (a path socat cannot take)
 * or TRANSPORT_OPEN_FAILED.
 */
export async function openSerialDevice(
  path: string,
  options: PtyOptions & SerialOpenOptions = {},
): Promise<SerialDevicePort> {
  const pty = await startPtyPair(path, options);
  let endpoint: ByteEndpoint;
  try {
    endpoint = await openSerialPort(pty.devicePath, { baudRate: options.baudRate });
  } catch (error) {
    await pty.close();
    throw error;
  }
  let bridge: UsbDeviceBridge | undefined;
  let closing: Promise<void> | undefined;
  let onError: ((error: unknown) => void) | undefined;
  pty.onExit((reason) => {
    void endpoint.close();
    onError?.(new TransportError('TRANSPORT_LOST', `the pty at ${pty.path} went away: ${reason}`));
    onError = undefined;
  });
  return {
    path: pty.path,
    attach(device, bridgeOptions) {
      if (bridge) throw new TransportError('TRANSPORT_UNSUPPORTED', 'a serial device port serves one device');
      onError = (error) => {
        onError = undefined;
        bridgeOptions.onError?.(error);
      };
      bridge = new UsbDeviceBridge(endpoint, device, { ...bridgeOptions, onError: (e) => onError?.(e) });
      return bridge;
    },
    close() {
      onError = undefined;
      closing ??= (async () => {
        await (bridge ? bridge.close() : endpoint.close());
        await pty.close();
      })();
      return closing;
    },
  };
}
