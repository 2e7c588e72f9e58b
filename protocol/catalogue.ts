/**
 * The register catalogue: every command of docs/protocol.md §7–§10 registered by (unit, register or table),
 * plus generic commands that every unknown register or table decodes to (never a throw).
 */
import type { CommandSpec } from './command.js';
import type { Unit } from './nodes.js';
import { raw } from './payload.js';
import { IDENTITY_COMMANDS } from './registers/identity.js';
import { SENSOR_COMMANDS } from './registers/sensors.js';
import { SETTING_COMMANDS } from './registers/settings.js';
import { TABLE_COMMANDS } from './registers/tables.js';

const ANY_UNIT: readonly Unit[] = ['charger', 'holder', 'flexpuff'];

/** Fallbacks for registers and tables outside the catalogue; `encode` needs an explicit address/table. */
export const GENERIC_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'read-register',
    summary: 'read any register S (payload = optional argument)',
    spec: '§4.4',
    units: ANY_UNIT,
    write: false,
    request: raw(),
    reply: raw(),
  },
  {
    name: 'write-register',
    summary: 'write any register S',
    spec: '§4.4, D-1',
    units: ANY_UNIT,
    write: true,
    request: raw(),
    reply: raw(),
  },
  {
    name: 'read-table',
    summary: 'long read of any table',
    spec: '§4.2, §10',
    units: ANY_UNIT,
    write: false,
    request: raw('any'),
    reply: raw('any'),
  },
  {
    name: 'write-table',
    summary: 'long write of any table',
    spec: '§4.2, §10',
    units: ANY_UNIT,
    write: true,
    request: raw('any'),
    reply: raw('any'),
  },
];

/** Every named command, catalogue first. */
export const COMMANDS: readonly CommandSpec[] = [
  ...IDENTITY_COMMANDS,
  ...SETTING_COMMANDS,
  ...SENSOR_COMMANDS,
  ...TABLE_COMMANDS,
  ...GENERIC_COMMANDS,
];

const byName = new Map(COMMANDS.map((c) => [c.name, c]));

function key(unit: Unit, long: boolean, target: number): string {
  return `${unit}:${long ? 't' : 's'}:${target}`;
}

/** Candidates per (unit, kind, target), selector-specific commands first. */
const byTarget = new Map<string, CommandSpec[]>();
for (const c of COMMANDS) {
  const target = c.address ?? c.table;
  if (target === undefined) continue;
  for (const unit of c.units) {
    const k = key(unit, c.table !== undefined, target);
    const list = byTarget.get(k) ?? [];
    list.push(c);
    list.sort((a, b) => Number(b.selector !== undefined) - Number(a.selector !== undefined));
    byTarget.set(k, list);
  }
}

export function commandByName(name: string): CommandSpec | undefined {
  return byName.get(name);
}

function accepts(sizes: readonly number[] | 'any', size: number): boolean {
  return sizes === 'any' || sizes.includes(size);
}

/**
 * The command a frame belongs to: same unit and target, same write bit, the payload size its codec
 * accepts, and the selector byte if the command has one. Falls back to the generic command.
 */
export function findCommand(
  unit: Unit,
  long: boolean,
  target: number,
  write: boolean,
  response: boolean,
  payload: Uint8Array,
): CommandSpec {
  for (const c of byTarget.get(key(unit, long, target)) ?? []) {
    if (c.write !== write) continue;
    if (!accepts((response ? c.reply : c.request).sizes, payload.length)) continue;
    if (c.selector !== undefined && payload[0] !== c.selector) continue;
    return c;
  }
  const generic = GENERIC_COMMANDS[(long ? 2 : 0) + (write ? 1 : 0)];
  if (!generic) throw new Error('generic command table is incomplete');
  return generic;
}

/** Whether a command is one of the generic fallbacks (its target comes from the caller). */
export function isGeneric(c: CommandSpec): boolean {
  return c.address === undefined && c.table === undefined;
}
