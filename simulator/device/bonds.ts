/**
 * Bonds, one per central (docs/protocol.md §3.8: Just Works bonding exchanges the central's identity address,
 * so a device bonds with a central, not with the world). The link says which central is connected; the
 * in-memory link's default central is `DEFAULT_CENTRAL`. In bonded-only mode (a simulator option:
 * D-17 has real devices answer without encryption) only a bonded central's SCP writes are answered,
 * and USB is refused outright: USB HID (docs/protocol.md §5) has no pairing, so a cable would otherwise
 * bypass the mode.
 */

import { buildAdvertising, buildScanResponse } from '../../protocol/index.js';

export interface Advertising {
  advertisement: Uint8Array;
  scanResponse: Uint8Array;
  connectable: boolean;
}

/** The central a link connects as when it does not say (`LinkOptions.central`). */
export const DEFAULT_CENTRAL = 'central-1';

export class Bonds {
  private readonly centrals: Set<string>;

  constructor(
    /** Refuse SCP from an unbonded central (ATT 0x05) and over USB. */
    readonly bondedOnly: boolean,
    restored: readonly string[] = [],
  ) {
    this.centrals = new Set(restored);
  }

  /** Whether any central is bonded (the advertising byte reads 00, docs/protocol.md §2.1). */
  get any(): boolean {
    return this.centrals.size > 0;
  }

  /**
   * Advertising data (docs/protocol.md §2.1) and scan response (docs/protocol.md §2.2): the manufacturer byte
   * reads 01 until bonded, then 00.
   */
  advertising(name: string): Advertising {
    return {
      advertisement: buildAdvertising({ bonded: this.any }),
      scanResponse: buildScanResponse(name),
      connectable: true,
    };
  }

  /** Bonded centrals, in bonding order. */
  list(): string[] {
    return [...this.centrals];
  }

  has(central: string): boolean {
    return this.centrals.has(central);
  }

  /** Adds a bond; false when it existed. */
  add(central: string): boolean {
    if (this.centrals.has(central)) return false;
    this.centrals.add(central);
    return true;
  }

  /** Forgets every bond (F-50, factory reset); false when there were none. */
  clear(): boolean {
    if (this.centrals.size === 0) return false;
    this.centrals.clear();
    return true;
  }

  /** Whether SCP from this central (BLE) or from USB (`central` undefined) is answered. */
  admits(central: string | undefined): boolean {
    if (!this.bondedOnly) return true;
    return central !== undefined && this.centrals.has(central);
  }
}
