/**
 * A chart's SVG as a PNG through headless Chromium (docs/traces.md "Plots"): the project's launcher
 * (transports/webbluetooth/playwright.ts), so a missing browser is TRANSPORT_BROWSER_MISSING and a
 * missing playwright-core is TRANSPORT_PACKAGE_MISSING, both before anything is drawn.
 */

import { importWithOptional } from './optional-package.js';
import { chromiumExecutable } from './webbluetooth/chromium.js';

/** Screenshots `svg` (width and height read from its root element) at `scale` device pixels per px. */
export async function svgToPng(svg: string, scale = 1): Promise<Uint8Array> {
  chromiumExecutable();
  const { launchChromium } = await importWithOptional(
    ['playwright-core'],
    'iqsim plot --png',
    () => import('./webbluetooth/playwright.js'),
  );
  const width = Number(/<svg[^>]*\bwidth="(\d+)"/.exec(svg)?.[1] ?? 960);
  const height = Number(/<svg[^>]*\bheight="(\d+)"/.exec(svg)?.[1] ?? 600);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: scale });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    return await page.locator('svg').first().screenshot({ type: 'png' });
  } finally {
    await browser.close();
  }
}
