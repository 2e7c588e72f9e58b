/**
 * The capture of a `ble:` link (docs/captures.md "Recording a link"). noble speaks GATT, not ATT, so the
 * PDUs are written from what noble did with the unit, at the unit's own attribute handles: a Write
 * Request when a write is issued and its Write Response only once noble reports the unit acknowledged
 * it, a Read Request and its Read Response around each read, each notification as it arrived, the MTU
 * noble reports, the connection and its end. Times are wall-clock µs since 1970.
 *
 * ATT allows one request in flight per connection (Core Vol 3 Part F §3.3.2), and noble's HCI
 * bindings queue the rest; so a request issued while another waits for its response is written when
 * that response is, as it goes on the air, and each response follows its own request.
 */
import { type AttPdu, encodeAttPdu } from '../protocol/index.js';
import type { CaptureDirection, CaptureSink } from '../simulator/index.js';
import { wallClockUs } from './capture-file.js';

/** The connection handle written for a `ble:` link: noble does not report the controller's. */
export const BLE_CAPTURE_HANDLE = 0x0040;

/** CCCD values (Core Vol 3 Part G §3.3.3.3): notifications, indications, off. */
const CCCD_NOTIFY = Uint8Array.of(0x01, 0x00);
const CCCD_INDICATE = Uint8Array.of(0x02, 0x00);
const CCCD_OFF = Uint8Array.of(0x00, 0x00);

/** A request and, once the unit answered, its response. */
interface Pending {
  readonly request: AttPdu;
  response?: AttPdu;
}

export class BleCapture {
  /** Requests not yet answered, in issue order; the first is the one on the air. */
  private readonly pending: Pending[] = [];

  constructor(
    private readonly sink: CaptureSink,
    private readonly nowUs: () => number = wallClockUs,
  ) {}

  /** The connection to `address` came up, with the ATT MTU noble reports (23 when it reports none). */
  connected(address: string, mtu: number): void {
    const tUs = this.nowUs();
    this.sink.capture({ kind: 'connect', tUs, handle: BLE_CAPTURE_HANDLE, address });
    this.mtu(mtu);
  }

  mtu(mtu: number): void {
    this.sink.capture({ kind: 'mtu', tUs: this.nowUs(), handle: BLE_CAPTURE_HANDLE, mtu });
  }

  /**
   * A write to `handle` is issued now: a Write Request, or a Write Command without response. Returns
   * what to call when noble reports the unit acknowledged it (the Write Response).
   */
  write(handle: number, value: Uint8Array, withResponse: boolean): () => void {
    if (!withResponse) {
      this.att('toDevice', { kind: 'writeCommand', handle, value });
      return () => undefined;
    }
    const answered = this.ask({ kind: 'writeRequest', handle, value });
    return () => answered({ kind: 'writeResponse' });
  }

  /** Notifications or indications switched on or off through the CCCD at `cccdHandle`. */
  subscribe(cccdHandle: number, enabled: boolean, indicate: boolean): () => void {
    return this.write(cccdHandle, enabled ? (indicate ? CCCD_INDICATE : CCCD_NOTIFY) : CCCD_OFF, true);
  }

  /** A read of `handle` is issued now; returns what to call with the value the unit answered. */
  read(handle: number): (value: Uint8Array) => void {
    const answered = this.ask({ kind: 'readRequest', handle });
    return (value) => answered({ kind: 'readResponse', value });
  }

  notification(handle: number, value: Uint8Array): void {
    this.att('toHost', { kind: 'handleValueNotification', handle, value });
  }

  /** The link ended; `reason` is an HCI error code. */
  disconnected(reason: number): void {
    this.sink.capture({ kind: 'disconnect', tUs: this.nowUs(), handle: BLE_CAPTURE_HANDLE, reason });
  }

  /** Queues `request` (written now when none is in flight); returns what to call with its response. */
  private ask(request: AttPdu): (response: AttPdu) => void {
    const entry: Pending = { request };
    this.pending.push(entry);
    if (this.pending.length === 1) this.att('toDevice', request);
    return (response) => {
      entry.response = response;
      this.answerInOrder();
    };
  }

  /** Writes every answered request at the head of the queue, each followed by the next request. */
  private answerInOrder(): void {
    for (let head = this.pending[0]; head?.response; head = this.pending[0]) {
      this.pending.shift();
      this.att('toHost', head.response);
      const next = this.pending[0];
      if (next) this.att('toDevice', next.request);
    }
  }

  private att(dir: CaptureDirection, pdu: AttPdu): void {
    this.sink.capture({
      kind: 'att',
      tUs: this.nowUs(),
      dir,
      handle: BLE_CAPTURE_HANDLE,
      bytes: encodeAttPdu(pdu),
    });
  }
}
