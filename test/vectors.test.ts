/**
 * Every vector of test/fixtures/vectors.json decodes to the fields it states; vectors with
 * `crcValid: false` are rejected with PROTOCOL_CRC and their `correctHex` decodes; captured
 * multi-packet writes reassemble (and fragment) as protocol.md's transport byte says.
 */
import { describe, expect, it } from 'vitest';
import {
  BlePacketAssembler,
  fragmentFrame,
  hexBytes,
  type InspectedItem,
  inspectBytes,
  toHex,
} from '../protocol/index.js';
import { isFrameVector, unitName, VECTORS, type Vector } from './fixtures/vectors.js';

const hexNum = (text: unknown) => Number.parseInt(String(text), 16);

/** How each `decoded` key of the vectors reads in iqsim's fields; keys that are prose are skipped. */
const FIELD_CHECKS: Record<string, (f: Record<string, unknown>, expected: unknown, v: Vector) => void> = {
  productNumber: (f, e) => expect(f.productNumber).toBe(e),
  version: (f, e) => expect(f.version).toBe(e),
  major: (f, e) => expect(f.major).toBe(e),
  minor: (f, e) => expect(f.minor).toBe(e),
  patch: (f, e) => expect(f.patch).toBe(e),
  build: (f, e) => expect(f.build).toBe(e),
  prefixU16: (f, e) => expect(f.prefix).toBe(e),
  trailingUnknownHex: (f, e) => expect(f.trailingHex).toBe(e),
  holderBrightness: (f, e) => expect(f.level).toBe(e),
  level: (f, e) => expect(f.levelName).toBe(e),
  value: (f, e, v) => {
    if (v.register === 0x10) expect([f.state, f.mask]).toEqual(Array.from(hexBytes(String(e)).slice(0, 2)));
    else if (v.register === 0x8e || v.register === 0x90) expect(f.level).toBe(e);
    else if (v.register === 0x94) expect(f.mode).toBe(e);
    else expect(f.value).toBe(e);
  },
  mode: (f, e) => expect(f.modeName).toBe(e),
  flexBatteryMode: (f, e) => expect(f.modeName).toBe(e),
  flagsWord: (f, e) => expect((Number(f.startFlags) << 8) | Number(f.endFlags)).toBe(hexNum(e)),
  heatingStart: (f, e) => expect(f.heatingStart).toBe(e),
  startingToUse: (f, e) => expect(f.startingToUse).toBe(e),
  puffEnd: (f, e) => expect(f.puffEnd).toBe(e),
  manuallyTerminated: (f, e) => expect(f.manuallyTerminated).toBe(e),
  recordByte: (f, e) => expect(f.recordByte).toBe(hexNum(e)),
  selector: (f, e, v) => {
    if (v.register === 0x14) expect(String(f.keyHex).startsWith(`0${e} `)).toBe(true);
    else expect(f.selector).toBe(e);
  },
  autoStart: (f, e) => expect(f.enabled).toBe(e),
  chargeStartVibration: (f, e) => expect(f.chargeStartVibration).toBe(e),
  valueByte: (f, e) => expect(f.value).toBe(hexNum(e)),
  innerCheck: (f, e) => {
    expect(f.check).toBe(hexNum(e));
    expect(f.checkValid).toBe(true);
  },
  record: (f, e) =>
    expect(
      String(e).startsWith(
        (typeof f.selector === 'number'
          ? f.selector.toString(16).padStart(2, '0')
          : String(f.keyHex)
        ).toUpperCase(),
      ),
    ).toBe(true),
  payloadU16LE: (f, e) => expect([0, 1, 2, 3, 4, 5, 6].map((i) => f[`word${i}`])).toEqual(e),
  payloadU16At0: (f, e) => expect(f.raw).toBe(e),
  on: (f, e) => expect(f.on).toBe(e),
  param: (f, e) => expect(f.durationS).toBe(e),
  crc16: () => undefined,
  length: (f, e) => expect(String(f.productNumber).length).toBe(e),
};
const PROSE = new Set([
  'function',
  'access',
  'note',
  'quirk',
  'interpretation',
  'meaning',
  'unitRole',
  'innerCheckRule',
  'packetCount',
  'clientReadsU16AtPayload1',
  'clientShows',
  'u16AtPayload4',
]);

function decodeVector(v: Vector, hex = v.hex): InspectedItem {
  return inspectBytes(hexBytes(hex), { transport: v.transport === 'usb' ? 'usb' : 'ble' });
}

