/**
 * House rules 1 and 10 (shared/design/architecture.md): no I/O or real time below
 * simulator/transports/, imports only down the layer order, and only through a layer's index.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Layers from the top; a layer may import only layers after it. */
const LAYERS = [
  'cli',
  'registration/server',
  'registration',
  'simulator/transports',
  'simulator',
  'firmware-model',
  'protocol',
] as const;
type Layer = (typeof LAYERS)[number];
const PURE: readonly Layer[] = ['registration', 'simulator', 'firmware-model', 'protocol'];
/** The registration stack is a branch beside the simulator: it may import only these (issue 11). */
const MAY_IMPORT: Partial<Record<Layer, readonly Layer[]>> = {
  registration: ['protocol'],
  'registration/server': ['registration', 'protocol'],
};
const FORBIDDEN: readonly [RegExp, string][] = [
  [/from\s+['"]node:|import\(\s*['"]node:|require\(/, 'node:* import or require'],
  [/\bBuffer\b/, 'Buffer'],
  [/\b(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|queueMicrotask)\b/, 'timers'],
  [/\bDate\.now\b/, 'Date.now'],
  [/\bperformance\.now\b/, 'performance.now'],
  [/\bMath\.random\b/, 'Math.random'],
  [/\bprocess\b/, 'process'],
  [/new Date\(\s*\)/, 'new Date()'],
  [/\bcrypto\b/, 'crypto'],
];

function layerOf(file: string): Layer | undefined {
  return LAYERS.find((layer) => file === layer || file.startsWith(`${layer}/`));
}

/** Violations in one file given its repository-relative path and source. */
function violations(file: string, source: string): string[] {
  const layer = layerOf(file);
  if (!layer || file.endsWith('.test.ts')) return [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const found: string[] = [];
  if (PURE.includes(layer)) {
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(code)) found.push(`${file}: uses ${what}`);
  }
  for (const match of code.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
    const target = relative('.', resolve(dirname(file), match[1] as string)).replace(/\\/g, '/');
    const targetLayer = layerOf(target.replace(/\.js$/, '.ts'));
    if (!targetLayer || targetLayer === layer) continue;
    if (LAYERS.indexOf(targetLayer) < LAYERS.indexOf(layer))
      found.push(`${file}: imports ${target} against the layer order`);
    else if (MAY_IMPORT[layer] && !MAY_IMPORT[layer]?.includes(targetLayer))
      found.push(`${file}: imports ${target}, outside its stack`);
    else if (target !== `${targetLayer}/index.js`)
      found.push(`${file}: reaches past ${targetLayer}/index.ts to ${target}`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? sourceFiles(path)
      : path.endsWith('.ts')
        ? [path.replace(/\\/g, '/')]
        : [];
  });
}

describe('architecture', () => {
  it('every layer file keeps the rules', () => {
    const files = ['cli', 'registration', 'simulator', 'firmware-model', 'protocol'].flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the checker catches each kind of breach', () => {
    expect(violations('registration/x.ts', "import { a } from '../simulator/index.js';")[0]).toMatch(
      /outside its stack/,
    );
    expect(
      violations('registration/x.ts', "import { createHash } from 'node:crypto'; new Date();"),
    ).toHaveLength(3);
    expect(violations('registration/server/x.ts', "import { createHash } from 'node:crypto';")).toEqual([]);
    expect(violations('simulator/x.ts', "import { a } from '../registration/index.js';")[0]).toMatch(
      /against the layer order/,
    );
    expect(violations('protocol/x.ts', "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(violations('firmware-model/x.ts', 'const b = Buffer.from([1]);')).toHaveLength(1);
    expect(
      violations('simulator/clock.ts', 'setTimeout(() => 1, 5); Date.now(); Math.random();'),
    ).toHaveLength(3);
    expect(violations('simulator/x.ts', 'performance.now(); process.exit(1);')).toHaveLength(2);
    expect(violations('simulator/transports/pty.ts', "import { spawn } from 'node:child_process';")).toEqual(
      [],
    );
    expect(violations('protocol/x.ts', "import { a } from '../firmware-model/index.js';")[0]).toMatch(
      /against the layer order/,
    );
    expect(violations('cli/x.ts', "import { crc8 } from '../protocol/crc.js';")[0]).toMatch(
      /reaches past protocol\/index.ts/,
    );
    expect(violations('cli/x.ts', "import { crc8 } from '../protocol/index.js';")).toEqual([]);
    expect(violations('protocol/x.ts', "// Date.now() in a comment\nimport { y } from './y.js';")).toEqual(
      [],
    );
  });
});
