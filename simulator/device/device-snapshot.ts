/**
 * What persists in a virtual device (`VirtualDevice.snapshot()`): firmware, identity, bonds, stored
 * registers, overrides and options. A restored device starts disconnected with nothing in flight
 * (queued replies belong to the connection that was open, as on a real device switched off and on).
 */
import {
  Firmware,
  type FirmwareOptions,
  type FirmwareSnapshot,
  getProfile,
} from '../../firmware-model/index.js';
import { Bonds, DEFAULT_CENTRAL } from './bonds.js';
import { type DeviceIdentity, generateIdentity } from './identity.js';
import type { RegisterStoreJson, ScpResponder } from './scp.js';

export interface DeviceSnapshot {
  readonly format: 'iqsim-device';
  readonly version: 1;
  readonly model: string;
  readonly seed: number;
  readonly identity: DeviceIdentity;
  readonly identityOverrides: Partial<DeviceIdentity>;
  /** Whether any central is bonded (what the advertising byte shows); `bonds` lists them. */
  readonly bonded: boolean;
  /** Bonded centrals; absent in snapshots saved before bonds were per central (`bonded` then means the default central). */
  readonly bonds?: readonly string[];
  readonly bondedOnly: boolean;
  readonly replyDelayMs?: number;
  readonly firmware: FirmwareSnapshot;
  readonly registers: RegisterStoreJson;
  /** Register overrides (overrides.ts); absent in snapshots saved before overrides existed. */
  readonly overrides?: RegisterStoreJson;
}

/** The bonded centrals a snapshot restores. */
export function snapshotBonds(snapshot: DeviceSnapshot): readonly string[] {
  return snapshot.bonds ?? (snapshot.bonded ? [DEFAULT_CENTRAL] : []);
}

/** The persistent parts of a device, from a snapshot or from options. */
export interface DeviceParts {
  readonly model: string;
  readonly seed: number;
  readonly identityOverrides: Partial<DeviceIdentity>;
  readonly identity: DeviceIdentity;
  readonly firmware: Firmware;
  readonly bonds: Bonds;
  readonly replyDelayMs: number;
}

/** The options of `createVirtualDevice` that make the persistent parts. */
export interface PartsOptions {
  /** Model id as `iqsim models` lists it. */
  model: string;
  /** Seed of the identity and of every random choice (default 1). */
  seed?: number;
  identity?: Partial<DeviceIdentity>;
  firmware?: Omit<FirmwareOptions, 'snapshot'>;
  /** Answer SCP only to bonded centrals (others get ATT "insufficient authentication"), none over USB. */
  bondedOnly?: boolean;
  /** SCP reply latency, ms (docs/protocol.md D-10: 5). */
  replyDelayMs?: number;
  /** Virtual time the device starts at, ms (default 0). */
  startMs?: number;
  snapshot?: DeviceSnapshot;
}

/** Restores the parts of `options.snapshot`, or makes them from the options (identity from the seed). */
export function deviceParts(options: PartsOptions): DeviceParts {
  const snapshot = options.snapshot;
  const model = snapshot?.model ?? options.model;
  const seed = snapshot?.seed ?? options.seed ?? 1;
  const identityOverrides = snapshot?.identityOverrides ?? options.identity ?? {};
  return {
    model,
    seed,
    identityOverrides,
    identity: snapshot?.identity ?? generateIdentity(getProfile(model), seed, identityOverrides),
    firmware: snapshot
      ? new Firmware(model, { snapshot: snapshot.firmware })
      : new Firmware(model, { ...options.firmware, startMs: options.startMs ?? 0 }),
    bonds: new Bonds(
      snapshot?.bondedOnly ?? options.bondedOnly ?? false,
      snapshot ? snapshotBonds(snapshot) : [],
    ),
    replyDelayMs: snapshot?.replyDelayMs ?? options.replyDelayMs ?? 5,
  };
}

/** The snapshot of a device made of `parts` (copies: later changes to the device do not show). */
export function toSnapshot(parts: DeviceParts, scp: ScpResponder): DeviceSnapshot {
  return {
    format: 'iqsim-device',
    version: 1,
    model: parts.model,
    seed: parts.seed,
    identity: structuredClone(parts.identity),
    identityOverrides: structuredClone(parts.identityOverrides),
    bonded: parts.bonds.any,
    bonds: parts.bonds.list(),
    bondedOnly: parts.bonds.bondedOnly,
    replyDelayMs: parts.replyDelayMs,
    firmware: parts.firmware.snapshot(),
    registers: scp.registers.toJSON(),
    overrides: scp.overrides.toJSON(),
  };
}
