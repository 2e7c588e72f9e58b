/** `iqsim decode <hex...>`: decode captured bytes into frames, commands and fields. */
import type { Command } from 'commander';
import { hexNumber, type InspectedItem, inspectBytes, parseHex } from '../protocol/index.js';
import { type CliContext, CliUsageError, EXIT_FAILED, EXIT_OK } from './io.js';
import { choiceOption, numericOption, OPTIONS } from './options.js';

interface DecodeFlags {
  readonly transport: string;
  readonly char?: string;
  readonly mtu: string;
  readonly json?: boolean;
}

export function registerDecode(program: Command, { io, setExit }: CliContext): void {
  program
    .command('decode')
    .description('decode SCP frames (BLE values, USB reports, bare frames) or characteristic values')
    .argument('<hex...>', 'one item per argument; spaces, colons and 0x prefixes are allowed inside quotes')
    .option(
      '-t, --transport <transport>',
      'ble (with transport byte), usb (3F report) or frame (bare logical frame)',
      'ble',
    )
    .option('-c, --char <kind>', 'decode a characteristic value instead: battery, status or adv')
    .option('--mtu <n>', 'ATT MTU the BLE packets were cut at (23..517)', '23')
    .option('--json', 'print {"ok": bool, "items": [...]} instead of a table')
    .addHelpText(
      'after',
      `
Examples:
  iqsim decode "00 C0 02 23 C3"
  iqsim decode --json "00 C0 88 03 54 4C 32 45 59 59 38 52 4D 31 57 51 48 30 86"
  iqsim decode --transport usb 3F:04:C0:00:24:FC
  iqsim decode --char battery "0F 00 38 19 B4 0E 64"

Exit codes: 0 every item decoded, 1 some item failed (bad CRC, truncated, ...), 2 bad usage or bad hex.`,
    )
    .action((hexArgs: string[], flags: DecodeFlags) => {
      const transport = choiceOption('--transport', flags.transport, ['ble', 'usb', 'frame'] as const);
      const char =
        flags.char === undefined
          ? undefined
          : choiceOption('--char', flags.char, ['battery', 'status', 'adv'] as const);
      const mtu = numericOption(OPTIONS.mtu, flags.mtu);
      const inputs = hexArgs.map((text, index) => {
        const parsed = parseHex(text);
        if (!parsed.ok)
          throw new CliUsageError(
            parsed.error.code,
            `argument ${index + 1} ('${text}'): ${parsed.error.message}`,
          );
        return parsed.value;
      });
      const items = inputs.map((bytes) => inspectBytes(bytes, { transport, mtu, ...(char ? { char } : {}) }));
      const allOk = items.every((item) => !item.error);
      if (flags.json) io.out(`${JSON.stringify({ ok: allOk, items })}\n`);
      else io.out(items.map(renderItem).join('\n'));
      setExit(allOk ? EXIT_OK : EXIT_FAILED);
    });
}

/** Human form: a header line, then one `name  value` row per field. */
export function renderItem(item: InspectedItem): string {
  const rows: [string, string][] = [['bytes', item.hex]];
  if (item.kind !== 'unknown') rows.push(['kind', item.kind]);
  if (item.node) rows.push(['node', `${item.node} (${item.nodeByte ?? '?'})`]);
  if (item.frame) rows.push(['frame', `${item.frame}${item.write ? ', write' : ', read'}`]);
  if (item.register !== undefined && item.register !== null)
    rows.push(['register', `S ${hexNumber(item.register)}`]);
  if (item.table) rows.push(['table', item.table]);
  if (item.command)
    rows.push(['command', item.known === false ? `${item.command} (not in the catalogue)` : item.command]);
  if (item.spec) rows.push(['spec', item.spec]);
  if (item.extraHex) rows.push(['extra bytes', `${item.extraHex} (accepted, D-7)`]);
  if (item.kind === 'request' || item.kind === 'response')
    rows.push(['crc', item.crcValid ? 'valid' : 'INVALID']);
  for (const [key, value] of flatten(item.fields ?? {})) rows.push([key, value]);
  if (item.error) rows.push(['error', `${item.error.code}: ${item.error.message}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value === null || typeof value !== 'object') return [[prefix, String(value)]];
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return [[prefix, value.join(', ')]];
  return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}
