/**
 * Crowds for the noble bindings (docs/noble.md "Crowds"): the members of each `Crowd` a scan round
 * hears at the bindings' virtual time, and the member behind an address noble connects to. noble
 * names a peripheral by its address (HCI) and never resolves a resolvable private address, so a
 * member that rotated is a new peripheral, and its old id finds nobody.
 */
import type { Crowd, CrowdSighting, VirtualDevice } from '../../simulator/index.js';

/** `c0ffee000001` → `C0:FF:EE:00:00:01`. */
function addressOfId(id: string): string {
  return (id.toUpperCase().match(/../g) ?? []).join(':');
}

export class NobleCrowds {
  private readonly list: Crowd[] = [];

  add(crowd: Crowd): void {
    if (!this.list.includes(crowd)) this.list.push(crowd);
  }

  remove(crowd: Crowd): void {
    const at = this.list.indexOf(crowd);
    if (at >= 0) this.list.splice(at, 1);
  }

  /** Every member heard at `nowMs`, crowd by crowd. */
  sightings(nowMs: number): CrowdSighting[] {
    return this.list.flatMap((crowd) => crowd.sightings(nowMs));
  }

  /** The device of the member in range with the address of `id` at `nowMs` (made now if need be). */
  deviceOf(id: string, nowMs: number): VirtualDevice | undefined {
    const address = addressOfId(id);
    for (const crowd of this.list) {
      const index = crowd.findByAddress(address, nowMs);
      if (index !== undefined) return crowd.device(index, nowMs);
    }
    return undefined;
  }

  /** The crowd and member of a device, if it is a member's. */
  memberOf(device: VirtualDevice): { crowd: Crowd; index: number } | undefined {
    for (const crowd of this.list) {
      const index = crowd.indexOf(device);
      if (index !== undefined) return { crowd, index };
    }
    return undefined;
  }
}
