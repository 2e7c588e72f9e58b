/**
 * Which registers and tables each model must answer, and how (docs/protocol.md §7.1, §7.8, §9.3,
 * §10, D-25, D-26): the expectations of the `scp.read-registers` check, written from the docs, not
 * from the virtual device, so the check can catch the device disagreeing with them. Each probe is one
 * read request; its reply must come from the request node's reply node (§1.2) with the response bit
 * set and the register's length code (§4.3), or, for a table, as a `90` long frame of that table (§10).
 */
import {
  encodeLongFrame,
  encodeShortFrame,
  type ModelInfo,
  REQUEST_NODE,
  type Unit,
} from '../../protocol/index.js';

/** A short read: unit, register S, optional 4-byte argument, the payload size the reply must have. */
export interface RegisterProbe {
  readonly kind: 'register';
  readonly unit: Unit;
  readonly address: number;
  /** The argument of a selector or keyed read; the reply echoes its byte 0 (§7 "sel"). */
  readonly argument?: readonly number[];
  /** Reply payload size in bytes (4, 14 or 24). */
  readonly size: number;
}

/** A long read of a table; `length` is the exact L byte where the docs give one (§8.2, §9.3). */
export interface TableProbe {
  readonly kind: 'table';
  readonly unit: Unit;
  readonly table: number;
  readonly length?: number;
}

export type ReadProbe = RegisterProbe | TableProbe;

const isOne = (m: ModelInfo) => m.id === 'iluma-i-one';
const iFamily = (m: ModelInfo) => m.id.startsWith('iluma-i');
/** ILUMA i and i PRIME: the two-piece members of the i family. */
const iTwoPiece = (m: ModelInfo) => iFamily(m) && m.form === 'two-piece';
const onePiece = (m: ModelInfo) => m.form === 'one-piece';

type Row = readonly [
  unit: Unit,
  address: number,
  size: number | ((m: ModelInfo) => number),
  applies: (m: ModelInfo) => boolean,
  selectors?: readonly number[],
];

const ALL = () => true;
const cap = (name: ModelInfo['capabilities'][number]) => (m: ModelInfo) => m.capabilities.includes(name);

/** §7.1 rows with a read, per node; sizes of opaque registers from D-26, model-dependent ones §7.8. */
const REGISTER_ROWS: readonly Row[] = [
  ['charger', 0x00, 14, ALL],
  ['holder', 0x00, 14, ALL],
  ['charger', 0x01, 14, ALL],
  ['holder', 0x01, 14, ALL],
  ['charger', 0x03, 4, isOne],
  ['charger', 0x04, 4, iFamily],
  ['holder', 0x04, 4, iTwoPiece],
  ['charger', 0x05, 4, isOne, [0x00, 0x01, 0x02]],
  ['charger', 0x07, 4, isOne],
  ['charger', 0x0c, 14, ALL],
  ['holder', 0x0c, 14, ALL],
  ['holder', 0x10, 4, ALL],
  ['charger', 0x10, 4, isOne],
  ['charger', 0x11, 4, isOne],
  ['holder', 0x13, 14, cap('chargeStartVibration'), [0x04, 0x05]],
  ['charger', 0x13, 14, isOne, [0x0b, 0x0c, 0x0d, 0x0e, 0x0f]],
  ['charger', 0x17, 24, isOne],
  ['charger', 0x18, 24, iFamily, [0x01]],
  ['charger', 0x80, (m) => (onePiece(m) ? 24 : 4), iFamily],
  ['charger', 0x81, 4, isOne],
  ['charger', 0x82, 4, isOne],
  ['holder', 0x83, 4, isOne],
  ['charger', 0x84, (m) => (onePiece(m) ? 4 : 14), ALL],
  ['holder', 0x84, 4, iTwoPiece],
  ['holder', 0x85, 24, isOne],
  ['holder', 0x86, 24, isOne],
  ['holder', 0x88, 14, isOne],
  ['flexpuff', 0x89, 4, cap('flexPuff'), [0x03]],
  ['holder', 0x89, 4, isOne, [0x03, 0x04]],
  ['holder', 0x8c, 4, ALL],
  ['charger', 0x8e, 4, ALL],
  ['holder', 0x90, 4, ALL],
  ['charger', 0x90, 4, isOne],
  ['holder', 0x93, 4, cap('autoStart'), [0x01]],
  ['holder', 0x93, 4, cap('pauseMode'), [0x02]],
  ['holder', 0x93, 4, cap('smartGesture'), [0x04]],
  ['charger', 0x93, 4, isOne, [0x01, 0x02]],
  ['holder', 0x94, 4, cap('flexBattery')],
  ['charger', 0x181, 4, isOne],
];

