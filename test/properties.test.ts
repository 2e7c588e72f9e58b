/**
 * Property tests (fast-check): encode∘decode is the identity for every codec (register payloads,
 * frames, characteristic records, advertising), and every split of a valid byte stream decodes to the
 * same frames.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BleStreamDecoder,
  COMMANDS,
  type CommandSpec,
  decodeAdvertising,
  decodeBatteryRecord,
  decodeFrame,
  decodeStatusRecord,
  encodeAdStructures,
  encodeBatteryRecord,
  encodeCommand,
  encodeLongFrame,
  encodeShortFrame,
  encodeStatusRecord,
  encodeUsbReport,
  fragmentFrame,
  isGeneric,
  REPLY_NODE,
  REQUEST_NODE,
  toHex,
  type Unit,
  UsbStreamDecoder,
} from '../protocol/index.js';

const RUNS = { numRuns: 300, seed: 42 };

function sizesOf(sizes: readonly number[] | 'any'): fc.Arbitrary<number> {
  return sizes === 'any' ? fc.integer({ min: 0, max: 40 }) : fc.constantFrom(...sizes);
}

/** A payload the command accepts on one side: an accepted size, the selector in byte 0 if it has one. */
function payloadFor(c: CommandSpec, reply: boolean): fc.Arbitrary<Uint8Array> {
  const codec = reply ? c.reply : c.request;
  return sizesOf(codec.sizes)
    .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }))
    .map((bytes) => {
      if (c.selector !== undefined && bytes.length > 0) bytes[0] = c.selector;
      return bytes;
    });
}

describe('register codecs: encode(decode(payload)) = payload', () => {
  for (const c of COMMANDS) {
    for (const reply of [false, true]) {
      it(`${c.name} ${reply ? 'reply' : 'request'}`, () => {
        const codec = reply ? c.reply : c.request;
        fc.assert(
          fc.property(payloadFor(c, reply), (payload) => {
            const fields = codec.decode(payload);
            expect(toHex(codec.encode(fields))).toBe(toHex(payload));
            expect(codec.decode(codec.encode(fields))).toEqual(fields);
          }),
          { ...RUNS, numRuns: 100 },
        );
      });
    }
  }
});

describe('frames: decodeFrame then encodeCommand rebuilds the same bytes', () => {
  const frameArb = fc
    .record({ c: fc.constantFrom(...COMMANDS), reply: fc.boolean(), pick: fc.nat() })
    .chain(({ c, reply, pick }) =>
      payloadFor(c, reply).map((payload) => ({
        c,
        reply,
        unit: c.units[pick % c.units.length] as Unit,
        payload,
        pick,
      })),
    );
  it('for every command, unit and side', () => {
    fc.assert(
      fc.property(frameArb, ({ c, reply, unit, payload, pick }) => {
        const node = reply ? REPLY_NODE[unit] : REQUEST_NODE[unit];
        const long = c.table !== undefined || c.name.endsWith('-table');
        const target = c.table ?? c.address ?? (long ? pick & 0xffff : pick & 0x3ff);
        const frame = long
          ? encodeLongFrame({ node, table: target, response: reply, write: c.write, data: payload })
          : encodeShortFrame({ node, address: target, response: reply, write: c.write, payload });
        const decoded = decodeFrame(frame);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        const again = encodeCommand(decoded.value.command, {
          unit: decoded.value.unit,
          reply,
          fields: decoded.value.fields,
          ...(isGeneric(c) || decoded.value.known === false
            ? long
              ? { table: target }
              : { address: target }
            : {}),
        });
        expect(toHex(again)).toBe(toHex(frame));
      }),
      { ...RUNS, numRuns: 2000 },
    );
  });
});

