/**
 * The transports' own packages (playwright-core, @stoprocent/noble, serialport, @serialport/stream)
 * and the registration service's (`REGISTRY_PACKAGES`) are optional peer dependencies (package.json
 * `peerDependenciesMeta`, docs/transports.md "Optional packages"): a QA user who only drives virtual
 * devices does not install them. The code that needs them loads them when it starts, through these
 * functions, so a missing one is TRANSPORT_PACKAGE_MISSING naming the packages to install instead of
 * a module-resolution error at start-up.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TransportError } from './errors.js';

const require = createRequire(import.meta.url);

/** Whether loading failed because the package `name` itself is not installed (not a file inside it). */
function isMissing(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  return !(require.resolve.paths(name) ?? []).some((dir) => existsSync(join(dir, name, 'package.json')));
}

function missing(names: readonly string[], feature: string, cause: unknown): TransportError {
  const what = names.length === 1 ? 'package' : 'packages';
  return new TransportError(
    'TRANSPORT_PACKAGE_MISSING',
    `${feature} needs the optional ${what} ${names.join(', ')}: npm install ${names.join(' ')}`,
    { cause },
  );
}

/** What the registration service (registration/server: HTTP and store) imports. */
export const REGISTRY_PACKAGES: readonly string[] = [
  'fastify',
  '@fastify/rate-limit',
  '@fastify/swagger',
  '@fastify/type-provider-typebox',
  'libsql',
];

/** `require(specifier)` of a CommonJS file of the optional package `name`. */
export function requireOptional<T>(name: string, specifier: string, feature: string): T {
  try {
    return require(specifier) as T;
  } catch (error) {
    throw isMissing(error, name) ? missing([name], feature, error) : error;
  }
}

/** `import(name)` of the optional package `name`. */
export async function importOptional<T>(name: string, feature: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw isMissing(error, name) ? missing([name], feature, error) : error;
  }
}

/**
 * `load()`, a dynamic import of code that imports the optional packages `names` itself; when it
 * fails because some of them are not installed, TRANSPORT_PACKAGE_MISSING naming every absent one.
 */
export async function importWithOptional<T>(
  names: readonly string[],
  feature: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const absent = names.filter((name) => isMissing(error, name));
    throw absent.length > 0 ? missing(absent, feature, error) : error;
  }
}
