/**
 * The trace sampler (docs/traces.md "From the library"): records a device's values at a fixed rate of
 * virtual time and passes its events on as they come, to a `TraceSink`. It is a firmware probe: the
 * firmware stops at each sample instant on its way wherever the device is advanced to, so the values
 * are those of that instant while the device takes no extra steps. It is also a `DeadlineSource`, only
 * so that samples never fall more than `maxLagMs` behind: when nothing else steps the device for that
 * long, the sampler steps it (a `VirtualClock` that follows it, the `clock` option, wakes it; whoever
 * owns real time calls `handleTimeout` once `nextDeadline` has passed). Per sample it allocates
 * nothing: one `TraceSample` is overwritten in place and a light's text is made only when the light
 * changes.
 */
import type { Firmware, FirmwareProbe, Light, ProbeReadings } from '../../firmware-model/index.js';
import type { DeadlineSource, VirtualClock } from '../clock.js';
import type { VirtualDevice, WatchedEvent } from '../device/device.js';
import { SimulatorError } from '../errors.js';
import {
  TRACE_COLUMNS,
  TRACE_FORMAT,
  TRACE_RATE_MAX_HZ,
  TRACE_RATE_MIN_HZ,
  TRACE_VERSION,
  type TraceEvent,
  type TraceSample,
  type TraceSink,
} from './types.js';

export interface TraceSamplerOptions {
  /** Samples per second of virtual time, `TRACE_RATE_MIN_HZ`…`TRACE_RATE_MAX_HZ`. */
  rateHz: number;
  sink: TraceSink;
  /** A clock to follow: it then calls `handleTimeout` when samples would fall `maxLagMs` behind. */
  clock?: VirtualClock;
  /**
   * How far (virtual ms) the first sample not yet taken may fall behind before the sampler steps the
   * device itself; default the larger of one period and 1 s. A live view wants one period.
   */
  maxLagMs?: number;
}

