/**
 * The trace sampler: samples on the rate's grid in virtual time with the values of that instant,
 * events as they come (faults included), both line formats read back to the same rows, and a traced
 * scenario run reports exactly what an untraced one does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { createVirtualDevice } from '../device/device.js';
import { SimulatorError } from '../errors.js';
import { parseScenario } from '../scenario/scenario.js';
import { runScenario } from '../scenario/scenario-run.js';
import { traceLines } from './format.js';
import { readTrace, type Trace, TraceCollector } from './read.js';
import { checkTraceRate, TraceSampler } from './sampler.js';

function heatingRun(rateHz: number): Trace {
  const clock = new VirtualClock();
  const device = createVirtualDevice({ model: 'iluma-i' });
  const stopDevice = clock.follow(device);
  const sink = new TraceCollector();
  const sampler = new TraceSampler(device, { rateHz, sink, clock });
  device.input({ type: 'undock' }, clock.now());
  device.input({ type: 'stick', action: 'insert' }, clock.now());
  clock.advanceBy(30_000);
  device.input({ type: 'puff' }, clock.now());
  clock.advanceBy(10_000);
  device.input({ type: 'fault', fault: 'heaterOverTemp' }, clock.now());
  clock.advanceBy(5_000);
  sampler.close();
  stopDevice();
  return sink.trace;
}

const example = (name: string) => {
  const parsed = parseScenario(readFileSync(`examples/scenarios/${name}`, 'utf8'));
  if (!parsed.ok) throw new Error('bad example');
  return parsed.scenario;
};

describe('TraceSampler', () => {
  const trace = heatingRun(10);

  it('samples every 100 ms at 10 Hz, from the start to the close', () => {
    expect(trace.header).toMatchObject({ format: 'iqsim-trace', version: 1, model: 'iluma-i', rateHz: 10 });
    expect(trace.samples[0]?.atMs).toBe(0);
    expect(trace.samples[1]?.atMs).toBe(100);
    expect(trace.samples.at(-1)?.atMs).toBe(45_000);
    expect(trace.samples).toHaveLength(451);
    expect(trace.end).toEqual({ atMs: 45_000, samples: 451, events: trace.events.length });
  });

  it('reads the heater at the sample instant: the pre-heat ramp rises sample by sample', () => {
    const preheat = trace.samples.filter((s) => s.holderState === 'PREHEAT');
    expect(preheat.length).toBeGreaterThan(100);
    const rising = preheat
      .slice(1, 50)
      .every((s, i) => s.heaterC > (preheat[i] as { heaterC: number }).heaterC);
    expect(rising).toBe(true);
    expect(Math.max(...preheat.map((s) => s.heaterW))).toBeGreaterThan(0);
    expect(preheat[5]?.holderLed).toBe('white/pulse/1');
  });

  it('records the puff airflow while it lasts and the puff event', () => {
    const flowing = trace.samples.filter((s) => s.puffFlowMlS > 0);
    expect(flowing.length).toBeGreaterThan(5);
    // The 30 000 ms sample comes before the puff input of that instant.
    expect(flowing[0]?.atMs).toBe(30_100);
    expect(trace.events.filter((e) => e.type === 'puff')).toHaveLength(1);
  });

  it('records the session start, its end with the reason, and the fault as an event', () => {
    const sessions = trace.events.filter((e) => e.type === 'session');
    expect(sessions[0]).toMatchObject({ phase: 'start' });
    expect(sessions.at(-1)).toMatchObject({ phase: 'end', reason: 4 });
    expect(trace.events.some((e) => e.type === 'fault' && e.errorCode !== 0)).toBe(true);
    expect(
      trace.events.some((e) => (e.type as string) === 'heater' || (e.type as string) === 'traffic'),
    ).toBe(false);
  });

  it('writes both formats that read back to the same rows', () => {
    for (const format of ['csv', 'jsonl'] as const) {
      const lines = traceLines(format);
      const text = [
        lines.header(trace.header),
        ...trace.samples.map((s) => lines.sample(s)),
        ...trace.events.map((e) => lines.event(e)),
        lines.end(trace.end as NonNullable<Trace['end']>),
      ].join('');
      const back = readTrace(text);
      expect(back.header).toEqual(trace.header);
      expect(back.samples).toEqual(trace.samples);
      expect(back.events).toEqual(trace.events);
      expect(back.end).toEqual(trace.end);
      // Cut mid-line (a killed run): the whole rows before the cut read, without an end.
      const cut = readTrace(text.slice(0, Math.floor(text.length / 2)));
      expect(cut.end).toBeUndefined();
      expect(cut.samples.length).toBeGreaterThan(100);
    }
  });

  it('refuses rates outside 0.01..1000 Hz and text that is not a trace', () => {
    for (const rate of [0, -1, Number.NaN, 1001, 0.009]) {
      expect(() => checkTraceRate(rate)).toThrowError(SimulatorError);
    }
    expect(() =>
      readTrace('{"format":"iqsim-trace","version":2,"model":"x","rateHz":1,"startMs":0}\n'),
    ).toThrow(/version 2/);
    expect(() => readTrace('a,b\n1,2\n')).toThrow(/not a trace CSV/);
  });
});

describe('a traced scenario', () => {
  it('reports what the untraced run does, and samples the whole run', async () => {
    const scenario = example('iluma-i-session.json');
    const plain = await runScenario(scenario);
    const sink = new TraceCollector();
    const traced = await runScenario(scenario, { trace: { rateHz: 2, sink } });
    expect(traced).toEqual(plain);
    expect(sink.trace.end?.atMs).toBe(plain.durationMs);
    expect(sink.trace.samples.length).toBe(Math.floor(plain.durationMs / 500) + 2);
    expect(sink.trace.events.filter((e) => e.type === 'puff' && e.counted)).toHaveLength(10);
  });
});

describe('a traced device', () => {
  it('computes exactly what an untraced one does, to the last bit of every level and timer', () => {
    const run = (rateHz?: number) => {
      const clock = new VirtualClock();
      const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
      clock.follow(device);
      const sampler = rateHz
        ? new TraceSampler(device, { rateHz, sink: new TraceCollector(), clock })
        : undefined;
      device.input({ type: 'undock' }, clock.now());
      device.input({ type: 'stick', action: 'insert' }, clock.now());
      clock.advanceBy(40_000);
      device.input({ type: 'puff' }, clock.now());
      clock.advanceBy(400_000);
      device.input({ type: 'dock' }, clock.now());
      clock.advanceBy(900_000);
      sampler?.close();
      clock.advanceBy(1);
      return device.snapshot();
    };
    const plain = run();
    expect(run(10)).toEqual(plain);
    expect(run(250)).toEqual(plain);
  });
});

describe('a traced device reset to factory settings', () => {
  it('goes on sampling the new firmware', () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i' });
    clock.follow(device);
    const sink = new TraceCollector();
    const sampler = new TraceSampler(device, { rateHz: 1, sink, clock });
    clock.advanceBy(10_000);
    device.factoryReset(clock.now());
    clock.advanceBy(10_000);
    sampler.close();
    expect(sink.trace.samples.map((s) => s.atMs)).toEqual(Array.from({ length: 21 }, (_, i) => i * 1000));
  });
});
