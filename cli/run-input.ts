/**
 * What `iqsim run` accepts as input: firmware inputs as JSON lines (scripts and tests), checked
 * field by field before they reach the firmware, and single keys for the live view.
 */
import type { FirmwareInput, FirmwareState, UnitName } from '../firmware-model/index.js';
import { checkDocument, checkFirmwareInputValue } from '../simulator/index.js';

export type ParsedInput = { ok: true; input: FirmwareInput } | { ok: false; message: string };

/**
 * Checks one parsed value against the firmware input schema (the scenario format's `firmwareInput`,
 * with the firmware's ranges: ambient −40…85 °C, bits 0…255, …), so a JSON line is refused here
 * rather than by the device.
 */
export function checkFirmwareInput(value: unknown): ParsedInput {
  const first = checkFirmwareInputValue(value)[0];
  return first
    ? { ok: false, message: `${first.pointer || '/'}: ${first.message}` }
    : { ok: true, input: value as FirmwareInput };
}

/** One stdin line: a JSON firmware input; undefined for a blank line. */
export function parseInputLine(line: string): ParsedInput | undefined {
  if (line.trim() === '') return undefined;
  const checked = checkDocument<FirmwareInput>(line, checkFirmwareInputValue);
  if (checked.ok) return { ok: true, input: checked.value };
  const first = checked.issues[0];
  if (!first) return { ok: false, message: 'not a firmware input' };
  return {
    ok: false,
    message: checked.syntax
      ? `not JSON at column ${first.column}: ${first.message}`
      : `${first.pointer || '/'}: ${first.message}`,
  };
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
