/**
 * The capture formats (docs/captures.md): each writer's file read back by its reader, the btsnoop
 * details other tools rely on (header, flags, epoch, ACL fragments, Android's extra records), and bad
 * input as typed errors with a place: every prefix of each sample file, wrong magic and versions,
 * other link types, and a seeded fuzz run over every reader (the long run: capture.deep.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fuzzReaders,
  hciKept,
  isTypedAnswer,
  READERS,
  SAMPLE_FILES,
  SESSION,
} from '../../test/helpers/capture-samples.js';
import { CAPTURE_SCHEMA, type CaptureEvent, type CaptureResult, readCapture } from '../index.js';
import { BTSNOOP_EPOCH_DELTA_US, btsnoopHeader, readBtsnoop } from './btsnoop.js';
import { ByteWriter } from './bytes.js';
import { readJsonl } from './jsonl.js';
import { readPcapng } from './pcapng-read.js';

const pcapngKept = SESSION.flatMap((e): CaptureEvent[] =>
  e.kind === 'mtu' || (e.kind === 'bond' && e.handle === undefined)
    ? []
    : e.kind === 'connect'
      ? [{ kind: e.kind, tUs: e.tUs, handle: e.handle, address: e.address }]
      : [e],
);

const errorOf = <T>(result: CaptureResult<T>) => (result.ok ? undefined : result.error);

describe('round trips', () => {
  it('JSON lines keep every event', () => {
    const read = readCapture(SAMPLE_FILES.jsonl);
    expect(read.ok && read.value).toEqual({ events: SESSION, skipped: 0, format: 'jsonl' });
  });

  it('btsnoop keeps what HCI carries', () => {
    const read = readCapture(SAMPLE_FILES.btsnoop);
    expect(read.ok && read.value.format).toBe('btsnoop');
    expect(read.ok && read.value.events).toEqual(hciKept(SESSION));
  });

  it('pcapng keeps every packet and the HCI meta events', () => {
    const read = readCapture(SAMPLE_FILES.pcapng);
    expect(read.ok && read.value.format).toBe('pcapng');
    expect(read.ok && read.value.events).toEqual(pcapngKept);
  });

  it('schema/capture.schema.json is generated from its source', () => {
    const text = readFileSync('schema/capture.schema.json', 'utf8');
    expect(text, 'run npm run schema to regenerate it').toBe(`${JSON.stringify(CAPTURE_SCHEMA, null, 2)}\n`);
  });
});

describe('btsnoop details', () => {
  it('writes the header, flags and the year-0 epoch as specified', () => {
    const file = SAMPLE_FILES.btsnoop;
    expect([...file.subarray(0, 16)]).toEqual([
      0x62, 0x74, 0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00, 0, 0, 0, 1, 0, 0, 0x03, 0xea,
    ]);
    const view = new DataView(file.buffer, file.byteOffset);
    // The first record is the advertising report: an event, received → flags 3.
    expect(view.getUint32(16 + 8)).toBe(3);
    expect(view.getBigInt64(16 + 16)).toBe(BigInt(SESSION[0]?.tUs ?? 0) + BTSNOOP_EPOCH_DELTA_US);
    expect(file[16 + 24]).toBe(0x04);
  });

  it('joins ACL fragments and skips commands and other L2CAP channels (as in btsnoop_hci.log)', () => {
    const record = (flags: number, packet: number[]) =>
      new ByteWriter(false)
        .u32(packet.length)
        .u32(packet.length)
        .u32(flags)
        .u32(0)
        .i64(BTSNOOP_EPOCH_DELTA_US + 5n)
        .bytes(Uint8Array.from(packet))
        .done();
    const file = new ByteWriter(false)
      .bytes(btsnoopHeader())
      .bytes(record(2, [0x01, 0x03, 0x0c, 0x00])) // HCI_Reset command
      .bytes(record(1, [0x02, 0x40, 0x20, 0x06, 0x00, 0x05, 0x00, 0x04, 0x00, 0x1b, 0x17])) // start: 2 of 5 ATT bytes
      .bytes(record(1, [0x02, 0x40, 0x10, 0x03, 0x00, 0x00, 0x00, 0x01])) // continuation
      .bytes(record(0, [0x02, 0x40, 0x00, 0x05, 0x00, 0x01, 0x00, 0x06, 0x00, 0x09])) // L2CAP signalling
      .done();
    const read = readBtsnoop(file);
    expect(read.ok && read.value).toEqual({
      events: [
        { kind: 'att', tUs: 5, dir: 'toHost', handle: 0x40, bytes: Uint8Array.of(0x1b, 0x17, 0, 0, 1) },
      ],
      skipped: 3,
    });
  });
});

describe('bad input is a typed error with a place', () => {
  it.each(Object.entries(SAMPLE_FILES))('every prefix of the %s sample', (_, file) => {
    for (let length = 0; length < file.length; length++)
      for (const read of Object.values(READERS))
        expect(isTypedAnswer(read(file.subarray(0, length)))).toBe(true);
  });

  it('wrong magic, version and datalink of btsnoop', () => {
    const file = SAMPLE_FILES.btsnoop.slice();
    expect(errorOf(readBtsnoop(SAMPLE_FILES.pcapng))).toMatchObject({
      code: 'SIM_CAPTURE_FORMAT',
      details: { offset: 0 },
    });
    file[11] = 2;
    expect(errorOf(readBtsnoop(file))).toMatchObject({ code: 'SIM_CAPTURE_VERSION', details: { offset: 8 } });
    file[11] = 1;
    file[15] = 0xe9; // 1001: un-encapsulated HCI
    expect(errorOf(readBtsnoop(file))).toMatchObject({
      code: 'SIM_CAPTURE_LINKTYPE',
      details: { offset: 12 },
    });
    expect(errorOf(readBtsnoop(SAMPLE_FILES.btsnoop.subarray(0, 30)))).toMatchObject({
      code: 'SIM_CAPTURE_TRUNCATED',
      details: { offset: 16 },
    });
  });

  it('a classic pcap, and a pcapng of another link type', () => {
    const classic = Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, ...new Array(16).fill(0));
    expect(errorOf(readPcapng(classic))).toMatchObject({
      code: 'SIM_CAPTURE_FORMAT',
      details: { offset: 0 },
    });
    const ethernet = SAMPLE_FILES.pcapng.slice();
    const firstIdb = new DataView(ethernet.buffer).getUint32(4, true);
    ethernet[firstIdb + 8] = 1; // LINKTYPE_ETHERNET
    ethernet[firstIdb + 9] = 0;
    expect(errorOf(readCapture(ethernet))).toMatchObject({
      code: 'SIM_CAPTURE_LINKTYPE',
      details: { offset: firstIdb },
    });
  });

  it('JSON lines: another version, a bad line, no header', () => {
    expect(errorOf(readJsonl('{"v":2,"format":"iqsim-capture"}\n'))).toMatchObject({
      code: 'SIM_CAPTURE_VERSION',
      details: { line: 1 },
    });
    const bad =
      '{"v":1,"format":"iqsim-capture"}\n{"kind":"usb","tUs":1,"dir":"toDevice","hex":"3F"}\n{"kind":"usb"}\n';
    const error = errorOf(readJsonl(bad));
    expect(error).toMatchObject({ code: 'SIM_CAPTURE_RECORD', details: { line: 3 } });
    expect(error?.message).toMatch(/line 3/);
    expect(errorOf(readJsonl('{"kind":"usb"}\n'))).toMatchObject({
      code: 'SIM_CAPTURE_FORMAT',
      details: { line: 1 },
    });
    expect(errorOf(readJsonl(Uint8Array.of(0xff, 0xfe)))).toMatchObject({ code: 'SIM_CAPTURE_FORMAT' });
  });

  it('JSON lines: a key given twice is refused, however it is spaced (the fast path counts keys)', () => {
    const header = '{"v":1,"format":"iqsim-capture"}\n';
    for (const line of [
      '{"kind":"usb","tUs":1,"dir":"toDevice","hex":"3F","tUs":2}',
      '{"kind":"usb","tUs":1,"dir":"toDevice","hex":"3F","tUs" : 2}',
      '{"kind":"usb","tUs":1,"dir":"toDevice","hex":"3F","\\u0074Us":2}',
    ]) {
      const error = errorOf(readJsonl(`${header}${line}\n`));
      expect(error, line).toMatchObject({ code: 'SIM_CAPTURE_RECORD', details: { line: 2 } });
      expect(error?.message).toMatch(/duplicate property "tUs"/);
    }
    const spaced = readJsonl(`${header}{ "kind" : "usb", "tUs" : 1, "dir" : "toDevice", "hex" : "3F" }\n`);
    expect(spaced.ok && spaced.value.events).toEqual([
      { kind: 'usb', tUs: 1, dir: 'toDevice', bytes: Uint8Array.of(0x3f) },
    ]);
  });

  it('survives 2,000 seeded random and mutated files through every reader (seed 17)', () => {
    fuzzReaders(2_000, 17);
  });
});
