/**
 * A virtual device's side of the capture stream (docs/captures.md "Where events come from"): its
 * packets in and out, the connection, the agreed MTU and bonds. The device holds one only while a
 * sink is attached, so a device without a sink pays one `undefined` check per packet and allocates
 * nothing.
 */
import { DEFAULT_ATT_MTU } from '../../protocol/index.js';
import { type CaptureSink, REMOTE_USER_TERMINATED, RSSI_UNAVAILABLE, usOf } from '../capture-event.js';
import type { WirePacket } from '../wire.js';

/** The first connection handle given out; each connection takes the next (HCI handles go to 0x0EFF). */
const FIRST_HANDLE = 0x0040;
const LAST_HANDLE = 0x0eff;

export class CaptureTap {
  private handle = FIRST_HANDLE - 1;
  private connected = false;
  private mtu = DEFAULT_ATT_MTU;

  constructor(readonly sink: CaptureSink) {}

  packet(dir: 'toDevice' | 'toHost', packet: WirePacket, nowMs: number): void {
    const tUs = usOf(nowMs);
    if (packet.channel === 'usb') this.sink.capture({ kind: 'usb', tUs, dir, bytes: packet.bytes });
    else this.sink.capture({ kind: 'att', tUs, dir, handle: this.handle, bytes: packet.bytes });
  }

  /** A central connects: the advertisement it connected to, then the connection. */
  connect(nowMs: number, address: string, central: string, advertising: Uint8Array | undefined): void {
    const tUs = usOf(nowMs);
    if (advertising)
      this.sink.capture({ kind: 'advertising', tUs, address, data: advertising, rssi: RSSI_UNAVAILABLE });
    this.handle = this.handle >= LAST_HANDLE ? FIRST_HANDLE : this.handle + 1;
    this.connected = true;
    this.mtu = DEFAULT_ATT_MTU;
    this.sink.capture({ kind: 'connect', tUs, handle: this.handle, address, central });
  }

  disconnect(nowMs: number): void {
    this.connected = false;
    this.sink.capture({
      kind: 'disconnect',
      tUs: usOf(nowMs),
      handle: this.handle,
      reason: REMOTE_USER_TERMINATED,
    });
  }

  /** Called after each ATT PDU: an Exchange MTU that changed the MTU becomes an `mtu` event. */
  mtuNow(mtu: number, nowMs: number): void {
    if (mtu === this.mtu) return;
    this.mtu = mtu;
    this.sink.capture({ kind: 'mtu', tUs: usOf(nowMs), handle: this.handle, mtu });
  }

  bond(
    nowMs: number,
    bonded: boolean,
    central: string | undefined,
    connectedCentral: string | undefined,
  ): void {
    const onLink = this.connected && central !== undefined && central === connectedCentral;
    this.sink.capture({ kind: 'bond', tUs: usOf(nowMs), bonded, ...(onLink ? { handle: this.handle } : {}) });
  }
}
