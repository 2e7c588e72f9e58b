// A paired device as the model has it (one battery on one-piece units, charger and holder otherwise),
// the session as the device runs it (pre-heat, ready, time and puffs left, how it ended), settings,
// usage, what a fault means in plain words, the reset guide and Find My.
import { SESSION } from '../device.js';
import { endReasonText, problemsOf } from '../faults.js';
import { busy, h, notify } from '../ui.js';
import { bluetoothMessage } from './devices.js';

const pct = (value) => (value === undefined ? '—' : `${value} %`);
const puffs = (n) => `${n} puff${n === 1 ? '' : 's'}`;
const minutes = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
/** Problems the screen does not raise unprompted (docs/faults.md F-06: diagnostics only). */
const QUIET = new Set(['F-06']);

/** The holder row of a two-piece device: its level in the charger, "In use" or where it is out of it. */
function holderText(paired) {
  if (!paired.connected) return '—';
  if (paired.battery.holderPct !== undefined) return pct(paired.battery.holderPct);
  if (paired.status.heating) return 'In use';
  return paired.holderLevel === undefined
    ? 'Out of the charger'
    : `Out of the charger (${paired.holderLevel} % when taken out)`;
}

/**
 * The session line: `{ phase, text }`. The status record gives only "heating", the puffs and the end
 * reason (§3.5); pre-heat, time left and puffs left come from the documented limits (device.js
 * SESSION) and the app's own clock since it saw heating start: estimates (docs/companion.md "The
 * session").
 */
