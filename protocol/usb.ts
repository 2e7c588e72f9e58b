/**
 * USB HID report framing (docs/protocol.md §5.2, default D-23): 64-byte reports with report id 0x3F in both
 * directions, then a length byte counted from the node byte, the logical frame, and padding. Bytes
 * after the frame are a background stream on real devices and are ignored. WebHID delivers reports
 * without the id byte; hidapi and serial streams carry it.
 */
import { fail, ok, ProtocolError, type Result } from './errors.js';
import { FrameHeader, FrameStatus, parseFrameInto } from './frame.js';
import { ResyncingDecoder, type Scan } from './stream.js';

export const USB_REPORT_ID = 0x3f;
/** Report size with the id byte. */
export const USB_REPORT_SIZE = 64;
/** Largest logical frame in one report: 63 data bytes minus the length byte. */
export const USB_MAX_FRAME = 62;
/** VID/PID of every known IQOS HID device (docs/protocol.md §5.1). */
export const USB_VENDOR_ID = 0x2759;
export const USB_PRODUCT_ID = 0x0003;

/**
 * The 29-byte report descriptor the simulator presents (docs/protocol.md §5.3, a Default: the real one is
 * unpublished).
 */
export const USB_REPORT_DESCRIPTOR: Uint8Array = Uint8Array.of(
  0x06,
  0x00,
  0xff,
  0x09,
  0x01,
  0xa1,
  0x01,
  0x85,
  0x3f,
  0x15,
  0x00,
  0x26,
  0xff,
  0x00,
  0x75,
  0x08,
  0x95,
  0x3f,
  0x09,
  0x01,
  0x81,
  0x02,
  0x95,
  0x3f,
  0x09,
  0x01,
  0x91,
  0x02,
  0xc0,
);

export interface UsbReportOptions {
  /** Include the 0x3F id byte (hidapi, serial); false for the WebHID view. Default true. */
  readonly reportId?: boolean;
}

/** Wraps a logical frame in one zero-padded report. Throws PROTOCOL_RANGE for frames over 62 bytes. */
export function encodeUsbReport(frame: Uint8Array, options: UsbReportOptions = {}): Uint8Array {
  if (frame.length === 0 || frame.length > USB_MAX_FRAME) {
    throw new ProtocolError(
      'PROTOCOL_RANGE',
      `a USB report carries 1..${USB_MAX_FRAME} frame bytes, got ${frame.length}`,
    );
  }
  const withId = options.reportId ?? true;
  const report = new Uint8Array(withId ? USB_REPORT_SIZE : USB_REPORT_SIZE - 1);
  let at = 0;
  if (withId) report[at++] = USB_REPORT_ID;
  report[at++] = frame.length;
  report.set(frame, at);
  return report;
}

/**
 * Extracts the logical frame of one report. Trailing bytes (padding or background stream) are
 * ignored, and a report shorter than 64 bytes is accepted if it holds the whole frame (captures often
 * omit the padding).
 */
export function decodeUsbReport(report: Uint8Array, options: UsbReportOptions = {}): Result<Uint8Array> {
  const withId = options.reportId ?? true;
  let at = 0;
  if (withId) {
    if (report.length < 1) return fail('PROTOCOL_TRUNCATED', 'empty USB report');
    if (report[0] !== USB_REPORT_ID) {
      return fail('PROTOCOL_FRAMING', `USB report id must be 3F, got ${hex2(report[0] as number)}`, {
        offset: 0,
      });
    }
    at = 1;
  }
  if (report.length <= at) return fail('PROTOCOL_TRUNCATED', 'USB report has no length byte');
  const length = report[at] as number;
  if (length === 0 || length > USB_MAX_FRAME) {
    return fail('PROTOCOL_LENGTH', `USB length byte must be 1..${USB_MAX_FRAME}, got ${length}`, {
      offset: at,
    });
  }
  if (report.length < at + 1 + length) {
    return fail(
      'PROTOCOL_TRUNCATED',
      `USB report holds ${report.length - at - 1} frame bytes, length byte says ${length}`,
    );
  }
  return ok(report.slice(at + 1, at + 1 + length));
}

/**
 * Push decoder for a stream of 64-byte reports (serial links, recordings): accepts chunks split at
 * any offset and resyncs after garbage by requiring the report id, a length byte in range and a frame
 * with a valid CRC before it consumes a whole report.
 */
export class UsbStreamDecoder extends ResyncingDecoder {
  private readonly header = new FrameHeader();

  protected scan(buf: Uint8Array, at: number, available: number): Scan {
    if (buf[at] !== USB_REPORT_ID) return 'skip';
    if (available < 2) return 'more';
    const length = buf[at + 1] as number;
    if (length < 4 || length > USB_MAX_FRAME) return 'skip';
    if (available < 2 + length) return 'more';
    if (parseFrameInto(buf, at + 2, at + 2 + length, this.header) !== FrameStatus.OK) return 'skip';
    if (available < USB_REPORT_SIZE) return 'more';
    return { frame: buf.slice(at + 2, at + 2 + length), consumed: USB_REPORT_SIZE };
  }
}

function hex2(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}
