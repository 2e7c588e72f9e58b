/**
 * The transports' own packages (playwright-core, @stoprocent/noble, serialport, @serialport/stream)
 * are optional peer dependencies (package.json `peerDependenciesMeta`, docs/decisions.md): a QA user
 * who only drives virtual devices does not install them. A transport loads its package when it is
 * opened, through these functions, so a missing one is TRANSPORT_PACKAGE_MISSING naming the
 * package to install instead of a module-resolution error at start-up.
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

function missing(name: string, feature: string, cause: unknown): TransportError {
  return new TransportError(
    'TRANSPORT_PACKAGE_MISSING',
    `${feature} needs the optional package ${name}: npm install ${name}`,
    { cause },
  );
}

/** `require(specifier)` of a CommonJS file of the optional package `name`. */
export function requireOptional<T>(name: string, specifier: string, feature: string): T {
  try {
    return require(specifier) as T;
  } catch (error) {
    throw isMissing(error, name) ? missing(name, feature, error) : error;
  }
}

/** `import(name)` of the optional package `name`. */
export async function importOptional<T>(name: string, feature: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw isMissing(error, name) ? missing(name, feature, error) : error;
  }
}
