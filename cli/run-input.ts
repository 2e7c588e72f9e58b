/**
 * What `iqsim run` accepts as input: firmware inputs as JSON lines (scripts and tests), checked
 * field by field before they reach the firmware, and single keys for the live view.
 */
import {
  FAULT_NAMES,
  type FirmwareInput,
  type FirmwareState,
  SETTING_NAMES,
  type UnitName,
} from '../firmware-model/index.js';
import { jsonErrorPosition } from '../simulator/transports/index.js';

export type ParsedInput = { ok: true; input: FirmwareInput } | { ok: false; message: string };

type FieldRule = readonly string[] | 'number' | 'boolean' | 'string' | 'scalar';
interface InputRule {
  required?: Record<string, FieldRule>;
  optional?: Record<string, FieldRule>;
}

const UNITS: readonly UnitName[] = ['holder', 'charger'];
const FAULT_RULE: InputRule = { required: { fault: [...FAULT_NAMES] }, optional: { bits: 'number' } };

/** Fields of each firmware input (firmware-model/types.ts `FirmwareInput`); exhaustive over its types. */
const RULES: Record<FirmwareInput['type'], InputRule> = {
  button: { required: { unit: UNITS, action: ['press', 'release'] } },
  stick: { required: { action: ['insert', 'remove'] }, optional: { used: 'boolean' } },
  puff: { optional: { durationMs: 'number', flowMlS: 'number' } },
  dock: {},
  undock: {},
  usb: { required: { power: ['none', 'normal', 'weak'] } },
  ambient: { required: { tempC: 'number' } },
  tilt: {},
  cleanButton: {},
  setting: { required: { name: SETTING_NAMES, value: 'scalar' } },
  clock: { required: { seconds: 'number' }, optional: { unit: UNITS } },
  findMy: { required: { on: 'boolean' } },
  statusRead: {},
  reset: {},
  level: { required: { unit: UNITS, percent: 'number' } },
  connection: { required: { value: 'number' } },
  counter: { required: { unit: UNITS, tag: 'string', value: 'number' } },
  fault: FAULT_RULE,
  clearFault: FAULT_RULE,
};

function fieldProblem(name: string, value: unknown, rule: FieldRule): string | undefined {
  if (Array.isArray(rule))
    return rule.includes(value as string) ? undefined : `'${name}' must be one of ${rule.join(', ')}`;
  const ok =
    rule === 'number'
      ? typeof value === 'number' && Number.isFinite(value)
      : rule === 'scalar'
        ? typeof value === 'boolean' ||
          typeof value === 'string' ||
          (typeof value === 'number' && Number.isFinite(value))
        : typeof value === rule;
  return ok
    ? undefined
    : `'${name}' must be ${rule === 'scalar' ? 'a boolean, number or string' : `a ${rule}`}`;
}

/** Checks one parsed value against the firmware input shapes. */
export function checkFirmwareInput(value: unknown): ParsedInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, message: 'expected a JSON object such as {"type":"stick","action":"insert"}' };
  const record = value as Record<string, unknown>;
  const type = record.type;
  const rule =
    typeof type === 'string' && Object.hasOwn(RULES, type) ? RULES[type as FirmwareInput['type']] : undefined;
  if (!rule) return { ok: false, message: `'type' must be one of ${Object.keys(RULES).join(', ')}` };
  const required = rule.required ?? {};
  const optional = rule.optional ?? {};
  for (const [name, fieldRule] of Object.entries(required)) {
    if (!Object.hasOwn(record, name)) return { ok: false, message: `${type}: missing '${name}'` };
    const problem = fieldProblem(name, record[name], fieldRule);
    if (problem) return { ok: false, message: `${type}: ${problem}` };
  }
  for (const [name, fieldValue] of Object.entries(record)) {
    if (name === 'type' || Object.hasOwn(required, name)) continue;
    const fieldRule = Object.hasOwn(optional, name) ? optional[name] : undefined;
    if (!fieldRule) return { ok: false, message: `${type}: unknown field '${name}'` };
    const problem = fieldProblem(name, fieldValue, fieldRule);
    if (problem) return { ok: false, message: `${type}: ${problem}` };
  }
  return { ok: true, input: record as FirmwareInput };
}

/** One stdin line: a JSON firmware input; undefined for a blank line. */
export function parseInputLine(line: string): ParsedInput | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    const at = jsonErrorPosition(line);
    const where = at ? ` at column ${at.column}` : '';
    return {
      ok: false,
      message: `not JSON${where}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return checkFirmwareInput(value);
}

export type KeyAction = { kind: 'input'; input: FirmwareInput } | { kind: 'quit' } | { kind: 'none' };

/** The live view's keys: buttons toggle press/release, the rest toggle from the device's own state. */
export class KeyControls {
  /** Buttons held down by the keyboard (a second key press releases). */
  readonly held: Record<UnitName, boolean> = { holder: false, charger: false };

  action(key: string, state: Readonly<FirmwareState>): KeyAction {
    switch (key.toLowerCase()) {
      case 'b':
        return this.button('holder');
      case 'c':
        return this.button('charger');
      case 's':
        return input({ type: 'stick', action: state.holder.stickInserted ? 'remove' : 'insert' });
      case 'p':
        return input({ type: 'puff' });
      case 'd':
        return input(state.holder.docked ? { type: 'undock' } : { type: 'dock' });
      case 'u':
        return input({ type: 'usb', power: state.charger.usbPower === 'none' ? 'normal' : 'none' });
      case 'q':
      case '\u0003': // Ctrl-C arrives as a byte in raw mode
      case '\u0004': // Ctrl-D
        return { kind: 'quit' };
      default:
        return { kind: 'none' };
    }
  }

  private button(unit: UnitName): KeyAction {
    const action = this.held[unit] ? 'release' : 'press';
    this.held[unit] = !this.held[unit];
    return input({ type: 'button', unit, action });
  }
}

function input(firmwareInput: FirmwareInput): KeyAction {
  return { kind: 'input', input: firmwareInput };
}
