/**
 * The dashboard page (docs/ui.md): asks the server what it serves (devices, a capture, a registry),
 * follows the picked device's server-sent events and draws them, and turns the controls into
 * firmware inputs, faults and time steps. Every call carries the token of the page's URL.
 */
import { createCharts } from './charts.js';
import { createDrawing } from './drawing.js';
import { createFleetPanel } from './fleet.js';
import {
  clockText,
  renderCaptureAt,
  renderEvents,
  renderObjects,
  renderRows,
  renderStates,
} from './panels.js';

const token = new URLSearchParams(location.search).get('token') ?? '';
const $ = (id) => document.getElementById(id);
const status = $('status');

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'x-iqsim-token': token,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok)
    throw new Error(
      answer.error ? `${answer.error.code}: ${answer.error.message}` : `HTTP ${response.status}`,
    );
  return answer;
}

/** A device talks to a central only: without one the traffic table stays empty. */
const NO_TRAFFIC = 'No traffic yet: the device talks only to a connected app (App: Connect and read).';

const state = {
  id: undefined,
  source: undefined,
  view: undefined,
  events: [],
  traffic: [],
  charts: undefined,
  drawing: undefined,
};

/** Runs a control's call; a refusal shows under the controls. */
async function act(path, body) {
  $('input-error').textContent = '';
  try {
    await api(`/api/devices/${state.id}/${path}`, body);
  } catch (error) {
    $('input-error').textContent = error.message;
  }
}
const input = (value) => act('input', value);

function apply(message) {
  const view = message.view;
  state.view = view;
  state.drawing(view);
  renderStates($('states'), view);
  $('device-title').textContent = `${view.displayName} (${view.id})`;
  $('btn-stick').textContent = view.holder.stickInserted ? 'Remove stick' : 'Insert stick';
  $('btn-dock').textContent = view.holder.docked ? 'Undock' : 'Dock';
  $('btn-dock').disabled = view.onePiece;
  $('usb').value = view.charger.usbPower;
  state.charts.add(message.samples);
  if (message.events.length > 0) {
    state.events.push(...message.events);
    state.events.splice(0, Math.max(0, state.events.length - 200));
    renderEvents($('events'), state.events);
  }
  if (message.traffic.length > 0) {
    state.traffic.push(...message.traffic);
    state.traffic.splice(0, Math.max(0, state.traffic.length - 500));
    renderRows($('traffic'), state.traffic, 60, undefined, NO_TRAFFIC);
  }
}

/** The device panels, shown (and their drawing and charts made) when the first device is. */
function showDevicePanels() {
  if (state.drawing) return;
  for (const id of ['device', 'controls', 'charts-section', 'traffic-section', 'events-section'])
    $(id).hidden = false;
  state.drawing = createDrawing($('drawing'));
  state.charts = createCharts($('charts'));
}

function follow(id) {
  showDevicePanels();
  state.source?.close();
  state.id = id;
  state.events = [];
  state.traffic = [];
  state.charts.clear();
  renderRows($('traffic'), [], 0, undefined, NO_TRAFFIC);
  renderEvents($('events'), []);
  for (const tr of $('fleet-rows').children) tr.classList.toggle('current', tr.dataset.id === id);
  const source = new EventSource(
    `/api/devices/${encodeURIComponent(id)}/events?token=${encodeURIComponent(token)}`,
  );
  state.source = source;
  const handle = (event) => {
    apply(JSON.parse(event.data));
    status.textContent = `Live: ${id}, virtual time ${clockText(state.view.nowMs)}`;
  };
  source.addEventListener('hello', handle);
  source.addEventListener('update', handle);
  source.addEventListener('error', () => {
    status.textContent = 'Connection to iqsim lost; retrying…';
  });
}

function holdButton(button) {
  const unit = button.dataset.unit;
  let down = false;
  const press = () => {
    if (down) return;
    down = true;
    button.setAttribute('aria-pressed', 'true');
    input({ type: 'button', unit, action: 'press' });
  };
  const release = () => {
    if (!down) return;
    down = false;
    button.setAttribute('aria-pressed', 'false');
    input({ type: 'button', unit, action: 'release' });
  };
  button.addEventListener('pointerdown', (e) => {
    button.setPointerCapture?.(e.pointerId);
    press();
  });
  button.addEventListener('pointerup', release);
  button.addEventListener('pointercancel', release);
  button.addEventListener('keydown', (e) => {
    if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
      e.preventDefault();
      press();
    }
  });
  button.addEventListener('keyup', (e) => {
    if (e.key === ' ' || e.key === 'Enter') release();
  });
}

