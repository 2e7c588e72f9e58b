/**
 * The rows of a session trace (docs/traces.md "What a trace holds"): a header, samples at a fixed
 * rate, the device's events as they happen, and an end row. One shape for both file formats and for
 * live consumers of `TraceSampler`.
 */
import type { DeviceEvent } from '../device/device.js';

/** The `format` of a trace's header row. */
export const TRACE_FORMAT = 'iqsim-trace';
/** The trace format's version; a reader refuses any other. */
export const TRACE_VERSION = 1;

/** Sampling rates the sampler takes, Hz: one sample per 100 s up to one per ms. */
export const TRACE_RATE_MIN_HZ = 0.01;
export const TRACE_RATE_MAX_HZ = 1000;
/** The rate of `--trace` without `--trace-rate`, Hz. */
export const TRACE_DEFAULT_RATE_HZ = 10;

/** The sample columns, in file order (CSV column order, JSONL key order). */
export const TRACE_COLUMNS = [
  'atMs',
  'holderState',
  'chargerState',
  'heaterC',
  'heaterW',
  'puffFlowMlS',
  'puffs',
  'holderPct',
  'chargerPct',
  'holderLed',
  'chargerLed',
] as const;

/** One sample: the device's values at virtual time `atMs`. */
export interface TraceSample {
  /** Virtual time, ms. */
  atMs: number;
  /** Holder state (docs/device.md §11.1): PREHEAT is the pre-heat, SESSION_* and PAUSED the session. */
  holderState: string;
  /** Charger (one-piece: main unit) state (docs/device.md §12.1). */
  chargerState: string;
  /** Heater temperature, °C (0.1 °C): the loop's while heating, else the resting value. */
  heaterC: number;
  /** Electrical power into the heater, W (0.01 W); 0 when not heating. */
  heaterW: number;
  /** Airflow of the puff under way, ml/s; 0 between puffs. */
  puffFlowMlS: number;
  /** Puffs counted in the session so far; 0 outside a session. */
  puffs: number;
  /** Holder battery, % (0.01 %; one-piece: the main unit's). */
  holderPct: number;
  /** Charger battery, % (0.01 %). */
  chargerPct: number;
  /** Holder light as `colour/pattern/count`, or `off`. */
  holderLed: string;
  /** Charger light as `colour/pattern/count`, or `off`. */
  chargerLed: string;
}

/** A change of the units' error or warning bits, which the firmware raises no event for. */
export interface TraceFaultEvent {
  type: 'fault';
  atMs: number;
  /** Active error code `(group << 8) | bits` (docs/device.md §5.3), 0 when none. */
  errorCode: number;
  holderErrorBits: number;
  holderWarningBits: number;
  chargerErrorBits: number;
}

/**
 * The device events a trace keeps: every one but the ATT/USB traffic (captures hold that) and the
 * heater and battery readings (the samples hold those), plus fault changes.
 */
export type TraceEvent = Exclude<DeviceEvent, { type: 'traffic' | 'heater' | 'battery' }> | TraceFaultEvent;

/** The first row: what made the trace. */
export interface TraceHeader {
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  model: string;
  /** Samples per second of virtual time. */
  rateHz: number;
  /** Virtual time of the first sample, ms. */
  startMs: number;
  columns: readonly string[];
}

/** The last row: written when the trace was closed, so a trace without one was cut short. */
export interface TraceEnd {
  atMs: number;
  samples: number;
  events: number;
}

/**
 * Where a sampler sends its rows. `sample` gets the same object every time, overwritten in place
 * (the sampler allocates nothing per sample): copy what you keep.
 */
export interface TraceSink {
  start(header: Readonly<TraceHeader>): void;
  sample(sample: Readonly<TraceSample>): void;
  event(event: Readonly<TraceEvent>): void;
  end(end: Readonly<TraceEnd>): void;
}
