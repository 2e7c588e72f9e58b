/**
 * The compact live chart of `iqsim run`'s view (docs/cli.md "Progress and live charts"): heater °C
 * and both batteries as one-line sparklines of Unicode blocks, fed by a `TraceSampler` (the same
 * sampler as `--trace`) and shown only when the terminal is at least `SPARK_MIN_COLUMNS` wide.
 * Hand-written: eight block characters and a ring buffer are less than any chart package.
 */
import type { TraceSample, TraceSink } from '../simulator/index.js';

/** Narrower terminals keep the plain status block. */
export const SPARK_MIN_COLUMNS = 100;
const BLOCKS = '▁▂▃▄▅▆▇█';
const LABEL_WIDTH = 11;
/** Heater scale, °C: up to just above the highest plateau. */
const HEATER_TOP_C = 400;

/** The last `capacity` samples of the three series, kept in fixed arrays. */
export class SparkHistory implements TraceSink {
  private readonly heaterC: Float64Array;
  private readonly holderPct: Float64Array;
  private readonly chargerPct: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.heaterC = new Float64Array(capacity);
    this.holderPct = new Float64Array(capacity);
    this.chargerPct = new Float64Array(capacity);
  }

  start(): void {}
  event(): void {}
  end(): void {}

  sample(s: Readonly<TraceSample>): void {
    this.heaterC[this.next] = s.heaterC;
    this.holderPct[this.next] = s.holderPct;
    this.chargerPct[this.next] = s.chargerPct;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The chart's lines for a terminal `columns` wide: none when it is narrower than SPARK_MIN_COLUMNS. */
  lines(columns: number): string[] {
    if (columns < SPARK_MIN_COLUMNS || this.count === 0) return [];
    const width = Math.min(this.count, columns - LABEL_WIDTH - 10);
    const last = (values: Float64Array) => values[(this.next + this.capacity - 1) % this.capacity] as number;
    return [
      `${'heater °C'.padEnd(LABEL_WIDTH)}${this.spark(this.heaterC, width, HEATER_TOP_C)} ${last(this.heaterC).toFixed(0)}`,
      `${'holder %'.padEnd(LABEL_WIDTH)}${this.spark(this.holderPct, width, 100)} ${last(this.holderPct).toFixed(0)}`,
      `${'charger %'.padEnd(LABEL_WIDTH)}${this.spark(this.chargerPct, width, 100)} ${last(this.chargerPct).toFixed(0)}`,
    ];
  }

  /** The last `width` values, oldest first, as blocks scaled to 0..`top`. */
  private spark(values: Float64Array, width: number, top: number): string {
    let text = '';
    for (let i = width; i >= 1; i--) {
      const value = values[(this.next + this.capacity - i) % this.capacity] as number;
      const level = Math.round((Math.min(Math.max(value, 0), top) / top) * (BLOCKS.length - 1));
      text += BLOCKS[level];
    }
    return text;
  }
}

/** One point per second of virtual time, or per `speed / 4` s when faster, so the chart spans real seconds. */
export function sparkRateHz(speed: number): number {
  return Math.max(0.01, 1 / Math.max(1, speed / 4));
}
