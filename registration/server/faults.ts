/**
 * Seeded faults per route (test mode): latency, a 5xx status or a dropped connection, before the
 * handler runs or after it committed (the response is lost: "registration failed halfway"), after N
 * calls or with probability p from a seeded generator, optionally a limited number of times.
 */
import type { FaultBody } from './schemas.js';

/** mulberry32: the same generator as the simulator's SeededRandom, so one seed gives one run. */
export class SeededGenerator {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export interface ActiveFault extends FaultBody {
  calls: number;
  fired: number;
}

export class FaultTable {
  private faults: ActiveFault[] = [];
  private random: SeededGenerator;

  constructor(private readonly seed: number) {
    this.random = new SeededGenerator(seed);
  }

  set(fault: FaultBody): void {
    this.faults = this.faults.filter((f) => f.route !== fault.route);
    this.faults.push({ ...fault, calls: 0, fired: 0 });
  }

  clear(): void {
    this.faults = [];
    this.random = new SeededGenerator(this.seed);
  }

  list(): readonly ActiveFault[] {
    return this.faults;
  }

  /** The fault that fires on this call of `route` (`"POST /devices"`), if any; counts the call. */
  hit(route: string): ActiveFault | undefined {
    const fault = this.faults.find((f) => f.route === route) ?? this.faults.find((f) => f.route === '*');
    if (!fault) return undefined;
    fault.calls += 1;
    if (fault.times !== undefined && fault.fired >= fault.times) return undefined;
    if (fault.afterCalls !== undefined && fault.calls <= fault.afterCalls) return undefined;
    if (fault.probability !== undefined && this.random.next() >= fault.probability) return undefined;
    fault.fired += 1;
    return fault;
  }
}
