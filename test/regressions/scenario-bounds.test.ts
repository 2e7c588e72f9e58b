/**
 * Issue 10 "bounds everywhere", scenarios: an out-of-range number is a parse error (exit 2, pointer
 * and line) rather than a failed step (ambient 300 exited 1 as a "failed request") or a run that
 * hangs the CLI for minutes (tickHz 1e9, a puff count of 1e8, a timeout of 1e12 ms).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../simulator/index.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-scenario-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (steps: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'bounds', model: 'iluma-i', ...extra, steps }, null, 2);

describe('scenario numbers out of range', () => {
  it.each([
    ['ambient 300 °C', scenario([{ input: { type: 'ambient', tempC: 300 } }]), '/steps/0/input/tempC'],
    ['fault bits 256', scenario([{ fault: { fault: 'holderError', bits: 256 } }]), '/steps/0/fault/bits'],
    [
      'tickHz 1e9',
      scenario([{ wait: 1000 }], { params: { heater: { tickHz: 1e9 } } }),
      '/params/heater/tickHz',
    ],
    ['a puff count of 1e8', scenario([{ puff: {}, count: 1e8, everyMs: 10 }]), '/steps/0/count'],
    [
      'a waitUntil timeout of 1e12 ms',
      scenario([{ waitUntil: { holder: 'ERROR' }, timeoutMs: 1e12 }]),
      '/steps/0/timeoutMs',
    ],
    [
      'a request timeout of 1e12 ms',
      scenario([{ request: 'get-battery-percent', timeoutMs: 1e12 }]),
      '/steps/0/timeoutMs',
    ],
    ['a poll of 1e-9 ms', scenario([{ waitUntil: { holder: 'ERROR' }, pollMs: 1e-9 }]), '/steps/0/pollMs'],
    ['initial ambient 300 °C', scenario([], { initial: { ambientC: 300 } }), '/initial/ambientC'],
    ['a seed beyond 32 bits', scenario([], { seed: 2 ** 32 }), '/seed'],
  ])('%s: exit 2 with the pointer', async (_what, text, pointer) => {
    const parsed = parseScenario(text, 'bounds.json');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]?.pointer).toBe(pointer);
    const file = join(dir, 'bounds.json');
    writeFileSync(file, text);
    const run = await cli('scenario', file);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(
      new RegExp(`^error SIM_SCENARIO: .*bounds\\.json:\\d+: ${pointer.replace(/\//g, '\\/')}: `),
    );
  });

  it('the limits themselves are accepted', () => {
    const text = scenario(
      [
        { input: { type: 'ambient', tempC: 85 } },
        { waitUntil: { holder: 'ERROR' }, timeoutMs: 3_600_000, pollMs: 1000 },
        { puff: {}, count: 1000, everyMs: 0 },
      ],
      { params: { heater: { tickHz: 10_000 } }, seed: 2 ** 32 - 1 },
    );
    expect(parseScenario(text).ok).toBe(true);
  });
});
