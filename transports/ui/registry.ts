/**
 * The dashboard's registry panel: the accounts and devices of a registration service started with
 * `--test-mode`, read from its test controls (`GET /_test/accounts`, `GET /_test/devices`,
 * docs/registration.md). The page asks this server, which asks the service: the page talks to its
 * own origin only (CSP `connect-src 'self'`).
 */

export type RegistryAnswer =
  | { ok: true; value: { url: string; accounts: unknown; devices: unknown } }
  | { ok: false; code: string; message: string };

/** How long the service may take to answer one list, ms. */
const TIMEOUT_MS = 5000;

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (response.status === 404) throw new Error('no test controls here (start the service with --test-mode)');
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

export async function fetchRegistry(baseUrl: string): Promise<RegistryAnswer> {
  const base = baseUrl.replace(/\/+$/, '');
  try {
    const [accounts, devices] = await Promise.all([
      getJson(`${base}/_test/accounts`),
      getJson(`${base}/_test/devices`),
    ]);
    return { ok: true, value: { url: base, accounts, devices } };
  } catch (error) {
    return { ok: false, code: 'UI_REGISTRY_UNREACHABLE', message: `${base}: ${(error as Error).message}` };
  }
}
