/**
 * `iqsim fleet --registry local|URL` (docs/fleet.md "Against the registration service"): `local`
 * starts the service in-process (test mode, `:memory:`, as `createRegistry()` of iqsim/testing does);
 * a URL names one started with `iqsim registry serve --test-mode`, whose clock the fleet then sets.
 */
import type { Fleet } from '../simulator/index.js';
import { createRegistry, FleetRegistryDriver, RegistryApiError } from '../testing/index.js';
import { CliUsageError } from './io.js';

export interface StartedDriver {
  readonly driver: FleetRegistryDriver;
  close(): Promise<void>;
}

export async function startRegistryDriver(
  target: string,
  fleet: Fleet,
  durationMs: number,
): Promise<StartedDriver> {
  if (target === 'local') {
    const registry = await createRegistry();
    return {
      driver: new FleetRegistryDriver(fleet, registry.url, durationMs),
      close: () => registry.close(),
    };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new CliUsageError('CLI_BAD_REGISTRY', `--registry is local or an http(s) URL; got '${target}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliUsageError('CLI_BAD_REGISTRY', `--registry is local or an http(s) URL; got '${target}'`);
  const driver = new FleetRegistryDriver(fleet, url.href, durationMs);
  return { driver: checked(driver, url.href), close: async () => undefined };
}

/** The driver, whose `start` turns an unusable service into a usage error (exit 2). */
function checked(driver: FleetRegistryDriver, url: string): FleetRegistryDriver {
  const start = driver.start.bind(driver);
  driver.start = async () => {
    try {
      await start();
    } catch (error) {
      if (error instanceof RegistryApiError)
        throw new CliUsageError(
          'CLI_REGISTRY_NOT_TEST_MODE',
          `${url} answered ${error.status} ${error.code} to GET /_test/clock: start it with iqsim registry serve --test-mode`,
        );
      throw new CliUsageError('CLI_REGISTRY_UNREACHABLE', `cannot reach ${url}: ${(error as Error).message}`);
    }
  };
  return driver;
}
