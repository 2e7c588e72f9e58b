/**
 * The session chart of a trace as SVG (docs/traces.md "Plots"), drawn with Observable Plot on
 * linkedom's DOM (docs/decisions.md "Trace plots: Observable Plot on linkedom (issue 20 item 2)"): three panels on one
 * time axis — heater temperature with the pre-heat and session phases shaded, the counted puffs and
 * each session's end reason; both batteries; the lights of both units. Every mark group carries an
 * `aria-label` (`preheat`, `session`, `puff`, `session end`, `heater`, `battery`, `led`), which is
 * what tests and readers of the SVG find it by. Both packages are optional peers, loaded here.
 */
import type { ChartData, Trace, TraceSample } from '../simulator/index.js';
import { chartData } from '../simulator/index.js';
import { importWithOptional } from './optional-package.js';

/** The packages `iqsim plot` needs. */
export const PLOT_PACKAGES: readonly string[] = ['@observablehq/plot', 'linkedom'];

type PlotModule = typeof import('@observablehq/plot');

const WIDTH = 960;
const MARGIN_LEFT = 60;
const PHASE_FILL = { preheat: '#f5a623', session: '#4caf50' } as const;
const LED_FILL: Readonly<Record<string, string>> = {
  white: '#9e9e9e',
  green: '#2e7d32',
  orange: '#ef6c00',
  red: '#c62828',
  yellow: '#f9a825',
  none: '#ffffff',
};

/** Seconds up to 20 minutes, then minutes. */
function timeUnit(spanMs: number): { per: number; label: string } {
  return spanMs <= 20 * 60_000
    ? { per: 1000, label: 'virtual time (s)' }
    : { per: 60_000, label: 'virtual time (min)' };
}

interface Panel {
  svg: string;
  height: number;
  /** The panel's key: swatch colour (or `line:`/`dash:` colour) and label. */
  legend: readonly (readonly [string, string])[];
}

/** A key drawn above a panel: a swatch (box, line or dashed rule) and its label per item. */
function legendSvg(items: Panel['legend'], y: number): string {
  // Right of the y-axis label that Plot puts at the panel's top-left corner.
  let x = MARGIN_LEFT + 90;
  const parts = items.map(([style, label]) => {
    const [kind, colour] = style.includes(':') ? style.split(':') : ['box', style];
    const swatch =
      kind === 'text'
        ? ''
        : kind === 'box'
          ? `<rect x="${x}" y="${y - 9}" width="12" height="10" fill="${colour}" fill-opacity="0.45"/>`
          : `<line x1="${x}" x2="${x + 12}" y1="${y - 4}" y2="${y - 4}" stroke="${colour}" stroke-width="2"${kind === 'dash' ? ' stroke-dasharray="3,2"' : ''}/>`;
    const text = `<text x="${x + (kind === 'text' ? 0 : 16)}" y="${y}" font-size="12" fill="#212121">${escapeXml(label)}</text>`;
    x += (kind === 'text' ? 0 : 16) + label.length * 6.6 + 18;
    return swatch + text;
  });
  return `<g class="legend">${parts.join('')}</g>`;
}

