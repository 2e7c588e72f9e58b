/**
 * The package as users get it (issue 9 item 1, issue #12, issue 18 items 1, 4 and 5): `npm pack` the
 * project once and check what the tarball holds; then install it into one scratch project outside the
 * repository (no access to the source tree; offline from the npm cache where it can) with `vitest`,
 * `@playwright/test` and `@types/node` but none of the optional packages. There:
 * - `iqsim/playwright` and `iqsim/testing` type-check with `strict` and no `skipLibCheck`;
 * - the README's library and "Testing an app flow" examples run as written (vitest and node);
 * - the registry says TRANSPORT_PACKAGE_MISSING (library and CLI);
 * - with the registry's packages added, `playwright test` with no config runs the fixture examples of
 *   docs/companion.md "The fixture" and "Four flows in one file" and README.md "Test your app" exactly
 *   as printed, a 15-line test of a page of its own and an `appUrl` test, and fails with
 *   TRANSPORT_BROWSER_MISSING when `$IQSIM_CHROMIUM` names no browser.
 * One pack and one install serve every step: two files each installing the tarball at once made the
 * slowest file of `npm test` slower still. Needs dist/ built (`npm test` builds first). The steps run in
 * order in one file; no timeout: the work is fixed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', ...env },
  });
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
});

const SPEC = `import { expect, test } from 'iqsim/playwright';
const IQOS = 'daebb240-b041-11e4-9e45-0002a5d5c51b';
const PAGE = \`<button onclick="pair()">Pair</button><script>async function pair() {
  const device = await navigator.bluetooth.requestDevice({ filters: [{ services: ['\${IQOS}'] }], optionalServices: [0x180a] });
  const gatt = await device.gatt.connect();
  const id = await (await (await gatt.getPrimaryService(0x180a)).getCharacteristic(0x2a25)).readValue();
  const battery = await (await (await gatt.getPrimaryService('\${IQOS}')).getCharacteristic('f8a54120-b041-11e4-9be7-0002a5d5c51b')).readValue();
  document.title = new TextDecoder().decode(id) + ' ' + battery.getUint8(2) + ' %'; }</script>\`;
test('pair, register, battery', async ({ page, device, registry }) => {
  await page.route('http://127.0.0.1:9/', (route) => route.fulfill({ contentType: 'text/html', body: PAGE }));
  await page.goto('http://127.0.0.1:9/');
  await page.click('button');
  await expect(page).toHaveTitle(\`\${device.deviceId} \${device.virtual.firmware.battery().chargerPercent} %\`);
  expect((await (await registry.newUser()).pairDevice(device.deviceId, device.model)).newlyRegistered).toBe(true);
});
`;

/** An app of the tester's own at `appUrl` (a routed page): `user`'s session reaches its `api/` calls. */
const OWN_APP = `import { expect, test as base } from 'iqsim/playwright';
const PAGE = \`<script>fetch('api/me', { headers: { authorization: 'Bearer ' + localStorage.getItem('token') } })
  .then((r) => r.json()).then((me) => { document.title = me.email ?? 'logged out'; });</script>\`;
const test = base.extend({
  page: async ({ page }, use) => {
    await page.route('http://127.0.0.1:9/', (route) => route.fulfill({ contentType: 'text/html', body: PAGE }));
    await use(page);
  },
});
test.use({ appUrl: 'http://127.0.0.1:9/', appSession: { storage: 'localStorage', key: 'token' } });
test('your own app, signed in', async ({ page, user }) => {
  await expect(page).toHaveTitle(user.email);
});
`;

const TYPED = `import { expect, test } from 'iqsim/playwright';
import { createRegistry, createRig, startCompanionServer, type Registry } from 'iqsim/testing';
test('typed', async ({ app, user, registry }) => {
  const own: Registry = await createRegistry();
  expect(app.url + user.email + registry.url + own.url).toBeTruthy();
  await (await startCompanionServer({ registryUrl: own.url })).close();
  (await createRig({ model: 'iluma-i' })).close();
});
`;

const REGISTRY_PACKAGES = [
  'fastify',
  '@fastify/rate-limit',
  '@fastify/swagger',
  '@fastify/type-provider-typebox',
  'libsql',
];

/** The first TypeScript block under `heading` (a markdown heading line) of `file`, as printed. */
function block(file: string, heading: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  const code = at < 0 ? undefined : /```ts\n([\s\S]*?)```/.exec(text.slice(at))?.[1];
  if (code === undefined) throw new Error(`${file} has no ts block under "${heading}"`);
  return code;
}

/** The version this repository tests with, so the install can come from the npm cache. */
function pinned(name: string): string {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return `${name}@${version}`;
}

function install(project: string, packages: string[]): void {
  const flags = ['--no-audit', '--no-fund', '--no-package-lock'];
  let result = run('npm', ['install', '--offline', ...flags, ...packages], project);
  if (result.status !== 0)
    result = run('npm', ['install', '--prefer-offline', ...flags, ...packages], project);
  expect(result.status, result.output).toBe(0);
}

