/**
 * What crosses the wire between a virtual device and a client: ATT PDUs on a BLE connection and
 * 64-byte USB HID reports (docs/protocol.md §5.2). Both ends are sans-IO endpoints (architecture "core
 * contracts"): bytes in with the time, bytes out by polling, and a deadline for timers.
 */
export type Channel = 'att' | 'usb';

export interface WirePacket {
  readonly channel: Channel;
  readonly bytes: Uint8Array;
}

export interface Endpoint {
  receive(packet: WirePacket, nowMs: number): void;
  pollTransmit(): WirePacket | undefined;
  nextDeadline(): number | undefined;
  handleTimeout(nowMs: number): void;
}
