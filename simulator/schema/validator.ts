/**
 * One validator for every JSON format of the simulator (scenarios, device snapshots, `run --json`
 * input lines, fault specs): Ajv (JSON Schema 2020-12) over schemas written with TypeBox, its errors
 * turned into short messages with a JSON pointer, a "did you mean" for a mistyped property, and for a
 * union only the problems of the alternative the value was evidently meant to be.
 *
 * Unions of objects are written in the schemas as `if`/`then` per alternative (shapes.ts `byKey`,
 * `byConst`), so Ajv itself reports only the matching alternative; plain `anyOf` remains for unions
 * of different JSON types (a number or a range), where the value's type picks the alternative.
 *
 * Ajv compiles a schema to a function with `new Function`: code generation, no I/O, no clock, so it
 * may live in the core (architecture.md rule 1). Schemas compile once, on first use.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { pointerToken } from './json-located.js';

export interface SchemaIssue {
  /** JSON pointer of the offending value ('' for the whole document). */
  readonly pointer: string;
  readonly message: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

let ajv: Ajv2020 | undefined;

/** A checker for `schema`: the problems of a value, [] when it conforms. Compiled on first call. */
export function schemaChecker(schema: object): (value: unknown) => SchemaIssue[] {
  let validate: ValidateFunction | undefined;
  return (value) => {
    ajv ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false });
    validate ??= ajv.compile(schema);
    return validate(value) ? [] : explain(validate.errors ?? []);
  };
}

const TYPE_NAMES: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'null',
};

/** Ajv errors as issues: wrappers dropped, unions resolved, one message per problem. */
function explain(errors: readonly ErrorObject[]): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const skipped = new Set<string>();
  // Alternatives of a type union the value was not meant to be (their schemaPath prefixes).
  for (const e of errors) {
    if (e.keyword !== 'anyOf') continue;
    const branches = (e.schema as Json[]) ?? [];
    const admitted = branches.flatMap((b, i) => (admits(b, e.data) ? [i] : []));
    if (admitted.length === 1) {
      branches.forEach((_, i) => {
        if (i !== admitted[0]) skipped.add(`${e.schemaPath}/${i}/`);
      });
    } else {
      branches.forEach((_, i) => {
        skipped.add(`${e.schemaPath}/${i}/`);
      });
      const names = (admitted.length > 0 ? admitted.map((i) => branches[i]) : branches).map(describe);
      out.push({ pointer: e.instancePath, message: `must be ${names.join(' or ')}; got ${show(e.data)}` });
    }
  }
  const kindless = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' && isKindChoice(e.schema)) kindless.add(e.instancePath);
  }
  for (const e of errors) {
    if ([...skipped].some((prefix) => e.schemaPath.startsWith(prefix))) continue;
    // An object with no kind or several: the kinds' own complaints about each other are noise.
    if (kindless.has(e.instancePath) && e.keyword === 'additionalProperties') continue;
    // The per-kind `required` inside that oneOf: kindMessage says it once.
    if (
      e.keyword === 'required' &&
      /\/oneOf\/\d+\/required$/.test(e.schemaPath) &&
      isKindChoice([e.parentSchema])
    )
      continue;
    const issue = message(e);
    if (issue) out.push(issue);
  }
  return out;
}

/** `oneOf: [{required: [k1]}, {required: [k2]}, …]`: "exactly one of these properties". */
function isKindChoice(schema: unknown): schema is { required: [string] }[] {
  return (
    Array.isArray(schema) &&
    schema.every((s) => isObject(s) && Array.isArray(s.required) && Object.keys(s).length === 1)
  );
}