/** `du -sk node_modules`, in kB. */
function installedKb(project: string): number {
  const du = run('du', ['-sk', 'node_modules'], project);
  return Number.parseInt(du.output, 10);
}

const project = (): string => join(scratch, 'qa');

const playwright = (files: string[], env: Record<string, string> = {}) =>
  run(
    process.execPath,
    [join(project(), 'node_modules/@playwright/test/cli.js'), 'test', ...files],
    project(),
    env,
  );

it('installed without the optional packages, iqsim/playwright and iqsim/testing type-check without skipLibCheck', () => {
  mkdirSync(project());
  writeFileSync(
    join(project(), 'package.json'),
    JSON.stringify({ name: 'qa', private: true, type: 'module' }),
  );
  install(project(), [
    join(scratch, packed.filename),
    pinned('vitest'),
    pinned('@playwright/test'),
    pinned('@types/node'),
  ]);
  // The transports' and the registry's packages are optional peers: a QA install does not fetch them.
  for (const name of [...REGISTRY_PACKAGES, '@stoprocent/noble', 'serialport', '@serialport/stream'])
    expect(existsSync(join(project(), 'node_modules', name)), name).toBe(false);

  writeFileSync(
    join(project(), 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        noEmit: true,
      },
      files: ['typed.ts'],
    }),
  );
  writeFileSync(join(project(), 'typed.ts'), TYPED);
  const tsc = run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], project());
  expect(tsc.output.trim()).toBe('');
  expect(tsc.status).toBe(0);
});

it('runs the README’s library and "Testing an app flow" examples as written', () => {
  const testing = 'Testing an app flow against a virtual device';
  writeFileSync(join(project(), 'flow.test.ts'), readmeBlock(testing));
  // The other two blocks are plain JavaScript too (types only inferred): run them with node.
  writeFileSync(join(project(), 'library.mjs'), readmeBlock('Library'));
  writeFileSync(join(project(), 'waits.mjs'), readmeBlock(testing, 1));
  const test = run(
    process.execPath,
    [join(project(), 'node_modules/vitest/vitest.mjs'), 'run', 'flow.test.ts'],
    project(),
  );
  expect(test.status, test.output).toBe(0);
  expect(test.output).toMatch(/1 passed/);
  const library = run(process.execPath, ['library.mjs'], project());
  expect(library.status, library.output).toBe(0);
  expect(library.output).toMatch(/^get-auto-start \{ selector: 1, value: 1,/);
  const waits = run(process.execPath, ['waits.mjs'], project());
  expect(waits.status, waits.output).toBe(0);
});

it('without the registry’s packages, createRegistry() and `iqsim registry` name them', () => {
  const library = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import('iqsim/testing').then((m) => m.createRegistry()).catch((e) => console.log(e.code, e.message))",
    ],
    project(),
  );
  expect(library.output).toMatch(/^TRANSPORT_PACKAGE_MISSING .*npm install fastify @fastify\/rate-limit/);
  const cli = run(
    process.execPath,
    [join(project(), 'node_modules/iqsim/dist/cli/main.js'), 'registry', 'serve'],
    project(),
  );
  expect(cli.status).toBe(2);
  expect(cli.output).toMatch(
    /^\nerror TRANSPORT_PACKAGE_MISSING: iqsim registry needs the optional packages fastify,/,
  );
});

it('with the registry’s packages, runs the docs’ and README’s fixture examples as printed', () => {
  const withoutKb = installedKb(project());
  install(project(), REGISTRY_PACKAGES.map(pinned));
  const withKb = installedKb(project());
  // The size the issue is about, in the test's output: `du -sk node_modules` without and with.
  console.log(`node_modules: ${withoutKb} kB without the registry's packages, ${withKb} kB with them`);
  expect(withKb).toBeGreaterThan(withoutKb);

  expect(SPEC.trim().split('\n')).toHaveLength(15);
  writeFileSync(join(project(), 'pair.spec.ts'), SPEC);
  writeFileSync(join(project(), 'docs.spec.ts'), block('docs/companion.md', '## The fixture'));
  writeFileSync(join(project(), 'flows.spec.ts'), block('docs/companion.md', '### Four flows in one file'));
  writeFileSync(join(project(), 'readme.spec.ts'), block('README.md', '## Test your app'));
  writeFileSync(join(project(), 'own-app.spec.ts'), OWN_APP);
  // Only the Playwright specs: flow.test.ts above is vitest's.
  const test = playwright(['\\.spec\\.ts$']);
  expect(test.status, test.output).toBe(0);
  expect(test.output).toMatch(/8 passed/);
});

it('without a browser, the fixture fails with TRANSPORT_BROWSER_MISSING', () => {
  const test = playwright(['pair.spec.ts'], { IQSIM_CHROMIUM: join(scratch, 'no-chromium') });
  expect(test.status).not.toBe(0);
  expect(test.output).toContain('TransportError [TRANSPORT_BROWSER_MISSING]: no Chromium at');
});
