// The reference companion app: hash routes, the session, and the devices paired in this tab.
import { api, loggedIn } from './api.js';
import { accountScreen } from './screens/account.js';
import { loginScreen, signUpScreen, verifyScreen } from './screens/auth.js';
import { deviceScreen } from './screens/device.js';
import { devicesScreen } from './screens/devices.js';
import { clearNotice, h } from './ui.js';

const PUBLIC = new Set(['#/signup', '#/verify', '#/login']);

const app = {
  /** Sign-up details kept until the email is verified, to log in straight after. */
  pending: undefined,
  /** Device ID → PairedDevice. */
  paired: new Map(),
  leaving: [],
  /** The banner survives the next route change: the app moved on and said why (go). */
  keepNotice: false,
  go(hash) {
    if (location.hash === hash) app.render();
    else {
      app.keepNotice = true;
      location.hash = hash;
    }
  },
  onLeave(callback) {
    app.leaving.push(callback);
  },
  addPaired(paired) {
    app.paired.get(paired.deviceId)?.disconnect();
    app.paired.set(paired.deviceId, paired);
  },
  render() {
    for (const callback of app.leaving.splice(0)) callback();
    const hash = location.hash || (loggedIn() ? '#/devices' : '#/login');
    if (!PUBLIC.has(hash) && !loggedIn()) {
      app.go('#/login');
      return;
    }
    document.getElementById('nav').hidden = !loggedIn();
    const [, route, param] = hash.split('/');
    const screen =
      route === 'signup'
        ? signUpScreen(app)
        : route === 'verify'
          ? verifyScreen(app)
          : route === 'login'
            ? loginScreen(app)
            : route === 'account'
              ? accountScreen(app)
              : route === 'device'
                ? deviceScreen(app, decodeURIComponent(param ?? ''))
                : devicesScreen(app);
    document.getElementById('view').replaceChildren(screen);
    document.body.dataset.screen = route || 'devices';
    const pair = document.getElementById('pair');
    if (pair && !navigator.bluetooth) pair.disabled = true;
  },
};

function noBluetoothNotice() {
  const origin = location.origin;
  return h(
    'aside',
    { id: 'no-bluetooth' },
    h('h2', {}, 'This browser has no Web Bluetooth'),
    h(
      'p',
      {},
      'Accounts and registration by device ID work here; pairing needs Web Bluetooth. To try the app against a virtual IQOS device, run it under the iqsim Playwright fixture, which gives the page a Web Bluetooth bridged to a virtual holder:',
    ),
    h(
      'pre',
      {},
      `import { test, expect } from 'iqsim/playwright';

test.use({ model: 'iluma-i' });
test('pairs', async ({ page, device }) => {
  await page.goto('${origin}/');
  // … sign up, then click "Pair a device"
});`,
    ),
    h(
      'p',
      {},
      'Or, in Node, give your own Web Bluetooth code a virtual device: ',
      h('code', {}, 'new WebBluetoothHub().bluetooth()'),
      ' from ',
      h('code', {}, 'iqsim/webbluetooth'),
      '. See docs/companion.md.',
    ),
  );
}

// A link the user followed clears the banner; a move the app made after saying something keeps it.
window.addEventListener('hashchange', () => {
  if (!app.keepNotice) clearNotice();
  app.keepNotice = false;
  app.render();
});
document.getElementById('logout').addEventListener('click', async () => {
  for (const paired of app.paired.values()) paired.disconnect();
  app.paired.clear();
  await api.logout();
  app.go('#/login');
});
if (!navigator.bluetooth) document.getElementById('notices').append(noBluetoothNotice());
document.body.dataset.bluetooth = navigator.bluetooth ? 'yes' : 'no';
app.render();
