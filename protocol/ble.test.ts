import { describe, expect, it } from 'vitest';
import { BlePacketAssembler, BleStreamDecoder, fragmentFrame } from './ble.js';
import { hexBytes, toHex } from './hex.js';

const RECORD = hexBytes(
  'C9 4F 04 5B 04 00 FF FF FF 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 06',
);

describe('BLE transport byte (docs/protocol.md §4.1, D-8, D-9)', () => {
  it('fragments at MTU 23 into 20-byte packets exactly like the published record write', () => {
    expect(fragmentFrame(RECORD).map((p) => toHex(p))).toEqual([
      '01 C9 4F 04 5B 04 00 FF FF FF 00 00 00 00 00 00 00 00 00 00',
      '00 00 00 00 00 00 00 00 00 06',
    ]);
  });
  it('fits the frame in one packet at a larger MTU', () => {
    expect(fragmentFrame(RECORD, 247)).toHaveLength(1);
  });
  it('reassembles packets and rejects bad transport bytes, oversize and stale partial frames', () => {
    const a = new BlePacketAssembler();
    const [first, last] = fragmentFrame(RECORD);
    expect(a.push(first as Uint8Array, 0)).toBeUndefined();
    const done = a.push(last as Uint8Array, 10);
    expect(done?.ok && toHex(done.value)).toBe(toHex(RECORD));
    expect(a.push(hexBytes('02 C0 02 23 C3'))?.ok).toBe(false);
    a.push(first as Uint8Array, 0);
    a.push(first as Uint8Array, 5000);
    expect(a.discardedFrames).toBe(1);
    // After a stale partial, a packet that ends a frame on its own is that frame (the decoder's CRC
    // then judges it): a lost last fragment costs one frame, not the next one too.
    const after = a.push(hexBytes('00 C0 02 23 C3'), 12_000);
    expect(after?.ok && toHex(after.value)).toBe('C0 02 23 C3');
    expect(a.discardedFrames).toBe(2);
    const stale = new BlePacketAssembler();
    stale.push(first as Uint8Array, 0);
    stale.push(hexBytes('01 C0'), 1);
    const expired = stale.push(hexBytes('01 AA'), 5000);
    expect(expired?.ok === false && expired.error.code).toBe('PROTOCOL_TRUNCATED');
    const big = new BlePacketAssembler({ maxFrameBytes: 10 });
    const over = big.push(first as Uint8Array);
    expect(over?.ok === false && over.error.code).toBe('PROTOCOL_LENGTH');
  });
  it('stream decoder resyncs after garbage and accepts any split', () => {
    const stream = hexBytes(
      `FF 07 ${fragmentFrame(RECORD)
        .map((p) => toHex(p))
        .join(' ')} 00 C0 02 23 C3`,
    );
    for (let split = 0; split <= stream.length; split++) {
      const d = new BleStreamDecoder();
      const events = [...d.push(stream.subarray(0, split)), ...d.push(stream.subarray(split))];
      const frames = events.flatMap((e) => (e.type === 'frame' ? [toHex(e.frame)] : []));
      expect(frames).toEqual([toHex(RECORD), 'C0 02 23 C3']);
      expect(
        events
          .filter((e) => e.type === 'garbage')
          .reduce((n, e) => n + (e.type === 'garbage' ? e.bytes : 0), 0),
      ).toBe(2);
    }
  });
});