export function sessionLine(paired, now) {
  const status = paired.status;
  if (!paired.connected) return { phase: 'unknown', text: 'Not connected: reconnect to see the device.' };
  const maxPuffs = SESSION.maxPuffs + (paired.flexPuffOn ? SESSION.flexPuffExtra : 0);
  if (status.heating) {
    const puffsLeft = Math.max(0, maxPuffs - status.puffs);
    const session = paired.session;
    if (!session?.startSeen)
      return {
        phase: 'heating',
        text: `In use: up to ${puffs(puffsLeft)} left (the session started before the app connected; time left unknown)`,
      };
    const elapsed = Math.floor((now - session.startedAt) / 1000);
    if (status.puffs === 0 && elapsed < SESSION.preheatSeconds)
      return { phase: 'preheat', text: `Heating up: ready in about ${SESSION.preheatSeconds - elapsed} s` };
    const timeLeft = Math.max(0, SESSION.maxSeconds - elapsed);
    const ending = timeLeft <= SESSION.warnSeconds || puffsLeft <= SESSION.warnPuffs;
    return {
      phase: ending ? 'ending' : 'ready',
      text: `${ending ? 'Ending soon' : 'Ready'}: up to ${puffs(puffsLeft)} and about ${minutes(timeLeft)} left (${puffs(status.puffs)} taken)`,
    };
  }
  if (status.endReason >= 2)
    return {
      phase: 'ended',
      text: `The last session ${endReasonText(status.endReason)}, after ${puffs(status.puffs)}.`,
    };
  return { phase: 'idle', text: 'No session yet.' };
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

/** D-13 (docs/protocol.md): a two-piece holder answers the app only from its charger. */
const holderOut = (what) =>
  `Put the holder back in the charger to ${what}: out of it, the holder does not answer the app.`;

/**
 * Settings: read when the heating unit answers (a two-piece holder only in its charger), greyed with
 * the reason otherwise. Returns the panel and `refresh()` for every battery or status change.
 */
function settingsPanel(paired) {
  if (!paired.model.scp)
    return {
      panel: h(
        'p',
        { class: 'hint', id: 'no-settings' },
        `The ${paired.model.label} has no settings over Bluetooth.`,
      ),
      refresh() {},
    };
  const brightness = h(
    'select',
    {},
    h('option', { value: 'high' }, 'High'),
    h('option', { value: 'low' }, 'Low'),
  );
  const vibrations = h('input', { type: 'checkbox' });
  const autoStart = h('input', { type: 'checkbox' });
  const flexPuff = h('input', { type: 'checkbox' });
  const inputs = [brightness, vibrations];
  const controls = [
    setting(paired, 'brightness', 'Brightness', brightness, (v) => paired.setBrightness(v)),
    setting(paired, 'vibrations', 'Vibrations', vibrations, (v) => paired.setVibrations(v)),
  ];
  if (paired.model.autoStart) {
    inputs.push(autoStart);
    controls.push(setting(paired, 'auto-start', 'Auto-start', autoStart, (v) => paired.setAutoStart(v)));
  }
  if (paired.model.flexPuff) {
    inputs.push(flexPuff);
    controls.push(setting(paired, 'flexpuff', 'FlexPuff', flexPuff, (v) => paired.setFlexPuff(v)));
  }
  const note = h('p', { class: 'hint', id: 'settings-note' });
  const panel = h('div', { id: 'settings', 'data-state': 'loading' }, note, controls);
  let loaded = false;
  let loading = false;
  // A failed read is retried from the banner's Retry or a reconnect, never by itself: an automatic
  // retry of a read that fails at once would spin.
  let failed = false;
  const show = (state, text) => {
    panel.dataset.state = state;
    note.textContent = text;
    note.hidden = text === '';
    for (const input of inputs) input.disabled = state !== 'ready';
  };
  const load = () => {
    loading = true;
    failed = false;
    show('loading', 'Reading the settings from the device…');
    busy(
      undefined,
      async () => {
        try {
          const s = await paired.readSettings();
          brightness.value = s.brightness;
          vibrations.checked = s.vibrations;
          autoStart.checked = s.autoStart === true;
          flexPuff.checked = s.flexPuff === true;
          loaded = true;
        } catch (error) {
          failed = true;
          throw new Error(`The settings could not be read. ${bluetoothMessage(error)}`);
        } finally {
          loading = false;
          refresh();
        }
      },
      () => {
        if (paired.holderReachable && !loading) load();
      },
    );
  };
  const refresh = () => {
    if (loading) return;
    if (!paired.connected) show('unavailable', 'Reconnect to change settings.');
    else if (!paired.holderReachable) show('unavailable', holderOut('change settings'));
    else if (failed) show('unavailable', 'The settings could not be read.');
    else if (!loaded) load();
    else show('ready', '');
  };
  return { panel, refresh };
}

/** Usage counters: read when the heating unit answers, and again after each session. */
function usagePanel(paired) {
  if (!paired.model.scp)
    return { panel: h('p', { class: 'hint' }, 'Usage is shown in the app for ILUMA devices.'), refresh() {} };
  const sticks = h('dd', { id: 'usage-sticks' }, '—');
  const days = h('dd', { id: 'usage-days' }, '—');
  const note = h('p', { class: 'hint', id: 'usage-note', hidden: true });
  const refreshButton = h('button', { type: 'button', id: 'usage-refresh' }, 'Refresh');
  let loaded = false;
  let loading = false;
  // As for the settings: after a failed read only Refresh or a reconnect reads again.
  let failed = false;
  const load = () => {
    loading = true;
    failed = false;
    busy(refreshButton, async () => {
      try {
        const usage = await paired.readUsage();
        sticks.textContent = String(usage.sticks ?? '—');
        days.textContent = String(usage.days ?? '—');
        loaded = true;
      } catch (error) {
        failed = true;
        throw new Error(`The usage could not be read. ${bluetoothMessage(error)}`);
      } finally {
        loading = false;
        refresh();
      }
    });
  };
  const refresh = () => {
    if (loading) return;
    if (paired.holderReachable && !failed && (!loaded || paired.usageStale)) {
      load();
      return;
    }
    note.hidden = !paired.usageStale && loaded;
    note.textContent = !paired.connected
      ? 'Reconnect to read the usage.'
      : loaded
        ? 'A session ended since the counters were read: they update when the holder is back in the charger.'
        : 'The counters are read when the holder is back in the charger.';
  };
  refreshButton.addEventListener('click', () => {
    if (paired.holderReachable) load();
    else notify('info', paired.connected ? holderOut('read its usage') : 'Reconnect to read the usage.');
  });
  return {
    panel: h(
      'div',
      { id: 'usage' },
      h(
        'dl',
        {},
        h('div', { class: 'row' }, h('dt', {}, 'Sticks used'), sticks),
        h('div', { class: 'row' }, h('dt', {}, 'Days of use'), days),
      ),
      note,
      refreshButton,
    ),
    refresh,
  };
}

/** Minor malfunctions: what the status record reports, and the reset every support page gives (hold 10 s). */
function helpPanel(paired) {
  const out = h('ul', { id: 'diagnostics' });
  const problems = () => problemsOf(paired.status, paired.model.onePiece);
  const show = () => {
    const found = problems();
    out.replaceChildren(
      ...(found.length
        ? found.map((p) => h('li', { class: 'error', 'data-fault': p.id }, p.text))
        : [h('li', { class: 'ok' }, 'No problems found.')]),
    );
    out.dataset.problems = String(found.length);
  };
  const guide = h(
    'ol',
    { id: 'reset-guide', hidden: true },
    paired.model.onePiece ? undefined : h('li', {}, 'Put the holder in the charger.'),
    h(
      'li',
      {},
      `Hold the ${paired.model.onePiece ? 'device' : 'charger'} button for 10 seconds, until the lights go off and blink twice.`,
    ),
    h('li', {}, 'Release the button; the device restarts.'),
  );
  const waiting = h('p', { id: 'reset-state', hidden: true });
  const refresh = () => {
    if (!out.dataset.problems) return;
    show();
    if (!waiting.hidden && problems().length === 0) waiting.textContent = 'Your device is working again.';
  };
  const panel = h(
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
          waiting.textContent = problems().length
            ? 'Waiting for the device to reset…'
            : 'Your device is working again.';
        },
      },
      'Reset the device',
    ),
    guide,
    waiting,
  );
  return { panel, refresh };
}

