/**
 * Rigs for the conformance tests: a virtual target in virtual time, and link wrappers that break one
 * rule of docs/protocol.md on the way between client and device (rewrite, drop, hold, inject), so a
 * check can be seen to fail for exactly its rule (docs/conformance.md "Targets").
 */
import {
  type ConformanceReport,
  type ConformanceTarget,
  createVirtualDevice,
  type InMemoryLink,
  ListenerSet,
  runConformance,
  type Transport,
  VirtualClock,
  type VirtualDeviceOptions,
  virtualTarget,
  type WirePacket,
} from '../../simulator/index.js';

/** ATT opcodes the wrappers look at (Core spec Vol 3 Part F §3.4). */
export const ATT = { writeRequest: 0x12, writeResponse: 0x13, notification: 0x1b } as const;

/** The handle of an ATT PDU that carries one (write, notification). */
export const attHandle = (bytes: Uint8Array): number => (bytes[1] ?? 0) | ((bytes[2] ?? 0) << 8);

export interface Rules {
  /** What reaches the device for each client packet (none to drop). */
  toDevice?(packet: WirePacket, inject: (packet: WirePacket) => void): WirePacket[];
  /** What reaches the client for each device packet (none to drop). */
  toClient?(packet: WirePacket, inject: (packet: WirePacket) => void): WirePacket[];
}

/**
 * A Transport over `link` whose traffic passes `rules`; `inject` hands a made-up packet to the
 * client at the clock's current time (after the write that caused it returns).
 */
export function wrapLink(link: InMemoryLink, rules: Rules): Transport {
  const listeners = new ListenerSet<WirePacket>();
  const inject = (packet: WirePacket) =>
    link.clock.schedule(link.clock.now(), () => {
      if (link.open) listeners.emit(packet);
    });
  const off = link.onData((packet) => {
    for (const out of rules.toClient?.(packet, inject) ?? [packet]) listeners.emit(out);
  });
  return {
    write(packet) {
      for (const out of rules.toDevice?.(packet, inject) ?? [packet]) link.write(out);
    },
    onData: (listener) => listeners.add(listener),
    onClose: (listener) => link.onClose(listener),
    close() {
      off();
      link.close();
    },
    get open() {
      return link.open;
    },
  };
}

export interface TargetOptions {
  model?: string;
  channel?: 'ble' | 'usb';
  device?: Partial<VirtualDeviceOptions>;
  wrap?: (link: InMemoryLink) => Transport;
}

/** A fresh virtual device of `model` (seed 1) as a target. */
export function target(o: TargetOptions = {}): ConformanceTarget {
  const device = createVirtualDevice({ model: o.model ?? 'iluma-i', seed: 1, ...o.device });
  return virtualTarget({
    device,
    clock: new VirtualClock(device.now),
    ...(o.channel ? { channel: o.channel } : {}),
    ...(o.wrap ? { wrap: o.wrap } : {}),
  });
}

/** The suite against a target, with the reply timeout the CLI uses by default. */
export function run(t: ConformanceTarget): Promise<ConformanceReport> {
  return runConformance(t, { timeoutMs: 500 });
}

/** `{ id: outcome }` of a report, for one-line expectations. */
export function outcomes(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.id, r.outcome]));
}

/** Every check passes except those named, which fail. */
export function onlyFailing(report: ConformanceReport, ...failing: string[]): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.id, failing.includes(r.id) ? 'fail' : 'pass']));
}
