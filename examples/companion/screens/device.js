// A paired device: live battery of holder and charger, the session as it happens, settings, usage,
// minor-malfunction helpers (diagnostics, reset guide) and Find My.
import { busy, h, notify } from '../ui.js';
import { bluetoothMessage } from './devices.js';

const HOLDER_STATES = { 1: 'charging', 2: 'charged', 3: 'ready to use', 4: 'cleaning', 5: 'needs charging' };
const END_REASONS = {
  1: 'heating',
  2: 'finished',
  3: 'stopped by you',
  4: 'stopped: heater too hot',
  5: 'stopped: heater power out of range',
  6: 'stopped: battery low',
  7: 'stopped: system fault',
  8: 'finished: puff limit',
  9: 'stopped: too hot around the device',
  10: 'stopped: erratic heater readings',
};

const pct = (value) => (value === undefined ? '—' : `${value} %`);

function batteryText(paired) {
  return { charger: pct(paired.battery.chargerPct), holder: pct(paired.battery.holderPct) };
}

function sessionText(status) {
  if (status.heating) return `Heating: ${status.puffs} puffs`;
  const holder = HOLDER_STATES[status.holderState] ?? 'out of the charger';
  const last = status.endReason
    ? `; last session ${END_REASONS[status.endReason] ?? 'ended'} after ${status.puffs} puffs`
    : '';
  return `Holder ${holder}${last}`;
}

/** A setting control: applies on change, shows the device's read-back, reverts on failure. */
function setting(paired, id, label, control, apply) {
  control.id = id;
  control.disabled = true;
  control.addEventListener('change', () => {
    const value = control.type === 'checkbox' ? control.checked : control.value;
    busy(control, async () => {
      try {
        const applied = await apply(value);
        if (control.type === 'checkbox') control.checked = applied;
        else control.value = applied;
        notify('ok', `${label} saved.`);
      } catch (error) {
        if (control.type === 'checkbox') control.checked = !value;
        const lost = !paired.connected;
        throw new Error(
          lost
            ? `The device disconnected while saving ${label.toLowerCase()}. It may not have been applied: reconnect and check it.`
            : `${label} was not saved. ${bluetoothMessage(error)}`,
        );
      }
    });
  });
  return h('label', { for: id, class: 'setting' }, h('span', {}, label), control);
}

function settingsPanel(paired) {
  if (!paired.model.scp)
    return h(
      'p',
      { class: 'hint', id: 'no-settings' },
      `The ${paired.model.label} has no settings over Bluetooth.`,
    );
  const brightness = h(
    'select',
    {},
    h('option', { value: 'high' }, 'High'),
    h('option', { value: 'low' }, 'Low'),
  );
  const vibrations = h('input', { type: 'checkbox' });
  const controls = [
    setting(paired, 'brightness', 'Brightness', brightness, (v) => paired.setBrightness(v)),
    setting(paired, 'vibrations', 'Vibrations', vibrations, (v) => paired.setVibrations(v)),
  ];
  const autoStart = h('input', { type: 'checkbox' });
  const flexPuff = h('input', { type: 'checkbox' });
  if (paired.model.autoStart)
    controls.push(setting(paired, 'auto-start', 'Auto-start', autoStart, (v) => paired.setAutoStart(v)));
  if (paired.model.flexPuff)
    controls.push(setting(paired, 'flexpuff', 'FlexPuff', flexPuff, (v) => paired.setFlexPuff(v)));
  const panel = h('div', { id: 'settings', 'data-state': 'loading' }, controls);
  busy(undefined, async () => {
    const s = await paired.readSettings();
    brightness.value = s.brightness;
    vibrations.checked = s.vibrations;
    autoStart.checked = s.autoStart === true;
    flexPuff.checked = s.flexPuff === true;
    for (const c of [brightness, vibrations, autoStart, flexPuff]) c.disabled = false;
    panel.dataset.state = 'ready';
  });
  return panel;
}

function usagePanel(paired) {
  if (!paired.model.scp) return h('p', { class: 'hint' }, 'Usage is shown in the app for ILUMA devices.');
  const sticks = h('dd', { id: 'usage-sticks' }, '—');
  const days = h('dd', { id: 'usage-days' }, '—');
  const refresh = h('button', { type: 'button', id: 'usage-refresh' }, 'Refresh');
  const load = () =>
    busy(refresh, async () => {
      try {
        const usage = await paired.readUsage();
        sticks.textContent = String(usage.sticks ?? '—');
        days.textContent = String(usage.days ?? '—');
      } catch (error) {
        throw new Error(
          error.name === 'TimeoutError'
            ? 'Put the holder in the charger to read its usage.'
            : bluetoothMessage(error),
        );
      }
    });
  refresh.addEventListener('click', load);
  load();
  return h(
    'div',
    { id: 'usage' },
    h(
      'dl',
      {},
      h('div', { class: 'row' }, h('dt', {}, 'Sticks used'), sticks),
      h('div', { class: 'row' }, h('dt', {}, 'Days of use'), days),
    ),
    refresh,
  );
}

