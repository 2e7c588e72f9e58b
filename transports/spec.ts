/**
 * Transport spec strings (architecture "core contracts": one `Transport` chosen by a spec string in
 * one place), parsed into data before anything opens. `openTransport` (select.ts) opens what a spec
 * names. Every number has a range and a bad spec is TRANSPORT_BAD_SPEC naming the option.
 *
 * | spec | link | channel |
 * |---|---|---|
 * | `sim:<model>[?seed=n][&channel=ble\|usb][&snapshot=file][&overrides=file]` | in-process virtual device, in-memory link, real-time clock pump | ble (default) or usb |
 * | `serial:<path>[?baud=n]` | a serial port (`iqsim run --serial`, a USB CDC bridge) carrying 64-byte reports | usb |
 * | `ble:<address>` | a real device through noble's default (HCI) bindings | ble |
 * | `replay:<capture>[?model=m][&channel=ble\|usb]` | a recorded device answering from a capture file (docs/captures.md "Replay"), in process like `sim:` | ble (default) or usb |
 * | `webbluetooth` | only inside the Playwright browser bridge | — |
 */
import { getProfile } from '../firmware-model/index.js';
import { TransportError } from './errors.js';
import { DEFAULT_BAUD_RATE } from './serial/port.js';

export interface SimSpec {
  readonly kind: 'sim';
  readonly model: string;
  /** Identity seed, 0…2³²−1 (`SeededRandom` keeps 32 bits: larger seeds would alias). */
  readonly seed: number;
  readonly channel: 'ble' | 'usb';
  /** A device snapshot file to restore instead of a fresh device (`iqsim run --state` writes one). */
  readonly snapshot?: string;
  /** A register-override file (docs/simulator.md "Register overrides"). */
  readonly overrides?: string;
}

/** `replay:<capture>`: a recorded device served in process (docs/captures.md "Replay"). */
export interface ReplaySpec {
  readonly kind: 'replay';
  readonly path: string;
  /** The model to serve when the capture does not say (validated like `sim:`'s). */
  readonly model?: string;
  readonly channel: 'ble' | 'usb';
}

export type TransportSpec =
  | SimSpec
  | ReplaySpec
  | { readonly kind: 'serial'; readonly path: string; readonly baudRate: number }
  | { readonly kind: 'ble'; readonly address: string }
  | { readonly kind: 'webbluetooth' };

/** Largest seed: `SeededRandom` keeps a u32 state. */
export const MAX_SEED = 0xffff_ffff;
/** Baud rates a serial port can be asked for, 50…4 000 000 (termios tops out near 4 Mbaud). */
const BAUD_RANGE = [50, 4_000_000] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** One `sim:` query option: reads its text into the spec being built, or returns why it cannot. */
type SimOption = (text: string, into: Mutable<SimSpec>) => string | undefined;

/**
 * The `sim:` query options by name. To add one (say `snapshot=<file>`), add a field to `SimSpec` and
 * a row here; the parser, the unknown-option message and the duplicate check follow from this table.
 */
const SIM_OPTIONS: Record<string, SimOption> = {
  seed(text, into) {
    const seed = wholeNumber(text, 0, MAX_SEED);
    if (seed === undefined) return `seed must be a whole number 0…${MAX_SEED}, got '${text}'`;
    into.seed = seed;
    return undefined;
  },
  channel(text, into) {
    if (text !== 'ble' && text !== 'usb') return `channel must be ble or usb, got '${text}'`;
    into.channel = text;
    return undefined;
  },
  snapshot(text, into) {
    if (text === '') return 'snapshot needs a file path';
    into.snapshot = text;
    return undefined;
  },
  overrides(text, into) {
    if (text === '') return 'overrides needs a file path';
    into.overrides = text;
    return undefined;
  },
};

