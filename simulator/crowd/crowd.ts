/**
 * A crowd of advertisers (issue 19 item 3): many virtual holders in radio range at once, each with its
 * own RSSI that changes from one advertisement to the next, optionally a resolvable private address
 * that changes every `rotateAddressEveryMs`, and a share of them that comes and goes. The Web
 * Bluetooth hub and the noble bindings both ask this one model what a scan hears at a given virtual
 * time (docs/webbluetooth.md "Crowds", docs/noble.md "Crowds").
 *
 * Everything is a pure function of (seed, member, nowMs): no state moves with time, so the answer at
 * a time is the same whoever asks, in any order, how often or seldom (docs/architecture.md house
 * rule 9). Member devices are made only when someone needs one (a connection, an input): until then
 * a member advertises what a fresh device of its model and seed advertises (docs/protocol.md §2.1,
 * §2.2), built by the same protocol functions.
 */
import { getProfile } from '../../firmware-model/index.js';
import { buildAdvertising, buildScanResponse, findModel, MODELS } from '../../protocol/index.js';
import type { Advertising } from '../device/bonds.js';
import { createVirtualDevice, type VirtualDevice } from '../device/device.js';
import { type DeviceIdentity, generateIdentity } from '../device/identity.js';
import { SimulatorError } from '../errors.js';
import { SeededRandom } from '../random.js';

export interface CrowdRssiOptions {
  /** Mean RSSI of the crowd, dBm (default -70). */
  meanDbm?: number;
  /** Each member's own offset from the mean (its distance), uniform in ±spreadDb (default 12). */
  spreadDb?: number;
  /** Change from one sample to the next, uniform in ±churnDb around the member's level (default 6). */
  churnDb?: number;
  /** A new sample every this many ms (default 100, the advertising interval of D-21). */
  everyMs?: number;
}

export interface CrowdOptions {
  /** How many advertisers, 1–100,000. */
  count: number;
  /** One seed for the whole crowd (default 1): member k of seed s is the same everywhere. */
  seed?: number;
  /** Model ids, one drawn per member by the seed (default `['iluma-i']`). */
  models?: readonly string[];
  rssi?: CrowdRssiOptions;
  /**
   * Each member advertises a resolvable private address that changes every this many ms, each
   * member at its own phase (Core spec Vol 6 Part B §1.3.2.2; hosts default to 15 minutes). Default:
   * none, the member's random static address, as every virtual device.
   */
  rotateAddressEveryMs?: number;
  /** Share of members that come and go, 0–1 (default 0: everyone stays). */
  vanishShare?: number;
  /** A coming-and-going member is in range or not for slots of this many ms, each slot a coin toss (default 30,000). */
  presenceSlotMs?: number;
}

/** One member as a scan hears it at one moment. */
export interface CrowdSighting {
  readonly index: number;
  /** The address on the air now: `AA:BB:CC:DD:EE:FF`. */
  readonly address: string;
  /** Received signal strength of this advertisement, dBm. */
  readonly rssiDbm: number;
  /** Advertising data and scan response of the member's model and state (docs/protocol.md §2). */
  readonly advertising: Advertising;
}

export interface CrowdMember {
  readonly index: number;
  readonly model: string;
  /** The seed of the member's device (`createVirtualDevice({ model, seed })`). */
  readonly seed: number;
  readonly identity: DeviceIdentity;
  /** Whether the member comes and goes (`vanishShare`). */
  readonly vanishes: boolean;
}

const MAX_COUNT = 100_000;
const RSSI_MIN_DBM = -127;
const RSSI_MAX_DBM = 20;

/** Independent draws per purpose, so adding one never shifts another. */
const Stream = {
  Model: 1,
  Seed: 2,
  Vanishes: 3,
  Presence: 4,
  PresencePhase: 5,
  RssiLevel: 6,
  Rssi: 7,
  Address: 8,
  AddressPhase: 9,
  AddressHash: 10,
} as const;

