/**
 * What each package entry loads (issue 9 item 1): `iqsim/protocol` loads nothing but its own files,
 * and no core entry loads the transports or their optional packages (playwright-core, noble,
 * serialport), so a QA install without them works. Each import runs in a fresh Node process through
 * the package name (self-reference, dist/ as `npm test` built it) with a resolve hook that logs
 * every module it loads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/built-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'iqsim-imports-'));
const hooks = join(scratch, 'hooks.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.IQSIM_LOAD_LOG, result.url + '\\n');
  return result;
}
`,
);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The module URLs (file: ones relative to the repository) that importing `entries` loads. */
function loadedBy(...entries: string[]): string[] {
  const log = join(scratch, `${entries.join('+').replace(/\W/g, '_')}.log`);
  writeFileSync(log, '');
  const script = `import { register, createRequire } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
for (const entry of ${JSON.stringify(entries)}) await import(entry);
const { appendFileSync } = await import('node:fs');
for (const path of Object.keys(createRequire(import.meta.url).cache)) appendFileSync(process.env.IQSIM_LOAD_LOG, 'file://' + path + '\\n');
`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, IQSIM_LOAD_LOG: log },
  });
  expect(child.status, child.stderr).toBe(0);
  const root = `${pathToFileURL(ROOT).href}/`;
  return [...new Set(readFileSync(log, 'utf8').split('\n'))]
    .filter((url) => url.startsWith('file:'))
    .map((url) => url.replace(root, ''));
}

const TRANSPORT_PACKAGES = /node_modules\/(playwright-core|@stoprocent\/noble|serialport|@serialport\/)/;
/** The registration service's optional peers (docs/transports.md "Optional packages"). */
const REGISTRY_PACKAGES = /node_modules\/(fastify|@fastify\/|libsql|@libsql\/)/;

describe('package entries load only what they need', () => {
  it('iqsim/protocol loads only dist/protocol', () => {
    const loaded = loadedBy('iqsim/protocol');
    expect(loaded.length).toBeGreaterThan(3);
    expect(loaded.filter((path) => !path.startsWith('dist/protocol/'))).toEqual([]);
  });

  it('iqsim, iqsim/firmware, iqsim/simulator and iqsim/testing load no transport, registry nor their packages', () => {
    const loaded = loadedBy('iqsim', 'iqsim/firmware', 'iqsim/simulator', 'iqsim/testing');
    expect(loaded).toContain('dist/testing/index.js');
    expect(
      loaded.filter(
        (path) =>
          /^dist\/(transports|registration\/server)\//.test(path) ||
          TRANSPORT_PACKAGES.test(path) ||
          REGISTRY_PACKAGES.test(path),
      ),
    ).toEqual([]);
  });

  it('the check sees a transport and its package when they are loaded', () => {
    const loaded = loadedBy('iqsim/webbluetooth/playwright');
    expect(loaded.some((path) => path.startsWith('dist/transports/'))).toBe(true);
    expect(loaded.some((path) => TRANSPORT_PACKAGES.test(path))).toBe(true);
  });
});
