import { fail, ok, type Result } from './errors.js';

const HEX_DIGITS = '0123456789ABCDEF';

/**
 * Parses hex text as people paste it: `00 C0 02 23 C3`, `00:c0:02`, `0x00 0xC0`, `00C00223C3`.
 * Separators are spaces, colons, commas, dashes and underscores; each `0x` prefix is dropped.
 */
export function parseHex(text: string): Result<Uint8Array> {
  const cleaned = text.replace(/0x/gi, ' ').replace(/[\s:,_-]+/g, '');
  if (cleaned.length === 0) return fail('PROTOCOL_BAD_HEX', 'no hex bytes given');
  const bad = /[^0-9a-fA-F]/.exec(cleaned);
  if (bad) return fail('PROTOCOL_BAD_HEX', `not a hex digit: '${bad[0]}'`, { offset: bad.index });
  if (cleaned.length % 2 !== 0) {
    return fail(
      'PROTOCOL_BAD_HEX',
      `odd number of hex digits (${cleaned.length}): the last byte is incomplete`,
    );
  }
  const out = new Uint8Array(cleaned.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(cleaned.slice(2 * i, 2 * i + 2), 16);
  return ok(out);
}

/** Like {@link parseHex} but throws the ProtocolError: for literals in code and tests. */
export function hexBytes(text: string): Uint8Array {
  const result = parseHex(text);
  if (!result.ok) throw result.error;
  return result.value;
}

/** Upper-case, space-separated hex, the notation of the spec: `00 C0 02 23 C3`. */
export function toHex(bytes: Uint8Array, separator = ' '): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (i > 0) out += separator;
    out += (HEX_DIGITS[b >> 4] ?? '') + (HEX_DIGITS[b & 15] ?? '');
  }
  return out;
}

/** `0x8E` style for register addresses and single values. */
export function hexNumber(value: number, digits = 2): string {
  return `0x${value.toString(16).toUpperCase().padStart(digits, '0')}`;
}
