import { describe, expect, it } from 'vitest';
import { parseFlow, parseOptions, ScriptError } from './format.js';

describe('scenario flow', () => {
  it('reads each step kind with its arguments; nested lists are flattened as Artillery does', () => {
    const { steps, problems } = parseFlow(
      [{ signup: { country: 'FR' } }, [{ pair: {} }, { heat: { puffs: 12, everyS: 20 } }], { think: 0.5 }],
      'flow',
    );
    expect(problems).toEqual([]);
    expect(steps).toEqual([
      { kind: 'signup', args: { country: 'FR' } },
      { kind: 'pair', args: {} },
      { kind: 'heat', args: { puffs: 12, everyS: 20 } },
      { kind: 'think', args: 0.5 },
    ]);
  });

  it('a step written with no arguments (`- sync:`) takes none', () => {
    expect(parseFlow([{ sync: null }], 'flow').steps).toEqual([{ kind: 'sync', args: {} }]);
  });

  it('names every problem at its path: unknown steps, bad arguments, two kinds in one step', () => {
    const { problems } = parseFlow(
      [{ heats: {} }, { heat: { puffs: 30 } }, { register: { colour: 'red' } }, { pair: {}, sync: {} }, 'x'],
      'scenarios[0].flow',
    );
    expect(problems.map((p) => p.path)).toEqual([
      'scenarios[0].flow[0]',
      'scenarios[0].flow[1].heat/puffs',
      'scenarios[0].flow[2].register',
      'scenarios[0].flow[3]',
      'scenarios[0].flow[4]',
    ]);
    expect(problems[0]?.message).toMatch(/unknown step "heats"; steps are signup, register, pair, heat/);
    expect(problems[2]?.message).toBe('unknown property "colour"');
  });

  it('refuses a flow that is not a list', () => {
    expect(parseFlow({ signup: {} }, 'flow').problems).toEqual([
      { path: 'flow', message: 'flow must be a list of steps' },
    ]);
  });
});

describe('engine options', () => {
  it('takes model, seed, shard and country; nothing else', () => {
    expect(parseOptions({ model: 'iluma-one', seed: 3, shard: '1/4', country: 'JP' }).problems).toEqual([]);
    expect(parseOptions(undefined)).toEqual({ options: {}, problems: [] });
    const { problems } = parseOptions({ seed: -1, shard: '4', colour: 1 });
    expect(problems.map((p) => p.path).sort()).toEqual([
      'config.engines.iqsim',
      'config.engines.iqsim/seed',
      'config.engines.iqsim/shard',
    ]);
  });

  it('ScriptError lists every problem and carries a code', () => {
    const error = new ScriptError([
      { path: 'a', message: 'one' },
      { path: 'b', message: 'two' },
    ]);
    expect(error.code).toBe('IQSIM_BAD_SCRIPT');
    expect(error.message).toContain('  a: one\n  b: two');
  });
});
