/**
 * A strict JSON (RFC 8259) reader that remembers where each value sits, so a scenario error can name
 * its JSON pointer (RFC 6901) and the line it is on. `JSON.parse` gives neither. No comments, no
 * trailing commas; duplicate keys are reported (JSON.parse would silently keep the last one).
 */

export interface JsonLocated {
  readonly value: unknown;
  /** Offset (UTF-16 index into the text) of each value by pointer; object members point at their key. */
  readonly offsets: ReadonlyMap<string, number>;
  /** Keys that appear twice in one object: pointer of the second occurrence. */
  readonly duplicates: readonly string[];
}

export type JsonReadResult =
  | { readonly ok: true; readonly json: JsonLocated }
  | { readonly ok: false; readonly pointer: string; readonly offset: number; readonly message: string };

/** Nesting deeper than this is refused rather than risking the call stack (scenarios are shallow). */
const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class SyntaxFailure {
  constructor(
    readonly pointer: string,
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** Escapes one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`). */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function readJson(text: string): JsonReadResult {
  const reader = new Reader(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text);
  try {
    const value = reader.document();
    return { ok: true, json: { value, offsets: reader.offsets, duplicates: reader.duplicates } };
  } catch (e) {
    if (e instanceof SyntaxFailure)
      return { ok: false, pointer: e.pointer, offset: e.offset, message: e.message };
    throw e;
  }
}

class Reader {
  readonly offsets = new Map<string, number>();
  readonly duplicates: string[] = [];
  private i = 0;

  constructor(private readonly text: string) {}

  document(): unknown {
    this.space();
    if (this.i >= this.text.length) this.fail('', 'the file is empty (a scenario is a JSON object)');
    const value = this.value('', 0);
    this.space();
    if (this.i < this.text.length)
      this.fail('', `unexpected ${this.describe()} after the end of the JSON value`);
    return value;
  }

  private value(pointer: string, depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(pointer, `nested more than ${MAX_DEPTH} levels deep`);
    if (!this.offsets.has(pointer)) this.offsets.set(pointer, this.i);
    const c = this.text[this.i];
    if (c === '{') return this.object(pointer, depth);
    if (c === '[') return this.array(pointer, depth);
    if (c === '"') return this.string(pointer);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number(pointer);
    for (const [word, literal] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return literal;
      }
    }
    return this.fail(pointer, `expected a JSON value, found ${this.describe()}`);
  }

  private object(pointer: string, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"')
        this.fail(pointer, `expected a property name in double quotes, found ${this.describe()}`);
      const keyAt = this.i;
      const key = this.string(pointer);
      const child = `${pointer}/${pointerToken(key)}`;
      if (Object.hasOwn(out, key)) this.duplicates.push(child);
      this.offsets.set(child, keyAt);
      this.space();
      if (this.text[this.i] !== ':')
        this.fail(child, `expected ':' after "${key}", found ${this.describe()}`);
      this.i++;
      this.space();
      // defineProperty: a "__proto__" key stays a plain property.
      Object.defineProperty(out, key, {
        value: this.value(child, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === '}') return out;
      if (c !== ',') {
        this.i--;
        this.fail(pointer, `expected ',' or '}' after a property, found ${this.describe()}`);
      }
      this.space();
      if (this.text[this.i] === '}') this.fail(pointer, 'trailing comma before }: JSON does not allow it');
    }
  }

  private array(pointer: string, depth: number): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      out.push(this.value(`${pointer}/${out.length}`, depth + 1));
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === ']') return out;
      if (c !== ',') {
        this.i--;
        this.fail(pointer, `expected ',' or ']' after an array item, found ${this.describe()}`);
      }
      this.space();
      if (this.text[this.i] === ']') this.fail(pointer, 'trailing comma before ]: JSON does not allow it');
    }
  }

  private string(pointer: string): string {
    const start = this.i;
    this.i++;
    let out = '';
    for (;;) {
      const code = this.text.charCodeAt(this.i);
      if (Number.isNaN(code)) {
        this.i = start;
        this.fail(pointer, 'unterminated string');
      }
      if (code === 0x22) {
        this.i++;
        return out;
      }
      if (code < 0x20) this.fail(pointer, 'control character in a string (escape it, e.g. \\n)');
      if (code !== 0x5c) {
        out += this.text[this.i];
        this.i++;
        continue;
      }
      const e = this.text[this.i + 1] ?? '';
      if (e === 'u') {
        const hex = this.text.slice(this.i + 2, this.i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(pointer, 'bad \\u escape (needs 4 hex digits)');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.i += 6;
        continue;
      }
      const decoded = ESCAPES[e];
      if (decoded === undefined) this.fail(pointer, `bad escape '\\${e}' in a string`);
      out += decoded;
      this.i += 2;
    }
  }

  private number(pointer: string): number {
    NUMBER.lastIndex = this.i;
    const match = NUMBER.exec(this.text);
    if (!match) return this.fail(pointer, `bad number ${this.describe()}`);
    this.i += match[0].length;
    const value = Number(match[0]);
    if (!Number.isFinite(value)) this.fail(pointer, `number ${match[0]} is out of range`);
    return value;
  }

  private space(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '/' && (this.text[this.i + 1] === '/' || this.text[this.i + 1] === '*'))
        this.fail('', 'comments are not JSON (use a "comment" property on a step instead)');
      else return;
    }
  }

  private describe(): string {
    if (this.i >= this.text.length) return 'the end of the file';
    const c = this.text[this.i] as string;
    const word = /^[^\s{}[\],:"]+/.exec(this.text.slice(this.i, this.i + 24))?.[0];
    return word && word.length > 1 ? `'${word}'` : `'${c}'`;
  }

  private fail(pointer: string, message: string): never {
    throw new SyntaxFailure(pointer, this.i, message);
  }
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

/** Offset of `pointer`, or of its nearest ancestor that has one (a missing property reports its parent). */
export function offsetOf(offsets: ReadonlyMap<string, number>, pointer: string): number {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const at = offsets.get(p);
    if (at !== undefined) return at;
    if (p === '') return 0;
  }
}
