/**
 * `node scripts/artillery.mjs`: makes sure the pinned Artillery (packages/artillery-engine-iqsim/
 * artillery-pin: 2.0.21, the last release for Node 20) is installed in a cache folder outside the
 * repository, and prints one JSON line `{dir, bin, installed, ms}`. Never part of the root `npm ci`
 * (969 packages, ~590 MB; docs/decisions.md "Artillery outside the root install").
 *
 * The folder is `$IQSIM_ARTILLERY_CACHE`, else `$XDG_CACHE_HOME/iqsim` (default `~/.cache/iqsim`)
 * `/artillery-2.0.21-<first 12 hex of the lockfile's sha256>`: a new lockfile gets a new folder, and
 * the one already there is reused untouched. The install is `npm ci --ignore-scripts` into a
 * temporary folder renamed into place when complete, so an interrupted install is never reused and two
 * runs racing each other both end with one complete folder. `--ignore-scripts` skips what Artillery
 * does not need to run a script locally: the Playwright browser download (also refused by
 * PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1), a native rebuild of unix-dgram, two notices.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pin = join(root, 'packages/artillery-engine-iqsim/artillery-pin');
const lock = readFileSync(join(pin, 'package-lock.json'));
const version = JSON.parse(lock.toString('utf8')).packages['node_modules/artillery'].version;
const hash = createHash('sha256').update(lock).digest('hex').slice(0, 12);
const cacheRoot =
  process.env.IQSIM_ARTILLERY_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'iqsim');
const dir = join(cacheRoot, `artillery-${version}-${hash}`);
const bin = join(dir, 'node_modules/artillery/bin/run');
const MARKER = '.iqsim-complete';

const started = performance.now();
let installed = false;
if (!existsSync(join(dir, MARKER))) {
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (const file of ['package.json', 'package-lock.json'])
    copyFileSync(join(pin, file), join(partial, file));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(
    npm,
    ['ci', '--prefix', partial, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    },
  );
  if (run.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    process.stderr.write(`error ARTILLERY_INSTALL: npm ci of artillery ${version} into ${partial} failed\n`);
    process.exit(2);
  }
  writeFileSync(join(partial, MARKER), `${new Date().toISOString()}\n`);
  if (existsSync(join(dir, MARKER))) rmSync(partial, { recursive: true, force: true });
  else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  }
  installed = true;
}
process.stdout.write(
  `${JSON.stringify({ dir, bin, version, installed, ms: Math.round(performance.now() - started) })}\n`,
);
