/**
 * The live charts (uPlot, canvas; docs/decisions.md "Live dashboard (issue 20 item 3)" says why): heater °C, heater
 * power, both battery levels and the session's puffs against virtual time. Samples arrive with the
 * server's updates; the charts redraw in animation frames, five charts a frame, and only when
 * something arrived. `?charts=N` on the page URL draws N charts (the five repeated), what `npm run bench -- ui`
 * uses for its 10-chart frame time. `window.__iqsimChartDraws` counts redraws (the bench reads it).
 */

/**
 * Charts redrawn in one animation frame: ten charts take two frames (33 ms at 60 Hz, well inside the
 * 100 ms between samples), and no frame pays for all of them.
 */
const CHARTS_PER_FRAME = 5;

/** Virtual seconds a chart shows: the last ten minutes, more than a whole heating session. */
const WINDOW_S = 600;

const SERIES = [
  { key: 'heaterC', title: 'Heater temperature', unit: '°C', colour: '#c0392b' },
  { key: 'powerW', title: 'Heater power', unit: 'W', colour: '#8e44ad' },
  { key: 'holderPct', title: 'Holder battery', unit: '%', colour: '#1e7b34' },
  { key: 'chargerPct', title: 'Charger battery', unit: '%', colour: '#1f5fa8' },
  { key: 'puffs', title: 'Puffs this session', unit: '', colour: '#9a5b00', atLeast: 4 },
];

function chartCount() {
  const asked = Number(new URLSearchParams(location.search).get('charts'));
  return Number.isInteger(asked) && asked > 0 && asked <= 40 ? asked : SERIES.length;
}

export function createCharts(container) {
  container.replaceChildren();
  const data = { tS: [], ...Object.fromEntries(SERIES.map((s) => [s.key, []])) };
  const charts = [];
  window.__iqsimChartDraws = 0;
  for (let i = 0; i < chartCount(); i++) {
    const series = SERIES[i % SERIES.length];
    const box = document.createElement('figure');
    box.className = 'chart';
    const caption = document.createElement('figcaption');
    caption.textContent = `${series.title}${series.unit ? ` (${series.unit})` : ''}`;
    const plot = document.createElement('div');
    plot.setAttribute('role', 'img');
    plot.setAttribute('aria-label', `${series.title} over virtual time`);
    box.append(caption, plot);
    container.appendChild(box);
    charts.push({ series, plot, box, uplot: undefined });
  }
  let dirty = false;
  let frame = 0;

  const width = (box) => Math.max(200, Math.floor(box.clientWidth - 4));
  const make = (chart) =>
    new window.uPlot(
      {
        width: width(chart.box),
        height: 150,
        legend: { show: false },
        cursor: { show: false },
        // Puffs start at 0 and count up: an axis from 0 to at least a few keeps a flat 0 readable.
        scales: {
          x: { time: false },
          ...(chart.series.atLeast
            ? { y: { range: (_u, _min, max) => [0, Math.max(chart.series.atLeast, Math.ceil(max))] } }
            : {}),
        },
        axes: [
          { label: 'virtual s', size: 36, stroke: '#333' },
          { size: 56, stroke: '#333' },
        ],
        series: [{}, { label: chart.series.title, stroke: chart.series.colour, width: 2 }],
      },
      [data.tS, data[chart.series.key]],
      chart.plot,
    );

  /** Charts still to redraw with the newest data: a redraw is spread over frames, a few charts each. */
  let pending = [];

  function draw() {
    frame = 0;
    if (dirty) {
      dirty = false;
      pending = [...charts];
    }
    if (pending.length === 0) return;
    for (const chart of pending.splice(0, CHARTS_PER_FRAME)) {
      if (!chart.uplot) chart.uplot = make(chart);
      else chart.uplot.setData([data.tS, data[chart.series.key]]);
    }
    window.__iqsimChartDraws += 1;
    if (pending.length > 0) frame = requestAnimationFrame(draw);
  }

  addEventListener('resize', () => {
    for (const chart of charts) chart.uplot?.setSize({ width: width(chart.box), height: 150 });
  });

  return {
    /** Adds samples (a sample at the last one's time replaces it) and asks for a redraw. */
    add(samples) {
      for (const sample of samples) {
        const last = data.tS.length - 1;
        const at = last >= 0 && data.tS[last] === sample.tS ? last : data.tS.length;
        data.tS[at] = sample.tS;
        for (const s of SERIES) data[s.key][at] = sample[s.key];
      }
      const newest = data.tS[data.tS.length - 1] ?? 0;
      let drop = 0;
      while (drop < data.tS.length && data.tS[drop] < newest - WINDOW_S) drop++;
      if (drop > 0) for (const key of Object.keys(data)) data[key].splice(0, drop);
      dirty = true;
      if (!frame) frame = requestAnimationFrame(draw);
    },
    /** Forgets every sample (another device was picked). */
    clear() {
      for (const key of Object.keys(data)) data[key].length = 0;
      dirty = true;
    },
  };
}
