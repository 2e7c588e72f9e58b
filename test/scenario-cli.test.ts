/** `iqsim scenario` in-process: exit 0 when every assertion holds, 1 when one fails, 2 on a bad file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const EXAMPLES = 'examples/scenarios';

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'iqsim-scenario-')), name);
  writeFileSync(path, text);
  return path;
}

describe('iqsim scenario', () => {
  it('exit 0 and a human report when every assertion holds', async () => {
    const r = await cli('scenario', `${EXAMPLES}/iluma-i-session.json`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('scenario: ILUMA i: a 10-puff session');
    expect(r.out).toContain(
      '  ok   #9  270.005s  the profile ends at 6 min: wait until {"holder":"IDLE_READY"}\n',
    );
    expect(r.out).toContain(
      '  ok   #10 360.005s  end of profile, 10 puffs, one stick counted: expect lastExperience',
    );
    expect(r.out).toMatch(/^ok: 15 steps passed, 360\.\d{3}s of virtual time$/m);
  });

  it('exit 0 with --json and --model', async () => {
    const r = await cli('scenario', '--json', '--model', 'iluma-i-prime', `${EXAMPLES}/fault-and-reset.json`);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ ok: true, model: 'iluma-i-prime', skipped: 0, durationMs: 13_000 });
    expect(report.steps[2]).toMatchObject({
      index: 2,
      name: 'red blinking, error bits in the status record',
      ok: true,
    });
  });

  it('exit 1 naming the failing step with expected vs actual', async () => {
    const r = await cli('scenario', `${EXAMPLES}/failing.json`);
    expect(r.code).toBe(1);
    expect(r.out).toContain('  FAIL #2 0.000s  wrong on purpose: expect holder, holderLight, usesLeft\n');
    expect(r.out).toContain('expect.holder: expected "SESSION_ACTIVE", got "IDLE_READY"');
    expect(r.out).toContain('expect.holderLight.colour: expected "green", got "none"');
    expect(r.out).toContain('FAILED: 1 of 4 steps failed');
    const json = await cli('scenario', '--json', '--stop-on-failure', `${EXAMPLES}/failing.json`);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({
      ok: false,
      skipped: 1,
      steps: [{ ok: true }, { ok: true }, { index: 2, name: 'wrong on purpose', ok: false }],
    });
  });

  it('exit 2 on a schema error, with file, line and pointer', async () => {
    const file = tempFile(
      'bad.json',
      '{\n  "name": "bad",\n  "model": "iluma-i",\n  "steps": [\n    { "wait": 10 },\n    { "expect": { "holder": "NAPPING" } }\n  ]\n}\n',
    );
    const r = await cli('scenario', file);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      new RegExp(
        `^error SIM_SCENARIO: ${file.replace(/[.\\/]/g, '\\$&')}:6: /steps/1/expect/holder: must be one of `,
      ),
    );
    const json = await cli('scenario', '--json', file);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toMatchObject({
      ok: false,
      errors: [{ code: 'SIM_SCENARIO', pointer: '/steps/1/expect/holder', line: 6 }],
    });
  });

  it('exit 2 on invalid JSON and on an unreadable file', async () => {
    const file = tempFile('broken.json', '{\n  "name": "x",\n  "steps": [\n    { "wait": 10 },\n  ]\n}\n');
    const r = await cli('scenario', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error SIM_SCENARIO: ${file}:5: /steps: trailing comma`);
    const missing = await cli('scenario', 'no/such/scenario.json');
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('error SIM_SCENARIO: no/such/scenario.json: cannot read the file (ENOENT)\n');
  });

  it('exit 2 on an unknown --model', async () => {
    const r = await cli('scenario', '--model', 'iqos-9', `${EXAMPLES}/failing.json`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error FIRMWARE_UNKNOWN_MODEL: /);
  });
});
