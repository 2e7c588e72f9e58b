/**
 * Issue 9 item 1: the light commands start without loading the simulator's or the transports'
 * dependencies. Each run of the built binary is preloaded with a resolve hook that logs every module
 * it loads (test/fixtures/module-log/), and the packages in that log are checked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, MAIN, ROOT } from './helpers/built-cli.js';

/** Packages only the simulator, the transports or the registry need. */
const HEAVY = [
  'rxjs',
  'serialport',
  '@serialport/stream',
  '@stoprocent/noble',
  'playwright-core',
  'fastify',
  'libsql',
  'ajv',
  'typebox',
  'qrcode',
];
const HOOK = join(ROOT, 'test/fixtures/module-log/register.mjs');

let dir: string;
beforeAll(() => {
  expect(ensureBuiltCli()).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'iqsim-lazy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The packages (from node_modules) and the project's own modules that `iqsim <args>` loads. */
function loaded(
  name: string,
  args: string[],
): { status: number | null; packages: Set<string>; own: string[] } {
  const log = join(dir, `${name}.log`);
  const run = spawnSync(process.execPath, ['--import', HOOK, MAIN, ...args], {
    env: { ...process.env, IQSIM_MODULE_LOG: log },
    encoding: 'utf8',
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const packages = new Set(
    urls.flatMap((url) => {
      const path = url.split('/node_modules/').at(-1) as string;
      if (path === url) return [];
      const parts = path.split('/');
      return [(parts[0] as string).startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string)];
    }),
  );
  const own = urls
    .filter((url) => url.includes('/dist/') && !url.includes('/node_modules/'))
    .map((url) => url.slice(url.indexOf('/dist/') + 6));
  return { status: run.status, packages, own };
}

describe('lazy start-up', () => {
  const light: [string, string[]][] = [
    ['decode', ['decode', '00 C0 02 23 C3']],
    ['decode-json-error', ['decode', '--json', '00 C0 01 00 F6']],
    ['encode', ['encode', 'set-brightness', 'high']],
    ['models', ['models', '--json']],
  ];
  for (const [name, args] of light) {
    it(`iqsim ${args.join(' ')} loads commander and protocol/ only`, () => {
      const { status, packages, own } = loaded(name, args);
      expect(status === 0 || status === 1).toBe(true);
      expect(packages.has('commander')).toBe(true); // the hook sees packages at all
      expect(HEAVY.filter((p) => packages.has(p))).toEqual([]);
      expect(
        own.filter((f) => !/^(cli\/(main|program|io|options|decode|encode|models)|protocol\/)/.test(f)),
      ).toEqual([]);
    });
  }

  it('a command that needs the simulator still loads it (the hook sees lazy imports)', () => {
    const { status, own } = loaded('exchange', ['exchange', '--model', 'iluma-i', '00 C0 02 23 C3']);
    expect(status).toBe(0);
    expect(own).toContain('simulator/index.js');
  });
});
