/**
 * What an Artillery script says to this engine (docs/artillery.md "Scenario format"): the engine's
 * options under `config.engines.iqsim` and the steps of a scenario's `flow`. One TypeBox source gives
 * the types and the JSON Schema the script is checked against when Artillery loads the engine, so a
 * mistyped step stops the run before the first virtual user instead of failing each one.
 */
import { type Static, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';

/** `config.engines.iqsim`. */
export const EngineOptionsSchema = Type.Object(
  {
    model: Type.Optional(
      Type.String({ minLength: 1, description: 'device model, as `iqsim models` lists it (iluma-i)' }),
    ),
    seed: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 0xffff_ffff, description: 'fleet seed: device k of seed s (1)' }),
    ),
    shard: Type.Optional(
      Type.String({
        pattern: '^[0-9]+/[1-9][0-9]*$',
        description: 'i/n: this machine is shard i (from 0) of n; default $IQSIM_SHARD or 0/1',
      }),
    ),
    country: Type.Optional(
      Type.String({ pattern: '^[A-Z]{2}$', description: 'country of the accounts signed up (DE)' }),
    ),
  },
  { additionalProperties: false },
);
export type EngineOptions = Static<typeof EngineOptionsSchema>;

const empty = Type.Object({}, { additionalProperties: false });

/** Each step is an object with exactly one of these keys; its value is checked by the key's schema. */
export const STEP_SCHEMAS = {
  signup: Type.Object(
    { country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })) },
    { additionalProperties: false },
  ),
  register: Type.Object(
    { purchaseDate: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })) },
    { additionalProperties: false },
  ),
  pair: empty,
  heat: Type.Object(
    {
      puffs: Type.Integer({ minimum: 0, maximum: 20, description: 'puffs to take once the stick is ready' }),
      everyS: Type.Optional(
        Type.Number({ minimum: 1, maximum: 120, description: 'seconds between puffs (25)' }),
      ),
    },
    { additionalProperties: false },
  ),
  idle: Type.Object(
    { minutes: Type.Number({ minimum: 0, maximum: 44_640, description: 'virtual minutes, holder docked' }) },
    { additionalProperties: false },
  ),
  sync: empty,
  think: Type.Number({ minimum: 0, maximum: 3600, description: 'real seconds, as Artillery’s own think' }),
} satisfies Record<string, TSchema>;

export type StepName = keyof typeof STEP_SCHEMAS;
export type Step = { [K in StepName]: { kind: K; args: Static<(typeof STEP_SCHEMAS)[K]> } }[StepName];

export const STEP_NAMES = Object.keys(STEP_SCHEMAS) as StepName[];

/** A problem with the script, at an Artillery-style path (`scenarios[0].flow[2].heat/puffs`). */
export interface ScriptProblem {
  readonly path: string;
  readonly message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function schemaProblems(schema: TSchema, value: unknown, path: string): ScriptProblem[] {
  return [...Value.Errors(schema, value)]
    .filter((e) => e.keyword !== 'boolean')
    .map((e) => {
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties;
      const message = extra ? `unknown property ${extra.map((p) => `"${p}"`).join(', ')}` : e.message;
      return { path: `${path}${e.instancePath}`, message };
    });
}

/** The steps of one flow, or the problems that keep it from running. */
export function parseFlow(flow: unknown, path: string): { steps: Step[]; problems: ScriptProblem[] } {
  if (!Array.isArray(flow))
    return { steps: [], problems: [{ path, message: 'flow must be a list of steps' }] };
  const steps: Step[] = [];
  const problems: ScriptProblem[] = [];
  flow.flat(Number.POSITIVE_INFINITY).forEach((raw: unknown, i) => {
    const at = `${path}[${i}]`;
    const keys = isObject(raw) ? Object.keys(raw) : [];
    const [key] = keys;
    if (keys.length !== 1 || key === undefined) {
      problems.push({ path: at, message: `a step is an object with one of ${STEP_NAMES.join(', ')}` });
      return;
    }
    if (!(key in STEP_SCHEMAS)) {
      problems.push({ path: at, message: `unknown step "${key}"; steps are ${STEP_NAMES.join(', ')}` });
      return;
    }
    const kind = key as StepName;
    const args = (raw as Record<string, unknown>)[kind] ?? {};
    const found = schemaProblems(STEP_SCHEMAS[kind], args, `${at}.${kind}`);
    if (found.length > 0) problems.push(...found);
    else steps.push({ kind, args } as Step);
  });
  return { steps, problems };
}

/** The engine's options, or the problems with them. */
export function parseOptions(raw: unknown): { options: EngineOptions; problems: ScriptProblem[] } {
  const value = raw ?? {};
  const problems = schemaProblems(EngineOptionsSchema, value, 'config.engines.iqsim');
  return { options: problems.length === 0 ? (value as EngineOptions) : {}, problems };
}

/** Thrown when Artillery loads the engine with a script it cannot run; lists every problem. */
export class ScriptError extends Error {
  readonly code = 'IQSIM_BAD_SCRIPT';
  constructor(readonly problems: readonly ScriptProblem[]) {
    super(
      `artillery-engine-iqsim: the script cannot run:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
}
