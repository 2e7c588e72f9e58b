/**
 * What a session chart draws, taken from a trace (docs/traces.md "Plots"): the heating phases as
 * intervals, the counted puffs, each session's end with its reason, and the lights as segments.
 * Pure, so `iqsim plot` and a live page draw the same things from the same rows.
 */
import { END_REASON } from '../../firmware-model/index.js';
import type { Trace } from './read.js';

/** A heating phase: `preheat` (holder PREHEAT) or `session` (SESSION_ACTIVE, SESSION_WARNING, PAUSED). */
export interface PhaseSpan {
  phase: 'preheat' | 'session';
  fromMs: number;
  toMs: number;
}

/** A unit's light over an interval, as the trace writes it (`colour/pattern/count` or `off`). */
export interface LedSpan {
  unit: 'holder' | 'charger';
  led: string;
  colour: string;
  pattern: string;
  fromMs: number;
  toMs: number;
}

export interface SessionEnd {
  atMs: number;
  reason: number;
  /** The reason's name (docs/device.md §5.2), e.g. `endOfProfile`; `reason N` when unknown. */
  reasonName: string;
  puffs: number;
}

export interface ChartData {
  fromMs: number;
  toMs: number;
  phases: PhaseSpan[];
  /** Times of the counted puffs, ms. */
  puffsAtMs: number[];
  ends: SessionEnd[];
  leds: LedSpan[];
}

const PHASE_OF: Readonly<Record<string, PhaseSpan['phase']>> = {
  PREHEAT: 'preheat',
  SESSION_ACTIVE: 'session',
  SESSION_WARNING: 'session',
  PAUSED: 'session',
};

const REASON_NAMES = new Map<number, string>(Object.entries(END_REASON).map(([name, code]) => [code, name]));

/** A value that changes at known times, as intervals over [fromMs, toMs]. */
function spans<T>(changes: readonly { atMs: number; value: T }[], toMs: number) {
  const out: { value: T; fromMs: number; toMs: number }[] = [];
  for (const [i, change] of changes.entries()) {
    const end = changes[i + 1]?.atMs ?? toMs;
    const last = out[out.length - 1];
    if (last && last.value === change.value) last.toMs = end;
    else if (end > change.atMs || i === changes.length - 1)
      out.push({ value: change.value, fromMs: change.atMs, toMs: end });
  }
  return out;
}

/** The holder state over time: the first sample's, then every holder `state` event (exact times). */
function holderStates(trace: Trace): { atMs: number; value: string }[] {
  const first = trace.samples[0];
  if (!first) return [];
  const changes = [{ atMs: first.atMs, value: first.holderState }];
  for (const e of trace.events)
    if (e.type === 'state' && e.unit === 'holder' && e.atMs >= first.atMs)
      changes.push({ atMs: e.atMs, value: e.to });
  return changes;
}

function ledSpans(trace: Trace, unit: LedSpan['unit'], toMs: number): LedSpan[] {
  const column = unit === 'holder' ? 'holderLed' : 'chargerLed';
  const changes = trace.samples.map((s) => ({ atMs: s.atMs, value: s[column] }));
  return spans(changes, toMs).map(({ value, fromMs, toMs: end }) => {
    const [colour = 'none', pattern = 'off'] = value === 'off' ? [] : value.split('/');
    return { unit, led: value, colour, pattern, fromMs, toMs: end };
  });
}

export function chartData(trace: Trace): ChartData {
  const fromMs = trace.samples[0]?.atMs ?? trace.header.startMs;
  const toMs = trace.end?.atMs ?? trace.samples[trace.samples.length - 1]?.atMs ?? fromMs;
  const phases: PhaseSpan[] = [];
  const states = holderStates(trace).map(({ atMs, value }) => ({ atMs, value: PHASE_OF[value] }));
  for (const span of spans(states, toMs))
    if (span.value !== undefined) phases.push({ phase: span.value, fromMs: span.fromMs, toMs: span.toMs });
  const puffsAtMs: number[] = [];
  const ends: SessionEnd[] = [];
  for (const e of trace.events) {
    if (e.type === 'puff' && e.counted) puffsAtMs.push(e.atMs);
    if (e.type === 'session' && e.phase === 'end') {
      const reason = e.reason ?? 0;
      ends.push({
        atMs: e.atMs,
        reason,
        reasonName: REASON_NAMES.get(reason) ?? `reason ${reason}`,
        puffs: e.puffs,
      });
    }
  }
  return {
    fromMs,
    toMs,
    phases,
    puffsAtMs,
    ends,
    leds: [...ledSpans(trace, 'holder', toMs), ...ledSpans(trace, 'charger', toMs)],
  };
}
