/**
 * Artillery stays out of the root install (docs/decisions.md "Artillery outside the root install"):
 * npm ≥ 7 installs a workspace's peer dependencies with the root, so the engine's peers must stay
 * optional, and the root lockfile must hold no Artillery. The pinned release lives in its own
 * lockfile, which scripts/artillery.mjs installs into a cache folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/built-cli.js';

const json = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const ENGINE = 'packages/artillery-engine-iqsim';

describe('the Artillery engine workspace', () => {
  it('is a workspace whose peers (artillery, iqsim) are optional, so the root npm ci installs neither', () => {
    const root = json('package.json');
    expect(root.workspaces).toEqual([ENGINE]);
    const engine = json(`${ENGINE}/package.json`);
    expect(Object.keys(engine.peerDependencies).sort()).toEqual(['artillery', 'iqsim']);
    expect(engine.peerDependenciesMeta).toEqual({ artillery: { optional: true }, iqsim: { optional: true } });
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies'])
      expect(Object.keys(root[field] ?? {})).not.toContain('artillery');
  });

  it('the root lockfile holds the link to the workspace and no Artillery package', () => {
    const packages = Object.keys(json('package-lock.json').packages);
    expect(packages).toContain('node_modules/artillery-engine-iqsim');
    expect(
      packages.filter((key) => /(^|\/)node_modules\/(artillery|@artilleryio\/[^/]+)$/.test(key)),
    ).toEqual([]);
  });

  it('the pinned lockfile is artillery 2.0.21, the last release for Node 20', () => {
    const pin = json(`${ENGINE}/artillery-pin/package-lock.json`);
    expect(pin.packages['node_modules/artillery'].version).toBe('2.0.21');
    // Runs on this project's Node 20 (2.0.22 and later ask for Node ≥ 22.13).
    expect(pin.packages['node_modules/artillery'].engines).toEqual({ node: '>= 18.16.1' });
  });

  it('the root package ships no workspace', () => {
    expect(json('package.json').files.some((entry: string) => entry.startsWith('packages'))).toBe(false);
  });
});