/** Parses a spec; throws TRANSPORT_BAD_SPEC. */
export function parseTransportSpec(spec: string): TransportSpec {
  const colon = spec.indexOf(':');
  const scheme = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  switch (scheme) {
    case 'sim':
      return parseSim(spec, rest);
    case 'serial': {
      const { target, query } = splitQuery(spec, rest, ['baud']);
      if (target === '') throw badSpec(spec, 'serial: needs a path, e.g. serial:/dev/ttyUSB0');
      const text = query.get('baud');
      if (text === undefined) return { kind: 'serial', path: target, baudRate: DEFAULT_BAUD_RATE };
      const baudRate = wholeNumber(text, ...BAUD_RANGE);
      if (baudRate === undefined)
        throw badSpec(spec, `baud must be a whole number ${BAUD_RANGE.join('…')}, got '${text}'`);
      return { kind: 'serial', path: target, baudRate };
    }
    case 'replay':
      return parseReplay(spec, rest);
    case 'ble':
      // A MAC address (HCI, Windows) or a 32-hex-digit CoreBluetooth identifier (macOS).
      if (!/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$|^[0-9a-f]{12}$|^[0-9a-f]{32}$/i.test(rest))
        throw badSpec(spec, 'ble: needs an address, e.g. ble:AA:BB:CC:DD:EE:FF');
      return { kind: 'ble', address: rest.toLowerCase().replace(/-/g, ':') };
    case 'webbluetooth':
      if (rest !== '') throw badSpec(spec, 'webbluetooth takes no argument');
      return { kind: 'webbluetooth' };
    default:
      throw badSpec(
        spec,
        'expected sim:<model>, serial:<path>, ble:<address>, replay:<capture> or webbluetooth',
      );
  }
}

function parseSim(spec: string, rest: string): SimSpec {
  const { target, query } = splitQuery(spec, rest, Object.keys(SIM_OPTIONS));
  if (target === '') throw badSpec(spec, 'sim: needs a model, e.g. sim:iluma-i');
  let model: string;
  try {
    model = getProfile(target).id;
  } catch (error) {
    throw badSpec(spec, error instanceof Error ? error.message : String(error));
  }
  const out: Mutable<SimSpec> = { kind: 'sim', model, seed: 1, channel: 'ble' };
  for (const [key, text] of query) {
    const why = SIM_OPTIONS[key]?.(text, out);
    if (why !== undefined) throw badSpec(spec, why);
  }
  return out;
}

function parseReplay(spec: string, rest: string): ReplaySpec {
  const { target, query } = splitQuery(spec, rest, ['model', 'channel']);
  if (target === '') throw badSpec(spec, 'replay: needs a capture file, e.g. replay:session.jsonl');
  const channel = query.get('channel') ?? 'ble';
  if (channel !== 'ble' && channel !== 'usb')
    throw badSpec(spec, `channel must be ble or usb, got '${channel}'`);
  const text = query.get('model');
  if (text === undefined) return { kind: 'replay', path: target, channel };
  try {
    return { kind: 'replay', path: target, channel, model: getProfile(text).id };
  } catch (error) {
    throw badSpec(spec, error instanceof Error ? error.message : String(error));
  }
}

/** `target?key=value&…`; unknown, repeated or malformed options are TRANSPORT_BAD_SPEC. */
function splitQuery(
  spec: string,
  rest: string,
  keys: readonly string[],
): { target: string; query: Map<string, string> } {
  const at = rest.lastIndexOf('?');
  const query = new Map<string, string>();
  if (at < 0) return { target: rest, query };
  for (const part of rest.slice(at + 1).split('&')) {
    const equals = part.indexOf('=');
    const key = equals < 0 ? part : part.slice(0, equals);
    if (!keys.includes(key) || equals < 0)
      throw badSpec(spec, `unknown option '${part}' (known: ${keys.join(', ')})`);
    if (query.has(key)) throw badSpec(spec, `option '${key}' given twice`);
    query.set(key, part.slice(equals + 1));
  }
  return { target: rest.slice(0, at), query };
}

/** A decimal whole number within [min, max], or undefined. */
function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

function badSpec(spec: string, why: string): TransportError {
  return new TransportError('TRANSPORT_BAD_SPEC', `'${spec}': ${why}`);
}
