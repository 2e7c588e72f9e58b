/**
 * The built `iqsim` binary for tests that spawn it. `npm test` builds before vitest; a bare
 * `vitest run` builds here when dist is missing or older than any source the binary uses.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN = join(ROOT, 'dist/cli/main.js');

function sourcesOf(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourcesOf(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function distIsStale(): boolean {
  return ['cli', 'simulator', 'protocol', 'firmware-model', 'registration']
    .flatMap(sourcesOf)
    .some((source) => {
      const built = join(ROOT, 'dist', source.replace(/\.ts$/, '.js'));
      return !existsSync(built) || statSync(built).mtimeMs < statSync(join(ROOT, source)).mtimeMs;
    });
}

/** Builds dist when it is stale; returns whether the binary exists afterwards. */
export function ensureBuiltCli(): boolean {
  if (distIsStale())
    spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
  return existsSync(MAIN);
}
