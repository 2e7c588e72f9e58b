/**
 * The checks of test/citations.test.ts as pure functions over paths and text, so the test can prove
 * each one on a synthetic breach. The citation forms are listed in docs/README.md "Citing the docs":
 * `docs/protocol.md §7.1`, `docs/protocol.md D-19`, `docs/device.md §11.2`, `docs/faults.md F-08`,
 * `docs/registration.md R-12`, `docs/architecture.md house rule 7`. Everything a citation names must
 * exist in the repository's own docs; documents outside the repository may not be cited at all.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/** What a citation may point at, per docs file (`docs/protocol.md` …). */
export interface DocIndex {
  /** Section numbers of each file's headings (`7.1` for a heading containing `§7.1`). */
  readonly sections: ReadonlyMap<string, ReadonlySet<string>>;
  /** Ids defined by a heading or the first cell of a table row (`D-19`, `F-08`, `R-12`, `D-R4`). */
  readonly ids: ReadonlyMap<string, ReadonlySet<string>>;
  /** GitHub anchors of each file's headings, for links `file.md#anchor`. */
  readonly anchors: ReadonlyMap<string, ReadonlySet<string>>;
  /** Each file's headings as plain text, for citations by title (`docs/security.md "Erasure"`). */
  readonly titles: ReadonlyMap<string, ReadonlySet<string>>;
  /** Numbers of the `### House rule N` headings of docs/architecture.md. */
  readonly houseRules: ReadonlySet<number>;
}

/** Forms that point outside the repository (or at its former private spec); none may remain. */
export const FORBIDDEN: readonly [RegExp, string][] = [
  [/P§/g, 'P§ (the private protocol spec): cite docs/protocol.md §N'],
  [
    /device-model(?:\.md)?/g,
    'device-model (the private spec): cite docs/device.md §N or docs/faults.md F-NN',
  ],
  [/(?<![\w.-])shared\//g, 'shared/ (outside the repository): cite the docs/ file'],
];

const ID = /(?<![\w-])(?:D-R\d+|D-\d+|F-\d+|R-\d+)(?![\w-])/g;
const SECTION_LIST = '§\\d+(?:\\.\\d+)*|D-R\\d+|D-\\d+|F-\\d+|R-\\d+';
/** `docs/x.md` and the references right after it, joined by `, `, ` and `, `/`, `–`. */
const CITATION = new RegExp(`docs/([\\w.-]+\\.md)((?:(?:, and |, | and |/|–| )(?:${SECTION_LIST}))*)`, 'g');
/** `docs/x.md "Heading"`: a section cited by its title. */
const TITLED = /docs\/([\w.-]+\.md) "([^"\n]+)"/g;
const HOUSE_RULE = /\b([Hh]ouse rules?)\b( (?:\d+|N)(?:(?:, and |, | and )(?:\d+|N))*)?/g;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

function headings(text: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (m) out.push(m[1] ?? '');
  }
  return out;
}