/** Throws SIM_TRACE unless `rateHz` is a rate the sampler takes. */
export function checkTraceRate(rateHz: number): void {
  if (!(Number.isFinite(rateHz) && rateHz >= TRACE_RATE_MIN_HZ && rateHz <= TRACE_RATE_MAX_HZ))
    throw new SimulatorError(
      'SIM_TRACE',
      `trace rate must be a number of Hz from ${TRACE_RATE_MIN_HZ} to ${TRACE_RATE_MAX_HZ}, got ${rateHz}`,
    );
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round2 = (x: number): number => Math.round(x * 100) / 100;

export class TraceSampler implements DeadlineSource, FirmwareProbe {
  readonly rateHz: number;
  /** Virtual ms between two samples. */
  readonly periodMs: number;
  readonly maxLagMs: number;
  private readonly sink: TraceSink;
  private readonly row: TraceSample;
  private readonly unwatch: () => void;
  private readonly unfollow: (() => void) | undefined;
  private readonly unprobe: () => void;
  private readonly clock: VirtualClock | undefined;
  private readonly startMs: number;
  private index = 0;
  private nextAtMs: number;
  private samples = 0;
  private lastAtMs = Number.NEGATIVE_INFINITY;
  private events = 0;
  private closed = false;
  /** The fault bits as last seen: error code, holder error and warning bits, charger error bits. */
  private readonly faults = [0, 0, 0, 0];
  private readonly read: ProbeReadings = {
    heaterC: 0,
    heaterW: 0,
    puffFlowMlS: 0,
    holderPct: 0,
    chargerPct: 0,
  };
  private readonly holderLed = new LedText();
  private readonly chargerLed = new LedText();

  constructor(
    private readonly device: VirtualDevice,
    options: TraceSamplerOptions,
  ) {
    checkTraceRate(options.rateHz);
    this.rateHz = options.rateHz;
    this.periodMs = 1000 / options.rateHz;
    this.maxLagMs = options.maxLagMs ?? Math.max(this.periodMs, 1000);
    this.clock = options.clock;
    this.sink = options.sink;
    this.startMs = device.now;
    this.nextAtMs = this.startMs;
    this.row = {
      atMs: 0,
      holderState: '',
      chargerState: '',
      heaterC: 0,
      heaterW: 0,
      puffFlowMlS: 0,
      puffs: 0,
      holderPct: 0,
      chargerPct: 0,
      holderLed: 'off',
      chargerLed: 'off',
    };
    this.sink.start({
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      model: device.model,
      rateHz: this.rateHz,
      startMs: this.startMs,
      columns: TRACE_COLUMNS,
    });
    this.faultsChanged();
    this.unwatch = device.watchEvents((event) => this.onEvent(event));
    this.unprobe = device.addProbe(this);
    this.unfollow = options.clock?.follow(this);
  }

  /** The next sample instant, virtual ms (the firmware probe's). */
  get dueMs(): number {
    return this.nextAtMs;
  }

  /** When the sampler next steps the device itself, virtual ms (undefined once closed). */
  nextDeadline(): number | undefined {
    return this.closed ? undefined : this.nextAtMs + this.maxLagMs;
  }

  /** Takes every sample due by `nowMs`. */
  handleTimeout(nowMs: number): void {
    if (!this.closed) this.catchUp(nowMs);
  }

  /**
   * Samples up to `nowMs`: while the device idles (nothing of its own due by then) the firmware runs
   * its probes in place, so the device is not stepped and computes exactly what an untraced one does;
   * otherwise the device is stepped there and the firmware samples on the way.
   */
  private catchUp(nowMs: number): void {
    // The firmware has sampled every instant up to the device's time already.
    if (nowMs < this.device.now) return;
    const deviceDue = this.device.nextDeadline() ?? Number.POSITIVE_INFINITY;
    if (deviceDue <= nowMs || !this.device.firmware.probeUntil(nowMs)) this.device.handleTimeout(nowMs);
  }

  /** The firmware probe: one sample at `atMs`; the next instant is the rate's next one. */
  sample(_firmware: Firmware, atMs: number): void {
    this.record(atMs);
    this.index = Math.max(this.index + 1, Math.floor((atMs - this.startMs) / this.periodMs) + 1);
    this.nextAtMs = this.startMs + this.index * this.periodMs;
  }

  /**
   * Steps the device to the clock's time (without a clock, to its own), taking the samples due by
   * then; records a last sample there unless one was just taken; stops listening and sends the end
   * row. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    const atMs = Math.max(this.device.now, this.clock?.now() ?? Number.NEGATIVE_INFINITY);
    this.catchUp(atMs);
    if (this.lastAtMs < atMs) this.record(atMs);
    this.closed = true;
    this.unprobe();
    this.unfollow?.();
    this.unwatch();
    this.sink.end({ atMs, samples: this.samples, events: this.events });
  }

  private record(atMs: number): void {
    const firmware = this.device.firmware;
    const { holder, charger, session } = firmware.state;
    const row = this.row;
    const read = this.read;
    firmware.readAt(atMs, read);
    this.lastAtMs = atMs;
    row.atMs = atMs;
    row.holderState = holder.state;
    row.chargerState = charger.state;
    row.heaterC = round1(read.heaterC);
    row.heaterW = round2(read.heaterW);
    row.puffFlowMlS = round1(read.puffFlowMlS);
    row.puffs = session?.puffs ?? 0;
    row.holderPct = round2(read.holderPct);
    row.chargerPct = round2(read.chargerPct);
    row.holderLed = this.holderLed.of(holder.light);
    row.chargerLed = this.chargerLed.of(charger.light);
    this.samples++;
    this.sink.sample(row);
  }

  private onEvent(event: WatchedEvent): void {
    if (event.type === 'heater') return;
    if (event.type !== 'battery') {
      this.events++;
      this.sink.event(event);
    }
    if (!this.faultsChanged()) return;
    const { state } = this.device.firmware;
    const fault: TraceEvent = {
      type: 'fault',
      atMs: event.atMs,
      errorCode: state.errorCode,
      holderErrorBits: state.holder.errorBits,
      holderWarningBits: state.holder.warningBits,
      chargerErrorBits: state.charger.errorBits,
    };
    this.events++;
    this.sink.event(fault);
  }

  /** Whether the units' error or warning bits changed since last asked (the firmware raises no event). */
  private faultsChanged(): boolean {
    const { state } = this.device.firmware;
    const f = this.faults;
    const { errorCode } = state;
    const { errorBits: holderErrors, warningBits: holderWarnings } = state.holder;
    const chargerErrors = state.charger.errorBits;
    if (f[0] === errorCode && f[1] === holderErrors && f[2] === holderWarnings && f[3] === chargerErrors)
      return false;
    f[0] = errorCode;
    f[1] = holderErrors;
    f[2] = holderWarnings;
    f[3] = chargerErrors;
    return true;
  }
}

/** A unit's light as text, made again only when the light changed. */
class LedText {
  private pattern = 'off';
  private colour = '';
  private count = 0;
  private text = 'off';

  of(light: Light): string {
    if (light.pattern !== this.pattern || light.colour !== this.colour || light.count !== this.count) {
      this.pattern = light.pattern;
      this.colour = light.colour;
      this.count = light.count;
      this.text = light.pattern === 'off' ? 'off' : `${light.colour}/${light.pattern}/${light.count}`;
    }
    return this.text;
  }
}