function panels(Plot: PlotModule, document: unknown, trace: Trace, data: ChartData): Panel[] {
  const unit = timeUnit(data.toMs - data.fromMs);
  const t = (ms: number): number => ms / unit.per;
  const x = { domain: [t(data.fromMs), t(data.toMs)], label: unit.label, labelAnchor: 'right' as const };
  const base = { document, width: WIDTH, marginLeft: MARGIN_LEFT, marginRight: 20 } as const;
  const samples = trace.samples.map((s: TraceSample) => ({ ...s, t: t(s.atMs) }));
  const maxC = Math.max(60, ...samples.map((s) => s.heaterC));
  const top = Math.ceil((maxC * 1.12) / 50) * 50;
  const phase = (which: 'preheat' | 'session') =>
    Plot.rectY(
      data.phases.filter((p) => p.phase === which),
      {
        x1: (p) => t(p.fromMs),
        x2: (p) => t(p.toMs),
        y1: 0,
        y2: top,
        fill: PHASE_FILL[which],
        fillOpacity: 0.18,
        className: which,
      },
    );
  const ends = data.ends.map((e) => ({
    ...e,
    t: t(e.atMs),
    text: `end: ${e.reasonName} (${e.reason}), ${e.puffs} puffs`,
  }));
  const temperature = Plot.plot({
    ...base,
    height: 300,
    marginTop: 30,
    x: { ...x, label: null },
    y: { domain: [0, top], label: 'heater °C', grid: true },
    marks: [
      phase('preheat'),
      phase('session'),
      Plot.ruleX(data.puffsAtMs, {
        x: (ms: number) => t(ms),
        stroke: '#1565c0',
        strokeOpacity: 0.7,
        strokeDasharray: '3,2',
        className: 'puff',
      }),
      Plot.dot(data.puffsAtMs, {
        x: (ms: number) => t(ms),
        y: top * 0.96,
        r: 3,
        fill: '#1565c0',
        className: 'puff-marker',
      }),
      Plot.lineY(samples, { x: 't', y: 'heaterC', stroke: '#d32f2f', strokeWidth: 1.5, className: 'heater' }),
      Plot.ruleX(ends, { x: 't', stroke: '#424242', strokeWidth: 1.5, className: 'session-end' }),
      Plot.text(ends, {
        x: 't',
        y: top * 0.06,
        text: 'text',
        textAnchor: 'end',
        dx: -4,
        fontSize: 11,
        fill: '#212121',
        className: 'end-reason',
      }),
    ],
  });
  const batteries = samples.flatMap((s) => [
    { t: s.t, pct: s.holderPct, unit: 'holder' },
    { t: s.t, pct: s.chargerPct, unit: 'charger' },
  ]);
  const battery = Plot.plot({
    ...base,
    height: 170,
    marginTop: 24,
    x: { ...x, label: null },
    y: { domain: [0, 100], label: 'battery %', grid: true },
    color: { domain: ['holder', 'charger'], range: ['#6a1b9a', '#00838f'] },
    marks: [
      Plot.lineY(batteries, { x: 't', y: 'pct', stroke: 'unit', strokeWidth: 1.5, className: 'battery' }),
    ],
  });
  const leds = data.leds.map((l) => ({ ...l, t1: t(l.fromMs), t2: t(l.toMs) }));
  const lights = Plot.plot({
    ...base,
    height: 110,
    marginTop: 24,
    x,
    y: { domain: ['holder', 'charger'], label: null },
    marks: [
      Plot.barX(
        leds.filter((l) => l.pattern !== 'off'),
        {
          x1: 't1',
          x2: 't2',
          y: 'unit',
          fill: (l) => LED_FILL[l.colour] ?? '#000000',
          fillOpacity: (l) => (l.pattern === 'steady' ? 0.95 : 0.55),
          title: 'led',
          className: 'led',
        },
      ),
    ],
  });
  const legends: Panel['legend'][] = [
    [
      [PHASE_FILL.preheat, 'pre-heat'],
      [PHASE_FILL.session, 'session'],
      ['line:#d32f2f', 'heater °C'],
      ['dash:#1565c0', `puff (${data.puffsAtMs.length})`],
      ['line:#424242', 'session end'],
    ],
    [
      ['line:#6a1b9a', 'holder battery %'],
      ['line:#00838f', 'charger battery %'],
    ],
    [
      ['#9e9e9e', 'white'],
      ['#2e7d32', 'green'],
      ['#ef6c00', 'orange'],
      ['#c62828', 'red'],
      ['#f9a825', 'yellow'],
      ['text:', '(dark: steady; pale: blinking or pulsing)'],
    ],
  ];
  return [temperature, battery, lights].map((figure, i) => ({
    svg: (figure as unknown as { outerHTML: string }).outerHTML,
    height: Number((figure as unknown as { getAttribute(name: string): string }).getAttribute('height')),
    legend: legends[i] ?? [],
  }));
}

/** The chart of `trace` as one SVG document (the panels stacked as nested `<svg>` elements). */
export async function renderTraceSvg(trace: Trace): Promise<string> {
  const [Plot, { parseHTML }] = await importWithOptional(PLOT_PACKAGES, 'iqsim plot', () =>
    Promise.all([import('@observablehq/plot'), import('linkedom')]),
  );
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const data = chartData(trace);
  const sessions = data.phases.filter((p) => p.phase === 'session').length;
  const title = `${trace.header.model}: ${sessions} ${sessions === 1 ? 'session' : 'sessions'}, ${data.puffsAtMs.length} puffs, ${trace.samples.length} samples at ${trace.header.rateHz} Hz`;
  let y = 36;
  const stacked = panels(Plot, document, trace, data).map((panel) => {
    const placed = `${legendSvg(panel.legend, y + 14)}\n${panel.svg.replace(/^<svg\b/, `<svg x="0" y="${y + 8}"`)}`;
    y += panel.height + 8;
    return placed;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 8}" viewBox="0 0 ${WIDTH} ${y + 8}" font-family="system-ui, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${MARGIN_LEFT}" y="22" font-size="15" font-weight="600" aria-label="title">${escapeXml(title)}</text>`,
    ...stacked,
    '</svg>\n',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
