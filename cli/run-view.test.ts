/**
 * The live view of `iqsim run` (issue 9 item 4): it fits 80 columns in every state of a session and
 * shows progress against both session limits and how a session ended, by name.
 */
import { describe, expect, it } from 'vitest';
import type { FirmwareInput } from '../firmware-model/index.js';
import { createVirtualDevice, type DeviceEvent, type VirtualDevice } from '../simulator/index.js';
import { clip, formatEvent, statusLines, VIEW_COLUMNS, type ViewInfo } from './run-view.js';

/** Runs the device's own timers up to `atMs` (virtual time). */
function advanceTo(device: VirtualDevice, atMs: number): void {
  for (let next = device.nextDeadline(); next !== undefined && next <= atMs; next = device.nextDeadline())
    device.handleTimeout(next);
  device.handleTimeout(atMs);
}

function rig(model = 'iluma-i') {
  const device = createVirtualDevice({ model, seed: 1 });
  const events: DeviceEvent[] = [];
  device.events$.subscribe((e) => events.push(e));
  let now = 0;
  const info: ViewInfo = {
    model,
    speed: 1,
    // A long path: the line must be cut, not wrapped.
    statePath: `/home/someone/${'very-long-directory/'.repeat(5)}device.json`,
    held: { holder: false, charger: true },
  };
  return {
    device,
    events,
    info,
    input(input: FirmwareInput) {
      device.input(input, now);
    },
    advance(ms: number) {
      now += ms;
      advanceTo(device, now);
    },
    view(): string[] {
      info.lastEvent = events.at(-1);
      return statusLines(device, now, info);
    },
  };
}

function expectFits(lines: readonly string[]): void {
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(VIEW_COLUMNS);
}

describe('iqsim run live view', () => {
  it('fits 80 columns and shows progress in every state of a session, and the end reason by name', () => {
    const r = rig();
    const idle = r.view();
    expectFits(idle);
    expect(idle.find((l) => l.startsWith('session'))).toBe('session  none yet');
    expect(idle.find((l) => l.startsWith('state'))).toMatch(/…$/);

    r.input({ type: 'undock' });
    r.input({ type: 'stick', action: 'insert' }); // Auto Start: preheat begins
    r.advance(5_000);
    const preheat = r.view();
    expectFits(preheat);
    expect(preheat.find((l) => l.startsWith('holder'))).toContain('PREHEAT');
    expect(preheat.find((l) => l.startsWith('session'))).toMatch(
      /^session {2}0:05 of \d+:\d\d {2}puffs 0 of 1[46]$/,
    );

    r.advance(40_000);
    r.input({ type: 'puff', durationMs: 2_000 });
    r.advance(10_000);
    const active = r.view();
    expectFits(active);
    expect(active.find((l) => l.startsWith('holder'))).toContain('SESSION_ACTIVE');
    expect(active.find((l) => l.startsWith('session'))).toMatch(
      /^session {2}0:55 of \d+:\d\d {2}puffs 1 of 1[46]$/,
    );

    r.advance(420_000); // past the time limit
    const ended = r.view();
    expectFits(ended);
    expect(ended.find((l) => l.startsWith('session'))).toBe(
      'session  none; the last ended: end of profile (1 puffs)',
    );
    const end = r.events.find((e) => e.type === 'session' && e.phase === 'end');
    expect(end && formatEvent(end)).toMatch(/session end, 1 puffs: end of profile$/);
  });

  it('a session stopped by hand and an error message still fit', () => {
    const r = rig('iluma-i-one');
    r.input({ type: 'stick', action: 'insert' });
    r.advance(1_000);
    r.input({ type: 'stick', action: 'remove' });
    r.advance(1_000);
    r.info.message = `error CLI_BAD_INPUT: ${'x'.repeat(120)}`;
    const lines = r.view();
    expectFits(lines);
    expect(lines.find((l) => l.startsWith('session'))).toBe(
      'session  none; the last ended: user action (0 puffs)',
    );
    expect(lines.find((l) => l.startsWith('last'))).toMatch(/^last {5}error CLI_BAD_INPUT: x+…$/);
  });

  it('clip cuts to the width with an ellipsis and leaves short lines alone', () => {
    expect(clip('abc', 80)).toBe('abc');
    expect(clip('x'.repeat(81), 80)).toBe(`${'x'.repeat(79)}…`);
    expect([...clip('°'.repeat(100), 80)]).toHaveLength(80);
  });
});
