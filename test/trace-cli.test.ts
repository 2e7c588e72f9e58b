/**
 * `--trace` and `iqsim plot` in-process (docs/traces.md). Acceptance of issue 20: the chart of the
 * example scenario's trace shades one pre-heat and one session and marks as many puffs as the
 * scenario's own assertions count; the axes are there. Bad rates, paths and files exit 2 with a code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace } from '../simulator/index.js';
import { cli } from './helpers/cli.js';

const EXAMPLE = 'examples/scenarios/iluma-i-session.json';
const dir = mkdtempSync(join(tmpdir(), 'iqsim-trace-'));

/** The puff count the scenario itself asserts at the end of its session (`status.puffs`). */
function assertedPuffs(): number {
  const scenario = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as {
    steps: { expect?: { status?: { puffs?: number } } }[];
  };
  const counts = scenario.steps.flatMap((s) =>
    s.expect?.status?.puffs === undefined ? [] : [s.expect.status.puffs],
  );
  return counts[counts.length - 1] as number;
}

/** The children of the mark group with `class` in the SVG (one element per datum). */
function markGroup(svg: string, className: string): string {
  const match = new RegExp(`<g[^>]*class="${className}"[^>]*>(.*?)</g>`, 's').exec(svg);
  if (!match) throw new Error(`no ${className} group`);
  return match[1] as string;
}

describe('iqsim scenario --trace, then iqsim plot', () => {
  it('draws the example scenario: one pre-heat, one session, the asserted puffs, the end reason, axes', async () => {
    const trace = join(dir, 'session.jsonl');
    const svgPath = join(dir, 'session.svg');
    const run = await cli('scenario', EXAMPLE, '--trace', trace, '--trace-rate', '2');
    expect(run.code).toBe(0);
    const rows = readTrace(readFileSync(trace, 'utf8'));
    expect(rows.header).toMatchObject({ format: 'iqsim-trace', version: 1, model: 'iluma-i', rateHz: 2 });
    expect(rows.end?.atMs).toBe(360_010);

    const plot = await cli('plot', trace, '--svg', svgPath, '--json');
    expect(plot.err).toBe('');
    expect(plot.code).toBe(0);
    const summary = JSON.parse(plot.out);
    expect(summary.phases.map((p: { phase: string }) => p.phase)).toEqual(['preheat', 'session']);
    // The scenario waits for SESSION_ACTIVE after 20 s of pre-heat and ends at 6 min.
    expect(summary.phases[0].toMs - summary.phases[0].fromMs).toBe(20_000);
    expect(summary.ends).toEqual([
      expect.objectContaining({ reason: 2, reasonName: 'endOfProfile', puffs: 10 }),
    ]);

    const svg = readFileSync(svgPath, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(markGroup(svg, 'preheat').match(/<rect/g)).toHaveLength(1);
    expect(markGroup(svg, 'session').match(/<rect/g)).toHaveLength(1);
    expect(markGroup(svg, 'puff').match(/<line/g)).toHaveLength(assertedPuffs());
    expect(markGroup(svg, 'heater')).toMatch(/<path d="M[^"]{1000,}"/);
    expect(markGroup(svg, 'battery').match(/<path/g)).toHaveLength(2);
    expect(markGroup(svg, 'end-reason')).toContain('end: endOfProfile (2), 10 puffs');
    expect(markGroup(svg, 'led')).toContain('<rect');
    // Three panels on one time axis: three x axes, the last one titled; y axes titled.
    expect(svg.match(/aria-label="x-axis tick"/g)).toHaveLength(3);
    expect(svg).toContain('virtual time (s)');
    expect(svg).toContain('heater °C');
    expect(svg).toContain('battery %');
  });

  it('writes CSV for .csv, which plots the same', async () => {
    const trace = join(dir, 'session.csv');
    expect((await cli('scenario', EXAMPLE, '--trace', trace, '--trace-rate', '1')).code).toBe(0);
    expect(readFileSync(trace, 'utf8').split('\n')[0]).toBe(
      'kind,atMs,holderState,chargerState,heaterC,heaterW,puffFlowMlS,puffs,holderPct,chargerPct,holderLed,chargerLed,event,detail',
    );
    const plot = await cli('plot', trace, '--svg', join(dir, 'csv.svg'), '--json');
    expect(JSON.parse(plot.out)).toMatchObject({
      puffs: 10,
      phases: [{ phase: 'preheat' }, { phase: 'session' }],
    });
  });

  it('refuses a bad rate, an unwritable trace, a plot of what is not a trace, and a missing browser', async () => {
    const rate = await cli('scenario', EXAMPLE, '--trace', join(dir, 'x.jsonl'), '--trace-rate', '0');
    expect([rate.code, rate.err]).toEqual([2, expect.stringContaining('error CLI_BAD_TRACE_RATE:')]);
    const lone = await cli('scenario', EXAMPLE, '--trace-rate', '5');
    expect([lone.code, lone.err]).toEqual([
      2,
      expect.stringContaining('error CLI_USAGE: --trace-rate needs --trace'),
    ]);
    const path = await cli('scenario', EXAMPLE, '--trace', join(dir, 'no', 'such', 'dir.jsonl'));
    expect([path.code, path.err]).toEqual([2, expect.stringContaining('error TRANSPORT_OPEN_FAILED:')]);
    const run = await cli('run', '--model', 'iluma-i', '--trace', join(dir, 'x.csv'), '--trace-rate', '5000');
    expect([run.code, run.err]).toEqual([2, expect.stringContaining('error CLI_BAD_TRACE_RATE:')]);

    const notTrace = join(dir, 'not-a-trace.csv');
    writeFileSync(notTrace, 'a,b\n1,2\n');
    const bad = await cli('plot', notTrace, '--svg', join(dir, 'bad.svg'));
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('error SIM_TRACE:')]);
    const none = await cli('plot', notTrace);
    expect([none.code, none.err]).toEqual([2, expect.stringContaining('error CLI_USAGE:')]);
    const out = await cli('plot', join(dir, 'session.jsonl'), '--svg', join(dir, 'no', 'out.svg'));
    expect([out.code, out.err]).toEqual([2, expect.stringContaining('error CLI_WRITE_FAILED:')]);

    const saved = process.env.IQSIM_CHROMIUM;
    process.env.IQSIM_CHROMIUM = join(dir, 'no-chromium');
    try {
      const png = await cli('plot', join(dir, 'session.jsonl'), '--png', join(dir, 'x.png'));
      expect([png.code, png.err]).toEqual([2, expect.stringContaining('error TRANSPORT_BROWSER_MISSING:')]);
    } finally {
      if (saved === undefined) delete process.env.IQSIM_CHROMIUM;
      else process.env.IQSIM_CHROMIUM = saved;
    }
  });
});
