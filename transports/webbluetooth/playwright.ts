/**
 * The browser bridge: puts the Web Bluetooth shim into every frame of a Playwright page (or of
 * every page of a context) before any page script runs, and connects it to a `WebBluetoothHub`.
 * Calls and replies travel on the page channel (`playwright-channel.ts`: a CDP binding out, one
 * `Runtime.evaluate` per batch of replies and events back) in every frame the page's CDP session
 * reaches; other frames use an exposed Playwright binding carrying `{ method, args }` answered with a
 * `BridgeReply`, and get events by `frame.evaluate`. Each frame is one hub session (its own grants,
 * like an origin in Chromium); a new document resets its connections.
 */
import { type Browser, type BrowserContext, chromium, type Frame, type Page } from 'playwright-core';
import { chromiumExecutable } from './chromium.js';
import type { WebBluetoothHub } from './hub.js';
import { webBluetoothInitScript } from './install.js';
import { openPageChannel, type PageChannel } from './playwright-channel.js';
import type { HubSession } from './session.js';
import type { BridgeCall, BridgeReply, WebBluetoothEvent } from './types.js';

/** Flags that let Debian's Chromium run headless in a container with no display, GPU or network. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export { chromiumExecutable, DEFAULT_CHROMIUM } from './chromium.js';

export interface LaunchChromiumOptions {
  /** Default `$IQSIM_CHROMIUM` or `/usr/bin/chromium`; TRANSPORT_BROWSER_MISSING when it is not there. */
  executablePath?: string;
  /** Extra command-line flags after `CHROMIUM_FLAGS`. */
  args?: readonly string[];
}

/**
 * Launches headless Chromium. Playwright gives each launch a fresh temporary user-data directory
 * and deletes it on close (it refuses a `--user-data-dir` flag with `launch`).
 */
export function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  // Throws at once, not as a rejection: `Promise.all([launchChromium(), startApp()])` then starts nothing.
  const executablePath = chromiumExecutable(options.executablePath);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
  });
}

export interface AttachOptions {
  /** Page binding name (default `__iqsimBluetooth`). */
  bindingName?: string;
  /** Page dispatch function name (default `__iqsimBluetoothDispatch`). */
  dispatchName?: string;
  /** Page channel binding name (default `__iqsimBluetoothChannel`). */
  channelName?: string;
  /** Require a user gesture for requestDevice, as Chromium does (default true). */
  requireUserActivation?: boolean;
}

export interface WebBluetoothAttachment {
  /** The hub session of a frame (default: the page's main frame), once the frame has used the shim. */
  session(target: Page | Frame): HubSession | undefined;
  /** Closes every session (their connections drop); the shim stays in the pages. */
  close(): void;
}

const METHODS: ReadonlySet<BridgeCall['method']> = new Set([
  'requestDevice',
  'getDevices',
  'getAvailability',
  'connect',
  'disconnect',
  'services',
  'characteristics',
  'read',
  'write',
  'notify',
  'forget',
  'reset',
]);

function isPage(target: Page | BrowserContext): target is Page {
  return 'mainFrame' in target;
}

export async function attachWebBluetooth(
  target: Page | BrowserContext,
  hub: WebBluetoothHub,
  options: AttachOptions = {},
): Promise<WebBluetoothAttachment> {
  const bindingName = options.bindingName ?? '__iqsimBluetooth';
  const dispatchName = options.dispatchName ?? '__iqsimBluetoothDispatch';
  const sessions = new Map<Frame, HubSession>();

  const channelName = options.channelName ?? '__iqsimBluetoothChannel';
  /** Per page, its channel once open (docs/webbluetooth.md "Latency"). */
  const channels = new Map<Page, PageChannel>();
  const forward = (frame: Frame, event: WebBluetoothEvent): void => {
    if (channels.get(frame.page())?.send(frame, event)) return;
    // A frame without the channel (out-of-process iframe, or no CDP): evaluate into it.
    const expression = `globalThis[${JSON.stringify(dispatchName)}]?.(${JSON.stringify(event)})`;
    frame.evaluate(expression).catch(() => undefined);
  };
  const sessionOf = (frame: Frame): HubSession => {
    let session = sessions.get(frame);
    if (!session || session.closed) {
      const created = hub.createSession();
      created.subscribe((event) => forward(frame, { ...event, session: created.id }));
      sessions.set(frame, created);
      session = created;
    }
    return session;
  };
  const dropFrame = (frame: Frame): void => {
    sessions.get(frame)?.close();
    sessions.delete(frame);
    channels.get(frame.page())?.drop(frame);
  };
  const watchPage = async (page: Page): Promise<void> => {
    page.on('framedetached', dropFrame);
    page.on('close', () => {
      channels.delete(page);
      for (const frame of [...sessions.keys()]) if (frame.page() === page) dropFrame(frame);
    });
    try {
      const cdp = await page.context().newCDPSession(page);
      const channel = await openPageChannel(cdp, { channelName, dispatchName }, handle);
      if (!page.isClosed()) channels.set(page, channel);
    } catch {
      // No CDP (another browser) or the page closed meanwhile: the Playwright binding serves it.
    }
  };

  /** One binding call; the reply carries the session's event count so the shim orders it (shim-bridge.ts). */
  const handle = async (frame: Frame, call: BridgeCall): Promise<BridgeReply> => {
    let session: HubSession | undefined;
    try {
      if (!METHODS.has(call?.method) || !Array.isArray(call.args))
        throw new TypeError(`unknown Web Bluetooth bridge call ${String(call?.method)}`);
      session = sessionOf(frame);
      if (call.method === 'reset' && typeof call.token === 'string')
        channels.get(frame.page())?.register(call.token, frame);
      const method = session[call.method] as (...args: unknown[]) => Promise<unknown>;
      const value = await method.apply(session, call.args);
      return { ok: true, value: value ?? null, session: session.id, seq: session.eventSequence() };
    } catch (error) {
      const named = error as { name?: unknown; message?: unknown };
      return {
        ok: false,
        name: typeof named?.name === 'string' ? named.name : 'NetworkError',
        message: typeof named?.message === 'string' ? named.message : String(error),
        ...(session ? { session: session.id, seq: session.eventSequence() } : {}),
      };
    }
  };

  // The binding first: the shim's install-time `reset` call needs it.
  await target.exposeBinding(bindingName, (source: { frame: Frame }, call: BridgeCall) =>
    handle(source.frame, call),
  );
  await target.addInitScript({
    content: webBluetoothInitScript({
      bindingName,
      dispatchName,
      channelName,
      requireUserActivation: options.requireUserActivation ?? true,
    }),
  });
  if (isPage(target)) await watchPage(target);
  else {
    await Promise.all(target.pages().map(watchPage));
    target.on('page', (page) => {
      watchPage(page).catch(() => undefined);
    });
  }

  return {
    session: (t) => sessions.get('mainFrame' in t ? t.mainFrame() : t),
    close() {
      for (const frame of [...sessions.keys()]) dropFrame(frame);
    },
  };
}