function row(label, dd) {
  return h('div', { class: 'row' }, h('dt', {}, label), dd);
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
  const onePiece = paired.model.onePiece;
  const connection = h('span', { id: 'connection' });
  const charger = h('dd', { id: onePiece ? 'battery' : 'charger-battery' });
  const holder = h('dd', { id: 'holder-battery' });
  const alert = h('div', { id: 'device-problem', role: 'alert' });
  const session = h('p', { id: 'session' });
  const reconnect = h('button', { type: 'button', id: 'reconnect' }, 'Reconnect');
  const disconnect = h(
    'button',
    { type: 'button', id: 'disconnect', onclick: () => paired.disconnect() },
    'Disconnect',
  );
  const settings = settingsPanel(paired);
  const usage = usagePanel(paired);
  const help = helpPanel(paired);
  const showSession = () => {
    const line = sessionLine(paired, Date.now());
    session.textContent = line.text;
    session.dataset.phase = line.phase;
  };
  const update = () => {
    charger.textContent = pct(paired.connected ? paired.battery.chargerPct : undefined);
    holder.textContent = holderText(paired);
    showSession();
    const problems = problemsOf(paired.status, onePiece).filter((p) => !QUIET.has(p.id));
    alert.replaceChildren(...problems.map((p) => h('p', { 'data-fault': p.id }, p.text)));
    alert.hidden = problems.length === 0;
    connection.textContent = paired.connected ? 'Connected' : 'Disconnected';
    document.body.dataset.device = paired.connected ? 'connected' : 'disconnected';
    reconnect.hidden = paired.connected;
    disconnect.hidden = !paired.connected;
    settings.refresh();
    usage.refresh();
    help.refresh();
  };
  const onDisconnected = () => {
    update();
    notify('error', 'The device disconnected. Bring it closer and press Reconnect.');
  };
  // Time and puffs left count down between records (docs/companion.md "The session").
  const ticker = setInterval(showSession, 1000);
  paired.addEventListener('battery', update);
  paired.addEventListener('status', update);
  paired.addEventListener('disconnected', onDisconnected);
  app.onLeave(() => {
    clearInterval(ticker);
    paired.removeEventListener('battery', update);
    paired.removeEventListener('status', update);
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
  return h(
    'section',
    { id: 'device', 'data-device-id': deviceId },
    h('h2', { id: 'device-name' }, paired.model.label),
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
    alert,
    h('h3', {}, 'Battery'),
    h('dl', {}, onePiece ? row('Device', charger) : [row('Charger', charger), row('Holder', holder)]),
    h('h3', {}, 'Session'),
    session,
    h(
      'p',
      { class: 'hint' },
      'Pre-heat, time left and puffs left are estimates: the device sends only the puffs and how a session ended.',
    ),
    h('h3', {}, 'Settings'),
    settings.panel,
    h('h3', {}, 'Usage'),
    usage.panel,
    h('h3', {}, 'Something wrong?'),
    help.panel,
    h('h3', {}, 'Find My'),
    findMy,
  );
}
