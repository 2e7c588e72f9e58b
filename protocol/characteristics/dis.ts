/**
 * Device Information service strings (docs/protocol.md §3.3, default D-20): UTF-8, no NUL padding by default.
 * Some clients strip trailing NULs and some keep them, so decoding strips them and reports how many.
 */
export const DIS_MANUFACTURER = 'Philip Morris International';

export function encodeDisString(text: string, padTo = 0): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length >= padTo) return bytes;
  const out = new Uint8Array(padTo);
  out.set(bytes);
  return out;
}

export function decodeDisString(bytes: Uint8Array): { readonly text: string; readonly nulPadding: number } {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return { text: new TextDecoder('utf-8').decode(bytes.subarray(0, end)), nulPadding: bytes.length - end };
}

/** DIS software revision string from the charger firmware (D-20). */
export function softwareRevision(major: number, minor: number, patch: number): string {
  return `IQOS 4.1 SW Charger v${major}.${minor}.${patch}`;
}
