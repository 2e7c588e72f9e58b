/**
 * Scenarios: the parser reports every problem with its JSON pointer and line and never throws; the
 * shipped schema is the validator's; the examples run; failures name the step with expected vs actual.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../firmware-model/index.js';
import { MODELS } from '../../protocol/index.js';
import { EXPECT_KEYS, SCENARIO_SCHEMA, type Scenario, STEP_KINDS } from './format.js';
import { parseScenario, type ScenarioError } from './scenario.js';
import { runScenario } from './scenario-run.js';

const SCHEMA_FILE = 'schema/scenario.schema.json';
const EXAMPLES = 'examples/scenarios';
const exampleText = (name: string) => readFileSync(`${EXAMPLES}/${name}`, 'utf8');

function parsed(text: string): Scenario {
  const result = parseScenario(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.scenario;
}

function errorsOf(text: string): readonly ScenarioError[] {
  const result = parseScenario(text, 'test.json');
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

/** 1-based line of the first occurrence of `needle`. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`no ${needle}`);
  return text.slice(0, at).split('\n').length;
}

const scenario = (steps: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 't', model: 'iluma-i', ...extra, steps }, null, 2);

describe('the schema file', () => {
  it('is the TypeBox source, generated (npm run schema rewrites it)', () => {
    const text = readFileSync(SCHEMA_FILE, 'utf8');
    expect(text, 'run npm run schema to regenerate it').toBe(`${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
  });

  it('mentions every step kind, expectation, model and setting', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const stepKinds = schema.$defs.step.oneOf.map((s: { required: string[] }) => s.required[0]);
    expect(stepKinds).toEqual(STEP_KINDS);
    expect(STEP_KINDS).toEqual(
      expect.arrayContaining(['input', 'press', 'puff', 'wait', 'waitUntil', 'request', 'send', 'fault']),
    );
    expect(STEP_KINDS).toEqual(expect.arrayContaining(['clearFault', 'expect']));
    expect(Object.keys(schema.$defs.expectation.properties)).toEqual(EXPECT_KEYS);
    expect(schema.properties.model.enum).toEqual(MODELS.map((m) => m.id));
    const setting = schema.$defs.firmwareInput.allOf.find(
      (s: { if: { properties: { type: { const: string } } } }) => s.if.properties.type.const === 'setting',
    );
    expect(setting.then.properties.name.enum).toEqual(SETTING_NAMES);
  });
});

describe('examples', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));

  it('are all there and all valid', () => {
    expect(files).toEqual(
      expect.arrayContaining(['iluma-i-session.json', 'fault-and-reset.json', 'failing.json']),
    );
    for (const file of files) {
      const result = parseScenario(exampleText(file), file);
      expect(result.ok ? [] : result.errors, file).toEqual([]);
    }
  });

  it.each(['iluma-i-session.json', 'fault-and-reset.json'])('%s passes', async (file) => {
    const report = await runScenario(parsed(exampleText(file)));
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.skipped).toBe(0);
  });

  it('the session takes the 6-minute profile in virtual time, deterministically', async () => {
    const a = await runScenario(parsed(exampleText('iluma-i-session.json')));
    const b = await runScenario(parsed(exampleText('iluma-i-session.json')));
    expect(a.durationMs).toBeGreaterThan(360_000);
    expect(a.durationMs).toBeLessThan(361_000);
    expect(b).toEqual(a);
    expect(a.steps[0]?.reply).toMatchObject({ command: 'get-battery-percent', fields: { percent: 80 } });
  });

  it('the example in docs/scenarios.md is valid and passes', async () => {
    const doc = readFileSync('docs/scenarios.md', 'utf8');
    const example = doc.slice(doc.indexOf('## Example')).match(/```json\n([\s\S]*?)```/)?.[1] ?? '';
    const report = await runScenario(parsed(example));
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
  });

  it('fault and reset also holds on ILUMA i PRIME (--model)', async () => {
    const report = await runScenario(parsed(exampleText('fault-and-reset.json')), { model: 'iluma-i-prime' });
    expect(report.model).toBe('iluma-i-prime');
    expect(report.ok).toBe(true);
  });
});

describe('failures', () => {
  it('name the step, with expected vs actual, and the run goes on', async () => {
    const report = await runScenario(parsed(exampleText('failing.json')));
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => s.ok)).toEqual([true, true, false, true]);
    const step = report.steps[2];
    expect(step).toMatchObject({ index: 2, name: 'wrong on purpose', kind: 'expect', atMs: 0 });
    expect(step?.failures).toEqual([
      { path: 'expect.holder', expected: 'SESSION_ACTIVE', actual: 'IDLE_READY' },
      { path: 'expect.holderLight.colour', expected: 'green', actual: 'none' },
    ]);
    expect(report.durationMs).toBe(1000);
  });

  it('stopOnFailure stops at the first failing step', async () => {
    const report = await runScenario(parsed(exampleText('failing.json')), { stopOnFailure: true });
    expect(report.steps).toHaveLength(3);
    expect(report.skipped).toBe(1);
    expect(report.durationMs).toBe(0);
  });

  it('a waitUntil that times out says so, with what did not hold', async () => {
    const report = await runScenario(
      parsed(scenario([{ waitUntil: { holder: 'PREHEAT' }, timeoutMs: 5000 }])),
    );
    expect(report.durationMs).toBe(5000);
    expect(report.steps[0]?.failures).toEqual([
      { path: 'waitUntil', expected: 'to hold', actual: 'timed out', message: 'not reached within 5000 ms' },
      { path: 'waitUntil.holder', expected: 'PREHEAT', actual: 'DOCKED_READY' },
    ]);
  });

  it('event counts list what was seen; ranges and hex counters match', async () => {
    const report = await runScenario(
      parsed(
        scenario([
          { input: { type: 'undock' } },
          { input: { type: 'stick', action: 'insert' } },
          { expect: { vibrations: { since: 'step', reason: 'puffEnd' } } },
          {
            expect: { vibrations: { since: 1, max: 0 }, battery: { chargerPercent: { $min: 79, $max: 81 } } },
          },
          { expect: { counters: { holder: { '8e': 0 } }, rejected: { count: 0 } } },
          { input: { type: 'stick', action: 'insert' } },
        ]),
      ),
    );
    expect(report.steps[2]?.failures).toEqual([
      {
        path: 'expect.vibrations.min',
        expected: { $min: 1 },
        actual: 0,
        message: 'seen since step: holder heatingStart@0ms',
      },
    ]);
    expect(report.steps[3]?.failures).toMatchObject([{ path: 'expect.vibrations.max', actual: 1 }]);
    expect(report.steps[4]?.ok).toBe(true);
    expect(report.steps[5]?.refused).toEqual(['stick: a stick is already inserted']);
  });

  it('requests: a reply that differs, a frame that gets none, and a refused connection', async () => {
    const report = await runScenario(
      parsed(
        scenario([
          { request: 'get-battery-percent', expectReply: { fields: { percent: 81 } } },
          { send: '00 C0 02 23 C3', expectReply: { command: 'get-brightness', fields: { level: 100 } } },
          { send: '00 C0 01 00 F6', expectNoReply: true },
          { send: '00 C0 01 00 F6' },
        ]),
      ),
    );
    expect(report.steps.map((s) => s.ok)).toEqual([false, true, true, false]);
    expect(report.steps[0]?.failures).toEqual([
      { path: 'expectReply.fields.percent', expected: 81, actual: 80 },
    ]);
    expect(report.steps[3]?.failures).toMatchObject([
      { path: 'reply', expected: 'a reply', actual: 'no reply' },
    ]);
    const off = await runScenario(
      parsed(scenario([{ request: 'get-battery-percent' }], { initial: { chargerOn: false } })),
    );
    expect(off.steps[0]?.failures).toMatchObject([
      { path: 'request', actual: expect.stringMatching(/^SIM_DISCONNECTED/) },
    ]);
  });
});

describe('parse errors', () => {
  it('point at the value, with its line', () => {
    const text = scenario([
      { wait: 1000 },
      { input: { type: 'undock' } },
      { input: { type: 'stick', action: 'insert' } },
      { expect: { holdr: 'PREHEAT', holderLight: { colour: 'purple' } } },
    ]);
    const errors = errorsOf(text);
    expect(errors).toEqual([
      {
        code: 'SIM_SCENARIO',
        source: 'test.json',
        pointer: '/steps/3/expect/holdr',
        line: lineOf(text, '"holdr"'),
        column: expect.any(Number),
        message: expect.stringContaining('did you mean "holder"'),
      },
      expect.objectContaining({
        pointer: '/steps/3/expect/holderLight/colour',
        line: lineOf(text, '"colour"'),
        message: expect.stringContaining('"purple"'),
      }),
    ]);
  });

  it.each([
    ['a missing kind', [{ name: 'x', holdMs: 3 }], '/steps/0', 'needs exactly one of "input", "press"'],
    ['two kinds', [{ wait: 1, expect: {} }], '/steps/0', 'has more than one of "wait", "expect"'],
    ['an unknown input', [{ input: { type: 'shake' } }], '/steps/0/input/type', 'must be one of "button"'],
    ['a missing input field', [{ input: { type: 'button', unit: 'holder' } }], '/steps/0/input', '"action"'],
    ['a wrong type', [{ wait: '20s' }], '/steps/0/wait', 'must be a number'],
    ['a negative wait', [{ wait: -1 }], '/steps/0/wait', 'must be ≥ 0'],
    ['an unknown command', [{ request: 'get-batery' }], '/steps/0/request', "unknown command 'get-batery'"],
    ['a bad argument', [{ request: 'set-brightness', args: ['dim'] }], '/steps/0/args', 'dim'],
    ['bad hex', [{ send: '00 C0 0' }], '/steps/0/send', 'odd number of hex digits'],
    ['a repeat without interval', [{ puff: {}, count: 3 }], '/steps/0/count', 'everyMs'],
    [
      'a later since',
      [{ expect: { vibrations: { since: 4 } } }],
      '/steps/0/expect/vibrations/since',
      'earlier',
    ],
    [
      'a bad range',
      [{ expect: { usesLeft: { min: 1 } } }],
      '/steps/0/expect/usesLeft/min',
      'unknown property',
    ],
    [
      'a bad counter tag',
      [{ expect: { counters: { holder: { XY: 1 } } } }],
      '/steps/0/expect/counters/holder/XY',
      'property name',
    ],
  ])('%s', (_what, steps, pointer, message) => {
    const text = scenario(steps);
    const errors = errorsOf(text);
    expect(errors[0]).toMatchObject({ pointer, message: expect.stringContaining(message) });
    expect(errors[0]?.line).toBeGreaterThan(1);
  });

  it('top-level problems: missing name, unknown model, unknown parameter', () => {
    expect(errorsOf('{"model": "iluma-i", "steps": []}')[0]).toMatchObject({
      pointer: '',
      line: 1,
      message: 'missing required property "name"',
    });
    expect(errorsOf('{"name": "x", "model": "iluma-z", "steps": []}')[0]?.pointer).toBe('/model');
    const text = scenario([], { params: { session: { maxSecond: 1 } } });
    expect(errorsOf(text)[0]).toMatchObject({
      pointer: '/params/session/maxSecond',
      line: lineOf(text, '"maxSecond"'),
      message: expect.stringContaining('unknown parameter "maxSecond"'),
    });
    expect(errorsOf(scenario([], { params: { session: { maxSeconds: 'long' } } }))[0]).toMatchObject({
      pointer: '/params/session/maxSeconds',
      message: 'must be a number',
    });
  });

  it.each([
    ['{"name": "x",\n  "steps": [1,]\n}', 2, '/steps', 'trailing comma'],
    ['{"name": "x",\n "model": "iluma-i"\n "steps": []}', 3, '', "expected ',' or '}'"],
    ['{\n  "name": "unterminated\n}', 2, '/name', 'control character'],
    ['{\n  // a comment\n}', 2, '', 'comments are not JSON'],
    ['', 1, '', 'the file is empty'],
    ['name: x\nmodel: iluma-i\n', 1, '', 'YAML is not supported'],
    ['{"name": "a", "name": "b", "model": "iluma-i", "steps": []}', 1, '/name', 'duplicate property "name"'],
  ])('bad JSON %#', (text, line, pointer, message) => {
    expect(errorsOf(text)[0]).toMatchObject({ line, pointer, message: expect.stringContaining(message) });
  });

  it('never throw: every prefix of an example and a few corruptions', () => {
    const text = exampleText('iluma-i-session.json').trimEnd();
    const lines = text.split('\n').length;
    for (let end = 0; end < text.length; end++) {
      const result = parseScenario(text.slice(0, end));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors[0]?.line).toBeLessThanOrEqual(lines);
    }
    for (const bad of [
      '[]',
      'null',
      '"x"',
      '1e999',
      '{"steps": {}}',
      '['.repeat(10_000),
      '{"a":'.repeat(5000),
    ])
      expect(parseScenario(bad).ok).toBe(false);
  });
});
