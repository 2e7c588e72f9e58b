/**
 * `iqsim exchange --model <name> [--transport ble|usb] [--seed n] <hex...>`: each request frame, in
 * order, to one fresh virtual device over the in-memory link in virtual time; prints the replies.
 */
import type { Command } from 'commander';
import { getProfile } from '../firmware-model/index.js';
import { ProtocolError } from '../protocol/index.js';
import { requestFrame, runExchange } from '../simulator/index.js';
import { type CliContext, CliUsageError, EXIT_FAILED } from './io.js';

interface Flags {
  model: string;
  transport: string;
  seed: string;
  json?: boolean;
}

export function registerExchange(program: Command, { io, setExit }: CliContext): void {
  program
    .command('exchange')
    .description('send request frames to a fresh virtual device (virtual time) and print its replies')
    .argument(
      '<hex...>',
      'request frames, each quoted: a BLE value with its transport byte, or a logical frame',
    )
    .requiredOption('-m, --model <name>', 'model id (see iqsim models)')
    .option(
      '-t, --transport <transport>',
      'ble (ATT over the in-memory link) or usb (64-byte 3F reports)',
      'ble',
    )
    .option('--seed <n>', 'identity seed', '1')
    .option('--json', 'print {"ok": true, "exchanges": [{"request", "replies", "decoded"}]}')
    .addHelpText(
      'after',
      `
Examples:
  iqsim exchange --model iluma-i "00 C0 02 23 C3" "00 C0 10 02 01 01 75 D6"
  iqsim exchange --model iluma-i-one --transport usb --json "C0 00 01 07"`,
    )
    .action(async (hex: string[], flags: Flags) => {
      if (flags.transport !== 'ble' && flags.transport !== 'usb')
        throw new CliUsageError(
          'CLI_BAD_TRANSPORT',
          `transport must be ble or usb, got '${flags.transport}'`,
        );
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed) || seed < 0)
        throw new CliUsageError('CLI_BAD_SEED', `seed must be a non-negative integer`);
      getProfile(flags.model);
      const requests = parseRequestArgs(hex);
      const exchanges = await runExchange(requests, { model: flags.model, transport: flags.transport, seed });
      if (flags.json) io.out(`${JSON.stringify({ ok: true, exchanges })}\n`);
      else
        for (const e of exchanges) {
          io.out(`> ${e.request}\n`);
          if (e.replies.length === 0) io.out('  (no reply)\n');
          e.replies.forEach((r, i) => {
            const d = e.decoded[i];
            io.out(`< ${r}  ${d && 'command' in d ? `${d.command} ${JSON.stringify(d.fields)}` : ''}\n`);
          });
        }
      if (exchanges.some((e) => e.replies.length === 0)) setExit(EXIT_FAILED);
    });
}

/** Request frames from command-line hex (BLE value or logical frame); bad hex is a usage error. */
export function parseRequestArgs(hex: readonly string[]): Uint8Array[] {
  return hex.map((h) => {
    try {
      return requestFrame(h);
    } catch (e) {
      if (e instanceof ProtocolError) throw new CliUsageError(e.code, `${e.message} in '${h}'`);
      throw e;
    }
  });
}