function message(e: ErrorObject): SchemaIssue | undefined {
  const at = e.instancePath;
  const p = e.params as Json;
  const s = (e.parentSchema ?? {}) as Json;
  switch (e.keyword) {
    case 'if':
    case 'anyOf':
    case 'propertyNames':
      return undefined;
    case 'type': {
      const types = ([] as string[]).concat(p.type as string | string[]);
      return {
        pointer: at,
        message: `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}, not ${show(e.data)}`,
      };
    }
    case 'required':
      return { pointer: at, message: `missing required property "${String(p.missingProperty)}"` };
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return { pointer: `${at}/${pointerToken(key)}`, message: unknownProperty(key, s) };
    }
    case 'enum':
      return {
        pointer: at,
        message: `must be one of ${(p.allowedValues as unknown[]).map(show).join(', ')}; got ${show(e.data)}`,
      };
    case 'const':
      return { pointer: at, message: `must be ${show(p.allowedValue)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        pointer: at,
        message: `must be ${String(p.comparison).replace('>=', '≥').replace('<=', '≤')} ${String(p.limit)}, not ${show(e.data)}`,
      };
    case 'minLength':
      return {
        pointer: at,
        message: p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`,
      };
    case 'maxLength':
      return { pointer: at, message: `must be at most ${String(p.limit)} characters` };
    case 'pattern':
      if (p.propertyName !== undefined || e.propertyName !== undefined) break;
      return { pointer: at, message: `${show(e.data)} does not match ${String(p.pattern)}` };
    case 'minProperties':
      return {
        pointer: at,
        message: `needs at least ${String(p.limit)} propert${p.limit === 1 ? 'y' : 'ies'}`,
      };
    case 'minItems':
      return { pointer: at, message: `needs at least ${String(p.limit)} items` };
    case 'maxItems':
      return { pointer: at, message: `has more than ${String(p.limit)} items` };
    case 'oneOf':
      if (isKindChoice(e.schema)) return kindMessage(at, e.schema, e.data);
      return { pointer: at, message: 'matches none or several of the alternatives' };
  }
  if (e.propertyName !== undefined)
    return {
      pointer: `${at}/${pointerToken(e.propertyName)}`,
      message: `property name ${show(e.propertyName)} does not match ${String((p as { pattern?: string }).pattern ?? 'the schema')}`,
    };
  return { pointer: at, message: e.message ?? `fails ${e.keyword}` };
}

function kindMessage(pointer: string, choices: { required: [string] }[], data: unknown): SchemaIssue {
  const kinds = choices.map((c) => c.required[0]);
  const present = isObject(data) ? kinds.filter((k) => Object.hasOwn(data, k)) : [];
  const quoted = (ks: string[]) => ks.map((k) => `"${k}"`).join(', ');
  return present.length > 1
    ? { pointer, message: `has more than one of ${quoted(present)}: use exactly one per object` }
    : { pointer, message: `needs exactly one of ${quoted(kinds)}` };
}

/** Whether schema `s` accepts values of `v`'s JSON type at all. */
function admits(s: Json, v: unknown): boolean {
  const kind = (x: unknown) => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
  if (s.type !== undefined)
    return ([] as string[])
      .concat(s.type as string)
      .some((t) => (t === 'integer' ? typeof v === 'number' : t === kind(v)));
  const values = (s.enum as unknown[] | undefined) ?? (s.const !== undefined ? [s.const] : undefined);
  return values ? values.some((x) => kind(x) === kind(v)) : true;
}

function describe(s: Json | undefined): string {
  if (!s) return 'the schema';
  if (typeof s.title === 'string') return s.title;
  if (Array.isArray(s.enum)) return `one of ${s.enum.map(show).join(', ')}`;
  if (s.const !== undefined) return show(s.const);
  if (typeof s.type === 'string') return TYPE_NAMES[s.type] ?? s.type;
  return 'the schema';
}

function unknownProperty(key: string, s: Json): string {
  const names = Object.keys(isObject(s.properties) ? s.properties : {});
  const near = names.filter((n) => distance(n.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = near.length > 0 ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '';
  const allowed = names.length > 0 && names.length <= 12 ? ` (allowed: ${names.join(', ')})` : '';
  return `unknown property "${key}"${hint || allowed}`;
}

/** Levenshtein distance, for "did you mean" hints on short property names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
