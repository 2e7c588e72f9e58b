/**
 * The client end of `serial:<path>[?baud=n]`: a `Transport` whose packets are whole 64-byte USB HID
 * reports (docs/protocol.md §5.2) carried as raw bytes over a serial port, so `IqosClient` with
 * `channel: 'usb'` works unchanged. Incoming bytes go through a resyncing report decoder: noise on the line, a report
 * split across reads, or the stale tail of a report sent before we opened cost only the bytes they
 * spoil.
 */
import { type CaptureSink, ListenerSet, type Transport, type WirePacket } from '../../simulator/index.js';
import { wallClockUs } from '../capture-file.js';
import { TransportError } from '../errors.js';
import { type ByteEndpoint, openSerialPort, type SerialOpenOptions } from './port.js';
import { UsbReportStream } from './report-stream.js';

export interface SerialTransportStats {
  reportsIn: number;
  reportsOut: number;
  /** Bytes skipped while resyncing. */
  garbageBytes: number;
}

export class SerialTransport implements Transport {
  readonly stats: SerialTransportStats = { reportsIn: 0, reportsOut: 0, garbageBytes: 0 };
  private readonly reports = new UsbReportStream();
  private readonly listeners = new ListenerSet<WirePacket>();
  private readonly closeListeners = new ListenerSet<string>();
  private lostError: TransportError | undefined;

  constructor(
    private readonly endpoint: ByteEndpoint,
    /** Gets the raw bytes both ways, as they were written and read (docs/captures.md "Recording a link"). */
    private readonly capture?: CaptureSink,
  ) {
    endpoint.onData((bytes) => {
      capture?.capture({ kind: 'serial', tUs: wallClockUs(), dir: 'toHost', bytes: bytes.slice() });
      this.onBytes(bytes);
    });
    endpoint.onClose((lost) => {
      this.lostError = lost;
      const reason = lost ? `${lost.code}: ${lost.message}` : 'closed by the client';
      this.closeListeners.emit(reason);
    });
  }

  get open(): boolean {
    return this.endpoint.open;
  }

  /** Why the link went away when it was not closed by us (a TRANSPORT_LOST error), if it did. */
  get lost(): TransportError | undefined {
    return this.lostError;
  }

  /** Sends one 64-byte report; only `usb` packets travel over serial. */
  write(packet: WirePacket): void {
    if (packet.channel !== 'usb')
      throw new TransportError(
        'TRANSPORT_UNSUPPORTED',
        `a serial link carries usb reports, not ${packet.channel}`,
      );
    this.writeBytes(packet.bytes);
    this.stats.reportsOut++;
  }

  /** Raw bytes, unframed (tests inject noise this way; `iqsim send` never does). */
  writeBytes(bytes: Uint8Array): void {
    if (!this.endpoint.open)
      throw this.lostError ?? new TransportError('TRANSPORT_LOST', 'the serial port is closed');
    this.capture?.capture({ kind: 'serial', tUs: wallClockUs(), dir: 'toDevice', bytes: bytes.slice() });
    this.endpoint.write(bytes);
  }

  onData(listener: (packet: WirePacket) => void): () => void {
    return this.listeners.add(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    return this.closeListeners.add(listener);
  }

  close(): void {
    void this.closed();
  }

  /** Closes the port and resolves once it is closed. */
  closed(): Promise<void> {
    return this.endpoint.close();
  }

  private onBytes(bytes: Uint8Array): void {
    const { reports, garbageBytes } = this.reports.push(bytes);
    this.stats.garbageBytes += garbageBytes;
    for (const report of reports) {
      this.stats.reportsIn++;
      const packet: WirePacket = { channel: 'usb', bytes: report };
      this.listeners.emit(packet);
    }
  }
}

/** Opens `path` (or a port of `options.binding`) as a client transport. */
export async function openSerialTransport(
  path: string,
  options: SerialOpenOptions & { capture?: CaptureSink } = {},
): Promise<SerialTransport> {
  return new SerialTransport(await openSerialPort(path, options), options.capture);
}