function wireControls(info) {
  holdButton($('btn-holder'));
  holdButton($('btn-charger'));
  $('btn-stick').addEventListener('click', () =>
    input({ type: 'stick', action: state.view?.holder.stickInserted ? 'remove' : 'insert' }),
  );
  $('btn-puff').addEventListener('click', () => input({ type: 'puff' }));
  $('btn-dock').addEventListener('click', () =>
    input({ type: state.view?.holder.docked ? 'undock' : 'dock' }),
  );
  $('usb').addEventListener('change', () => input({ type: 'usb', power: $('usb').value }));
  $('btn-ambient').addEventListener('click', () =>
    input({ type: 'ambient', tempC: Number($('ambient').value) }),
  );
  const faults = $('fault');
  for (const fault of info.faults) {
    const option = document.createElement('option');
    option.value = fault.id;
    option.textContent = `${fault.id} ${fault.title}${fault.link ? ' (app connected)' : ''}`;
    faults.appendChild(option);
  }
  $('btn-fault').addEventListener('click', () => act('fault', { id: faults.value }));
  $('btn-clear').addEventListener('click', () => act('fault', { id: faults.value, clear: true }));
  $('btn-central').addEventListener('click', () => act('central', { connect: true }));
  $('btn-disconnect').addEventListener('click', () => act('central', { connect: false }));
  if (info.time.kind === 'manual') {
    $('time-controls').hidden = false;
    for (const button of $('time-controls').querySelectorAll('button'))
      button.addEventListener('click', () => act('advance', { ms: Number(button.dataset.advance) }));
  }
}

async function showFleet() {
  const list = await api('/api/devices');
  const tbody = $('fleet-rows');
  tbody.replaceChildren();
  for (const d of list) {
    const tr = document.createElement('tr');
    tr.dataset.id = d.id;
    tr.classList.toggle('current', d.id === state.id);
    const first = document.createElement('td');
    const pick = document.createElement('button');
    pick.type = 'button';
    pick.textContent = d.id;
    pick.setAttribute('aria-label', `Show device ${d.id}`);
    pick.addEventListener('click', () => follow(d.id));
    first.appendChild(pick);
    tr.appendChild(first);
    for (const text of [d.displayName, d.holder, d.charger]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

async function showCapture(info) {
  $('capture').hidden = false;
  const capture = await api('/api/capture');
  $('capture-file').textContent =
    `${info.capture.path} (${info.capture.format}), ${capture.rows.length} packets and link events`;
  const scrub = $('scrub');
  const endMs = Math.ceil(capture.rows.at(-1)?.tMs ?? 0);
  scrub.max = String(endMs);
  scrub.value = String(endMs);
  const els = { at: $('capture-at'), state: $('capture-state'), rows: $('capture-rows') };
  const render = () => renderCaptureAt(els, capture.rows, Number(scrub.value));
  scrub.addEventListener('input', render);
  render();
}

async function showRegistry(info) {
  $('registry').hidden = false;
  $('registry-url').textContent = info.registry;
  const load = async () => {
    try {
      const answer = await api('/api/registry');
      renderObjects($('accounts'), answer.accounts);
      renderObjects($('reg-devices'), answer.devices);
    } catch (error) {
      $('registry-url').textContent = `${info.registry}: ${error.message}`;
    }
  };
  $('btn-registry').addEventListener('click', load);
  await load();
}

async function start() {
  let info;
  try {
    info = await api('/api/info');
  } catch (error) {
    status.textContent = `This page needs the URL iqsim ui printed (${error.message}).`;
    return;
  }
  status.textContent = 'Ready';
  if (info.devices.length > 0 || info.fleet) wireControls(info);
  if (info.fleet) {
    $('fleet-view').hidden = false;
    const panel = createFleetPanel({ api, $, open: follow });
    await panel.refresh();
    setInterval(panel.refresh, 1000);
  }
  if (info.devices.length > 0) {
    if (info.devices.length > 1) {
      $('fleet').hidden = false;
      await showFleet();
      setInterval(showFleet, 2000);
    }
    follow(info.devices[0].id);
  }
  if (info.capture) await showCapture(info);
  if (info.registry) await showRegistry(info);
}

start();
