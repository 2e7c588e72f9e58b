/**
 * Whole 64-byte USB HID reports out of a serial byte stream (docs/protocol.md §5.2 framing carried over a
 * pty or UART). The protocol layer's `UsbStreamDecoder` does the resync (report id 0x3F, a length
 * byte in range, a frame with a valid CRC) but hands out only the logical frame; transports carry
 * whole reports (`channel: 'usb'` packets), background bytes after the frame included. So the raw
 * bytes are queued here in step with the decoder: it either skips one byte (reported as garbage)
 * or consumes exactly one 64-byte report, so its events say which queued bytes were which.
 */
import { USB_REPORT_SIZE, UsbStreamDecoder } from '../../protocol/index.js';

export interface ReportChunk {
  /** Whole reports completed by this chunk, 64 bytes each, id byte first. */
  readonly reports: Uint8Array[];
  /** Bytes skipped while resyncing (noise, a torn report, a stale half of one). */
  readonly garbageBytes: number;
}

export class UsbReportStream {
  private readonly decoder = new UsbStreamDecoder();
  private queue = new Uint8Array(256);
  private start = 0;
  private end = 0;
  /** Bytes skipped since the stream was made. */
  garbageBytes = 0;

  /** Bytes held back waiting for the rest of a report. */
  get buffered(): number {
    return this.decoder.buffered;
  }

  /** Feeds bytes split at any offset. */
  push(bytes: Uint8Array): ReportChunk {
    this.append(bytes);
    const reports: Uint8Array[] = [];
    let garbageBytes = 0;
    for (const event of this.decoder.push(bytes)) {
      if (event.type === 'garbage') {
        garbageBytes += event.bytes;
        this.start += event.bytes;
      } else {
        reports.push(this.queue.slice(this.start, this.start + USB_REPORT_SIZE));
        this.start += USB_REPORT_SIZE;
      }
    }
    this.garbageBytes += garbageBytes;
    return { reports, garbageBytes };
  }

  private append(bytes: Uint8Array): void {
    const live = this.end - this.start;
    if (this.end + bytes.length > this.queue.length) {
      const target =
        live + bytes.length > this.queue.length ? new Uint8Array(2 * (live + bytes.length)) : this.queue;
      target.set(this.queue.subarray(this.start, this.end), 0);
      this.queue = target;
      this.start = 0;
      this.end = live;
    }
    this.queue.set(bytes, this.end);
    this.end += bytes.length;
  }
}
