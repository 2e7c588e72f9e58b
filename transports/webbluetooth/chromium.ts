/**
 * The one place that decides which Chromium runs: `$IQSIM_CHROMIUM`, else Debian's
 * `/usr/bin/chromium` (Playwright never downloads a browser here). Every launcher (the Playwright
 * fixture, `launchChromium`, the benchmarks) asks this first, so a missing browser is
 * TRANSPORT_BROWSER_MISSING with how to install it, before anything else starts
 * (docs/transports.md "Errors").
 */
import { existsSync } from 'node:fs';
import { TransportError } from '../errors.js';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The Chromium to launch: `explicit`, else `$IQSIM_CHROMIUM`, else `/usr/bin/chromium`; it must exist. */
export function chromiumExecutable(explicit?: string): string {
  const path = explicit ?? process.env.IQSIM_CHROMIUM ?? DEFAULT_CHROMIUM;
  if (existsSync(path)) return path;
  const error = new TransportError(
    'TRANSPORT_BROWSER_MISSING',
    `no Chromium at ${path}: install it (Debian: apt-get install chromium) or set IQSIM_CHROMIUM to its path`,
  );
  // Where a runner prints the stack (Playwright's fixture errors), its first line shows the code, as
  // Node's own coded errors do: `TransportError [TRANSPORT_BROWSER_MISSING]: no Chromium at …`.
  error.name = `TransportError [${error.code}]`;
  throw error;
}
