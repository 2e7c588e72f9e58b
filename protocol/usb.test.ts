import { describe, expect, it } from 'vitest';
import { hexBytes, toHex } from './hex.js';
import { decodeUsbReport, encodeUsbReport, USB_REPORT_SIZE, UsbStreamDecoder } from './usb.js';

describe('USB HID reports (docs/protocol.md §5.2, D-23)', () => {
  it('wraps a frame in a zero-padded 64-byte 3F report, and without the id for WebHID', () => {
    const report = encodeUsbReport(hexBytes('C0 00 24 FC'));
    expect(report).toHaveLength(USB_REPORT_SIZE);
    expect(toHex(report.subarray(0, 6))).toBe('3F 04 C0 00 24 FC');
    expect(encodeUsbReport(hexBytes('C0 00 24 FC'), { reportId: false })).toHaveLength(63);
  });
  it('ignores trailing background bytes and rejects a wrong id or length', () => {
    const r = decodeUsbReport(hexBytes('3F 04 C0 00 24 FC 12 34 56'));
    expect(r.ok && toHex(r.value)).toBe('C0 00 24 FC');
    const bad = decodeUsbReport(hexBytes('3E 04 C0 00 24 FC'));
    expect(!bad.ok && bad.error.code).toBe('PROTOCOL_FRAMING');
    const long = decodeUsbReport(hexBytes('3F 40 C0'));
    expect(!long.ok && long.error.code).toBe('PROTOCOL_LENGTH');
    const cut = decodeUsbReport(hexBytes('3F 04 C0 00'));
    expect(!cut.ok && cut.error.code).toBe('PROTOCOL_TRUNCATED');
  });
  it('stream decoder finds reports after garbage at every split', () => {
    const a = encodeUsbReport(hexBytes('C0 00 24 FC'));
    const b = encodeUsbReport(hexBytes('C9 03 20 DF'));
    b.fill(0x3f, 6);
    const stream = new Uint8Array([0x3f, 0x3f, 0x01, ...a, ...b]);
    for (let split = 0; split <= stream.length; split++) {
      const d = new UsbStreamDecoder();
      const events = [...d.push(stream.subarray(0, split)), ...d.push(stream.subarray(split))];
      expect(events.flatMap((e) => (e.type === 'frame' ? [toHex(e.frame)] : []))).toEqual([
        'C0 00 24 FC',
        'C9 03 20 DF',
      ]);
    }
  });
});
