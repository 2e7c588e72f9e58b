/**
 * Citations stay inside the repository (docs/architecture.md house rule 13): every `docs/x.md §N`,
 * `D-N`, `F-NN`, `R-N` and `house rule N` a source, schema or docs file cites exists in docs/, and
 * nothing cites the private spec (`P§`, `device-model.md`) or a path under `shared/`. Files are
 * checked per area (top-level folder, or the file itself at the root), so a failure names the area
 * whose citations need fixing. Each check is proved on a synthetic breach. The checks themselves:
 * test/helpers/citations.ts; the citation forms: docs/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { citationProblems, citingFiles, type DocIndex, indexDocs, readDocs } from './helpers/citations.js';

/** The checker and its test spell out the forbidden forms on purpose. */
const SELF = new Set(['test/helpers/citations.ts', 'test/citations.test.ts']);

const index = indexDocs(readDocs());
const files = citingFiles().filter((f) => !SELF.has(f));
const areaOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file);
const areas = [...new Set(files.map(areaOf))];

describe('citations', () => {
  it('the docs define the sections, ids and house rules code cites', () => {
    expect(index.sections.get('docs/protocol.md')).toContain('12.1');
    expect(index.sections.get('docs/device.md')).toContain('11.2');
    expect(index.sections.get('docs/faults.md')).toContain('15.1');
    expect(index.ids.get('docs/protocol.md')).toContain('D-31');
    expect(index.ids.get('docs/faults.md')).toContain('F-57');
    expect(index.ids.get('docs/registration.md')).toContain('R-30');
    expect([...index.houseRules].sort((a, b) => a - b)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(files.length).toBeGreaterThan(200);
  });

  it.each(areas)('%s cites only what exists in docs/', (area) => {
    const problems = files
      .filter((f) => areaOf(f) === area)
      .flatMap((f) => citationProblems(f, readFileSync(f, 'utf8'), index));
    expect(problems).toEqual([]);
  });
});

describe('the checker catches each kind of breach', () => {
  const docs = indexDocs(
    new Map([
      ['docs/protocol.md', '# Protocol\n## §7 Commands\n### §7.1 Register map\n| D-1 | echo |\n'],
      ['docs/faults.md', '## §15.1 Device faults\n| F-08 | holder defect |\n'],
      ['docs/architecture.md', '## House rules\n### House rule 1: no I/O\n### House rule 7: errors\n'],
    ]),
  );
  const check = (text: string, file = 'protocol/x.ts') => citationProblems(file, text, docs);

  it('accepts citations of what exists', () => {
    expect(check('// docs/protocol.md §7.1, §7 and D-1; docs/faults.md F-08, §15.1')).toEqual([]);
    expect(check('/** The error class (docs/architecture.md house rules 1 and 7). */')).toEqual([]);
    expect(check('See docs/protocol.md for the frames; the house rules are numbered.')).toEqual([]);
  });

  it('the private spec and paths outside the repository', () => {
    expect(check('// docs/protocol.md "Register map"')[0]).toMatch(/no heading/);
    expect(check('// docs/protocol.md "§7 Commands"')).toEqual([]);
    expect(check('// P§7.1 S 0x8E')).toHaveLength(1);
    expect(check('// device-model.md §11.2')).toHaveLength(1);
    expect(check('// device-model §15.1')[0]).toMatch(/device-model/);
    expect(check('// shared/spec/protocol.md')[0]).toMatch(/shared\//);
    expect(check("readFileSync('../shared/spec/vectors.json')")).toHaveLength(1);
    expect(check("readFileSync('/work/shared/design/architecture.md')")).toHaveLength(1);
  });

  it('a section, default or fault the docs do not define', () => {
    expect(check('// docs/protocol.md §7.2')[0]).toMatch(/§7\.2, which docs\/protocol\.md does not define/);
    expect(check('// docs/protocol.md §7.1, §7.10')).toHaveLength(1);
    expect(check('// docs/protocol.md D-32')).toHaveLength(1);
    expect(check('// docs/faults.md F-29')).toHaveLength(1);
    expect(check('// docs/device.md §11.2')[0]).toMatch(/does not exist/);
  });

  it('house rules: unnumbered, unlisted, or without the document', () => {
    expect(check('// (house rule): one codec per register')[0]).toMatch(/without its number/);
    expect(check('// docs/architecture.md house rule 15')[0]).toMatch(/rule 15, which/);
    expect(check('// docs/architecture.md house rules 1 and 9')).toHaveLength(1);
    expect(check('// (house rule 7)')[0]).toMatch(/without docs\/architecture\.md/);
  });

  it('markdown links to a heading that does not exist', () => {
    const md = (text: string) => citationProblems('docs/x.md', text, docs);
    expect(md('[docs/protocol.md §7.1](protocol.md#71-register-map)')).toEqual([]);
    expect(md('[docs/protocol.md §7.1](protocol.md#71-registers)')[0]).toMatch(/no such heading/);
  });

  it('an index without the docs has nothing to cite', () => {
    const empty: DocIndex = indexDocs(new Map());
    expect(citationProblems('x.ts', '// docs/protocol.md §1.2', empty)).toHaveLength(1);
  });
});
