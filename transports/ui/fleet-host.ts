/**
 * A fleet on the dashboard (docs/ui.md "A fleet"): the devices of `createFleet` on the one clock the
 * fleet serves, pumped in real time (`speed` virtual ms per real ms) or moved only by `advance`
 * (manual time). The page reads the fleet's figures and pages through its devices; only the device
 * it opens gets a `DeviceHost` (on the fleet's clock, inputs through `fleet.input`), made when it is
 * opened and closed when another one is, so the other devices cost nothing more than the fleet does.
 */
import { performance } from 'node:perf_hooks';
import type { Fleet, FleetDevice, FleetStats } from '../../simulator/index.js';
import { type ClockPump, startClockPump } from '../clock-pump.js';
import { DeviceHost, type ServedClock, type UiTime } from './device-host.js';

/** The most devices one page of the list holds. */
export const MAX_FLEET_PAGE = 100;

/** One row of the device list. */
export interface FleetRow {
  readonly index: number;
  readonly id: string;
  readonly model: string;
  readonly holder: string;
  readonly charger: string;
}

export interface FleetPage {
  /** Devices that pass the filter, and the slice of them from `offset`. */
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly devices: readonly FleetRow[];
}

export interface FleetSummary {
  /** Devices of the whole fleet; this shard's are counted in `stats.devices`. */
  readonly count: number;
  readonly stats: FleetStats;
}

export class FleetHost {
  private readonly pump: ClockPump | undefined;
  private readonly byId: ReadonlyMap<string, FleetDevice>;
  /** Where real time started, ms of `performance.now()`, and the virtual time then. */
  private readonly realStart = { ms: performance.now(), virtualMs: 0 };
  private selected: DeviceHost | undefined;

  constructor(
    readonly fleet: Fleet,
    readonly time: UiTime,
  ) {
    this.byId = new Map(fleet.devices.map((d) => [d.id, d]));
    if (time.kind === 'real') {
      this.realStart.virtualMs = fleet.clock.now();
      this.pump = startClockPump(fleet.clock, { speed: time.speed });
    }
  }

  /** The virtual time real time has reached (the fleet's `realTimeMs`); undefined in manual time. */
  realTimeMs(): number | undefined {
    if (this.time.kind !== 'real') return undefined;
    return this.realStart.virtualMs + (performance.now() - this.realStart.ms) * this.time.speed;
  }

  now(): number {
    return this.pump ? this.pump.now() : this.fleet.clock.now();
  }

  summary(): FleetSummary {
    this.now();
    return { count: this.fleet.count, stats: this.fleet.stats() };
  }

  /** Devices `offset`… (at most `limit`, capped at MAX_FLEET_PAGE), only those whose holder is in `state` if given. */
  page(offset: number, limit: number, state?: string): FleetPage {
    this.now();
    const all =
      state === undefined ? this.fleet.devices : this.fleet.devices.filter((d) => d.state === state);
    const capped = Math.min(limit, MAX_FLEET_PAGE);
    const devices = all.slice(offset, offset + capped).map((d) => ({
      index: d.index,
      id: d.id,
      model: d.model,
      holder: d.state,
      charger: d.device.firmware.state.charger.state,
    }));
    return { total: all.length, offset, limit: capped, devices };
  }

  /** The host of device `id` (`<seed>-<index>`): made now, and the one opened before closed. */
  host(id: string): DeviceHost | undefined {
    if (this.selected?.id === id) return this.selected;
    const member = this.byId.get(id);
    if (!member) return undefined;
    this.selected?.close();
    const served: ServedClock = {
      clock: this.fleet.clock,
      now: () => this.now(),
      input: (input) => {
        this.now();
        this.fleet.input(member.index, input);
      },
      changed: () => this.fleet.reschedule(member.index),
      advance: (ms) => this.fleet.runFor(ms),
      kick: () => this.kick(),
    };
    this.selected = new DeviceHost(id, member.device, this.time, member.device.seed, undefined, served);
    return this.selected;
  }

  close(): void {
    this.selected?.close();
    this.selected = undefined;
    this.pump?.stop();
    this.fleet.dispose();
  }

  private kick(): void {
    if (this.pump) this.pump.kick();
    else setImmediate(() => this.fleet.clock.advanceTo(this.fleet.clock.now()));
  }
}
