/**
 * Node bytes (docs/protocol.md §1.2). A request is addressed to a unit by its request node; the unit answers
 * from its reply node. No arithmetic links the two bytes, so this is a table.
 */
export type Unit = 'charger' | 'holder' | 'flexpuff';

export const REQUEST_NODE = { charger: 0xc0, holder: 0xc9, flexpuff: 0xd2 } as const satisfies Record<
  Unit,
  number
>;
export const REPLY_NODE = { charger: 0xc0, holder: 0x08, flexpuff: 0x90 } as const satisfies Record<
  Unit,
  number
>;

export const UNITS: readonly Unit[] = ['charger', 'holder', 'flexpuff'];

/** Unit of a request node byte, or undefined. */
export function unitOfRequestNode(node: number): Unit | undefined {
  switch (node) {
    case 0xc0:
      return 'charger';
    case 0xc9:
      return 'holder';
    case 0xd2:
      return 'flexpuff';
    default:
      return undefined;
  }
}

/** Unit of a reply node byte, or undefined. */
export function unitOfReplyNode(node: number): Unit | undefined {
  switch (node) {
    case 0xc0:
      return 'charger';
    case 0x08:
      return 'holder';
    case 0x90:
      return 'flexpuff';
    default:
      return undefined;
  }
}

/** Whether a byte can start a logical frame in either direction (the push decoders resync on this). */
export function isKnownNode(node: number): boolean {
  return node === 0xc0 || node === 0xc9 || node === 0xd2 || node === 0x08 || node === 0x90;
}

/** Parses `charger|holder|flexpuff` or a node byte (`C0`, `0xC9`, `08`, ...). */
export function parseUnit(text: string): Unit | undefined {
  const lower = text.toLowerCase();
  if (lower === 'charger' || lower === 'holder' || lower === 'flexpuff') return lower;
  const byte = Number.parseInt(lower.replace(/^0x/, ''), 16);
  if (!/^(0x)?[0-9a-f]{1,2}$/.test(lower)) return undefined;
  return unitOfRequestNode(byte) ?? unitOfReplyNode(byte);
}
