/**
 * Issue #12 acceptance: a scratch project outside the repository installs the packed tarball plus
 * `@playwright/test` (offline from the npm cache where it can), writes a 15-line test with the
 * iqsim/playwright fixture (pair + register + assert battery) and runs it with `npx playwright test`
 * and no config: the fixture brings Debian's Chromium. Needs dist/ built (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from './helpers/built-cli.js';

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

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

const scratch = mkdtempSync(join(tmpdir(), 'iqsim-playwright-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('a scratch project runs a 15-line fixture test from the packed tarball', () => {
  expect(SPEC.trim().split('\n')).toHaveLength(15);
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], ROOT);
  expect(pack.status, pack.output).toBe(0);
  const [{ filename }] = JSON.parse(pack.output.slice(pack.output.indexOf('['))) as [{ filename: string }];
  const project = join(scratch, 'qa');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'qa', private: true, type: 'module' }));
  writeFileSync(join(project, 'pair.spec.ts'), SPEC);
  const version = (
    JSON.parse(readFileSync(join(ROOT, 'node_modules/@playwright/test/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const packages = [join(scratch, filename), `@playwright/test@${version}`];
  const flags = ['--no-audit', '--no-fund', '--no-package-lock'];
  let install = run('npm', ['install', '--offline', ...flags, ...packages], project);
  if (install.status !== 0)
    install = run('npm', ['install', '--prefer-offline', ...flags, ...packages], project);
  expect(install.status, install.output).toBe(0);
  const test = run(
    process.execPath,
    [join(project, 'node_modules/@playwright/test/cli.js'), 'test'],
    project,
  );
  expect(test.status, test.output).toBe(0);
  expect(test.output).toMatch(/1 passed/);
});
