/**
 * The hub's crowds (docs/webbluetooth.md "Crowds"): what the chooser hears of each `Crowd` at the
 * hub's virtual time, and the device ids it gave them. Chromium's chooser lists a device per
 * address (`AddOrUpdateDevice(device.GetAddress(), …)` in bluetooth_device_chooser_controller.cc)
 * and grants an id per address, so a member's id is derived from the address it advertised: a
 * rotated address is a new device with a new id, and the old id no longer reaches the member.
 */
import { createHash } from 'node:crypto';
import { toHex } from '../../protocol/index.js';
import type { Crowd, VirtualDevice } from '../../simulator/index.js';
import { matchesRequest, type ScanRecord, scanRecordOf } from './filters.js';
import type { RequestDeviceOptionsJson } from './types.js';

/** A crowd member as the chooser listed it: under one address. */
export interface CrowdRef {
  readonly crowd: Crowd;
  readonly index: number;
  readonly address: string;
}

/** A crowd member the chooser may offer now. */
export interface CrowdCandidate {
  readonly id: string;
  readonly name: string | null;
  readonly rssiDbm: number;
}

export class HubCrowds {
  private readonly ordinals = new Map<Crowd, number>();
  private nextOrdinal = 0;
  /** Every id the chooser listed, to its member and address: grants outlive the advertisement. */
  private readonly listed = new Map<string, CrowdRef>();

  add(crowd: Crowd): void {
    if (!this.ordinals.has(crowd)) this.ordinals.set(crowd, this.nextOrdinal++);
  }

  /** Forgets the crowd; returns the ids it was listed under. */
  remove(crowd: Crowd): string[] {
    this.ordinals.delete(crowd);
    const ids = [...this.listed].filter(([, ref]) => ref.crowd === crowd).map(([id]) => id);
    for (const id of ids) this.listed.delete(id);
    return ids;
  }

  get crowds(): Crowd[] {
    return [...this.ordinals.keys()];
  }

  ref(id: string): CrowdRef | undefined {
    return this.listed.get(id);
  }

  /** Whether the member still advertises (or would, if not connected) under the listed address. */
  onAir(ref: CrowdRef, nowMs: number): boolean {
    return ref.crowd.isPresent(ref.index, nowMs) && ref.crowd.addressAt(ref.index, nowMs) === ref.address;
  }

  /** The member's device, made now if it was not yet. */
  device(ref: CrowdRef, nowMs: number): VirtualDevice {
    return ref.crowd.device(ref.index, nowMs);
  }

  /** Members heard at `nowMs` that match the request, each listed under its id. */
  candidates(nowMs: number, options: RequestDeviceOptionsJson): CrowdCandidate[] {
    const out: CrowdCandidate[] = [];
    // Members of one model and state send the same bytes: decode each distinct pair once.
    const records = new Map<string, ScanRecord>();
    for (const [crowd, ordinal] of this.ordinals)
      for (const sighting of crowd.sightings(nowMs)) {
        const { advertisement, scanResponse } = sighting.advertising;
        const key = `${toHex(advertisement)}/${toHex(scanResponse)}`;
        let scan = records.get(key);
        if (!scan) {
          scan = scanRecordOf(advertisement, scanResponse);
          records.set(key, scan);
        }
        if (!matchesRequest(scan, options)) continue;
        const ref: CrowdRef = { crowd, index: sighting.index, address: sighting.address };
        out.push({ id: this.list(ordinal, ref), name: scan.name, rssiDbm: sighting.rssiDbm });
      }
    return out;
  }

  /**
   * The id of a crowd member's device under the address it advertises now (listed from now on), or
   * undefined for a device of no crowd here.
   */
  idOfDevice(device: VirtualDevice, nowMs: number): string | undefined {
    for (const [crowd, ordinal] of this.ordinals) {
      const index = crowd.indexOf(device);
      if (index !== undefined)
        return this.list(ordinal, { crowd, index, address: crowd.addressAt(index, nowMs) });
    }
    return undefined;
  }

  private list(ordinal: number, ref: CrowdRef): string {
    const id = crowdDeviceId(ordinal, ref.crowd, ref.index, ref.address);
    this.listed.set(id, ref);
    return id;
  }
}

/** Chromium-style id (base64 of 16 bytes) of a crowd member under one address. */
function crowdDeviceId(ordinal: number, crowd: Crowd, index: number, address: string): string {
  const digest = createHash('sha256')
    .update(`iqsim/crowd/${ordinal}/${crowd.seed}/${index}/${address}`)
    .digest();
  return digest.subarray(0, 16).toString('base64');
}
