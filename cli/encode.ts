/** `iqsim encode <command> [args...]`: build a request (or with --reply the device's reply) by name. */
import type { Command } from 'commander';
import {
  COMMANDS,
  encodeCommand,
  encodeUsbReport,
  type Fields,
  fragmentFrame,
  ProtocolError,
  parseHex,
  parseUnit,
  toHex,
} from '../protocol/index.js';
import { type CliContext, CliUsageError, EXIT_OK } from './io.js';
import { choiceOption, numericOption, OPTIONS } from './options.js';

interface EncodeFlags {
  readonly node?: string;
  readonly transport: string;
  readonly reply?: boolean;
  readonly fields?: string;
  readonly extra?: string;
  readonly mtu: string;
  readonly json?: boolean;
}

function commandList(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return COMMANDS.map((c) => {
    const args = c.args ? ` ${c.args.usage}` : '';
    return `  ${c.name.padEnd(width)}  ${c.summary}${args ? ` — args:${args}` : ''} [${c.units.join('/')}]`;
  }).join('\n');
}

export function registerEncode(program: Command, { io, setExit }: CliContext): void {
  program
    .command('encode')
    .description('build a request frame by command name (or, with --reply, the device reply)')
    .argument('<command>', 'command name (listed below)')
    .argument(
      '[args...]',
      'command arguments, e.g. high, on, 2025-01-01T00:00:00Z; generic commands take the address first',
    )
    .option('-n, --node <unit>', 'charger, holder or flexpuff (or a node byte: C0, C9, D2)')
    .option(
      '-t, --transport <transport>',
      'ble (with transport bytes), usb (64-byte 3F report) or frame',
      'ble',
    )
    .option('-r, --reply', "build the device's reply instead of the request")
    .option(
      '-f, --fields <json>',
      'payload fields as JSON, e.g. the "fields" of decode --json (override args)',
    )
    .option('--extra <hex>', 'extra bytes between payload and CRC (reproduces the 6/7-byte firmware reads)')
    .option('--mtu <n>', 'ATT MTU for BLE fragmentation (23..517)', '23')
    .option('--json', 'print {"ok": true, "command", "frame", "packets"|"report"} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  iqsim encode set-brightness high
  iqsim encode get-firmware --node holder
  iqsim encode set-clock 2025-01-01T00:00:00Z
  iqsim encode get-battery-percent --reply 56
  iqsim encode set-auto-start on --transport usb
  iqsim encode read-register 0x181 --node charger

Commands:
${commandList()}`,
    )
    .action((name: string, args: string[], flags: EncodeFlags) => {
      const unit = flags.node === undefined ? undefined : parseUnit(flags.node);
      if (flags.node !== undefined && !unit) {
        throw new CliUsageError(
          'CLI_BAD_OPTION',
          `--node must be charger, holder, flexpuff or a node byte, got '${flags.node}'`,
        );
      }
      const transport = choiceOption('--transport', flags.transport, ['ble', 'usb', 'frame'] as const);
      const mtu = numericOption(OPTIONS.mtu, flags.mtu);
      const fields = parseFields(flags.fields);
      const extra = flags.extra === undefined ? undefined : hexOption('--extra', flags.extra);
      const generic =
        name === 'read-register' ||
        name === 'write-register' ||
        name === 'read-table' ||
        name === 'write-table';
      const target = generic ? parseTarget(name, args[0]) : {};
      const positional = generic ? args.slice(1) : args;
      const genericFields = generic && positional.length > 0 ? { payloadHex: positional.join(' ') } : {};
      const allFields = { ...genericFields, ...fields };
      const frame = encodeCommand(name, {
        ...(unit ? { unit } : {}),
        reply: flags.reply === true,
        ...(generic ? {} : { args: positional }),
        // Only fields that were given: an empty object would stand in for a missing argument.
        ...(Object.keys(allFields).length > 0 ? { fields: allFields } : {}),
        ...target,
        ...(extra ? { extra } : {}),
      });
      const wire =
        transport === 'ble'
          ? fragmentFrame(frame, mtu).map((p) => toHex(p))
          : transport === 'usb'
            ? [toHex(encodeUsbReport(frame))]
            : [toHex(frame)];
      if (flags.json) {
        io.out(
          `${JSON.stringify({ ok: true, command: name, transport, frame: toHex(frame), wire, hex: wire.join(' ') })}\n`,
        );
      } else {
        io.out(`${wire.join('\n')}\n`);
      }
      setExit(EXIT_OK);
    });
}

function parseFields(text: string | undefined): Fields {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Fields;
  } catch (e) {
    throw new CliUsageError('CLI_BAD_JSON', `--fields must be a JSON object: ${(e as Error).message}`);
  }
}

function hexOption(option: string, text: string): Uint8Array {
  const parsed = parseHex(text);
  if (!parsed.ok) throw new CliUsageError(parsed.error.code, `${option}: ${parsed.error.message}`);
  return parsed.value;
}

function parseTarget(name: string, text: string | undefined): { address?: number; table?: number } {
  const isTable = name.endsWith('-table');
  if (text === undefined)
    throw new CliUsageError(
      'CLI_MISSING_ARGUMENT',
      `${name} needs a ${isTable ? 'table id (e.g. 01 01 or 0x0101)' : 'register address (e.g. 0x181)'}`,
    );
  const bytes = /^0x[0-9a-f]+$/i.test(text) ? undefined : parseHex(text);
  const value =
    bytes?.ok && isTable && bytes.value.length === 2
      ? ((bytes.value[0] as number) << 8) | (bytes.value[1] as number)
      : Number(text);
  if (!Number.isInteger(value) || value < 0 || value > (isTable ? 0xffff : 0x3ff)) {
    throw new ProtocolError(
      'PROTOCOL_RANGE',
      `${isTable ? 'table id' : 'register address'} out of range: '${text}'`,
    );
  }
  return isTable ? { table: value } : { address: value };
}
