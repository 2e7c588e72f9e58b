/**
 * Battery and status notifications (docs/protocol.md §3.4, §3.5): sent when the firmware says a value
 * changed, the battery at most once per `BATTERY_NOTIFY_MIN_INTERVAL_MS` (D-18: a change inside the interval
 * is sent when it ends); a notification raised while a PDU is handled goes after that PDU's response.
 */
import type { GattServer } from './gatt-server.js';
import { HANDLES } from './gatt-values.js';
import type { Outbox } from './outbox.js';

/** Battery notifications at most this often (docs/protocol.md D-18 `ble.batteryNotifyMinIntervalMs`). */
export const BATTERY_NOTIFY_MIN_INTERVAL_MS = 1000;

export class Notifier {
  private lastBatteryMs = Number.NEGATIVE_INFINITY;
  /** A battery notification held back by the D-18 minimum interval, due at this time; +∞ if none. */
  batteryDueMs = Number.POSITIVE_INFINITY;
  /** Notifications raised while a PDU is being handled, sent after its response. */
  private deferred: Uint8Array[] | undefined;

  constructor(
    private readonly gatt: GattServer,
    private readonly outbox: Outbox,
    /** The current value of a characteristic (the model's, or a script's). */
    private readonly value: (handle: number) => Uint8Array,
    private readonly nowMs: () => number,
  ) {}

  /** The firmware reported a changed value at `atMs` (only called while a central is connected). */
  changed(characteristic: 'battery' | 'status', atMs: number): void {
    if (characteristic === 'status') this.send(HANDLES.status, atMs);
    else if (atMs - this.lastBatteryMs >= BATTERY_NOTIFY_MIN_INTERVAL_MS) this.battery(atMs, true);
    else this.batteryDueMs = this.lastBatteryMs + BATTERY_NOTIFY_MIN_INTERVAL_MS;
  }

  /** A CCCD was enabled: the current value goes out at once (D-18, D-19); false for other handles. */
  subscribed(handle: number, nowMs: number, connected: boolean): boolean {
    if (handle === HANDLES.battery) this.battery(nowMs, connected);
    else if (handle === HANDLES.status) this.send(handle, nowMs);
    else return false;
    return true;
  }

  /** Sends the held-back battery notification once it is due. */
  flush(nowMs: number, connected: boolean): void {
    if (this.batteryDueMs <= nowMs) this.battery(nowMs, connected);
  }

  /** A battery notification now (also on CCCD enable, D-18); counts for the interval even unsent. */
  battery(atMs: number, connected: boolean): void {
    this.batteryDueMs = Number.POSITIVE_INFINITY;
    this.lastBatteryMs = atMs;
    if (connected) this.send(HANDLES.battery, atMs);
  }

  /** Notifies the current value of the battery or status characteristic. */
  send(handle: number, atMs: number): void {
    const pdu = this.gatt.notify(handle, this.value(handle));
    if (!pdu) return;
    if (this.deferred) this.deferred.push(pdu);
    else this.outbox.queue(Math.max(atMs, this.nowMs()), 'att', pdu);
  }

  /** From here until `endPdu`, notifications wait for the PDU's response. */
  beginPdu(): void {
    this.deferred = [];
  }

  /** The notifications held back while the PDU was handled. */
  endPdu(): Uint8Array[] {
    const deferred = this.deferred ?? [];
    this.deferred = undefined;
    return deferred;
  }
}
