/**
 * A JSON document checked against a schema, every problem placed: its JSON pointer and the line and
 * column where that value (or, for a member, its key) sits in the text. Syntax errors, duplicate keys,
 * schema violations and then the format's own checks (`more`, run only on a document the schema
 * accepts), sorted by position. Never throws on bad input.
 */
import { lineColumn, readJson } from './json-located.js';
import type { SchemaIssue } from './validator.js';

export interface PlacedIssue extends SchemaIssue {
  /** 1-based line and column of the value (of its key, for a property). */
  readonly line: number;
  readonly column: number;
}

export type DocumentResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly PlacedIssue[]; readonly syntax: boolean };

/** At most this many problems are reported: past it they are mostly echoes of the first. */
const MAX_ISSUES = 50;

export function checkDocument<T>(
  text: string,
  check: (value: unknown) => SchemaIssue[],
  more: (value: T) => SchemaIssue[] = () => [],
): DocumentResult<T> {
  const read = readJson(text);
  if (!read.ok) {
    const issue = { pointer: read.pointer, message: read.message, ...lineColumn(text, read.offset) };
    return { ok: false, issues: [issue], syntax: true };
  }
  const { value, offsetOf, duplicates } = read.json;
  const issues: SchemaIssue[] = duplicates.map((pointer) => ({
    pointer,
    message: `duplicate property "${pointer.slice(pointer.lastIndexOf('/') + 1)}"`,
  }));
  issues.push(...check(value));
  if (issues.length === 0) issues.push(...more(value as T));
  if (issues.length === 0) return { ok: true, value: value as T };
  const placed = issues
    .map((issue) => ({ at: offsetOf(issue.pointer), issue }))
    .sort((a, b) => a.at - b.at)
    .slice(0, MAX_ISSUES)
    .map(({ at, issue }) => ({ ...issue, ...lineColumn(text, at) }));
  return { ok: false, issues: placed, syntax: false };
}
