/**
 * The dashboard's text panels: both state machines and the readings, the decoded traffic, the device
 * events, the capture scrubber and the registry lists. Plain DOM, text only (never HTML from data).
 */
import { lightText } from './drawing.js';

const END_REASONS = [
  'no data',
  'heating',
  'end of profile',
  'user action',
  'heater too hot',
  'heater power',
  'low battery',
  'system fault',
  'puff limit',
  'ambient too high',
  'heater variation',
];

function cell(row, text, tag = 'td') {
  const node = document.createElement(tag);
  node.textContent = text;
  row.appendChild(node);
  return node;
}

/** Virtual ms as m:ss.s (h:mm:ss beyond an hour). */
export function clockText(ms) {
  const s = Math.max(0, ms) / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  const sec = (s % 60).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * `name: value` pairs into a <dl>, each dd with an id (`state-<key>`) the tests read. The same keys
 * as last time change only the texts that changed: the list redraws ten times a second.
 */
function fillList(dl, pairs) {
  const keys = pairs.map(([key]) => key).join(' ');
  if (dl.dataset.keys === keys) {
    pairs.forEach(([, label, value], i) => {
      const dt = dl.children[2 * i];
      const dd = dl.children[2 * i + 1];
      if (dt.textContent !== label) dt.textContent = label;
      if (dd.textContent !== value) dd.textContent = value;
    });
    return;
  }
  dl.dataset.keys = keys;
  dl.replaceChildren();
  for (const [key, label, value] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.id = `state-${key}`;
    dd.textContent = value;
    dl.append(dt, dd);
  }
}

export function renderStates(dl, view) {
  const s = view.session;
  const pct = (n) => `${Math.round(n)} %`;
  fillList(dl, [
    ['time', 'Virtual time', clockText(view.nowMs)],
    ['holder', 'Holder state', view.holder.state],
    ...(view.onePiece ? [] : [['charger', 'Charger state', view.charger.state]]),
    ['holder-light', view.onePiece ? 'Lights' : 'Holder lights', lightText(view.holder.light)],
    ...(view.onePiece ? [] : [['charger-light', 'Charger lights', lightText(view.charger.light)]]),
    [
      'battery',
      'Battery',
      view.onePiece
        ? pct(view.charger.levelPct)
        : `holder ${pct(view.holder.levelPct)}, charger ${pct(view.charger.levelPct)}`,
    ],
    ['heater', 'Heater', `${view.heater.tempC.toFixed(1)} °C, ${view.heater.powerW.toFixed(2)} W`],
    [
      'session',
      'Session',
      s
        ? `${clockText(s.elapsedMs)} of ${clockText(s.lengthMs)}, puffs ${s.puffs} of ${s.maxPuffs}${s.paused ? ', paused' : ''}`
        : view.lastEndReason > 0
          ? `none; the last ended: ${END_REASONS[view.lastEndReason] ?? view.lastEndReason}`
          : 'none yet',
    ],
    [
      'holder-flags',
      'Holder',
      `${view.holder.docked ? 'docked' : 'out'}, stick ${view.holder.stickInserted ? 'in' : 'out'}, ${view.holder.usesLeft} uses left`,
    ],
    ['power', 'USB and room', `USB ${view.charger.usbPower}, ${view.ambientC} °C`],
    [
      'link',
      'Bluetooth',
      `${view.charger.bluetoothOn ? 'on' : 'off'}${view.charger.pairing ? ', pairing' : ''}${view.centralConnected ? ', app connected' : ''}`,
    ],
  ]);
}

/** Decoded fields as `a=1, b.c=2`. */
function fieldText(fields) {
  if (!fields) return '';
  const out = [];
  const walk = (value, prefix) => {
    if (value === null || typeof value !== 'object') out.push(`${prefix}=${value}`);
    else for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  walk(fields, '');
  return out.join(', ');
}

const ARROWS = { toDevice: '→ dev', toHost: '← dev', '': '' };

/** Rows newest first, at most `limit`; `current` (a row) is marked; `empty` says why there are none. */
export function renderRows(tbody, rows, limit, current, empty = 'none yet') {
  tbody.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    cell(tr, empty).colSpan = 4;
    tbody.appendChild(tr);
  }
  for (let i = rows.length - 1; i >= 0 && rows.length - i <= limit; i--) {
    const row = rows[i];
    const tr = document.createElement('tr');
    if (row === current) tr.className = 'current';
    cell(tr, clockText(row.tMs));
    cell(tr, ARROWS[row.dir] ?? row.dir);
    cell(tr, row.summary);
    const decoded = cell(tr, fieldText(row.fields) || row.hex);
    decoded.className = 'decoded';
    tbody.appendChild(tr);
  }
}

function eventText(e) {
  switch (e.type) {
    case 'state':
      return `${e.unit} ${e.from} → ${e.to}`;
    case 'led':
      return `${e.unit} lights ${lightText(e.light)}`;
    case 'heater':
      return `heater ${e.tempC} °C, ${e.powerW} W`;
    case 'battery':
      return `battery holder ${e.holderPct} %, charger ${e.chargerPct} %`;
    case 'session':
      return `session ${e.phase}, ${e.puffs} puffs`;
    case 'puff':
      return `puff ${e.puffs}${e.counted ? '' : ' (not counted)'}`;
    case 'notify':
      return `notify ${e.characteristic} ${e.hex}`;
    case 'vibration':
      return `${e.unit} vibration (${e.reason})`;
    case 'connection':
      return e.connected ? `central ${e.central} connected` : `central ${e.central} disconnected`;
    default: {
      const { type, atMs: _at, ...rest } = e;
      return `${type} ${JSON.stringify(rest)}`;
    }
  }
}

export function renderEvents(ol, events) {
  ol.replaceChildren();
  for (const e of events.slice(-30).reverse()) {
    const li = document.createElement('li');
    li.textContent = `${clockText(e.atMs)}  ${eventText(e)}`;
    ol.appendChild(li);
  }
}

/** The capture as of the slider: rows up to then, the last battery and status records decoded. */
export function renderCaptureAt(els, rows, atMs) {
  let upto = 0;
  while (upto < rows.length && rows[upto].tMs <= atMs) upto++;
  const shown = rows.slice(0, upto);
  const last = (summary) => [...shown].reverse().find((r) => r.summary === summary && r.fields);
  els.at.textContent = `${clockText(atMs)}: ${upto} of ${rows.length} packets and link events`;
  const battery = last('notify battery');
  const status = last('notify status');
  fillList(els.state, [
    ['cap-battery', 'Battery (last notified)', battery ? fieldText(battery.fields) : 'none yet'],
    ['cap-status', 'Status (last notified)', status ? fieldText(status.fields) : 'none yet'],
    ['cap-last', 'Last packet', shown.at(-1)?.summary ?? 'none yet'],
  ]);
  renderRows(els.rows, shown, 40, shown.at(-1));
}

/** A list of objects as a table: one column per key of the first few objects. */
export function renderObjects(table, list) {
  table.replaceChildren();
  const items = Array.isArray(list) ? list : (list?.accounts ?? list?.devices ?? []);
  if (items.length === 0) {
    const caption = document.createElement('caption');
    caption.textContent = 'none';
    table.appendChild(caption);
    return;
  }
  const keys = [...new Set(items.slice(0, 5).flatMap((o) => Object.keys(o)))].slice(0, 6);
  const head = document.createElement('thead');
  const hr = document.createElement('tr');
  for (const key of keys) cell(hr, key, 'th').setAttribute('scope', 'col');
  head.appendChild(hr);
  const body = document.createElement('tbody');
  for (const item of items) {
    const tr = document.createElement('tr');
    for (const key of keys) {
      const value = item[key];
      cell(
        tr,
        value === null || value === undefined
          ? ''
          : typeof value === 'object'
            ? JSON.stringify(value)
            : String(value),
      );
    }
    body.appendChild(tr);
  }
  table.append(head, body);
}

/** Counts by name, the largest first: `IDLE_READY 120, DOCKED_READY 80`. */
function histogram(counts) {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n}`);
  return parts.join(', ') || 'none';
}

/** A fleet's figures (`GET /api/fleet`, docs/fleet.md "Statistics") into a <dl>. */
export function renderFleetSummary(dl, summary) {
  const s = summary.stats;
  const late = s.lateness;
  fillList(dl, [
    ['fleet-devices', 'Devices', String(s.devices)],
    [
      'fleet-running',
      'Running',
      s.devices === summary.count ? String(s.running) : `${s.running} (a shard of ${summary.count})`,
    ],
    ['fleet-time', 'Virtual time', clockText(s.atMs)],
    ['fleet-holders', 'Holders', histogram(s.states.holder)],
    ['fleet-chargers', 'Chargers', histogram(s.states.charger)],
    ['fleet-sessions', 'Sessions', `${s.sessions} (${s.failedStarts} could not start), ${s.puffs} puffs`],
    [
      'fleet-faults',
      'Faults',
      `${s.faults.injected} injected, ${s.faults.errors} errors, ${s.isolated.length} isolated`,
    ],
    [
      'fleet-lateness',
      'Lateness',
      late
        ? `p50 ${late.p50Ms} ms, p99 ${late.p99Ms} ms, max ${late.maxMs} ms`
        : 'not measured (manual time)',
    ],
  ]);
}
