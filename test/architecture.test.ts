/**
 * docs/architecture.md house rules 1, 2, 10 and 11: no I/O, real time or ambient
 * randomness below simulator/transports/ (and in the registration core); imports only along the
 * layer map and only through a layer's index.ts (or a package sub-entry); the package name only in
 * cross-layer tests and workspace packages (which never leave their folder by a relative path); no
 * import cycle; no source file over 500 lines. Each check is proved on a synthetic breach. The rules
 * themselves: test/helpers/architecture-rules.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  allSources,
  findCycles,
  importGraph,
  librarySources,
  MAX_LINES,
  oversized,
  violations,
} from './helpers/architecture-rules.js';

describe('architecture', () => {
  it('every source and test file keeps the layer rules', () => {
    const files = [...allSources().keys()].filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the library, CLI, rigs and benches have no import cycle', () => {
    const files = librarySources();
    expect(files.length).toBeGreaterThan(100);
    const graph = importGraph(new Map(files.map((f) => [f, readFileSync(f, 'utf8')])));
    expect(findCycles(graph)).toEqual([]);
  });

  it(`no source file is over ${MAX_LINES} lines`, () => {
    expect(oversized(allSources())).toEqual([]);
  });
});

describe('the checker catches each kind of breach', () => {
  it('I/O, real time and randomness in a pure layer', () => {
    expect(violations('protocol/x.ts', "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(violations('firmware-model/x.ts', 'const b = Buffer.from([1]);')).toHaveLength(1);
    expect(
      violations('simulator/clock.ts', 'setTimeout(() => 1, 5); Date.now(); Math.random();'),
    ).toHaveLength(3);
    expect(violations('simulator/x.ts', 'performance.now(); process.exit(1);')).toHaveLength(2);
    expect(violations('registration/x.ts', 'const t = new Date();')[0]).toMatch(/new Date\(\)/);
    expect(violations('simulator/x.ts', 'const t = new Date;')).toHaveLength(1);
    expect(violations('protocol/x.ts', 'const s = Date();')).toHaveLength(1);
    expect(violations('simulator/x.ts', 'const id = crypto.randomUUID();')[0]).toMatch(/crypto/);
    expect(violations('registration/x.ts', 'globalThis.crypto.getRandomValues(b);')).toHaveLength(1);
    expect(violations('transports/pty.ts', "import { spawn } from 'node:child_process';")).toEqual([]);
    expect(violations('registration/server/x.ts', "import { randomBytes } from 'node:crypto';")).toEqual([]);
  });

  it('a Node built-in that does I/O anywhere in the simulator, a transport imported from below', () => {
    expect(violations('simulator/x.ts', "import { readFileSync } from 'node:fs';")[0]).toMatch(/node:\*/);
    expect(violations('simulator/device/x.ts', "import { createServer } from 'node:net';")).toHaveLength(1);
    expect(
      violations('simulator/transports/x.ts', "import { spawn } from 'node:child_process';"),
    ).toHaveLength(1);
    expect(violations('simulator/x.ts', "const s = await import('node:stream');")).toHaveLength(1);
    for (const below of ['simulator/x.ts', 'firmware-model/x.ts', 'protocol/x.ts'])
      expect(violations(below, "import { openTransport } from '../transports/index.js';")[0]).toMatch(
        /may not use/,
      );
    expect(violations('transports/x.ts', "import { VirtualClock } from '../simulator/index.js';")).toEqual(
      [],
    );
  });

  it('allows calendar conversion of a given time and words in comments', () => {
    expect(violations('protocol/x.ts', 'const d = new Date((s + EPOCH) * 1000).toISOString();')).toEqual([]);
    expect(violations('registration/x.ts', 'const n = new Date(Date.UTC(y, m, 0)).getUTCDate();')).toEqual(
      [],
    );
    expect(violations('protocol/x.ts', "// Date.now() in a comment\nimport { y } from './y.js';")).toEqual(
      [],
    );
    expect(violations('simulator/x.ts', '/* crypto, new Date() */ const cryptoKey = 1;')).toEqual([]);
  });

  it('imports against the layer map or past an index', () => {
    expect(violations('protocol/x.ts', "import { a } from '../firmware-model/index.js';")[0]).toMatch(
      /protocol\/ may not use/,
    );
    expect(violations('registration/x.ts', "import { a } from '../simulator/index.js';")[0]).toMatch(
      /registration\/ may not use/,
    );
    expect(violations('registration/x.ts', "import { a } from './server/index.js';")[0]).toMatch(
      /may not use/,
    );
    expect(violations('registration/server/x.ts', "import { a } from '../index.js';")).toEqual([]);
    expect(violations('simulator/x.ts', "import type { T } from '../registration/index.js';")).toHaveLength(
      1,
    );
    expect(violations('cli/x.ts', "import { crc8 } from '../protocol/crc.js';")[0]).toMatch(
      /reaches past protocol\/index.ts/,
    );
    expect(violations('cli/x.ts', "import { crc8 } from '../protocol/index.js';")).toEqual([]);
    expect(violations('testing/x.ts', "import { run } from '../cli/program.js';")[0]).toMatch(/may not use/);
    expect(violations('testing/x.ts', "import { ROOT } from '../test/helpers/built-cli.js';")).toHaveLength(
      1,
    );
    expect(violations('cli/x.ts', "export * from '../bench/codec.js';")).toHaveLength(1);
    expect(violations('transports/x.ts', "const m = await import('../cli/index.js');")).toHaveLength(1);
    expect(violations('bench/x.ts', "import { crc8 } from '../protocol/crc.js';")).toEqual([]);
    expect(
      violations('playwright/x.ts', "import { attach } from '../transports/webbluetooth/playwright.js';"),
    ).toEqual([]);
  });

  it('an upward import inside simulator/, against its order of sub-folders', () => {
    expect(
      violations('simulator/schema/x.ts', "import { HOLDER_STATES } from '../scenario/format-parts.js';")[0],
    ).toMatch(/above it in simulator\//);
    expect(
      violations('simulator/device/x.ts', "import type { IqosClient } from '../client/client.js';"),
    ).toHaveLength(1);
    expect(violations('simulator/device/x.ts', "import { InMemoryLink } from '../link.js';")).toHaveLength(1);
    expect(violations('simulator/wire.ts', "import { HANDLES } from './device/device.js';")).toHaveLength(1);
    expect(
      violations('simulator/faults/x.ts', "export { runScenario } from '../scenario/scenario.js';"),
    ).toHaveLength(1);
    expect(violations('simulator/newfolder/x.ts', "import { a } from '../clock.js';")[0]).toMatch(/no level/);
    expect(violations('simulator/client/x.ts', "import { a } from '../newfolder/a.js';")).toHaveLength(1);
    expect(violations('simulator/scenario/x.ts', "import { a } from '../schema/validator.js';")).toEqual([]);
    expect(violations('simulator/schema/x.ts', "import { a } from '../device/device.js';")).toEqual([]);
    expect(violations('simulator/link.ts', "import { a } from './device/device.js';")).toEqual([]);
    expect(violations('simulator/index.ts', "export { a } from './scenario/scenario.js';")).toEqual([]);
    expect(violations('simulator/device/x.ts', "import { a } from './y.js';")).toEqual([]);
  });

  it('the package name outside cross-layer tests', () => {
    expect(violations('simulator/x.ts', "import { crc8 } from 'iqsim/protocol';")[0]).toMatch(
      /package by name/,
    );
    expect(violations('testing/x.ts', "import { Firmware } from 'iqsim';")).toHaveLength(1);
    expect(violations('bench/x.ts', "const m = await import('iqsim/simulator');")).toHaveLength(1);
    expect(violations('protocol/crc.test.ts', "import { crc8 } from 'iqsim/protocol';")).toHaveLength(1);
    expect(violations('test/readme-example.test.ts', "import { createRig } from 'iqsim/testing';")).toEqual(
      [],
    );
    expect(violations('cli/x.ts', "import { Command } from 'commander';")).toEqual([]);
  });

  it('a workspace package leaving its folder by a relative path; its tests and the package name are fine', () => {
    const engine = 'packages/artillery-engine-iqsim/src/engine.ts';
    expect(violations(engine, "import { createRig } from '../../../testing/index.js';")[0]).toMatch(
      /outside its package/,
    );
    expect(violations(engine, "const t = await import('iqsim/testing');")).toEqual([]);
    expect(violations(engine, "import { parseFlow } from './format.js';")).toEqual([]);
    expect(
      violations(
        'packages/artillery-engine-iqsim/src/user.test.ts',
        "import { a } from '../../../testing/index.js';",
      ),
    ).toEqual([]);
  });

  it('an import cycle, reported as its path', () => {
    const sources = new Map([
      ['simulator/scenario/a.ts', "import { b } from './b.js';"],
      ['simulator/scenario/b.ts', "import type { C } from './c.js';"],
      ['simulator/scenario/c.ts', "export { a } from './a.js';\nimport { d } from './d.js';"],
      ['simulator/scenario/d.ts', 'export const d = 1;'],
      ['simulator/x.ts', "const self = await import('./x.js');"],
    ]);
    expect(findCycles(importGraph(sources))).toEqual([
      'simulator/scenario/a.ts → simulator/scenario/b.ts → simulator/scenario/c.ts → simulator/scenario/a.ts',
      'simulator/x.ts → simulator/x.ts',
    ]);
    sources.delete('simulator/x.ts');
    sources.set('simulator/scenario/c.ts', "import { d } from './d.js';");
    expect(findCycles(importGraph(sources))).toEqual([]);
  });

  it(`a file over ${MAX_LINES} lines`, () => {
    const lines = (n: number) => 'x;\n'.repeat(n);
    expect(oversized(new Map([['a.ts', lines(500)]]))).toEqual([]);
    expect(oversized(new Map([['a.test.ts', lines(501)]]))).toEqual(['a.test.ts: 501 lines']);
  });
});
