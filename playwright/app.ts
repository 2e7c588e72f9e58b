/**
 * The app under test and its signed-in user, for the fixture's `app` and `user` (docs/companion.md
 * "The fixture"): the reference app served and wired to the test's registry, or the tester's own app
 * at `appUrl` with its `api/` calls routed to that registry; a fresh verified user whose session is
 * put where the app keeps it.
 */
import type { Page } from '@playwright/test';
import {
  type CompanionServer,
  type Registry,
  type RegistryUser,
  startCompanionServer,
} from '../testing/index.js';

/** Where the app keeps its bearer token between page loads. */
export interface AppSession {
  storage: 'sessionStorage' | 'localStorage';
  key: string;
}

/** The reference app's: examples/companion/api.js. */
export const REFERENCE_SESSION: AppSession = { storage: 'sessionStorage', key: 'iqsim-companion-token' };

export interface AppUnderTest {
  /** The app's address (the page is there once the fixture is set up). */
  readonly url: string;
  /** The reference app's server (forwarding `api/` to the registry); undefined with `appUrl`. */
  readonly server: CompanionServer | undefined;
}

/**
 * Serves the reference app wired to `registry`, or routes `<appUrl>api/…` of `page` to it, then
 * opens the app in `page`. Returns the app and how to stop its server.
 */
export async function openApp(
  page: Page,
  registry: Registry,
  appUrl: string | undefined,
): Promise<{ app: AppUnderTest; close(): Promise<void> }> {
  if (appUrl === undefined) {
    const server = await startCompanionServer({ registryUrl: registry.url });
    try {
      await page.goto(server.url);
    } catch (error) {
      await server.close();
      throw error;
    }
    return { app: { url: server.url, server }, close: () => server.close() };
  }
  const api = new URL('api/', appUrl).href;
  // The page's own origin keeps its calls same-origin (no CORS); Playwright forwards them.
  await page.route(`${api}**`, async (route) => {
    const upstream = `${registry.url}/${route.request().url().slice(api.length)}`;
    await route.fulfill({ response: await route.fetch({ url: upstream }) });
  });
  await page.goto(appUrl);
  return { app: { url: appUrl, server: undefined }, close: async () => undefined };
}

/** A fresh verified user, logged into the app in `page`: the token where the app looks, then a reload. */
export async function signIn(
  page: Page,
  registry: Registry,
  app: AppUnderTest,
  session: AppSession,
): Promise<RegistryUser> {
  const user = await registry.newUser();
  type Storages = Record<AppSession['storage'], { setItem(key: string, value: string): void }>;
  await page.evaluate(
    ([storage, key, token]) => (globalThis as unknown as Storages)[storage].setItem(key, token),
    [session.storage, session.key, user.token ?? ''] as const,
  );
  // Without the hash of a screen the page was sent to while logged out (the reference app: #/login).
  await page.goto(app.url);
  return user;
}
