/**
 * Issue 18 item 5: one place resolves the browser, and a missing one is TRANSPORT_BROWSER_MISSING
 * wherever a browser is launched: the helper, `launchChromium` (before it starts anything) and
 * `npm run bench -- app` / `webbluetooth` (`error CODE: message`, exit 2, no stack). The fixture's
 * case runs from the tarball in test/pack.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ROOT } from '../../test/helpers/built-cli.js';
import { chromiumExecutable, DEFAULT_CHROMIUM, launchChromium } from './playwright.js';

const MISSING = join(ROOT, 'no-such-chromium');

afterEach(() => vi.unstubAllEnvs());

describe('the browser to launch', () => {
  it('is $IQSIM_CHROMIUM, else Debian’s, when it exists', () => {
    vi.stubEnv('IQSIM_CHROMIUM', process.execPath);
    expect(chromiumExecutable()).toBe(process.execPath);
    expect(DEFAULT_CHROMIUM).toBe('/usr/bin/chromium');
  });

  it('missing: TRANSPORT_BROWSER_MISSING with how to install it, from the helper and launchChromium', () => {
    vi.stubEnv('IQSIM_CHROMIUM', MISSING);
    expect(() => chromiumExecutable()).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_BROWSER_MISSING' }),
    );
    expect(() => chromiumExecutable()).toThrow(/apt-get install chromium/);
    expect(() => launchChromium()).toThrow(expect.objectContaining({ code: 'TRANSPORT_BROWSER_MISSING' }));
  });

  it.each(['app', 'webbluetooth'])('npm run bench -- %s: error CODE, exit 2, no stack', (name) => {
    const bench = spawnSync(process.execPath, [join(ROOT, 'dist/bench/main.js'), name], {
      encoding: 'utf8',
      env: { ...process.env, IQSIM_CHROMIUM: MISSING },
    });
    expect(bench.status).toBe(2);
    expect(bench.stderr).toMatch(/^error TRANSPORT_BROWSER_MISSING: no Chromium at .*no-such-chromium/);
    expect(bench.stderr).not.toMatch(/\n\s+at /);
  });
});
