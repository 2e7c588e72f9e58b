/** `iqsim run` input checks, keys and the status block, without a process. */
import { describe, expect, it } from 'vitest';
import { createVirtualDevice } from '../simulator/index.js';
import { checkFirmwareInput, KeyControls, parseInputLine } from './run-input.js';
import { formatEvent, formatVirtualTime, LiveView, statusLines } from './run-view.js';

describe('parseInputLine', () => {
  it('accepts every firmware input shape and skips blank lines', () => {
    const good = [
      { type: 'button', unit: 'holder', action: 'press' },
      { type: 'stick', action: 'insert', used: true },
      { type: 'puff' },
      { type: 'puff', durationMs: 2000, flowMlS: 20 },
      { type: 'usb', power: 'weak' },
      { type: 'setting', name: 'lock', value: true },
      { type: 'fault', fault: 'magnet' },
      { type: 'counter', unit: 'charger', tag: '17', value: 3 },
    ];
    for (const input of good) expect(parseInputLine(JSON.stringify(input))).toEqual({ ok: true, input });
    expect(parseInputLine('   ')).toBeUndefined();
  });

  it('names what is wrong', () => {
    const bad: [unknown, RegExp][] = [
      [[], /^\/: must be an object/],
      [{ type: 'warp' }, /^\/type: must be one of "button", "stick"/],
      [{ type: 'button', unit: 'holder' }, /^\/: missing required property "action"/],
      [{ type: 'button', unit: 'left', action: 'press' }, /^\/unit: must be one of "holder", "charger"/],
      [{ type: 'puff', durationMs: '2s' }, /^\/durationMs: must be a number/],
      [{ type: 'dock', force: true }, /^\/force: unknown property "force"/],
      [{ type: 'setting', name: 'turbo', value: 1 }, /^\/name: must be one of/],
      [{ type: 'constructor' }, /^\/type: must be one of/],
      [{ type: 'ambient', tempC: 256 }, /^\/tempC: must be ≤ 85, not 256/],
      [{ type: 'fault', fault: 'holderError', bits: 256 }, /^\/bits: must be ≤ 255/],
    ];
    for (const [value, message] of bad) {
      const result = checkFirmwareInput(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(message);
    }
    expect(parseInputLine('{"type": }')).toEqual({
      ok: false,
      message: expect.stringMatching(/^not JSON at column 10: /),
    });
  });
});

describe('KeyControls', () => {
  it('toggles buttons locally and the rest from the device state', () => {
    const device = createVirtualDevice({ model: 'iluma-i' });
    const keys = new KeyControls();
    const state = device.firmware.state;
    expect(keys.action('b', state)).toEqual({
      kind: 'input',
      input: { type: 'button', unit: 'holder', action: 'press' },
    });
    expect(keys.action('B', state)).toEqual({
      kind: 'input',
      input: { type: 'button', unit: 'holder', action: 'release' },
    });
    expect(keys.action('d', state)).toEqual({ kind: 'input', input: { type: 'undock' } });
    expect(keys.action('s', state)).toEqual({ kind: 'input', input: { type: 'stick', action: 'insert' } });
    expect(keys.action('u', state)).toEqual({ kind: 'input', input: { type: 'usb', power: 'normal' } });
    expect(keys.action('p', state)).toEqual({ kind: 'input', input: { type: 'puff' } });
    expect(keys.action('q', state)).toEqual({ kind: 'quit' });
    expect(keys.action('\u0003', state)).toEqual({ kind: 'quit' });
    expect(keys.action('z', state)).toEqual({ kind: 'none' });
  });
});

describe('run view', () => {
  it('formats times, events and the status block', () => {
    expect(formatVirtualTime(3_723_004)).toBe('1:02:03.004');
    const device = createVirtualDevice({ model: 'iluma-i' });
    expect(formatEvent({ type: 'state', atMs: 1500, unit: 'holder', from: 'A', to: 'B' })).toBe(
      '0:00:01.500  holder state A → B',
    );
    const lines = statusLines(device, 0, {
      model: 'iluma-i',
      speed: 1,
      held: { holder: false, charger: true },
    });
    expect(lines).toHaveLength(8);
    expect(lines[1]).toMatch(/^holder {3}DOCKED_READY .* uses left 2 {2}stick no {2}docked yes$/);
    expect(lines[5]).toBe('session  none yet');
    expect(lines[7]).toContain('c charger (down)');
    let written = '';
    const view = new LiveView((t) => {
      written += t;
    });
    view.draw(['a', 'b']);
    view.draw(['c', 'd']);
    expect(written).toBe('\u001b[?25l\u001b[2Ka\n\u001b[2Kb\n\u001b[2F\u001b[2Kc\n\u001b[2Kd\n');
  });
});