describe('characteristic records', () => {
  const byte = fc.integer({ min: 0, max: 255 });
  const word = fc.integer({ min: 0, max: 0xffff });
  it('battery: decode(encode(record)) = record for every flag combination', () => {
    const names = [
      'chargerLevelPct',
      'chargerTempC',
      'chargerVoltageMv',
      'holder1LevelPct',
      'holder1TempC',
      'holder1VoltageMv',
      'holder2LevelPct',
      'holder2TempC',
      'holder2VoltageMv',
    ];
    const arb = fc
      .tuple(fc.integer({ min: 0, max: 0xffff }), fc.array(word, { minLength: 9, maxLength: 9 }))
      .map(([flags, values]) => {
        const record: Record<string, number> = { flags };
        names.forEach((name, bit) => {
          if (flags & (1 << bit))
            record[name] = name.endsWith('Mv') ? (values[bit] as number) : (values[bit] as number) & 0xff;
        });
        return record;
      });
    fc.assert(
      fc.property(arb, (record) => {
        const bytes = encodeBatteryRecord(record);
        const back = decodeBatteryRecord(bytes);
        expect(back.ok && back.value).toEqual(record);
      }),
      RUNS,
    );
  });
  it('status: encode(decode(bytes)) = bytes for every flag combination', () => {
    const arb = fc.integer({ min: 0, max: 0x0fff }).chain((flags) => {
      const sizes = [1, 2, 0, 1, 1, 4, 2, 0, 1, 1, 4, 2];
      let n = sizes.reduce((sum, size, bit) => sum + (flags & (1 << bit) ? size : 0), 0);
      if (flags & 0x84) n += 1;
      return fc
        .uint8Array({ minLength: n, maxLength: n })
        .map((body) => Uint8Array.of(flags & 0xff, flags >> 8, ...body));
    });
    fc.assert(
      fc.property(arb, (bytes) => {
        const record = decodeStatusRecord(bytes);
        expect(record.ok).toBe(true);
        if (!record.ok) return;
        expect(toHex(encodeStatusRecord(record.value))).toBe(toHex(bytes));
        const again = decodeStatusRecord(encodeStatusRecord(record.value));
        expect(again.ok && again.value).toEqual(record.value);
      }),
      RUNS,
    );
  });
  it('advertising: structures survive encode then decode', () => {
    const structure = fc.record({ type: byte, data: fc.uint8Array({ maxLength: 20 }) });
    fc.assert(
      fc.property(fc.array(structure, { maxLength: 5 }), (structures) => {
        const decoded = decodeAdvertising(encodeAdStructures(structures));
        expect(decoded.ok && decoded.value.structures).toEqual(
          structures.map((s) => ({ type: s.type, dataHex: toHex(s.data) })),
        );
      }),
      RUNS,
    );
  });
});

describe('streams: every split decodes to the same frames', () => {
  const frames = fc.array(
    fc
      .record({ c: fc.constantFrom(...COMMANDS.filter((c) => !isGeneric(c))), reply: fc.boolean() })
      .chain(({ c, reply }) =>
        payloadFor(c, reply).map((payload) =>
          c.table !== undefined
            ? encodeLongFrame({
                node: reply ? 0xc0 : 0xc9,
                table: c.table,
                response: reply,
                write: c.write,
                data: payload,
              })
            : encodeShortFrame({
                node: reply ? 0x08 : 0xc9,
                address: c.address ?? 0,
                response: reply,
                write: c.write,
                payload,
              }),
        ),
      ),
    { minLength: 1, maxLength: 6 },
  );
  const cuts = fc.array(fc.nat(), { maxLength: 6 });

  function split(bytes: Uint8Array, points: number[]): Uint8Array[] {
    const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
    const parts: Uint8Array[] = [];
    let prev = 0;
    for (const p of [...at, bytes.length]) {
      parts.push(bytes.subarray(prev, p));
      prev = p;
    }
    return parts;
  }

  it('BLE packet stream at MTU 23 and 64', () => {
    fc.assert(
      fc.property(frames, cuts, fc.constantFrom(23, 64), (list, points, mtu) => {
        const stream = Uint8Array.from(list.flatMap((f) => fragmentFrame(f, mtu).flatMap((p) => [...p])));
        const d = new BleStreamDecoder(mtu);
        const out = split(stream, points).flatMap((part) => d.push(part));
        expect(
          out.filter((e) => e.type === 'frame').map((e) => (e.type === 'frame' ? toHex(e.frame) : '')),
        ).toEqual(list.map((f) => toHex(f)));
        expect(out.some((e) => e.type === 'garbage')).toBe(false);
      }),
      RUNS,
    );
  });
  it('USB report stream', () => {
    fc.assert(
      fc.property(frames, cuts, (list, points) => {
        const stream = Uint8Array.from(list.flatMap((f) => [...encodeUsbReport(f)]));
        const d = new UsbStreamDecoder();
        const out = split(stream, points).flatMap((part) => d.push(part));
        expect(out.map((e) => (e.type === 'frame' ? toHex(e.frame) : 'garbage'))).toEqual(
          list.map((f) => toHex(f)),
        );
      }),
      RUNS,
    );
  });
});