/** Builds the index from docs files keyed by path (`docs/protocol.md` → text). */
export function indexDocs(docs: ReadonlyMap<string, string>): DocIndex {
  const sections = new Map<string, Set<string>>();
  const ids = new Map<string, Set<string>>();
  const anchors = new Map<string, Set<string>>();
  const titles = new Map<string, Set<string>>();
  const houseRules = new Set<number>();
  for (const [path, text] of docs) {
    const heads = headings(text);
    const plainHeads = heads.map((h) => h.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    sections.set(
      path,
      new Set(heads.flatMap((h) => [...h.matchAll(/§(\d+(?:\.\d+)*)/g)].map((m) => m[1] ?? ''))),
    );
    anchors.set(path, new Set(plainHeads.map(slug)));
    titles.set(path, new Set(plainHeads.map((h) => h.trim())));
    const firstCells = text
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .map((l) => l.split('|')[1] ?? '');
    ids.set(path, new Set([...heads, ...firstCells].flatMap((t) => t.match(ID) ?? [])));
    if (path === 'docs/architecture.md')
      for (const h of heads) {
        const m = /^House rule (\d+)\b/.exec(h);
        if (m) houseRules.add(Number(m[1]));
      }
  }
  return { sections, ids, anchors, titles, houseRules };
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every problem with the citations of one file, as `file:line: what`. */
export function citationProblems(file: string, text: string, index: DocIndex): string[] {
  const problems: string[] = [];
  const at = (i: number, what: string) => problems.push(`${file}:${lineOf(text, i)}: ${what}`);
  for (const [pattern, what] of FORBIDDEN)
    for (const m of text.matchAll(pattern)) at(m.index ?? 0, `cites ${what}`);
  for (const m of text.matchAll(CITATION)) {
    const doc = `docs/${m[1]}`;
    const refs = (m[2] ?? '').match(new RegExp(SECTION_LIST, 'g')) ?? [];
    if (!index.sections.has(doc)) {
      at(m.index ?? 0, `cites ${doc}, which does not exist`);
      continue;
    }
    for (const ref of refs) {
      const known = ref.startsWith('§')
        ? index.sections.get(doc)?.has(ref.slice(1))
        : index.ids.get(doc)?.has(ref);
      if (!known) at(m.index ?? 0, `cites ${doc} ${ref}, which ${doc} does not define`);
    }
  }
  for (const m of text.matchAll(TITLED)) {
    const doc = `docs/${m[1]}`;
    const known = index.titles.get(doc);
    if (known && !known.has(m[2] ?? ''))
      at(m.index ?? 0, `cites ${doc} "${m[2]}", which is no heading of it`);
  }
  for (const m of text.matchAll(HOUSE_RULE)) {
    const plural = m[1]?.endsWith('s');
    const numbers = (m[2] ?? '').match(/\d+|N/g) ?? [];
    if (numbers.length === 0) {
      if (!plural) at(m.index ?? 0, 'cites a house rule without its number');
      continue;
    }
    if (file !== 'docs/architecture.md' && !text.slice(0, m.index).endsWith('docs/architecture.md '))
      at(m.index ?? 0, `cites "${m[0]}" without docs/architecture.md`);
    for (const n of numbers)
      if (n !== 'N' && !index.houseRules.has(Number(n)))
        at(m.index ?? 0, `cites house rule ${n}, which docs/architecture.md does not list`);
  }
  if (file.endsWith('.md')) problems.push(...linkProblems(file, text, index));
  return problems;
}

/** Markdown links to another docs file's heading (`protocol.md#71-register-map`) must hit a heading. */
export function linkProblems(file: string, text: string, index: DocIndex): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(/\]\(([\w./-]*\.md)?#([^)\s]+)\)/g)) {
    const target = m[1] ? posix.normalize(posix.join(posix.dirname(file), m[1])) : file;
    const anchors = index.anchors.get(target);
    if (anchors && !anchors.has(m[2] ?? ''))
      problems.push(`${file}:${lineOf(text, m.index ?? 0)}: links to ${target}#${m[2]}, no such heading`);
  }
  return problems;
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'test-results', 'playwright-report', 'coverage']);
const EXTENSIONS = ['.ts', '.mts', '.mjs', '.js', '.md', '.json'];
/** Data, not prose: large generated or captured files that cite nothing. */
const SKIP_FILES = new Set(['package-lock.json', 'test/fixtures/vectors.json']);

/** Every source, docs and schema file of the repository, relative paths with `/`. */
export function citingFiles(root = '.'): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const path = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(path);
      } else if (EXTENSIONS.some((e) => name.endsWith(e)) && !SKIP_FILES.has(path)) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

/** The docs files of the repository, keyed by path. */
export function readDocs(root = '.'): Map<string, string> {
  const dir = join(root, 'docs');
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir)
      .filter((n) => n.endsWith('.md'))
      .map((n) => [`docs/${n}`, readFileSync(join(dir, n), 'utf8')] as const),
  );
}
