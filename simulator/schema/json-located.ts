/**
 * Strict JSON (RFC 8259) that remembers where each value sits, so an error can name its JSON pointer
 * (RFC 6901), line and column; `JSON.parse` gives neither. jsonc-parser does the scanning, with its
 * JSONC extensions (comments, trailing commas) turned off; duplicate keys are reported (JSON.parse
 * would silently keep the last one) and numbers beyond a double refused.
 */
import { getLocation, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';

export interface JsonLocated {
  readonly value: unknown;
  /** Offset (UTF-16 index into the text) of a pointer's value; an object member points at its key. */
  offsetOf(pointer: string): number;
  /** Keys that appear twice in one object: pointer of the second occurrence. */
  readonly duplicates: readonly string[];
}

export type JsonReadResult =
  | { readonly ok: true; readonly json: JsonLocated }
  | { readonly ok: false; readonly pointer: string; readonly offset: number; readonly message: string };

/** Nesting deeper than this is refused rather than risking the call stack (every format here is shallow). */
const MAX_DEPTH = 256;

/** Escapes one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`). */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

class Failure {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

export function readJson(text: string): JsonReadResult {
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  if (source.trim() === '') return fail(source, 0, 'the file is empty');
  if (nestingDepth(source) > MAX_DEPTH) return fail(source, 0, `nested more than ${MAX_DEPTH} levels deep`);
  const errors: ParseError[] = [];
  const tree = parseTree(source, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first || !tree) {
    const container = first !== undefined && CONTAINER_ERRORS.has(printParseErrorCode(first.error));
    return fail(source, first?.offset ?? 0, syntaxMessage(source, first), container);
  }
  const offsets = new Map<string, number>();
  const duplicates: string[] = [];
  try {
    const value = build(tree, '', offsets, duplicates);
    const offsetOf = (pointer: string): number => {
      for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
        const at = offsets.get(p);
        if (at !== undefined) return at;
        if (p === '') return 0;
      }
    };
    return { ok: true, json: { value, offsetOf, duplicates } };
  } catch (e) {
    if (e instanceof Failure) return fail(source, e.offset, e.message);
    throw e;
  }
}

/** The value of a node, recording each pointer's offset; `__proto__` stays a plain property. */
function build(node: Node, pointer: string, offsets: Map<string, number>, duplicates: string[]): unknown {
  if (!offsets.has(pointer)) offsets.set(pointer, node.offset);
  if (node.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode || !valueNode) continue;
      const key = String(keyNode.value);
      const child = `${pointer}/${pointerToken(key)}`;
      if (Object.hasOwn(out, key)) duplicates.push(child);
      offsets.set(child, keyNode.offset);
      Object.defineProperty(out, key, {
        value: build(valueNode, child, offsets, duplicates),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (node.type === 'array')
    return (node.children ?? []).map((item, i) => build(item, `${pointer}/${i}`, offsets, duplicates));
  if (node.type === 'number' && !Number.isFinite(node.value))
    throw new Failure(node.offset, `number ${JSON.stringify(node.value)} is out of range`);
  return node.value;
}

/** Deepest bracket nesting outside strings, counted without recursion. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Errors about the punctuation of an object or array: they point at the container, not a member. */
const CONTAINER_ERRORS = new Set([
  'CommaExpected',
  'CloseBraceExpected',
  'CloseBracketExpected',
  'PropertyNameExpected',
  'ColonExpected',
  'EndOfFileExpected',
]);

function fail(text: string, offset: number, message: string, container = false): JsonReadResult {
  const path = offset > 0 ? getLocation(text, offset).path : [];
  if (container || message.startsWith('trailing comma') || path.at(-1) === '') path.pop();
  const pointer = path.map((p) => `/${pointerToken(p)}`).join('');
  return { ok: false, pointer, offset, message };
}

/** jsonc-parser's error codes in words, with the JSON rule broken where it is a common slip. */
function syntaxMessage(text: string, error: ParseError | undefined): string {
  if (!error) return 'not a JSON value';
  const at = error.offset;
  const found = describe(text, at);
  const before = text.slice(0, at).trimEnd().at(-1);
  switch (printParseErrorCode(error.error)) {
    case 'InvalidCommentToken':
      return 'comments are not JSON';
    case 'PropertyNameExpected':
    case 'ValueExpected':
      if (before === ',' && (text[at] === '}' || text[at] === ']'))
        return `trailing comma before ${text[at]}: JSON does not allow it`;
      return `expected a ${printParseErrorCode(error.error) === 'ValueExpected' ? 'JSON value' : 'property name in double quotes'}, found ${found}`;
    case 'CommaExpected':
      return `expected ',' or '${enclosing(text, at)}', found ${found}`;
    case 'ColonExpected':
      return `expected ':' after a property name, found ${found}`;
    case 'CloseBraceExpected':
      return `expected ',' or '}', found ${found}`;
    case 'CloseBracketExpected':
      return `expected ',' or ']', found ${found}`;
    case 'UnexpectedEndOfString':
      return /[\n\r]/.test(text.slice(at, at + error.length + 1))
        ? 'control character in a string (escape it, e.g. \\n)'
        : 'unterminated string';
    case 'InvalidCharacter':
      return 'control character in a string (escape it, e.g. \\n)';
    case 'InvalidEscapeCharacter':
    case 'InvalidUnicode':
      return 'bad escape in a string';
    case 'EndOfFileExpected':
      return `unexpected ${found} after the end of the JSON value`;
    default:
      return `unexpected ${found}`;
  }
}

/** The bracket that closes the innermost container open at `offset`. */
function enclosing(text: string, offset: number): string {
  const path = getLocation(text, offset).path;
  return typeof path.at(-1) === 'number' ? ']' : '}';
}

function describe(text: string, at: number): string {
  if (at >= text.length) return 'the end of the file';
  const word = /^[^\s{}[\],:"]+/.exec(text.slice(at, at + 24))?.[0];
  return word && word.length > 1 ? `'${word}'` : `'${text[at]}'`;
}

/** 1-based line and column of `offset` in `text` (lines end at \n; a \r before it is part of the line). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