/** The Smart Gesture record is read with the key `05 01 00 00` (§7.3). */
const SMART_GESTURE_KEY = [0x05, 0x01, 0x00, 0x00] as const;

/** Table ids (§10) and the L byte where the docs fix it. */
const TABLE_CLOCK = 0x0004;
const TABLE_COUNTERS = 0x0101;

/** §9.3: L of table 01 01 per unit on the ILUMA i family; elsewhere any 2 + 8N. */
function countersLength(m: ModelInfo, unit: Unit): number | undefined {
  if (!iFamily(m)) return undefined;
  if (unit === 'holder') return onePiece(m) ? undefined : 0x22;
  return onePiece(m) ? 0x22 : 0x2a;
}

/** Every read probe of `model`, in a fixed order (the suite's requests are the same every run). */
export function readProbes(model: ModelInfo): ReadProbe[] {
  if (!model.scp) return [];
  const probes: ReadProbe[] = [];
  for (const [unit, address, size, applies, selectors] of REGISTER_ROWS) {
    if (!applies(model) || !model.units.includes(unit)) continue;
    const bytes = typeof size === 'number' ? size : size(model);
    for (const selector of selectors ?? [undefined])
      probes.push({
        kind: 'register',
        unit,
        address,
        size: bytes,
        ...(selector === undefined ? {} : { argument: [selector, 0, 0, 0] }),
      });
  }
  // S 0x14, the keyed Smart Gesture record (§7.1): C9 on ILUMA i and i PRIME, C0 on the i ONE.
  if (iTwoPiece(model) || isOne(model))
    probes.push({
      kind: 'register',
      unit: isOne(model) ? 'charger' : 'holder',
      address: 0x14,
      size: 14,
      argument: [...SMART_GESTURE_KEY],
    });
  for (const unit of ['charger', 'holder'] as const) {
    probes.push({ kind: 'table', unit, table: TABLE_CLOCK, length: 0x0a });
    const length = countersLength(model, unit);
    probes.push({ kind: 'table', unit, table: TABLE_COUNTERS, ...(length === undefined ? {} : { length }) });
  }
  // D-25: the unpublished tables of the charger.
  for (const table of [0x0000, 0x0001, 0x0002, 0x0100])
    probes.push({ kind: 'table', unit: 'charger', table });
  return probes;
}

/** The request frame of a probe. */
export function probeRequest(probe: ReadProbe): Uint8Array {
  const node = REQUEST_NODE[probe.unit];
  if (probe.kind === 'table') return encodeLongFrame({ node, table: probe.table });
  return encodeShortFrame({
    node,
    address: probe.address,
    ...(probe.argument ? { payload: Uint8Array.from(probe.argument) } : {}),
  });
}

/** How a probe reads in a report: `C9 S 0x93 sel 01`, `C0 table 01 01`. */
export function probeLabel(probe: ReadProbe): string {
  const node = REQUEST_NODE[probe.unit].toString(16).toUpperCase();
  if (probe.kind === 'table') {
    const id = probe.table.toString(16).padStart(4, '0').toUpperCase();
    return `${node} table ${id.slice(0, 2)} ${id.slice(2)}`;
  }
  const s = `S 0x${probe.address.toString(16).toUpperCase().padStart(2, '0')}`;
  const sel = probe.argument?.[0];
  return `${node} ${s}${sel === undefined ? '' : ` sel ${sel.toString(16).toUpperCase().padStart(2, '0')}`}`;
}
