/** The shared JSON tooling: located reading, Ajv messages, unions by key and by tag, placed issues. */
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { checkDocument } from './document.js';
import { readJson } from './json-located.js';
import { byConst, byKey, ranged } from './shapes.js';
import { schemaChecker } from './validator.js';

describe('readJson', () => {
  it('knows where each value is, escapes pointer tokens and reports duplicate keys', () => {
    const text = '{"a/b": {"c~d": [1, 2]},\n "x": 1, "x": 2}';
    const read = readJson(text);
    if (!read.ok) throw new Error(read.message);
    expect(read.json.value).toEqual({ 'a/b': { 'c~d': [1, 2] }, x: 2 });
    expect(read.json.offsetOf('/a~1b/c~0d/1')).toBe(text.indexOf('2]'));
    expect(read.json.offsetOf('/a~1b/missing')).toBe(text.indexOf('"a/b"'));
    expect(read.json.duplicates).toEqual(['/x']);
  });

  it('refuses what JSON does not allow, and keeps "__proto__" a plain key', () => {
    for (const [text, message] of [
      ['', 'empty'],
      ['{"a": 1e999}', 'out of range'],
      ['[1,]', 'trailing comma'],
      ['{"a": 1} // c', 'comments are not JSON'],
      ['['.repeat(300), 'nested more than'],
    ] as const) {
      const read = readJson(text);
      expect(read.ok, text).toBe(false);
      if (!read.ok) expect(read.message).toContain(message);
    }
    const proto = readJson('\ufeff{"__proto__": {"polluted": true}}');
    expect(proto.ok && Object.hasOwn(proto.json.value as object, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('schemaChecker', () => {
  const step = byKey(
    {
      wait: Type.Object({ wait: ranged({ min: 0, max: 10 }) }, { additionalProperties: false }),
      say: Type.Object(
        { say: Type.String(), loud: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    },
    'a step',
  );
  const input = byConst(
    'type',
    {
      a: Type.Object({ type: Type.Literal('a'), n: Type.Integer() }, { additionalProperties: false }),
      b: Type.Object({ type: Type.Literal('b') }, { additionalProperties: false }),
    },
    'an input',
  );
  const check = schemaChecker(Type.Object({ steps: Type.Array(step), input: Type.Optional(input) }));

  it('reports only the alternative the value names', () => {
    expect(check({ steps: [{ wait: 11 }] })).toEqual([
      { pointer: '/steps/0/wait', message: 'must be ≤ 10, not 11' },
    ]);
    expect(check({ steps: [{ say: 'hi', lowd: true }] })).toEqual([
      { pointer: '/steps/0/lowd', message: 'unknown property "lowd"; did you mean "loud"?' },
    ]);
    expect(check({ steps: [{}] })).toEqual([
      { pointer: '/steps/0', message: 'needs exactly one of "wait", "say"' },
    ]);
    expect(check({ steps: [{ wait: 1, say: 'x' }] })).toEqual([
      { pointer: '/steps/0', message: 'has more than one of "wait", "say": use exactly one per object' },
    ]);
    expect(check({ steps: [], input: { type: 'a' } })).toEqual([
      { pointer: '/input', message: 'missing required property "n"' },
    ]);
    expect(check({ steps: [], input: { type: 'c' } })).toEqual([
      { pointer: '/input/type', message: 'must be one of "a", "b"; got "c"' },
    ]);
  });

  it('places each issue at its line, sorted by position', () => {
    const text = '{\n  "steps": [\n    {"wait": 99},\n    {"say": 1}\n  ]\n}';
    const result = checkDocument(text, check);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.map((i) => [i.line, i.pointer])).toEqual([
        [3, '/steps/0/wait'],
        [4, '/steps/1/say'],
      ]);
  });
});
