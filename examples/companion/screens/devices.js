// "My devices": every device registered to the account, paired with this browser or not;
// pair a new one (auto-registered), or register one by its device ID, typed or read from its label.
import { api } from '../api.js';
import { MODEL_NAMES, PairedDevice } from '../device.js';
import { readQrFile } from '../qr.js';
import { busy, clearNotice, field, form, h, notify } from '../ui.js';

/**
 * What a failed Web Bluetooth call means to the user, by the `DOMException` name Chromium gives
 * (docs/companion.md "The reference app").
 */
export function bluetoothMessage(error) {
  switch (error?.name) {
    case 'NotFoundError':
      return 'No device selected. Make sure your device is nearby and switched on, then try again.';
    case 'NetworkError':
      return 'The device is out of range or switched off. Bring it closer and try again.';
    case 'SecurityError':
      return 'The browser did not let this page use the device. Pair it again from My devices.';
    case 'NotSupportedError':
      return 'This device or browser does not support that over Bluetooth.';
    case 'TimeoutError':
    case 'AbortError':
      return 'The device did not answer. Bring it closer and try again.';
    default:
      return 'Something went wrong with Bluetooth. Try again.';
  }
}

/** a paired device that is not registered yet is registered to the logged-in account. */
export async function registerPaired(app, paired) {
  const out = await api.pair(paired.deviceId, paired.model.id);
  notify(
    'ok',
    out.newlyRegistered
      ? `${paired.model.label} ${paired.deviceId} is now registered to your account.`
      : `${paired.model.label} is paired. It was already registered to you.`,
  );
  paired.registered = true;
  app.render();
}

async function pair(app, button) {
  clearNotice();
  let paired;
  try {
    button.disabled = true;
    paired = await PairedDevice.choose();
  } catch (error) {
    notify('error', bluetoothMessage(error));
    return;
  } finally {
    button.disabled = false;
  }
  app.addPaired(paired);
  await busy(
    undefined,
    () => registerPaired(app, paired),
    () => busy(undefined, () => registerPaired(app, paired)),
  );
}

function row(label, value) {
  return h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, value));
}

function deviceCard(app, device) {
  const paired = app.paired.get(device.deviceId);
  const program =
    device.program?.status === 'active'
      ? `active until ${device.program.endsBefore}`
      : (device.program?.status ?? 'not activated').replace('-', ' ');
  // The model as the service knows it from pairing, else as this tab paired it; a device registered
  // by its ID alone has none until it is paired here (device IDs do not name the model).
  const model = MODEL_NAMES[device.model] ?? paired?.model.label;
  return h(
    'li',
    { class: 'card', 'data-device-id': device.deviceId },
    h('h3', {}, model ?? 'Model not known yet'),
    model ? undefined : h('p', { class: 'hint' }, 'Pair it with this browser to see its model.'),
    h(
      'dl',
      {},
      row('Device ID', device.deviceId),
      row(
        'Paired',
        paired?.connected ? 'connected' : paired ? 'paired, not connected' : 'not paired with this browser',
      ),
      row('Warranty until', device.warrantyUntil ?? `12 months from purchase`),
      row('Benefit program', program),
      row('Accidental damage claims left', String(device.accidentalClaimsLeft)),
    ),
    paired ? h('a', { class: 'button', href: `#/device/${device.deviceId}` }, 'Open') : undefined,
  );
}

export function devicesScreen(app) {
  const list = h('ul', { id: 'device-list', class: 'cards' }, h('li', { class: 'hint' }, 'Loading…'));
  const pairButton = h(
    'button',
    { id: 'pair', type: 'button', onclick: () => pair(app, pairButton) },
    'Pair a device',
  );
  const idForm = form(
    'register-form',
    [
      field('Device ID', 'deviceId', {
        required: true,
        placeholder: 'T… (14 characters)',
        autocomplete: 'off',
      }),
    ],
    'Register',
    async (v) => {
      // D-R4: T and 13 letters or digits; spaces, dashes and case are forgiven as the service does.
      const deviceId = v.deviceId.replace(/[\s-]+/g, '').toUpperCase();
      if (!/^T[0-9A-Z]{13}$/.test(deviceId))
        throw new Error('A device ID is a T followed by 13 letters or digits.');
      const out = await api.register(deviceId);
      notify(
        'ok',
        out.newlyRegistered
          ? `Device ${out.deviceId} registered.`
          : `Device ${out.deviceId} was already registered to you.`,
      );
      app.render();
    },
  );
  const qrInput = h('input', { type: 'file', id: 'qr-file', accept: 'image/*' });
  qrInput.addEventListener('change', () => {
    const file = qrInput.files?.[0];
    if (!file) return;
    busy(undefined, async () => {
      const text = await readQrFile(file);
      const { deviceId } = await api.readQr(text);
      idForm.elements.deviceId.value = deviceId;
      notify('info', `Read device ID ${deviceId} from the label. Press Register to add it.`);
    });
  });

  api.devices().then(
    (devices) => {
      list.replaceChildren(
        ...(devices.length
          ? devices.map((d) => deviceCard(app, d))
          : [
              h(
                'li',
                { class: 'hint', id: 'no-devices' },
                'No registered devices yet. Pair one or enter its device ID.',
              ),
            ]),
      );
      list.dataset.count = String(devices.length);
    },
    (error) => {
      list.replaceChildren(h('li', { class: 'error', id: 'devices-error' }, error.message));
      notify(
        'error',
        error.message,
        error.retryable ? { label: 'Retry', run: () => app.render() } : undefined,
      );
    },
  );

  return h(
    'section',
    { id: 'devices' },
    h('h2', {}, 'My devices'),
    pairButton,
    list,
    h('h3', {}, 'Register a device by its ID'),
    h(
      'p',
      { class: 'hint' },
      'The device ID is on the packaging, the invoice and the QR label of the device.',
    ),
    idForm,
    h('label', { for: 'qr-file' }, h('span', {}, 'Or read the QR label (photo or scan)'), qrInput),
  );
}
