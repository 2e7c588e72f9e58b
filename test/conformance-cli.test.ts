/**
 * `iqsim conformance` in-process (docs/conformance.md, docs/cli.md): the human, JSON and JUnit forms
 * against `sim:` in virtual time, the progress bar only on a terminal, exit codes 0 / 1 / 2, and JUnit
 * XML that is well-formed whatever the report holds (failures, skipped checks, characters XML
 * reserves).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/program.js';
import { type ConformanceReport, toJunit } from '../simulator/index.js';
import { cli } from './helpers/cli.js';
import { run, target, wrapLink } from './helpers/conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Problems that make `xml` not well-formed (or not JUnit-shaped): unbalanced or crossed tags, raw `<`
 * or `&` in text and attribute values, unquoted attributes, text outside the root, elements outside
 * testsuites > testsuite > testcase > (properties > property | failure | skipped | system-out).
 */
function junitProblems(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  if (body === xml) problems.push('no XML declaration');
  const parents: Record<string, string> = {
    testsuites: '',
    testsuite: 'testsuites',
    testcase: 'testsuite',
    properties: 'testcase',
    property: 'properties',
    failure: 'testcase',
    skipped: 'testcase',
    'system-out': 'testcase',
  };
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[A-Za-z][\w-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const badEntity = /&(?!(amp|lt|gt|quot|apos);)/;
  const stack: string[] = [];
  let roots = 0;
  for (let at = 0; at < body.length; ) {
    token.lastIndex = at;
    const m = token.exec(body);
    if (!m) return [...problems, `bad markup at ${at}: ${body.slice(at, at + 40)}`];
    at = token.lastIndex;
    const [, closing, name = '', attributes = '', selfClosing, text] = m;
    if (text !== undefined) {
      if (badEntity.test(text)) problems.push(`raw & in text: ${text.slice(0, 40)}`);
      if (stack.length === 0 && text.trim() !== '') problems.push('text outside the root');
      continue;
    }
    if (badEntity.test(attributes)) problems.push(`raw & in an attribute of ${name}`);
    if (closing) {
      if (stack.pop() !== name) problems.push(`</${name}> closes something else`);
      continue;
    }
    if (parents[name] === undefined) problems.push(`unknown element ${name}`);
    else if ((stack.at(-1) ?? '') !== parents[name])
      problems.push(`${name} inside ${stack.at(-1) ?? 'nothing'}`);
    if (stack.length === 0) roots += 1;
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

describe('iqsim conformance sim:', () => {
  it('prints one block per check and a summary, no progress bar off a terminal; exit 0', async () => {
    const result = await cli('conformance', 'sim:iluma-i');
    expect(result.code).toBe(0);
    expect(result.out.match(/^PASS /gm)).toHaveLength(12);
    expect(result.out).toContain('PASS scp.bad-crc ');
    expect(result.out).toMatch(
      /sim:iluma-i \(iluma-i, ble\): conformant: 12 pass, 0 fail, 0 n\/a, 0 not run\n$/,
    );
    expect(result.out).not.toContain('\r');
  });

  it('draws a progress bar on a terminal', async () => {
    let out = '';
    const code = await runCli(['conformance', 'sim:iluma-one'], {
      out: (text) => {
        out += text;
      },
      err: () => undefined,
      isTTY: true,
    });
    expect(code).toBe(0);
    expect(out).toContain('\r[........................] 0/12 scp.read-registers');
    expect(out).toContain('\r\x1b[KPASS ble.advertising');
  });

  it('--json prints one document; --junit writes JUnit XML', async () => {
    const file = join(dir, 'usb.xml');
    const result = await cli('conformance', 'sim:iluma-i-one?channel=usb', '--json', '--junit', file);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as ConformanceReport;
    expect(report).toMatchObject({ ok: true, model: 'iluma-i-one', channel: 'usb' });
    expect(report.counts).toEqual({ pass: 12, fail: 0, 'n/a': 0, 'not-run': 0 });
    const xml = readFileSync(file, 'utf8');
    expect(junitProblems(xml)).toEqual([]);
    expect(xml.match(/<testcase /g)).toHaveLength(12);
    expect(xml).toContain('<property name="citation" value="docs/protocol.md §4.8"/>');
  });

  it('a device breaking a rule: exit 1, the failure decoded in the text and in the JUnit file', async () => {
    const overrides = join(dir, 'broken.json');
    writeFileSync(overrides, JSON.stringify({ 'C9.0x93.01': '01 00 00 00 00 00 00 00 00 00 00 00 00 00' }));
    const file = join(dir, 'broken.xml');
    const result = await cli('conformance', `sim:iluma-i?overrides=${overrides}`, '--junit', file);
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAIL scp.read-registers');
    expect(result.out).toContain('- C9 S 0x93 sel 01: wrong length code (docs/protocol.md §7.1, §4.3)');
    expect(result.out).toContain('expected: 08 87 24 … (response, 4 bytes, payload [0] = 01, valid CRC-8)');
    expect(result.out).toMatch(/got: {6}08 8B 24 01 00 .*\(holder response, S 0x93, 14 bytes, /);
    expect(result.out).toContain('NOT conformant: 11 pass, 1 fail');
    const xml = readFileSync(file, 'utf8');
    expect(junitProblems(xml)).toEqual([]);
    expect(xml).toContain('<failure message="');
  });

  it.each([
    [['sim:nope'], 'TRANSPORT_BAD_SPEC'],
    [['sim:iluma-i', '--model', 'nope'], 'FIRMWARE_UNKNOWN_MODEL'],
    [['sim:iluma-i', '--model', 'iluma'], 'CLI_BAD_OPTION'],
    [['sim:iluma-i', '--timeout-ms', '0'], 'CLI_BAD_TIMEOUT'],
    [['sim:iluma-i', '--junit', join(dir, 'missing', 'x.xml')], 'CLI_WRITE_FAILED'],
  ])('bad usage %j exits 2 with %s', async (args, code) => {
    const result = await cli('conformance', ...args, '--json');
    expect(result.code).toBe(2);
    expect(result.err).toContain(`error ${code}:`);
    expect(JSON.parse(result.out)).toMatchObject({ ok: false, error: { code } });
  });

  it('a link that cannot be opened exits 1', async () => {
    const result = await cli('conformance', `serial:${join(dir, 'no-such-tty')}`);
    expect(result.code).toBe(1);
    expect(result.err).toContain('error TRANSPORT_OPEN_FAILED:');
  });
});

describe('JUnit XML', () => {
  it('marks not-run checks skipped with the reason, and escapes what XML reserves', async () => {
    let requests = 0;
    const report = await run(
      target({
        channel: 'usb',
        wrap: (link) =>
          wrapLink(link, {
            toDevice: (packet) => {
              requests += 1;
              return [packet];
            },
            toClient: (packet) => (requests > 20 ? [] : [packet]),
          }),
      }),
    );
    const first = report.results[0];
    const odd = { what: 'a <b> & "c" \'d\'', expected: '\u0001 ]]> <!--', got: '\uFFFE' };
    const withOdd: ConformanceReport = {
      ...report,
      results: [
        { ...(first as NonNullable<typeof first>), outcome: 'fail', detail: '<&>', mismatches: [odd] },
        ...report.results.slice(1),
      ],
    };
    const xml = toJunit(withOdd, '2025-01-01T00:00:00.000Z');
    expect(junitProblems(xml)).toEqual([]);
    expect(xml).toContain(
      '<failure message="&lt;&amp;&gt;" type="nonconformance">a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;',
    );
    expect(
      xml.match(/<skipped message="not-run: the target stopped answering during scp.read-registers: /g),
    ).toHaveLength(11);
    expect(junitProblems('<testsuites><testsuite></testsuites>')).not.toEqual([]);
    expect(junitProblems('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="a & b"/>')).not.toEqual(
      [],
    );
  });
});