function checkFrame(v: Vector, item: InspectedItem): void {
  expect(item.error, JSON.stringify(item.error)).toBeUndefined();
  expect(item.crcValid).toBe(true);
  expect(item.kind).toBe(v.kind);
  expect(item.node).toBe(unitName(v.unit));
  expect(item.nodeByte).toBe(v.node);
  if (v.table) expect(item.table).toBe(v.table);
  else expect(item.register).toBe(v.register);
  if (v.logicalHex) expect(item.logicalHex).toBe(v.logicalHex);
  const info = v.frameInfo ?? {};
  expect(item.frame).toBe(info.frame);
  expect(item.write).toBe(info.write);
  const fields = item.fields ?? {};
  for (const [key, expected] of Object.entries(v.decoded ?? {})) {
    if (PROSE.has(key)) continue;
    const check = FIELD_CHECKS[key];
    expect(check, `no check for decoded key '${key}'`).toBeDefined();
    check?.(fields, expected, v);
  }
}

describe('vectors: SCP frames', () => {
  for (const v of VECTORS.filter((x) => isFrameVector(x) && x.crcValid)) {
    it(`${v.id} decodes to its stated fields (${v.source})`, () => checkFrame(v, decodeVector(v)));
  }

  for (const v of VECTORS.filter((x) => isFrameVector(x) && !x.crcValid)) {
    it(`${v.id} is rejected with PROTOCOL_CRC and its correctHex decodes`, () => {
      const bad = decodeVector(v);
      expect(bad.error?.code).toBe('PROTOCOL_CRC');
      expect(bad.crcValid).toBe(false);
      expect(bad.command).not.toBeNull();
      const good = decodeVector(v, v.correctHex);
      const missing = Number(v.frameInfo?.extraOrMissingPayloadBytes ?? 0);
      if (missing < 0) {
        // The intended frame of an obsolete form is itself a byte short of its length code (D-6).
        expect(good.crcValid).toBe(true);
        expect(good.error?.code).toBe('PROTOCOL_LENGTH');
        expect(good.register).toBe(v.register);
      } else {
        expect(good.error).toBeUndefined();
        expect(good.crcValid).toBe(true);
        expect(good.register).toBe(v.register);
      }
    });
  }

  for (const v of VECTORS.filter((x) => x.packets)) {
    it(`${v.id}: its captured packets reassemble to the frame, and fragmenting at MTU 23 gives them back`, () => {
      const packets = (v.packets ?? []).map(hexBytes);
      const assembler = new BlePacketAssembler();
      const results = packets.map((packet) => assembler.push(packet));
      expect(results.slice(0, -1)).toEqual(packets.slice(1).map(() => undefined));
      const last = results.at(-1);
      expect(last?.ok && toHex(last.value)).toBe(v.logicalHex);
      expect(fragmentFrame(hexBytes(String(v.logicalHex)), 23).map((p) => toHex(p))).toEqual(v.packets);
    });
  }
});

describe('vectors: characteristic values', () => {
  for (const v of VECTORS.filter((x) => x.kind === 'battery' || x.kind === 'status')) {
    it(`${v.id} decodes (${v.source})`, () => {
      const item = inspectBytes(hexBytes(v.hex), { char: v.kind as 'battery' | 'status' });
      expect(item.error).toBeUndefined();
      const f = item.fields as Record<string, unknown>;
      const d = v.decoded ?? {};
      expect(f.flags).toBe(hexNum(d.flags));
      if (v.kind === 'battery') {
        for (const key of ['chargerLevelPct', 'chargerTempC', 'chargerVoltageMv', 'holder1LevelPct'])
          expect(f[key]).toBe(d[key]);
        return;
      }
      const s = f.status as Record<string, unknown>;
      const h1 = f.holder1 as Record<string, unknown>;
      expect(f.chargerSystemError).toBe(d.chargerSystemError);
      expect(s.chargerStateName).toBe(d.chargerState);
      expect(s.chargerLowBattery).toBe(d.chargerLowBattery);
      expect(s.chargerDefect).toBe(d.chargerDefect);
      expect(s.holderStateName).toBe(d.holderState);
      expect(s.holderConnectionName).toBe(d.holderConnection);
      expect(s.holderDefect).toBe(d.holderDefect);
      expect(h1.error).toBe(d.holder1Error);
      expect(h1.warning).toBe(d.holder1Warning);
      expect(h1.lastExperience).toMatchObject(d.lastExperience as object);
    });
  }

  for (const v of VECTORS.filter((x) => x.kind === 'adv')) {
    it(`${v.id} decodes (${v.source})`, () => {
      const item = inspectBytes(hexBytes(v.hex), { char: 'adv' });
      expect(item.error).toBeUndefined();
      const f = item.fields as Record<string, unknown>;
      const d = v.decoded ?? {};
      if (d.completeLocalName) {
        expect(f.localName).toBe(d.completeLocalName);
        expect(f.completeName).toBe(true);
        return;
      }
      const m = f.manufacturer as Record<string, unknown>;
      expect(f.flags).toBe(hexNum(d.flags));
      expect(m.companyId).toBe(hexNum(d.manufacturerCompanyId));
      expect(m.dataHex).toBe(d.manufacturerPayload);
      expect(m.bonded).toBe(d.bonded);
      expect(f.serviceUuids128).toEqual([d.serviceUuid128]);
      expect(f.txPowerDbm).toBe(d.txPowerDbm);
    });
  }
});