/** A 32-bit hash of a few integers (the murmur3 finaliser per word). */
function mix(...words: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const word of words) {
    h = Math.imul(h ^ (word >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A number in [0, 1) fixed by the words. */
function unit(...words: readonly number[]): number {
  return new SeededRandom(mix(...words)).next();
}

function hexByte(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}

function bad(message: string): SimulatorError {
  return new SimulatorError('SIM_BAD_INPUT', `crowd: ${message}`);
}

function checkNumber(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < min || value > max)
    throw bad(`${name} must be a number from ${min} to ${max}, got ${value}`);
}

function checkOptions(options: CrowdOptions): void {
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > MAX_COUNT)
    throw bad(`count must be an integer from 1 to ${MAX_COUNT}, got ${options.count}`);
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw bad(`seed must be an integer, got ${options.seed}`);
  if (options.models !== undefined && options.models.length === 0) throw bad('models is empty');
  for (const model of options.models ?? [])
    if (!findModel(model))
      throw bad(`unknown model '${model}'; known: ${MODELS.map((m) => m.id).join(', ')}`);
  checkNumber('rssi.meanDbm', options.rssi?.meanDbm, RSSI_MIN_DBM, RSSI_MAX_DBM);
  checkNumber('rssi.spreadDb', options.rssi?.spreadDb, 0, 100);
  checkNumber('rssi.churnDb', options.rssi?.churnDb, 0, 100);
  checkNumber('rssi.everyMs', options.rssi?.everyMs, 1, Number.MAX_SAFE_INTEGER);
  checkNumber('rotateAddressEveryMs', options.rotateAddressEveryMs, 1, Number.MAX_SAFE_INTEGER);
  checkNumber('vanishShare', options.vanishShare, 0, 1);
  checkNumber('presenceSlotMs', options.presenceSlotMs, 1, Number.MAX_SAFE_INTEGER);
}

export class Crowd {
  readonly count: number;
  readonly seed: number;
  private readonly models: readonly string[];
  private readonly meanDbm: number;
  private readonly spreadDb: number;
  private readonly churnDb: number;
  private readonly rssiEveryMs: number;
  private readonly rotateEveryMs: number | undefined;
  private readonly vanishShare: number;
  private readonly presenceSlotMs: number;
  private readonly memberCache: (CrowdMember | undefined)[];
  private readonly devices = new Map<number, VirtualDevice>();
  private readonly indexByDevice = new Map<VirtualDevice, number>();

  constructor(options: CrowdOptions) {
    checkOptions(options);
    this.count = options.count;
    this.seed = options.seed ?? 1;
    this.models = (options.models ?? ['iluma-i']).map((id) => findModel(id)?.id ?? id);
    this.meanDbm = options.rssi?.meanDbm ?? -70;
    this.spreadDb = options.rssi?.spreadDb ?? 12;
    this.churnDb = options.rssi?.churnDb ?? 6;
    this.rssiEveryMs = options.rssi?.everyMs ?? 100;
    this.rotateEveryMs = options.rotateAddressEveryMs;
    this.vanishShare = options.vanishShare ?? 0;
    this.presenceSlotMs = options.presenceSlotMs ?? 30_000;
    this.memberCache = new Array(this.count);
  }

  /** Member `index` (0 ≤ index < count): its model, device seed and identity. */
  member(index: number): CrowdMember {
    this.checkIndex(index);
    const cached = this.memberCache[index];
    if (cached) return cached;
    const model = this.models[
      Math.floor(unit(this.seed, index, Stream.Model) * this.models.length)
    ] as string;
    const seed = mix(this.seed, index, Stream.Seed) & 0x7fffffff;
    const member: CrowdMember = {
      index,
      model,
      seed,
      identity: generateIdentity(getProfile(model), seed),
      vanishes: unit(this.seed, index, Stream.Vanishes) < this.vanishShare,
    };
    this.memberCache[index] = member;
    return member;
  }

  /**
   * The member's device, made on first use at `nowMs` (its firmware starts then, as a fresh device of
   * its model and seed). Made once: later calls return the same device.
   */
  device(index: number, nowMs: number): VirtualDevice {
    const existing = this.devices.get(index);
    if (existing) return existing;
    const { model, seed } = this.member(index);
    const device = createVirtualDevice({ model, seed, startMs: nowMs });
    this.devices.set(index, device);
    this.indexByDevice.set(device, index);
    return device;
  }

  /** The member `device` is, or undefined for a device of no member (or not made yet). */
  indexOf(device: VirtualDevice): number | undefined {
    return this.indexByDevice.get(device);
  }

  /** Whether the member is in range at `nowMs` (always, unless it is one that comes and goes). */
  isPresent(index: number, nowMs: number): boolean {
    if (!this.member(index).vanishes) return true;
    const phaseMs = Math.floor(unit(this.seed, index, Stream.PresencePhase) * this.presenceSlotMs);
    const slot = Math.floor((nowMs + phaseMs) / this.presenceSlotMs);
    return unit(this.seed, index, Stream.Presence, slot) < 0.5;
  }

  /** The address the member advertises at `nowMs`: its static address, or the resolvable private address of the period. */
  addressAt(index: number, nowMs: number): string {
    const member = this.member(index);
    if (this.rotateEveryMs === undefined) return member.identity.address;
    const phaseMs = Math.floor(unit(this.seed, index, Stream.AddressPhase) * this.rotateEveryMs);
    const period = Math.floor((nowMs + phaseMs) / this.rotateEveryMs);
    return this.resolvablePrivateAddress(index, period);
  }

  /** The RSSI of the member's advertisement at `nowMs`, dBm: its level, plus churn per sample. */
  rssiAt(index: number, nowMs: number): number {
    this.checkIndex(index);
    const level = this.meanDbm + (unit(this.seed, index, Stream.RssiLevel) * 2 - 1) * this.spreadDb;
    const sample = Math.floor(nowMs / this.rssiEveryMs);
    const churn = (unit(this.seed, index, Stream.Rssi, sample) * 2 - 1) * this.churnDb;
    return Math.min(RSSI_MAX_DBM, Math.max(RSSI_MIN_DBM, Math.round(level + churn)));
  }

  /**
   * What the member advertises at `nowMs`: undefined out of range, and whenever its device does not
   * advertise (connected, Bluetooth off); else its device's advertising, or a fresh device's.
   */
  advertisingAt(index: number, nowMs: number): Advertising | undefined {
    if (!this.isPresent(index, nowMs)) return undefined;
    const device = this.devices.get(index);
    if (device) return device.advertising();
    return {
      advertisement: buildAdvertising({ bonded: false }),
      scanResponse: buildScanResponse(this.member(index).identity.name),
      connectable: true,
    };
  }

  /** Every member a scan hears at `nowMs`, in member order. */
  sightings(nowMs: number): CrowdSighting[] {
    const out: CrowdSighting[] = [];
    for (let index = 0; index < this.count; index++) {
      const advertising = this.advertisingAt(index, nowMs);
      if (!advertising) continue;
      out.push({
        index,
        address: this.addressAt(index, nowMs),
        rssiDbm: this.rssiAt(index, nowMs),
        advertising,
      });
    }
    return out;
  }

  /**
   * The member who advertises `address` at `nowMs`, if any is in range with it: how a central finds
   * whom to connect to from an address it scanned.
   */
  findByAddress(address: string, nowMs: number): number | undefined {
    const wanted = address.toUpperCase();
    for (let index = 0; index < this.count; index++)
      if (this.isPresent(index, nowMs) && this.addressAt(index, nowMs) === wanted) return index;
    return undefined;
  }

  /**
   * Resolvable private address: 24-bit prand (top two bits 01, the rest neither all 0 nor all 1) then
   * a 24-bit hash (Core spec Vol 6 Part B §1.3.2.2). The hash is a seeded draw, not ah(IRK, prand):
   * no central here holds an IRK to resolve it.
   */
  private resolvablePrivateAddress(index: number, period: number): string {
    let random = mix(this.seed, index, Stream.Address, period) & 0x3fffff;
    if (random === 0 || random === 0x3fffff) random = 0x155555;
    const prand = 0x400000 | random;
    const hash = mix(this.seed, index, Stream.AddressHash, period) & 0xffffff;
    const bytes = [
      prand >>> 16,
      (prand >>> 8) & 0xff,
      prand & 0xff,
      hash >>> 16,
      (hash >>> 8) & 0xff,
      hash & 0xff,
    ];
    return bytes.map(hexByte).join(':');
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.count)
      throw bad(`member ${index} is not in a crowd of ${this.count}`);
  }
}

/** A crowd of virtual holders (`new Crowd(options)`). */
export function createCrowd(options: CrowdOptions): Crowd {
  return new Crowd(options);
}
