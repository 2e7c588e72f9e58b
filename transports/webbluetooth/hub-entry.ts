/**
 * One device as the hub keeps it: its link and GATT client while connected, the sessions on it and
 * their subscriptions, and how the hub names it (a Chromium-style id).
 */
import { createHash } from 'node:crypto';
import type {
  DiscoveredService,
  GattClient,
  InMemoryLink,
  Transport,
  VirtualDevice,
} from '../../simulator/index.js';
import type { ScanRecord } from './filters.js';
import type { CrowdRef } from './hub-crowds.js';
import type { HubSession } from './session.js';

export interface Subscription {
  readonly sessions: Set<HubSession>;
  /** The CCCD write that turned notifications on; later subscribers wait for it. */
  ready: Promise<void>;
}

export interface DeviceEntry {
  readonly id: string;
  readonly device: VirtualDevice;
  /** Last scan data seen: a connected device does not advertise, but the chooser still lists it. */
  scan: ScanRecord | undefined;
  /** False after `outOfRange`: not offered by the chooser, and a connect fails. */
  inRange: boolean;
  /** A crowd member under one address: in range only while it advertises that address. */
  readonly crowd: CrowdRef | undefined;
  link: InMemoryLink | undefined;
  gatt: GattClient | undefined;
  services: readonly DiscoveredService[];
  opening: Promise<void> | undefined;
  readonly sessions: Set<HubSession>;
  readonly subscriptions: Map<number, Subscription>;
  unfollow: () => void;
}

/** Chromium-style device id: base64 of 16 bytes, here a hash of model, address and a counter. */
export function deviceIdOf(device: VirtualDevice, salt: number): string {
  const digest = createHash('sha256')
    .update(`iqsim/${device.model}/${device.identity.address}/${salt}`)
    .digest();
  return digest.subarray(0, 16).toString('base64');
}

/** Kicks the pump after every write so the request runs now, not at the next timer. */
export function kicking(link: InMemoryLink, kick: () => void): Transport {
  return {
    write(packet) {
      link.write(packet);
      kick();
    },
    onData: (listener) => link.onData(listener),
    onClose: (listener) => link.onClose(listener),
    close: () => link.close(),
    get open() {
      return link.open;
    },
  };
}

/** A device not linked yet; `unfollow` stops whatever drives it between links (nothing by default). */
export function newEntry(
  id: string,
  device: VirtualDevice,
  crowd: CrowdRef | undefined,
  scan: ScanRecord | undefined,
): DeviceEntry {
  return {
    id,
    device,
    scan,
    inRange: true,
    crowd,
    link: undefined,
    gatt: undefined,
    services: [],
    opening: undefined,
    sessions: new Set(),
    subscriptions: new Map(),
    unfollow: () => undefined,
  };
}
