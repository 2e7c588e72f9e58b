/**
 * A validator for the subset of JSON Schema 2020-12 that scenario-schema.ts uses: type, enum, const,
 * minimum, maximum, exclusiveMinimum, minLength, pattern, properties, required, additionalProperties,
 * propertyNames, minProperties, items, minItems, oneOf and local `#/$defs/…` references. Annotations
 * are ignored. For `oneOf` it explains the alternative the value was evidently meant to be (the one
 * whose `const` or required properties it has) rather than every alternative at once.
 */
import { pointerToken } from './scenario-json.js';
import type { JsonType, Schema } from './scenario-schema.js';

export interface SchemaIssue {
  readonly pointer: string;
  readonly message: string;
}

type Json = unknown;
type JsonObject = Record<string, unknown>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: Json): string => JSON.stringify(v) ?? String(v);

function typeOf(v: Json): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

const hasType = (v: Json, t: JsonType): boolean =>
  t === 'number' ? typeof v === 'number' : t === 'integer' ? Number.isInteger(v) : typeOf(v) === t;

const TYPE_NAMES: Record<JsonType, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'null',
};

export function validate(value: Json, root: Schema): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  new Validator(root).check(value, root, '', issues);
  return issues;
}

class Validator {
  constructor(private readonly root: Schema) {}

  resolve(schema: Schema): Schema {
    let s = schema;
    for (let guard = 0; s.$ref !== undefined && guard < 32; guard++) {
      const name = /^#\/\$defs\/([^/]+)$/.exec(s.$ref)?.[1];
      const target = name === undefined ? undefined : this.root.$defs?.[name];
      if (!target) throw new Error(`scenario schema: unresolvable $ref ${s.$ref}`);
      s = target;
    }
    return s;
  }

