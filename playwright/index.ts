/**
 * `iqsim/playwright`: a `@playwright/test` fixture for testing a companion web app against a virtual
 * IQOS device and a registration service (issue #12 item 1). Each test gets:
 *
 * - `device`: a virtual holder of `test.use({ model, seed })` (default ILUMA i, seed 1), driveable
 *   from the test (inputs, faults, virtual time, radio);
 * - `bluetooth`: the device chooser (`choose`, `cancel`), more devices, crowds, adapter on/off;
 * - `registry`: a fresh registration service in test mode (`:memory:`, outbox, clock, faults);
 * - `page`: Playwright's page with the Web Bluetooth shim injected and bridged to the device;
 * - `app`: the reference companion app served for this test and wired to `registry` (or your app at
 *   `appUrl`), open in `page`;
 * - `user`: a fresh verified user, logged into `app` in `page`.
 *
 * The browser is Debian's Chromium (`/usr/bin/chromium` or `$IQSIM_CHROMIUM`; Playwright downloads
 * nothing; none there is TRANSPORT_BROWSER_MISSING), headless unless `--headed`. Everything a test
 * made is closed after it, pass or fail.
 *
 * Types come from the Web Bluetooth sub-entry, not the transports' index, so this entry's `.d.ts`
 * names no type of noble or serialport (optional peers; docs/transports.md "Optional packages").
 */
import { rm } from 'node:fs/promises';
import { type BrowserContext, test as base, expect, type Page, type TestInfo } from '@playwright/test';
import type { Crowd, CrowdOptions } from '../simulator/index.js';
import { createRegistry, type Registry, type RegistryUser } from '../testing/index.js';
import { openCaptureFile } from '../transports/index.js';
import { type ChooserPolicy, type HubSession, WebBluetoothHub } from '../transports/webbluetooth/index.js';
import {
  attachWebBluetooth,
  CHROMIUM_FLAGS,
  chromiumExecutable,
  type WebBluetoothAttachment,
} from '../transports/webbluetooth/playwright.js';
import { type AppSession, type AppUnderTest, openApp, REFERENCE_SESSION, signIn } from './app.js';
import { VirtualHolder, type VirtualHolderOptions } from './device.js';

export { expect };
export type {
  CompanionServer,
  Registry,
  RegistryClient,
  RegistryUser,
} from '../testing/index.js';
export type { AppSession, AppUnderTest } from './app.js';
export { VirtualHolder, type VirtualHolderOptions } from './device.js';

/** Chromium executable: `$IQSIM_CHROMIUM`, else Debian's; TRANSPORT_BROWSER_MISSING when it is not there. */
export function chromiumPath(): string {
  return chromiumExecutable();
}

/** The container flags; Playwright adds `--headless` unless the run is `--headed`. */
const HEADED_OR_NOT_FLAGS = CHROMIUM_FLAGS.filter((flag) => flag !== '--headless');

/**
 * Launch options for Debian's Chromium in a container (no sandbox, GPU, network services). Without
 * `--headless`: Playwright adds it unless the run is `--headed`.
 */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  return { executablePath: chromiumPath(), args: [...HEADED_OR_NOT_FLAGS] };
}

export interface IqsimOptions {
  /** Model of the test's device (`iqsim models`), default `iluma-i`. */
  model: string;
  /** Identity seed: product numbers, BLE address (default 1). */
  seed: number;
  /** Which advertised device `requestDevice` picks, default the first match. */
  chooser: ChooserPolicy;
  /** Require a user gesture for `requestDevice`, as Chromium does (default true). */
  requireUserActivation: boolean;
  /**
   * Your app's address (default: none, the fixture serves the reference app). The page's calls to
   * `<appUrl>api/…` then reach the test's `registry`.
   */
  appUrl: string | undefined;
  /** Where your app keeps its bearer token (default the reference app's: sessionStorage `iqsim-companion-token`). */
  appSession: AppSession;
  /**
   * A pcapng capture of the test's device (docs/captures.md "Recording a link"): `retain-on-failure`
   * (default) keeps it only for a test that did not end as expected, `on` for every test, `off` none.
   * A kept capture is the report's attachment `iqsim-capture`, in the test's output folder.
   */
  iqsimCapture: CaptureMode;
}

export type CaptureMode = 'retain-on-failure' | 'on' | 'off';

/** The chooser and the adapter, as the user sees them. */
export interface BluetoothControl {
  readonly hub: WebBluetoothHub;
  /** The next `requestDevice` picks this device (or follows this policy). */
  choose(target: VirtualHolder | ChooserPolicy): void;
  /** The user dismisses the chooser: `NotFoundError`. */
  cancel(): void;
  /** Adapter off: `getAvailability()` false, `requestDevice` fails. */
  setAvailable(available: boolean): void;
  /** Another virtual device in range (closed with the test). */
  addDevice(options: VirtualHolderOptions): VirtualHolder;
  /**
   * Many holders in range at once, with RSSI churn, rotating addresses and members that come and go
   * (`hub.addCrowd`, docs/webbluetooth.md "Crowds"); removed with the test.
   */
  addCrowd(options: CrowdOptions): Crowd;
  /** Wires another page or a whole context to the hub (the fixture's `page` already is). */
  attach(target: Page | BrowserContext): Promise<void>;
  /** The hub session of a wired page's main frame (grants, connections), once it used Web Bluetooth. */
  session(page: Page): HubSession | undefined;
}

