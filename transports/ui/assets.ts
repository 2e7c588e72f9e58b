/**
 * The dashboard's static files: the page of ./assets/ (copied into dist by scripts/build.mjs, shipped
 * through package.json `files`) and uPlot from its npm package, read once at start and served by
 * name from a fixed list, so no request path ever reaches the file system.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The page's own files, in ./assets/. */
const PAGE_FILES = [
  'index.html',
  'app.js',
  'charts.js',
  'drawing.js',
  'fleet.js',
  'panels.js',
  'style.css',
] as const;

/** Served name → file inside the uplot package. */
const VENDOR_FILES: Readonly<Record<string, string>> = {
  'uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  'uPlot.min.css': 'uplot/dist/uPlot.min.css',
};

export function loadAssets(): ReadonlyMap<string, Asset> {
  const require = createRequire(import.meta.url);
  const assets = new Map<string, Asset>();
  const add = (name: string, path: string) =>
    assets.set(name, { type: TYPES[extname(name)] ?? 'application/octet-stream', body: readFileSync(path) });
  for (const name of PAGE_FILES) add(name, fileURLToPath(new URL(`./assets/${name}`, import.meta.url)));
  for (const [name, specifier] of Object.entries(VENDOR_FILES)) add(name, require.resolve(specifier));
  return assets;
}
