/**
 * A fleet's aggregate figures (docs/fleet.md "Statistics"): how many devices are in each state, the
 * sessions, puffs, faults, charges and refused inputs so far, the isolated devices, and, when the
 * fleet runs in real time, how late its due times (notifications among them) were served. Counting is incremental (a state
 * change moves one device between two buckets), so `stats()` costs nothing per device.
 */
import type { FaultName } from '../../firmware-model/index.js';

/** Lateness buckets: 0.1 ms wide up to 100 ms, then 10 ms wide up to 100 s; later ones share the last. */
const FINE_BUCKETS = 1000;
const FINE_MS = 0.1;
const COARSE_BUCKETS = 10_000;
const COARSE_MS = 10;

/** Counts of lateness values (ms) in buckets; quantiles read back as the bucket's upper edge. */
export class LatenessHistogram {
  private readonly fine = new Uint32Array(FINE_BUCKETS);
  private readonly coarse = new Uint32Array(COARSE_BUCKETS);
  samples = 0;
  maxMs = 0;

  add(latenessMs: number): void {
    const ms = latenessMs > 0 ? latenessMs : 0;
    this.samples++;
    if (ms > this.maxMs) this.maxMs = ms;
    const fine = Math.floor(ms / FINE_MS);
    if (fine < FINE_BUCKETS) this.fine[fine] = (this.fine[fine] as number) + 1;
    else {
      const coarse = Math.min(COARSE_BUCKETS - 1, Math.floor(ms / COARSE_MS));
      this.coarse[coarse] = (this.coarse[coarse] as number) + 1;
    }
  }

  /** The `q` quantile (0..1), ms, rounded up to its bucket's edge (never above the maximum seen). */
  quantileMs(q: number): number {
    if (this.samples === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.samples));
    let seen = 0;
    for (let i = 0; i < FINE_BUCKETS; i++) {
      seen += this.fine[i] as number;
      if (seen >= rank) return round2(Math.min(this.maxMs, (i + 1) * FINE_MS));
    }
    for (let i = 0; i < COARSE_BUCKETS; i++) {
      seen += this.coarse[i] as number;
      if (seen >= rank) return round2(Math.min(this.maxMs, (i + 1) * COARSE_MS));
    }
    return round2(this.maxMs);
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export interface IsolatedDevice {
  readonly index: number;
  readonly serial: string;
  readonly atMs: number;
  /** The thrown error's `code` when it has one, else its class name. */
  readonly code: string;
  readonly message: string;
}

/** What `fleet.stats()` returns: plain JSON. */
export interface FleetStats {
  /** Virtual time of the fleet's clock, ms. */
  readonly atMs: number;
  /** Devices of this fleet (its shard), and how many of them still run. */
  readonly devices: number;
  readonly running: number;
  /** Devices per holder state and per charger state (isolated devices keep their last state). */
  readonly states: { readonly holder: Record<string, number>; readonly charger: Record<string, number> };
  /** Heating sessions started (holder into PREHEAT), sessions the user could not start, puffs registered. */
  readonly sessions: number;
  readonly failedStarts: number;
  readonly puffs: number;
  /** Faults the scripts injected, by name, and entries into the ERROR state (either unit). */
  readonly faults: {
    readonly injected: number;
    readonly byKind: Record<string, number>;
    readonly errors: number;
  };
  /** Times a charger went on USB, and times a holder started charging in its case. */
  readonly charging: { readonly usbPlugs: number; readonly holderCharges: number };
  /** Inputs the firmware refused (`rejected` events), e.g. a stick into a holder in its case. */
  readonly rejected: number;
  /** Device notifications (battery and status records) raised. */
  readonly notifications: number;
  /**
   * Only when the fleet runs in real time (`realTimeMs` given): how late each due time (a firmware
   * deadline, which is when notifications are raised, or a script action) was served, ms.
   */
  readonly lateness?: {
    readonly samples: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  };
  readonly isolated: readonly IsolatedDevice[];
}

/** The running counts behind `FleetStats`. */
export class StatsCounter {
  readonly holder = new Map<string, number>();
  readonly charger = new Map<string, number>();
  sessions = 0;
  failedStarts = 0;
  puffs = 0;
  injected = 0;
  readonly byKind = new Map<FaultName, number>();
  errors = 0;
  usbPlugs = 0;
  holderCharges = 0;
  rejected = 0;
  notifications = 0;
  readonly isolated: IsolatedDevice[] = [];
  readonly lateness = new LatenessHistogram();

  move(table: Map<string, number>, from: string | undefined, to: string): void {
    if (from !== undefined) table.set(from, (table.get(from) ?? 1) - 1);
    table.set(to, (table.get(to) ?? 0) + 1);
  }

  fault(name: FaultName): void {
    this.injected++;
    this.byKind.set(name, (this.byKind.get(name) ?? 0) + 1);
  }

  snapshot(atMs: number, devices: number, withLateness: boolean): FleetStats {
    const table = (map: Map<string, number>) =>
      Object.fromEntries([...map].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b)));
    const { lateness } = this;
    return {
      atMs,
      devices,
      running: devices - this.isolated.length,
      states: { holder: table(this.holder), charger: table(this.charger) },
      sessions: this.sessions,
      failedStarts: this.failedStarts,
      puffs: this.puffs,
      faults: { injected: this.injected, byKind: table(this.byKind), errors: this.errors },
      charging: { usbPlugs: this.usbPlugs, holderCharges: this.holderCharges },
      rejected: this.rejected,
      notifications: this.notifications,
      ...(withLateness
        ? {
            lateness: {
              samples: lateness.samples,
              p50Ms: lateness.quantileMs(0.5),
              p99Ms: lateness.quantileMs(0.99),
              maxMs: round2(lateness.maxMs),
            },
          }
        : {}),
      isolated: [...this.isolated],
    };
  }
}
