/**
 * The package is what the docs say (issue 9 item 1): `npm pack` the project, check what the tarball
 * holds, install it into a scratch project outside the repository (no access to the source tree;
 * offline from the npm cache where it can), and run the README's "Testing an app flow" example there
 * with vitest, exactly as written in the README. Needs dist/ built (`npm test` builds first).
 * No timeout: the work is fixed (one install, one test file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/built-cli.js';

interface PackJson {
  filename: string;
  files: { path: string }[];
}
interface Manifest {
  exports: Record<string, { types: string; default: string }>;
  bin: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** The `index`-th TypeScript block of the README section under `## heading`, as written. */
function readmeBlock(heading: string, index = 0): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`## ${heading}`);
  const end = readme.indexOf('\n## ', at + 3);
  const blocks = [...readme.slice(at, end < 0 ? undefined : end).matchAll(/```ts\n([\s\S]*?)```/g)];
  const block = blocks[index]?.[1];
  if (at < 0 || block === undefined) throw new Error(`README has no ts block ${index} under "## ${heading}"`);
  return block;
}

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

let scratch = '';
let packed: PackJson;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'iqsim-pack-'));
  // --ignore-scripts: pack dist/ as `npm test` built it, without rebuilding under other tests' feet.
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], ROOT);
  expect(pack.status, pack.output).toBe(0);
  packed = (JSON.parse(pack.output.slice(pack.output.indexOf('['))) as PackJson[])[0] as PackJson;
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships every docs/ file the README links to, so the links work in an installed package', () => {
    const files = new Set(packed.files.map((f) => f.path));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1] ?? '');
    expect(linked.length).toBeGreaterThan(5);
    expect(linked.filter((path) => !files.has(path))).toEqual([]);
  });

  it('holds every exports entry and the bin, and nothing that points outside it', () => {
    const files = new Set(packed.files.map((f) => f.path));
    const promised = [
      ...Object.values(manifest.exports).flatMap((entry) => [entry.types, entry.default]),
      ...Object.values(manifest.bin),
    ].map((path) => path.replace(/^\.\//, ''));
    expect(promised.filter((path) => !files.has(path))).toEqual([]);
    // No benchmarks, no tests, no source maps (they would name .ts files the package does not ship),
    // no workspace package (the Artillery engine is a package of its own).
    expect([...files].filter((path) => /^dist\/bench\/|^packages\/|\.test\.|\.map$/.test(path))).toEqual([]);
    // Every compiled file has its source: no output of moved or deleted files. A static file copied by
    // scripts/build.mjs (the dashboard page) has itself as its source.
    const orphans = [...files].filter(
      (path) =>
        /^dist\/.*\.js$/.test(path) &&
        !existsSync(join(ROOT, path.slice(5).replace(/\.js$/, '.ts'))) &&
        !existsSync(join(ROOT, path.slice(5))),
    );
    expect(orphans).toEqual([]);
  });

  it('lists the transports’ packages as optional peers, not as dependencies', () => {
    for (const name of ['playwright-core', '@stoprocent/noble', 'serialport', '@serialport/stream']) {
      expect(manifest.peerDependencies[name], name).toBeDefined();
      expect(manifest.peerDependenciesMeta[name]?.optional, name).toBe(true);
    }
  });

  it('installed outside the repository, runs the README’s library and "Testing an app flow" examples', () => {
    const project = join(scratch, 'app');
    run('mkdir', ['-p', project], scratch);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'readme-app', private: true, type: 'module' }),
    );
    const testing = 'Testing an app flow against a virtual device';
    writeFileSync(join(project, 'flow.test.ts'), readmeBlock(testing));
    // The other two blocks are plain JavaScript too (types only inferred): run them with node.
    writeFileSync(join(project, 'library.mjs'), readmeBlock('Library'));
    writeFileSync(join(project, 'waits.mjs'), readmeBlock(testing, 1));
    const vitest = `vitest@${(JSON.parse(readFileSync(join(ROOT, 'node_modules/vitest/package.json'), 'utf8')) as { version: string }).version}`;
    const tarball = join(scratch, packed.filename);
    const flags = ['--no-audit', '--no-fund', '--no-package-lock'];
    let install = run('npm', ['install', '--offline', ...flags, tarball, vitest], project);
    if (install.status !== 0)
      install = run('npm', ['install', '--prefer-offline', ...flags, tarball, vitest], project);
    expect(install.status, install.output).toBe(0);
    // The transports' packages are optional peers: a QA install does not fetch them.
    for (const name of ['playwright-core', '@stoprocent/noble', 'serialport'])
      expect(existsSync(join(project, 'node_modules', name)), name).toBe(false);
    const test = run(process.execPath, [join(project, 'node_modules/vitest/vitest.mjs'), 'run'], project);
    expect(test.status, test.output).toBe(0);
    expect(test.output).toMatch(/1 passed/);
    const library = run(process.execPath, ['library.mjs'], project);
    expect(library.status, library.output).toBe(0);
    expect(library.output).toMatch(/^get-auto-start \{ selector: 1, value: 1,/);
    const waits = run(process.execPath, ['waits.mjs'], project);
    expect(waits.status, waits.output).toBe(0);
  });
});
