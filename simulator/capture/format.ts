/**
 * The JSON-lines capture format, version 1 (docs/captures.md "JSON lines"): one source for its types
 * and its JSON Schema. The first line is the header `{"v": 1, "format": "iqsim-capture"}`; each
 * further line one capture event, told apart by `kind`, bytes as hex. `CAPTURE_SCHEMA` is what
 * `npm run schema` writes to `schema/capture.schema.json` (a test checks the file is current).
 */
import { type Static, type TSchema, Type } from 'typebox';
import { byConst } from '../schema/shapes.js';

export const CAPTURE_FORMAT = 'iqsim-capture';
export const CAPTURE_VERSION = 1;

/** Whole µs since 1970 within a safe integer (to the year 2255). */
const T_US = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'time, µs since 1970',
});
const DIR = Type.Union([Type.Literal('toDevice'), Type.Literal('toHost')], {
  description: 'toDevice: host → device; toHost: device → host',
});
const HANDLE = Type.Integer({ minimum: 0, maximum: 0x0eff, description: 'HCI connection handle' });
/** Hex bytes as `toHex` writes them (`3F 04 C0`); at most 65 531 bytes (an L2CAP frame in one ACL packet). */
const hex = (description: string) =>
  Type.String({ pattern: '^([0-9A-F]{2}( [0-9A-F]{2})*)?$', maxLength: 65_531 * 3, description });
const ADDRESS = Type.String({
  pattern: '^[0-9A-F]{2}(:[0-9A-F]{2}){5}$',
  description: 'BLE address AA:BB:CC:DD:EE:FF',
});
const strict = { additionalProperties: false } as const;

const kind = <K extends string, P extends Record<string, TSchema>>(name: K, properties: P, title: string) =>
  Type.Object({ kind: Type.Literal(name), tUs: T_US, ...properties }, { title, ...strict });

const LINE_KINDS = {
  att: kind('att', { dir: DIR, handle: HANDLE, hex: hex('the ATT PDU') }, 'an ATT PDU'),
  usb: kind('usb', { dir: DIR, hex: hex('the HID report') }, 'a USB HID report'),
  serial: kind('serial', { dir: DIR, hex: hex('the bytes') }, 'serial bytes'),
  connect: kind(
    'connect',
    { handle: HANDLE, address: ADDRESS, central: Type.Optional(Type.String({ maxLength: 200 })) },
    'a connection',
  ),
  disconnect: kind(
    'disconnect',
    { handle: HANDLE, reason: Type.Integer({ minimum: 0, maximum: 255 }) },
    'a disconnection',
  ),
  mtu: kind(
    'mtu',
    { handle: HANDLE, mtu: Type.Integer({ minimum: 23, maximum: 517 }) },
    'the agreed ATT MTU',
  ),
  bond: kind('bond', { bonded: Type.Boolean(), handle: Type.Optional(HANDLE) }, 'a bond made or forgotten'),
  advertising: kind(
    'advertising',
    {
      address: ADDRESS,
      hex: hex('the AD structures'),
      rssi: Type.Integer({ minimum: -128, maximum: 127, description: 'dBm; 127 not available' }),
    },
    'an advertising report',
  ),
};

export const CAPTURE_HEADER = Type.Object(
  { v: Type.Literal(CAPTURE_VERSION), format: Type.Literal(CAPTURE_FORMAT) },
  { title: 'the header line', ...strict },
);

export const CAPTURE_LINE = byConst('kind', LINE_KINDS, 'one capture event, told apart by "kind"');

export type CaptureHeaderLine = Static<typeof CAPTURE_HEADER>;
export type CaptureLine = Static<typeof CAPTURE_LINE>;

/** The published schema: a line of a capture file is the header (first line) or an event. */
export const CAPTURE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: `iqsim capture, JSON lines, version ${CAPTURE_VERSION}: the schema of one line`,
  $defs: { header: CAPTURE_HEADER, event: CAPTURE_LINE },
  oneOf: [{ $ref: '#/$defs/header' }, { $ref: '#/$defs/event' }],
};
