// The pairing page of a companion web app, written the way such pages are: standard Web
// Bluetooth only (navigator.bluetooth), no iqsim imports. iqsim tests run it unmodified against
// virtual devices (test/webbluetooth-browser.test.ts).

const IQOS_SERVICE = 'daebb240-b041-11e4-9e45-0002a5d5c51b';
const SCP_CONTROL_POINT = 'e16c6e20-b041-11e4-a4c3-0002a5d5c51b';
const BATTERY = 'f8a54120-b041-11e4-9be7-0002a5d5c51b';
const DEVICE_INFORMATION = 0x180a;
const MODEL_NUMBER = 0x2a24;

// SCP requests as BLE values (transport byte first), from `iqsim encode <command>`.
const REQUESTS = {
  brightnessHigh: [0x00, 0xc0, 0x46, 0x23, 0x64, 0x00, 0x00, 0x00, 0x4f], // set-brightness high
  brightnessLow: [0x00, 0xc0, 0x46, 0x23, 0x1e, 0x00, 0x00, 0x00, 0xe1], // set-brightness low
  findMyStart: [0x00, 0xc0, 0x45, 0x22, 0x01, 0x1e, 0x00, 0x00, 0xc3], // find-my start
};

const $ = (id) => document.getElementById(id);
let device;
let controlPoint;

function log(text) {
  $('log').textContent += `${new Date().toISOString().slice(11, 23)} ${text}\n`;
}

function setState(state, text) {
  document.body.dataset.state = state;
  $('status').textContent = text;
  const connected = state === 'connected';
  for (const button of document.querySelectorAll('[data-needs-device]')) button.disabled = !connected;
  $('disconnect').disabled = !connected;
  $('connect').disabled = state === 'connecting' || connected;
}

function hex(view) {
  return Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), (b) =>
    b.toString(16).padStart(2, '0').toUpperCase(),
  ).join(' ');
}

/** Battery characteristic: u16 flags, then the charger level in % (byte 2). */
function showBattery(view) {
  if (view.byteLength >= 3) $('battery').textContent = `${view.getUint8(2)} %`;
}

function onDisconnected() {
  controlPoint = undefined;
  log('device disconnected');
  setState('disconnected', 'Disconnected');
}

async function connect() {
  setState('connecting', 'Connecting…');
  try {
    // Called first in the click handler: requestDevice needs the user gesture.
    device = await navigator.bluetooth.requestDevice({
      filters: [{ services: [IQOS_SERVICE] }],
      optionalServices: [DEVICE_INFORMATION],
    });
    device.addEventListener('gattserverdisconnected', onDisconnected);
    $('name').textContent = device.name ?? '(no name)';
    log(`chose ${device.name} (${device.id})`);
    const server = await device.gatt.connect();

    const info = await server.getPrimaryService(DEVICE_INFORMATION);
    const model = await (await info.getCharacteristic(MODEL_NUMBER)).readValue();
    $('model').textContent = new TextDecoder().decode(model).replace(/\0+$/, '');

    const iqos = await server.getPrimaryService(IQOS_SERVICE);
    const battery = await iqos.getCharacteristic(BATTERY);
    battery.addEventListener('characteristicvaluechanged', (event) => showBattery(event.target.value));
    showBattery(await battery.readValue());
    await battery.startNotifications();

    controlPoint = await iqos.getCharacteristic(SCP_CONTROL_POINT);
    controlPoint.addEventListener('characteristicvaluechanged', (event) => {
      $('reply').textContent = hex(event.target.value);
      log(`reply ${hex(event.target.value)}`);
    });
    await controlPoint.startNotifications();
    setState('connected', 'Connected');
  } catch (error) {
    log(`${error.name}: ${error.message}`);
    setState(device?.gatt.connected ? 'connected' : 'error', `${error.name}: ${error.message}`);
  }
}

async function send(label, bytes, onDone) {
  if (!controlPoint) return;
  try {
    log(`send ${label}`);
    await controlPoint.writeValueWithResponse(new Uint8Array(bytes));
    onDone?.();
  } catch (error) {
    log(`${label} failed: ${error.name}: ${error.message}`);
  }
}

$('connect').addEventListener('click', connect);
$('disconnect').addEventListener('click', () => device?.gatt.disconnect());
$('brightness-high').addEventListener('click', () =>
  send('brightness high', REQUESTS.brightnessHigh, () => {
    $('brightness').textContent = 'high';
  }),
);
$('brightness-low').addEventListener('click', () =>
  send('brightness low', REQUESTS.brightnessLow, () => {
    $('brightness').textContent = 'low';
  }),
);
$('find-my').addEventListener('click', () => send('find my', REQUESTS.findMyStart));
