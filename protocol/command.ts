/**
 * A command is one frame shape of the register catalogue: a read, a selector read or a write of one
 * register (short frame) or table (long frame), with the codec of its request payload and the codec of
 * the device's reply payload. Decoding finds the command by (unit, address or table, write bit,
 * selector, payload size); encoding builds its request or its reply (docs/architecture.md house rule 6: one
 * codec per register or message, registered by address).
 */
import { ProtocolError } from './errors.js';
import type { Unit } from './nodes.js';
import { type Fields, layout, type PayloadCodec } from './payload.js';

export interface CommandArgs {
  /** Usage text of the positional CLI arguments, e.g. `high|low|<0-255>`. */
  readonly usage: string;
  /**
   * How many positional arguments it takes (default 1..1). Fewer than `min` with no fields is
   * PROTOCOL_MISSING_ARGUMENT, more than `max` PROTOCOL_EXCESS_ARGUMENTS: a missing argument is never
   * read as a zero (issue 10: `encode set-lock` without an argument used to build the unlock frame).
   */
  readonly min?: number;
  readonly max?: number;
  /** Turns positional arguments into payload fields; throws PROTOCOL_RANGE on bad input (no clamping). */
  parse(args: readonly string[]): Fields;
}

export interface CommandSpec {
  /** Stable name used by the CLI and in decoded output, e.g. `set-brightness`. */
  readonly name: string;
  readonly summary: string;
  /** Section of docs/protocol.md implemented. */
  readonly spec: string;
  /** Units that serve it; the first is the default of `encode`. */
  readonly units: readonly Unit[];
  /** Short frames: register address S. */
  readonly address?: number;
  /** Long frames: table id (`01 01` → 0x0101). */
  readonly table?: number;
  readonly write: boolean;
  /** Payload byte 0 of the request (and of the reply) that selects this command. */
  readonly selector?: number;
  /** Fields filled in when the caller leaves them out (the selector, a record key). */
  readonly defaults?: Fields;
  readonly request: PayloadCodec;
  readonly reply: PayloadCodec;
  /** CLI positional arguments for the request, and for the reply (`encode --reply`). */
  readonly args?: CommandArgs;
  readonly replyArgs?: CommandArgs;
}

export function command(spec: CommandSpec): CommandSpec {
  return spec;
}

/** `on|off` (also `1|0`, `true|false`, `enable|disable`) as the field `value`. */
export function onOffArgs(field = 'value', on = 1, off = 0): CommandArgs {
  return {
    usage: 'on|off',
    parse(args) {
      return { [field]: parseOnOff(args[0]) ? on : off };
    },
  };
}

export function parseOnOff(text: string | undefined): boolean {
  switch ((text ?? '').toLowerCase()) {
    case 'on':
    case '1':
    case 'true':
    case 'enable':
    case 'enabled':
    case 'start':
      return true;
    case 'off':
    case '0':
    case 'false':
    case 'disable':
    case 'disabled':
    case 'stop':
      return false;
    default:
      throw new ProtocolError('PROTOCOL_RANGE', `expected on|off, got '${text ?? ''}'`);
  }
}

/** A whole number in decimal or `0x` hex within [min, max]. */
export function parseInteger(text: string | undefined, min: number, max: number, what: string): number {
  const n = text !== undefined && /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : Number(text);
  if (text === undefined || text === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new ProtocolError(
      'PROTOCOL_RANGE',
      `${what} must be an integer ${min}..${max}, got '${text ?? ''}'`,
    );
  }
  return n;
}

/** One integer argument as `field`. */
export function integerArgs(field: string, min: number, max: number, usage = `<${min}-${max}>`): CommandArgs {
  return { usage, parse: (args) => ({ [field]: parseInteger(args[0], min, max, field) }) };
}

/** A plain read of register `address` (no request payload) answered with `reply`. */
export function readOnly(
  name: string,
  summary: string,
  spec: string,
  units: CommandSpec['units'],
  address: number,
  reply: PayloadCodec,
  replyArgs?: CommandArgs,
): CommandSpec {
  return {
    name,
    summary,
    spec,
    units,
    address,
    write: false,
    request: NO_PAYLOAD,
    reply,
    ...(replyArgs ? { replyArgs } : {}),
  };
}

/** The empty payload of plain reads. */
export const NO_PAYLOAD: PayloadCodec = layout([]);

/**
 * Checks the count of positional arguments against `parser` (see `CommandArgs.min`/`max`). With
 * `hasFields` the fields say everything, so no argument is needed.
 */
export function checkArgumentCount(
  name: string,
  parser: CommandArgs,
  args: readonly string[],
  hasFields: boolean,
): void {
  const min = parser.min ?? 1;
  const max = parser.max ?? 1;
  if (args.length < min && !(hasFields && args.length === 0)) {
    throw new ProtocolError(
      'PROTOCOL_MISSING_ARGUMENT',
      `${name} needs ${min === 1 ? 'an argument' : `${min} arguments`}: ${parser.usage}`,
    );
  }
  if (args.length > max) {
    throw new ProtocolError(
      'PROTOCOL_EXCESS_ARGUMENTS',
      `${name} takes at most ${max} argument${max === 1 ? '' : 's'} (${parser.usage}), got ${args.length}`,
    );
  }
}

/** Refuses field names that `known` lacks, suggesting the nearest one (edit distance ≤ 2). */
export function checkFieldNames(name: string, given: Fields, known: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    throw new ProtocolError(
      'PROTOCOL_UNKNOWN_FIELD',
      `${name} has no field '${key}'${near ? ` (did you mean '${near}'?)` : ''}; its fields: ${known.join(', ')}`,
    );
  }
}

/** The candidate closest to `word` by Levenshtein distance, if within 2 edits (or a case-only change). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}
