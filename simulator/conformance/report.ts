/**
 * A conformance report as text (docs/conformance.md "Output"): one line per check for people, and
 * JUnit XML for CI dashboards (testsuite / testcase / failure / skipped; n/a and not-run checks are
 * skipped with their reason). Pure string building; the CLI writes the file.
 */
import type { CheckResult, ConformanceReport } from './types.js';

const MARK: Readonly<Record<CheckResult['outcome'], string>> = {
  pass: 'PASS',
  fail: 'FAIL',
  'n/a': 'N/A ',
  'not-run': 'SKIP',
};

/** `PASS scp.bad-crc  frames with a bad CRC … (docs/protocol.md §4.8)` and, on fail, each mismatch. */
export function formatResult(result: CheckResult): string {
  const head = `${MARK[result.outcome]} ${result.id.padEnd(20)} ${result.title} (${result.citation})`;
  const lines = [head, `     ${result.detail}`];
  for (const m of result.mismatches ?? [])
    lines.push(`     - ${m.what}`, `         expected: ${m.expected}`, `         got:      ${m.got}`);
  return `${lines.join('\n')}\n`;
}

export function formatSummary(report: ConformanceReport): string {
  const c = report.counts;
  const verdict = report.ok ? 'conformant' : 'NOT conformant';
  return `${report.target} (${report.model}, ${report.channel}): ${verdict}: ${c.pass} pass, ${c.fail} fail, ${c['n/a']} n/a, ${c['not-run']} not run\n`;
}

/** Text safe inside XML attributes and elements: the five entities, and no characters XML 1.0 forbids. */
function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The report as JUnit XML: one testsuite, one testcase per check. `timestamp` is ISO 8601 if given. */
export function toJunit(report: ConformanceReport, timestamp?: string): string {
  const a = (name: string, value: string | number) => ` ${name}="${escapeXml(String(value))}"`;
  const total = report.results.reduce((sum, r) => sum + r.durationMs, 0);
  const skipped = report.counts['n/a'] + report.counts['not-run'];
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${a('name', 'iqsim conformance')}${a('tests', report.results.length)}${a('failures', report.counts.fail)}${a('skipped', skipped)}${a('time', seconds(total))}>`,
    `  <testsuite${a('name', `${report.target} (${report.model})`)}${a('tests', report.results.length)}${a('failures', report.counts.fail)}${a('errors', 0)}${a('skipped', skipped)}${a('time', seconds(total))}${timestamp ? a('timestamp', timestamp) : ''}>`,
  ];
  for (const r of report.results) {
    const open = `    <testcase${a('classname', `conformance.${report.model}`)}${a('name', `${r.id}: ${r.title}`)}${a('time', seconds(r.durationMs))}>`;
    out.push(
      open,
      `      <properties><property${a('name', 'citation')}${a('value', r.citation)}/></properties>`,
    );
    if (r.outcome === 'fail') {
      const body = (r.mismatches ?? [])
        .map((m) => `${m.what}\n  expected: ${m.expected}\n  got:      ${m.got}`)
        .join('\n');
      out.push(
        `      <failure${a('message', r.detail)}${a('type', 'nonconformance')}>${escapeXml(body)}</failure>`,
      );
    } else if (r.outcome !== 'pass') {
      out.push(`      <skipped${a('message', `${r.outcome}: ${r.detail}`)}/>`);
    } else out.push(`      <system-out>${escapeXml(r.detail)}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}