  check(value: Json, schemaOrRef: Schema, pointer: string, out: SchemaIssue[]): void {
    const s = this.resolve(schemaOrRef);
    const issue = (message: string, at = pointer) => out.push({ pointer: at, message });
    if (s.oneOf) {
      this.oneOf(value, s.oneOf, pointer, out);
      return;
    }
    if (s.type !== undefined) {
      const types = typeof s.type === 'string' ? [s.type] : s.type;
      if (!types.some((t) => hasType(value, t))) {
        issue(`must be ${types.map((t) => TYPE_NAMES[t]).join(' or ')}, not ${show(value)}`);
        return;
      }
    }
    if (s.const !== undefined && value !== s.const) issue(`must be ${show(s.const)}`);
    if (s.enum && !s.enum.includes(value))
      issue(`must be one of ${s.enum.map(show).join(', ')}; got ${show(value)}`);
    if (typeof value === 'number') this.number(value, s, issue);
    if (typeof value === 'string') {
      if (s.minLength !== undefined && value.length < s.minLength)
        issue(s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`);
      if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value))
        issue(`${show(value)} does not match ${s.pattern}`);
    }
    if (Array.isArray(value)) {
      if (s.minItems !== undefined && value.length < s.minItems) issue(`needs at least ${s.minItems} items`);
      const items = s.items;
      if (items) for (const [i, item] of value.entries()) this.check(item, items, `${pointer}/${i}`, out);
    }
    if (isObject(value)) this.object(value, s, pointer, out);
  }

  private number(value: number, s: Schema, issue: (message: string) => void): void {
    if (s.minimum !== undefined && value < s.minimum) issue(`must be ≥ ${s.minimum}, not ${value}`);
    if (s.maximum !== undefined && value > s.maximum) issue(`must be ≤ ${s.maximum}, not ${value}`);
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum)
      issue(`must be > ${s.exclusiveMinimum}, not ${value}`);
  }

  private object(value: JsonObject, s: Schema, pointer: string, out: SchemaIssue[]): void {
    const keys = Object.keys(value);
    for (const key of s.required ?? [])
      if (!Object.hasOwn(value, key)) out.push({ pointer, message: `missing required property "${key}"` });
    if (s.minProperties !== undefined && keys.length < s.minProperties)
      out.push({
        pointer,
        message: `needs at least ${s.minProperties} propert${s.minProperties === 1 ? 'y' : 'ies'}`,
      });
    for (const key of keys) {
      const at = `${pointer}/${pointerToken(key)}`;
      if (s.propertyNames) {
        const names: SchemaIssue[] = [];
        this.check(key, s.propertyNames, at, names);
        for (const n of names) out.push({ pointer: at, message: `property name ${n.message}` });
      }
      const known = s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : undefined;
      if (known) this.check(value[key], known, at, out);
      else if (s.additionalProperties === false) out.push({ pointer: at, message: unknownProperty(key, s) });
      else if (typeof s.additionalProperties === 'object')
        this.check(value[key], s.additionalProperties, at, out);
    }
  }

  private oneOf(value: Json, branches: readonly Schema[], pointer: string, out: SchemaIssue[]): void {
    const results = branches.map((b) => {
      const issues: SchemaIssue[] = [];
      this.check(value, b, pointer, issues);
      return { schema: this.resolve(b), issues };
    });
    const valid = results.filter((r) => r.issues.length === 0);
    if (valid.length === 1) return;
    const titles = (rs: typeof results) => rs.map((r) => describe(r.schema)).join(', ');
    if (valid.length > 1) {
      out.push({ pointer, message: `matches more than one of: ${titles(valid)}` });
      return;
    }
    // Only alternatives that accept this JSON type can be what was meant.
    const typed = results.filter((r) => admits(r.schema, value));
    if (typed.length === 1) {
      out.push(...(typed[0]?.issues ?? []));
      return;
    }
    if (typed.length === 0 || !isObject(value)) {
      const all = typed.length === 0 ? results : typed;
      const message = all.every((r) => r.schema.type === 'object')
        ? `must be an object, not ${show(value)}`
        : `must be ${all.map((r) => describe(r.schema)).join(' or ')}; got ${show(value)}`;
      out.push({ pointer, message });
      return;
    }
    const schemas = typed.map((r) => r.schema);
    // Alternatives told apart by a `const` property (firmware inputs by "type").
    const discriminator = Object.entries(schemas[0]?.properties ?? {}).find(
      ([, p]) => p.const !== undefined,
    )?.[0];
    if (
      discriminator !== undefined &&
      schemas.every((b) => b.properties?.[discriminator]?.const !== undefined)
    ) {
      const match = typed.find((r) => r.schema.properties?.[discriminator]?.const === value[discriminator]);
      if (match) out.push(...match.issues);
      else if (!Object.hasOwn(value, discriminator))
        out.push({ pointer, message: `missing required property "${discriminator}"` });
      else
        out.push({
          pointer: `${pointer}/${pointerToken(discriminator)}`,
          message: `must be one of ${schemas.map((b) => show(b.properties?.[discriminator]?.const)).join(', ')}; got ${show(value[discriminator])}`,
        });
      return;
    }
    // Alternatives told apart by which property is present (steps by their kind).
    const keyed = typed.filter(
      (r) =>
        (r.schema.required?.length ?? 0) > 0 &&
        (r.schema.required ?? []).every((k) => Object.hasOwn(value, k)),
    );
    const first = (rs: typeof results) => rs.map((r) => `"${r.schema.required?.[0] ?? '?'}"`).join(', ');
    if (keyed.length === 1) out.push(...(keyed[0]?.issues ?? []));
    else if (keyed.length > 1)
      out.push({ pointer, message: `has more than one of ${first(keyed)}: use exactly one per object` });
    else if (schemas.every((b) => (b.required?.length ?? 0) > 0))
      out.push({ pointer, message: `needs exactly one of ${first(typed)}` });
    else out.push({ pointer, message: `must be one of: ${titles(typed)}` });
  }
}

/** Whether `s` accepts values of `v`'s JSON type at all (an enum or const: of one of its values' types). */
function admits(s: Schema, v: Json): boolean {
  if (s.type !== undefined)
    return (typeof s.type === 'string' ? [s.type] : s.type).some((t) => hasType(v, t));
  const values = s.enum ?? (s.const !== undefined ? [s.const] : undefined);
  if (!values) return true;
  const kind = (x: Json) => (typeOf(x) === 'integer' ? 'number' : typeOf(x));
  return values.some((x) => kind(x) === kind(v));
}

function describe(s: Schema): string {
  if (s.title) return s.title;
  if (s.enum) return `one of ${s.enum.map(show).join(', ')}`;
  if (s.const !== undefined) return show(s.const);
  if (typeof s.type === 'string') return TYPE_NAMES[s.type];
  return 'the schema';
}

function unknownProperty(key: string, s: Schema): string {
  const names = Object.keys(s.properties ?? {});
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