/** Minor malfunctions: what the status record reports, and the reset every support page gives (hold 10 s). */
function helpPanel(paired, onStatus) {
  const out = h('ul', { id: 'diagnostics' });
  const show = () => {
    const problems = paired.status.problems;
    out.replaceChildren(
      ...(problems.length
        ? problems.map((p) => h('li', { class: 'error' }, p))
        : [h('li', { class: 'ok' }, 'No problems found.')]),
    );
    out.dataset.problems = String(problems.length);
  };
  const guide = h(
    'ol',
    { id: 'reset-guide', hidden: true },
    h('li', {}, 'Put the holder in the charger.'),
    h('li', {}, 'Hold the charger button for 10 seconds, until the lights go off and blink twice.'),
    h('li', {}, 'Release the button; the device restarts.'),
  );
  const waiting = h('p', { id: 'reset-state', hidden: true });
  onStatus(() => {
    if (!out.dataset.problems) return;
    show();
    if (!waiting.hidden && paired.status.problems.length === 0)
      waiting.textContent = 'Your device is working again.';
  });
  return h(
    'div',
    { id: 'help' },
    h('button', { type: 'button', id: 'diagnostics-run', onclick: show }, 'Run diagnostics'),
    out,
    h(
      'button',
      {
        type: 'button',
        id: 'reset-help',
        onclick: () => {
          guide.hidden = false;
          waiting.hidden = false;
          waiting.textContent = paired.status.problems.length
            ? 'Waiting for the device to reset…'
            : 'Your device is working again.';
        },
      },
      'Reset the device',
    ),
    guide,
    waiting,
  );
}

export function deviceScreen(app, deviceId) {
  const paired = app.paired.get(deviceId);
  if (!paired)
    return h(
      'section',
      { id: 'device' },
      h('p', { class: 'error' }, 'This device is not paired with this browser. '),
      h('a', { href: '#/devices' }, 'Back to My devices'),
    );
  const connection = h('span', { id: 'connection' });
  const charger = h('dd', { id: 'charger-battery' });
  const holder = h('dd', { id: 'holder-battery' });
  const session = h('p', { id: 'session' });
  const reconnect = h('button', { type: 'button', id: 'reconnect' }, 'Reconnect');
  const disconnect = h(
    'button',
    { type: 'button', id: 'disconnect', onclick: () => paired.disconnect() },
    'Disconnect',
  );
  const statusListeners = [];
  const update = () => {
    const battery = batteryText(paired);
    charger.textContent = battery.charger;
    holder.textContent = battery.holder;
    session.textContent = sessionText(paired.status);
    session.dataset.heating = String(paired.status.heating === true);
    connection.textContent = paired.connected ? 'Connected' : 'Disconnected';
    document.body.dataset.device = paired.connected ? 'connected' : 'disconnected';
    reconnect.hidden = paired.connected;
    disconnect.hidden = !paired.connected;
  };
  const onStatus = () => {
    update();
    for (const listener of statusListeners) listener();
  };
  const onDisconnected = () => {
    update();
    notify('error', 'The device disconnected. Bring it closer and press Reconnect.');
  };
  paired.addEventListener('battery', update);
  paired.addEventListener('status', onStatus);
  paired.addEventListener('disconnected', onDisconnected);
  app.onLeave(() => {
    paired.removeEventListener('battery', update);
    paired.removeEventListener('status', onStatus);
    paired.removeEventListener('disconnected', onDisconnected);
  });
  reconnect.addEventListener('click', () =>
    busy(reconnect, async () => {
      try {
        await paired.connect();
      } catch (error) {
        throw new Error(bluetoothMessage(error));
      }
      notify('ok', 'Reconnected.');
      app.render();
    }),
  );
  let finding = false;
  const findMy = h('button', { type: 'button', id: 'find-my', hidden: !paired.model.scp }, 'Find my device');
  findMy.addEventListener('click', () =>
    busy(findMy, async () => {
      await paired.findMy(!finding);
      finding = !finding;
      findMy.textContent = finding ? 'Stop ringing' : 'Find my device';
    }),
  );
  update();
  const live = paired.connected;
  return h(
    'section',
    { id: 'device', 'data-device-id': deviceId },
    h('h2', { id: 'device-name' }, paired.device.name ?? paired.model.label),
    h(
      'p',
      {},
      'Device ID ',
      h('code', { id: 'device-id' }, deviceId),
      ' · ',
      connection,
      ' ',
      reconnect,
      disconnect,
    ),
    h('h3', {}, 'Battery'),
    h(
      'dl',
      {},
      h('div', { class: 'row' }, h('dt', {}, 'Charger'), charger),
      h('div', { class: 'row' }, h('dt', {}, 'Holder'), holder),
    ),
    session,
    h('h3', {}, 'Settings'),
    live ? settingsPanel(paired) : h('p', { class: 'hint' }, 'Reconnect to change settings.'),
    h('h3', {}, 'Usage'),
    live ? usagePanel(paired) : h('p', { class: 'hint' }, 'Reconnect to read usage.'),
    h('h3', {}, 'Something wrong?'),
    helpPanel(paired, (listener) => statusListeners.push(listener)),
    h('h3', {}, 'Find My'),
    findMy,
  );
}
