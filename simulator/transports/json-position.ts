/**
 * Where a JSON text first goes wrong. Node 20's `JSON.parse` names a position for some errors and
 * only a quoted excerpt for others ("Unexpected token '}', ... is not valid JSON"), so error
 * messages that must name the position run this small RFC 8259 syntax scan after a parse failed.
 */

export interface JsonPosition {
  /** 0-based UTF-16 offset of the first character that cannot continue a JSON text. */
  offset: number;
  /** 1-based line and column of `offset`. */
  line: number;
  column: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 8259 §7 forbids raw U+0000–U+001F in strings.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** The position of the first syntax error in `text`, or undefined when it is valid JSON. */
export function jsonErrorPosition(text: string): JsonPosition | undefined {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const sticky = (pattern: RegExp): boolean => {
    pattern.lastIndex = i;
    if (!pattern.test(text)) return false;
    i = pattern.lastIndex;
    return true;
  };
  const literal = (word: string): boolean => {
    for (const c of word) {
      if (text.charAt(i) !== c) return false;
      i++;
    }
    return true;
  };
  /** Items of an array or object after its opening bracket; `member` parses one item. */
  const items = (close: string, member: () => boolean): boolean => {
    i++;
    skipSpace();
    if (text.charAt(i) === close) {
      i++;
      return true;
    }
    for (;;) {
      if (!member()) return false;
      skipSpace();
      const c = text.charAt(i);
      if (c === close) {
        i++;
        return true;
      }
      if (c !== ',') return false;
      i++;
    }
  };
  const value = (): boolean => {
    skipSpace();
    switch (text.charAt(i)) {
      case '{':
        return items('}', () => {
          skipSpace();
          if (!sticky(STRING)) return false;
          skipSpace();
          if (text.charAt(i) !== ':') return false;
          i++;
          return value();
        });
      case '[':
        return items(']', value);
      case '"':
        return sticky(STRING);
      case 't':
        return literal('true');
      case 'f':
        return literal('false');
      case 'n':
        return literal('null');
      default:
        return sticky(NUMBER);
    }
  };
  let ok: boolean;
  try {
    ok = value();
    if (ok) skipSpace();
    ok = ok && i === text.length;
  } catch {
    ok = false; // nesting deep enough to overflow the stack: report where the scan got to
  }
  if (ok) return undefined;
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  return { offset: i, line, column: i - before.lastIndexOf('\n') };
}
