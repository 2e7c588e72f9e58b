/**
 * The checks of test/architecture.test.ts as pure functions over paths and source text, so the test
 * can prove each one on a synthetic breach. Rules: docs/architecture.md house rules 1, 2, 10, 11 and
 * the layer map there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/** What each folder may import besides itself; the most specific folder owns a file. */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  protocol: [],
  'firmware-model': ['protocol'],
  simulator: ['firmware-model', 'protocol'],
  /** The only layer with real I/O and real time; nothing below it may import it. */
  transports: ['simulator', 'firmware-model', 'protocol'],
  registration: ['protocol'],
  'registration/server': ['registration'],
  /** `iqsim/testing` sits on top of both stacks. */
  testing: ['transports', 'simulator', 'firmware-model', 'protocol', 'registration/server', 'registration'],
  /** The Playwright fixture (`iqsim/playwright`) sits on top of both stacks and the test rig. */
  playwright: [
    'testing',
    'transports',
    'simulator',
    'firmware-model',
    'protocol',
    'registration/server',
    'registration',
  ],
  cli: [
    'testing',
    'transports',
    'simulator',
    'firmware-model',
    'protocol',
    'registration/server',
    'registration',
  ],
  /** The package's root entry (`index.ts`). */
  index: ['simulator', 'firmware-model', 'protocol'],
  /** Benchmarks may import any library layer, past its index too. */
  bench: [
    'playwright',
    'testing',
    'transports',
    'simulator',
    'firmware-model',
    'protocol',
    'registration/server',
    'registration',
    'index',
  ],
};

/** Layers with no I/O, no real time and no ambient randomness (docs/architecture.md house rules 1 and 2). */
export const PURE = ['protocol', 'firmware-model', 'simulator', 'registration'];