/** The fixtures `test` adds (extend it with `test.extend<…>()` for your own). */
export interface IqsimFixtures {
  device: VirtualHolder;
  bluetooth: BluetoothControl;
  /**
   * A fresh registration service (`createRegistry()` of iqsim/testing): `:memory:`, test mode, on a
   * free loopback port (`registry.url`); outbox, clock, typed client; faults by `PUT /_test/faults`.
   */
  registry: Registry;
  /** The app under test, open in `page`, its API wired to `registry`. */
  app: AppUnderTest;
  /** A fresh verified user (`registry.newUser()`), logged into `app` in `page`. */
  user: RegistryUser;
}

/**
 * Flushes the test's capture and keeps it as the `iqsim-capture` attachment when `mode` says so
 * (`on`, or `retain-on-failure` and the test did not end as expected); otherwise deletes it.
 */
export async function keepCapture(
  capture: { finish(): Promise<void> } | undefined,
  path: string,
  mode: CaptureMode,
  testInfo: Pick<TestInfo, 'status' | 'expectedStatus' | 'attach'>,
): Promise<void> {
  if (!capture) return;
  await capture.finish();
  if (mode === 'on' || testInfo.status !== testInfo.expectedStatus)
    await testInfo.attach('iqsim-capture', { path, contentType: 'application/x-pcapng' });
  else await rm(path, { force: true });
}

export const test = base.extend<IqsimOptions & IqsimFixtures & { hub: WebBluetoothHub }>({
  model: ['iluma-i', { option: true }],
  seed: [1, { option: true }],
  chooser: ['first', { option: true }],
  requireUserActivation: [true, { option: true }],
  appUrl: [undefined, { option: true }],
  appSession: [REFERENCE_SESSION, { option: true }],
  iqsimCapture: ['retain-on-failure', { option: true }],

  hub: async ({ chooser }, use) => {
    const hub = new WebBluetoothHub({ chooser });
    try {
      await use(hub);
    } finally {
      hub.close();
    }
  },

  device: async ({ hub, model, seed, iqsimCapture }, use, testInfo) => {
    const device = new VirtualHolder(hub, { model, seed });
    const path = testInfo.outputPath('iqsim-capture.pcapng');
    const capture = iqsimCapture === 'off' ? undefined : openCaptureFile(path);
    device.virtual.captureTo(capture);
    try {
      await use(device);
    } finally {
      device.virtual.captureTo(undefined);
      device.close();
      await keepCapture(capture, path, iqsimCapture, testInfo);
    }
  },

  bluetooth: async ({ hub, requireUserActivation }, use) => {
    const extra: VirtualHolder[] = [];
    const crowds: Crowd[] = [];
    const attachments: WebBluetoothAttachment[] = [];
    const control: BluetoothControl = {
      hub,
      choose: (target) => {
        hub.chooser = target instanceof VirtualHolder ? { id: target.id } : target;
      },
      cancel: () => {
        hub.chooser = 'cancel';
      },
      setAvailable: (available) => {
        hub.available = available;
      },
      addDevice: (options) => {
        const device = new VirtualHolder(hub, options);
        extra.push(device);
        return device;
      },
      addCrowd: (options) => {
        const crowd = hub.addCrowd(options);
        crowds.push(crowd);
        return crowd;
      },
      attach: async (target) => {
        attachments.push(await attachWebBluetooth(target, hub, { requireUserActivation }));
      },
      session: (page) => {
        for (const attachment of attachments) {
          const session = attachment.session(page);
          if (session) return session;
        }
        return undefined;
      },
    };
    try {
      await use(control);
    } finally {
      for (const attachment of attachments) attachment.close();
      for (const device of extra) device.close();
      for (const crowd of crowds) hub.removeCrowd(crowd);
    }
  },

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  registry: async ({}, use) => {
    const registry = await createRegistry();
    try {
      await use(registry);
    } finally {
      await registry.close();
    }
  },

  // `device` first, so it is in the hub before the page can ask for it.
  page: async ({ page, bluetooth, device: _device }, use) => {
    await bluetooth.attach(page);
    await use(page);
  },

  app: async ({ page, registry, appUrl }, use) => {
    const { app, close } = await openApp(page, registry, appUrl);
    try {
      await use(app);
    } finally {
      await close();
    }
  },

  user: async ({ page, registry, app, appSession }, use) => {
    await use(await signIn(page, registry, app, appSession));
  },

  launchOptions: [
    async ({ launchOptions }, use) => {
      // A config's own executablePath wins and is not checked here; ours must exist.
      const executablePath = launchOptions.executablePath ?? chromiumExecutable();
      await use({
        ...launchOptions,
        executablePath,
        args: [...HEADED_OR_NOT_FLAGS, ...(launchOptions.args ?? [])],
      });
    },
    { scope: 'worker' },
  ],
});
