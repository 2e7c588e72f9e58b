/**
 * TypeBox helpers shared by the simulator's JSON formats: references into `$defs` that keep their
 * static type, number ranges from the firmware model's range tables, and the two kinds of union the
 * formats use, written as `if`/`then` per alternative so that Ajv reports only the alternative a value
 * was meant to be (validator.ts): by which property is present (scenario steps) or by the value of a
 * tag property (firmware inputs by `type`).
 */
import { type Static, type TObject, type TOptional, type TSchema, Type } from 'typebox';
import type { NumberRange } from '../../firmware-model/index.js';

/** The keys of `record`, typed: a list kept complete by writing it as a record keyed by a union. */
export const keysOf = <K extends string>(record: Record<K, unknown>): K[] => Object.keys(record) as K[];

/** `{ $ref: '#/$defs/<name>' }` with the static type of `T`. */
export const ref = <T>(name: string) => Type.Unsafe<T>({ $ref: `#/$defs/${name}` });

/** A number (or integer) limited to `range`, with a description and other annotations (`default`). */
export function ranged(range: NumberRange, description?: string, annotations: Record<string, unknown> = {}) {
  const limits = {
    ...(range.exclusiveMin ? { exclusiveMinimum: range.min } : { minimum: range.min }),
    maximum: range.max,
    ...(description ? { description } : {}),
    ...annotations,
  };
  return range.integer ? Type.Integer(limits) : Type.Number(limits);
}

/** A string from a fixed list (JSON `enum`), typed as the list's members. */
export const oneOfStrings = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/**
 * Objects told apart by which one of the `kinds` properties they carry: exactly one must be present
 * (`oneOf` of `required`), and the alternative it names applies (`if`/`then`).
 */
export function byKey<B extends Record<string, TObject>>(branches: B, description: string) {
  const kinds = Object.keys(branches);
  return Type.Unsafe<{ [K in keyof B]: Static<B[K]> }[keyof B]>({
    type: 'object',
    description,
    oneOf: kinds.map((kind) => ({ required: [kind] })),
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable.
    allOf: kinds.map((kind) => ({ if: { required: [kind] }, then: branches[kind] as TSchema })),
  });
}

/** Objects told apart by the value of their `tag` property (`{"type": "stick", …}`). */
export function byConst<B extends Record<string, TObject>>(tag: string, branches: B, description: string) {
  const values = Object.keys(branches);
  return Type.Unsafe<{ [K in keyof B]: Static<B[K]> }[keyof B]>({
    type: 'object',
    description,
    required: [tag],
    properties: { [tag]: { enum: values } },
    allOf: values.map((value) => ({
      if: { properties: { [tag]: { const: value } }, required: [tag] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable.
      then: branches[value] as TSchema,
    })),
  });
}

/** An object of optional properties; an unknown key is an error (a typo sets or asserts nothing). */
export function partial<P extends Record<string, TSchema>>(properties: P, description?: string) {
  const optional = Object.fromEntries(
    Object.entries(properties).map(([key, schema]) => [key, Type.Optional(schema)]),
  ) as { [K in keyof P]: TOptional<P[K]> };
  return Type.Object(optional, { additionalProperties: false, ...(description ? { description } : {}) });
}