export const FORBIDDEN: readonly [RegExp, string][] = [
  [/from\s+['"]node:|import\(\s*['"]node:|require\(/, 'node:* import or require'],
  [/\bBuffer\b/, 'Buffer'],
  [/\b(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|queueMicrotask)\b/, 'timers'],
  [/\bDate\.now\b/, 'Date.now'],
  // `new Date(ms)` converts a given time to a calendar date and stays allowed; with no argument (or
  // `Date()` as a function) it reads the wall clock.
  [
    /\bnew\s+Date\b\s*(\(\s*\)|(?!\s*\())|(?<![.\w]|\bnew\s+)Date\s*\(/,
    'new Date() or Date() (the wall clock)',
  ],
  [/\bperformance\.now\b/, 'performance.now'],
  [/\bMath\.random\b/, 'Math.random'],
  [/\bcrypto\b/, 'crypto (randomness and hashing belong to transports or injected ports)'],
  [/\bprocess\b/, 'process'],
];

/**
 * The levels inside simulator/, lowest first: a file may import files of its own level or a lower
 * one, never a higher one. `simulator/*` is a file directly in simulator/, a folder (`device/`)
 * every file below it; a file named alone outranks the pattern it also matches. Root helpers (clock,
 * errors, random source, wire) sit at the bottom; the device over them; the in-memory link joins a
 * device to a central; trace/ samples a device's values in virtual time; the client speaks
 * through the link; schema/ checks the file formats (a state file by restoring a device); capture/ reads and writes capture files (its JSON lines through
 * schema/; the event type itself is a root file, so the device can emit it); faults/ has option
 * schemas; scenario/ drives all of it; fleet/ runs many devices with usage scripts; conformance/ checks a device, virtual or real, against the
 * docs over any link; index.ts is the entry.
 */
export const SIMULATOR_ORDER: readonly string[] = [
  'simulator/*',
  'simulator/device/',
  'simulator/crowd/',
  'simulator/link.ts',
  'simulator/trace/',
  'simulator/client/',
  'simulator/schema/',
  'simulator/capture/',
  'simulator/replay/',
  'simulator/faults/',
  'simulator/scenario/',
  'simulator/fleet/',
  'simulator/conformance/',
  'simulator/index.ts',
];

/** The level of a simulator/ file in SIMULATOR_ORDER, or undefined when it has none (a new folder). */
export function simulatorLevel(file: string): number | undefined {
  const matching = SIMULATOR_ORDER.filter((entry) => {
    if (entry.endsWith('/*'))
      return file.startsWith(entry.slice(0, -1)) && !file.slice(entry.length - 1).includes('/');
    return entry.endsWith('/') ? file.startsWith(entry) : file === entry;
  });
  const mostSpecific = matching.sort((a, b) => b.length - a.length)[0];
  return mostSpecific === undefined ? undefined : SIMULATOR_ORDER.indexOf(mostSpecific);
}

/** An import between two simulator/ files against SIMULATOR_ORDER. */
function simulatorOrderBreach(file: string, target: string): string | undefined {
  const from = simulatorLevel(file);
  if (from === undefined)
    return `${file}: has no level in SIMULATOR_ORDER (test/helpers/architecture-rules.ts)`;
  const to = simulatorLevel(target);
  if (to === undefined || to > from)
    return `${file}: imports ${target}, above it in simulator/ (${SIMULATOR_ORDER.join(' < ')})`;
  return undefined;
}

/** Extra entry points besides `<layer>/index.ts`: the package's sub-entries (package.json `exports`). */
export const SUB_ENTRIES = [
  'transports/webbluetooth/index.ts',
  'transports/webbluetooth/playwright.ts',
  // The dashboard server of `iqsim ui`: apart from transports/index.ts so that only the command loads Fastify.
  'transports/ui/index.ts',
];

const SOURCE_DIRS = [...new Set(Object.keys(LAYERS).map((layer) => layer.split('/')[0] as string))];

export function layerOf(file: string): string | undefined {
  if (file === 'index.ts') return 'index';
  return Object.keys(LAYERS)
    .filter((layer) => file.startsWith(`${layer}/`))
    .sort((a, b) => b.length - a.length)[0];
}

/** The source without comments (string contents kept). */
export function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

/** Every import, re-export and dynamic import in `code` (comments stripped). */
export function importsOf(code: string): ImportRef[] {
  const found: ImportRef[] = [];
  for (const m of code.matchAll(
    /(?:^|[;}\n])\s*(?:import|export)\s+(type\s+)?[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/g,
  ))
    found.push({ specifier: m[2] as string, typeOnly: m[1] !== undefined });
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g))
    found.push({ specifier: m[1] as string, typeOnly: false });
  for (const m of code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ specifier: m[1] as string, typeOnly: false });
  return found;
}

/** The repository path a relative specifier of `file` names (`.js` → `.ts`). */
export function resolveImport(file: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
}

const PACKAGE_NAME = /^iqsim(\/|$)/;

/**
 * A workspace package (`packages/<name>/`, e.g. the Artillery engine) is a package of its own that
 * users install beside iqsim: it uses iqsim by its name, and its sources never import a file outside
 * their folder by a relative path (its tests may: they run against this repository's iqsim).
 */
const WORKSPACE = /^packages\/[^/]+\//;

function workspaceViolations(file: string, folder: string, code: string): string[] {
  if (file.endsWith('.test.ts')) return [];
  return importsOf(code)
    .filter(({ specifier }) => specifier.startsWith('.'))
    .map(({ specifier }) => resolveImport(file, specifier))
    .filter((target) => !target.startsWith(folder))
    .map((target) => `${file}: imports ${target}, outside its package ${folder}; use the package name`);
}

/**
 * Rule breaches of one file. Tests (`*.test.ts`) may import anything; only cross-layer tests in
 * `test/` may import through the package name (they test the built package).
 */
export function violations(file: string, source: string): string[] {
  const code = stripComments(source);
  const workspace = WORKSPACE.exec(file)?.[0];
  if (workspace) return workspaceViolations(file, workspace, code);
  const isTest = file.endsWith('.test.ts') || file.startsWith('test/');
  const found: string[] = [];
  for (const { specifier } of importsOf(code))
    if (PACKAGE_NAME.test(specifier) && !file.startsWith('test/'))
      found.push(`${file}: imports the package by name ('${specifier}'); use a relative import`);
  const layer = layerOf(file);
  if (!layer || isTest) return found;
  if (PURE.includes(layer))
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(code)) found.push(`${file}: uses ${what}`);
  for (const { specifier } of importsOf(code)) {
    if (!specifier.startsWith('.')) continue;
    const target = resolveImport(file, specifier);
    const targetLayer = layerOf(target);
    if (targetLayer === layer) {
      const breach = layer === 'simulator' ? simulatorOrderBreach(file, target) : undefined;
      if (breach) found.push(breach);
      continue;
    }
    if (!targetLayer || !(LAYERS[layer] as readonly string[]).includes(targetLayer))
      found.push(`${file}: imports ${target}, which ${layer}/ may not use`);
    else if (layer !== 'bench' && target !== `${targetLayer}/index.ts` && !SUB_ENTRIES.includes(target))
      found.push(`${file}: reaches past ${targetLayer}/index.ts to ${target}`);
  }
  return found;
}

