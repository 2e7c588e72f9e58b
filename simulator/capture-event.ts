/**
 * One typed capture stream (docs/captures.md "The capture record"): every packet that crosses a
 * virtual device's wire, and the link's meta events, as plain data with an absolute time in µs. The
 * writers of simulator/capture/ (JSONL, btsnoop, pcapng) and any other subscriber take these through a
 * `CaptureSink`. A packet carries its bytes only; its SCP frame is derived on demand
 * (`scpFrameOf` in capture/scp.ts), never stored twice.
 */

/** `toDevice`: host (central, USB host, serial host) → device; `toHost`: device → host. */
export type CaptureDirection = 'toDevice' | 'toHost';

/** The packet channels: ATT PDUs on a BLE connection, 64-byte USB HID reports, raw serial bytes. */
export type CaptureChannel = 'att' | 'usb' | 'serial';

interface Timed {
  /** Absolute time, µs (virtual or wall: writers do not care); µs since 1970-01-01 in files. */
  readonly tUs: number;
}

/** One ATT PDU on connection `handle` (an HCI connection handle, 0x0000–0x0EFF). */
export interface AttCapture extends Timed {
  readonly kind: 'att';
  readonly dir: CaptureDirection;
  readonly handle: number;
  readonly bytes: Uint8Array;
}

/** One USB HID report (docs/protocol.md §5.2): interrupt OUT 0x01 or IN 0x81. */
export interface UsbCapture extends Timed {
  readonly kind: 'usb';
  readonly dir: CaptureDirection;
  readonly bytes: Uint8Array;
}

/** Raw bytes on a serial link, as they were written or read (garbage and partial reports included). */
export interface SerialCapture extends Timed {
  readonly kind: 'serial';
  readonly dir: CaptureDirection;
  readonly bytes: Uint8Array;
}

/**
 * A central connected: `address` is the device's (the peer's); `central` the central's identity when
 * known (HCI files do not carry it).
 */
export interface ConnectCapture extends Timed {
  readonly kind: 'connect';
  readonly handle: number;
  readonly address: string;
  readonly central?: string;
}

/** The connection `handle` went away; `reason` is an HCI error code (0x13: remote user ended it). */
export interface DisconnectCapture extends Timed {
  readonly kind: 'disconnect';
  readonly handle: number;
  readonly reason: number;
}

/** The ATT MTU agreed on connection `handle` (after an Exchange MTU). */
export interface MtuCapture extends Timed {
  readonly kind: 'mtu';
  readonly handle: number;
  readonly mtu: number;
}

/** A bond made (`bonded`) or forgotten; `handle` while the bonded central is connected. */
export interface BondCapture extends Timed {
  readonly kind: 'bond';
  readonly bonded: boolean;
  readonly handle?: number;
}

/** An advertising report a central received: AD structures and RSSI, dBm (127: not available). */
export interface AdvertisingCapture extends Timed {
  readonly kind: 'advertising';
  readonly address: string;
  readonly data: Uint8Array;
  readonly rssi: number;
}

export type CapturePacket = AttCapture | UsbCapture | SerialCapture;

export type CaptureEvent =
  | CapturePacket
  | ConnectCapture
  | DisconnectCapture
  | MtuCapture
  | BondCapture
  | AdvertisingCapture;

export type CaptureKind = CaptureEvent['kind'];

/** A subscriber of the stream: a file writer, a test's list, a live view. Must not throw. */
export interface CaptureSink {
  capture(event: CaptureEvent): void;
}

/** HCI error code of a disconnection the remote user asked for (Core spec Vol 1 Part F). */
export const REMOTE_USER_TERMINATED = 0x13;

/** The RSSI value meaning "not available" (HCI LE Advertising Report). */
export const RSSI_UNAVAILABLE = 127;

/** Virtual ms as capture µs (whole µs). */
export function usOf(ms: number): number {
  return Math.round(ms * 1000);
}

/** A sink that keeps every event, for tests and for writing a whole file at the end. */
export class CaptureList implements CaptureSink {
  readonly events: CaptureEvent[] = [];
  capture(event: CaptureEvent): void {
    this.events.push(event);
  }
}