/** Source files below `dir` whose names end with one of `extensions`. */
export function filesUnder(dir: string, extensions: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name).replace(/\\/g, '/');
    if (statSync(path).isDirectory())
      return name.startsWith('.') || ['node_modules', 'dist', 'test-results'].includes(name)
        ? []
        : filesUnder(path, extensions);
    return extensions.some((ext) => name.endsWith(ext)) ? [path] : [];
  });
}

/** Every non-test TypeScript file of the library, the CLI, the rigs and the benches. */
export function librarySources(): string[] {
  return ['index.ts', ...SOURCE_DIRS.flatMap((dir) => filesUnder(dir, ['.ts']))].filter(
    (file) => !file.endsWith('.test.ts') && existsSync(file),
  );
}

/** The import graph of `files`: file → the files of the set it imports (type-only imports included). */
export function importGraph(sources: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, source] of sources) {
    const targets = importsOf(stripComments(source))
      .filter(({ specifier }) => specifier.startsWith('.'))
      .map(({ specifier }) => resolveImport(file, specifier))
      .filter((target) => sources.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** One cycle per strongly connected component (Tarjan), each as a path `a → b → … → a`. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next))
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = new Set<string>();
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      onStack.delete(top);
      component.add(top);
      if (top === node) break;
    }
    if (component.size > 1 || (graph.get(node) ?? []).includes(node))
      cycles.push(cyclePath(graph, node, component).join(' → '));
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** A shortest path from `start` back to itself inside `component` (breadth-first). */
function cyclePath(
  graph: ReadonlyMap<string, readonly string[]>,
  start: string,
  component: Set<string>,
): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const back: string[] = [];
        for (let at = node; at !== start; at = from.get(at) as string) back.push(at);
        return [start, ...back.reverse(), start];
      }
      if (!from.has(next)) {
        from.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

export const MAX_LINES = 500;

/** Files over MAX_LINES lines, with their counts. */
export function oversized(sources: ReadonlyMap<string, string>): string[] {
  return [...sources]
    .map(([file, source]) => [file, source.split('\n').length - (source.endsWith('\n') ? 1 : 0)] as const)
    .filter(([, lines]) => lines > MAX_LINES)
    .map(([file, lines]) => `${file}: ${lines} lines`);
}

/** Every source file of the repository (TypeScript and JavaScript, tests included), with its text. */
export function allSources(): Map<string, string> {
  const files = filesUnder('.', ['.ts', '.mjs', '.js']).map((f) => f.replace(/^\.\//, ''));
  return new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
}
