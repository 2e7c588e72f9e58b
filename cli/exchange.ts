/**
 * `iqsim exchange --model <name> [--transport ble|usb] [--seed n] <hex...>`: each request frame, in
 * order, to one fresh virtual device over the in-memory link in virtual time; prints the replies in
 * the frame vocabulary of `decode --json` (cli/frames.ts).
 */
import type { Command } from 'commander';
import { getProfile } from '../firmware-model/index.js';
import { hexBytes } from '../protocol/index.js';
import { type ExchangeOptions, runExchange, SimulatorError } from '../simulator/index.js';
import { CAPTURE_FLAGS, CAPTURE_HELP, openCaptureFlag } from './capture-flag.js';
import { parseRequests, printExchanges, toExchange } from './frames.js';
import { type CliContext, EXIT_FAILED } from './io.js';
import { choiceOption, numericOption, OPTIONS } from './options.js';

interface Flags {
  model: string;
  transport: string;
  seed: string;
  json?: boolean;
  snapshot?: string;
  overrides?: string;
  capture?: string;
}

export function registerExchange(program: Command, { io, setExit }: CliContext): void {
  program
    .command('exchange')
    .description('send request frames to a fresh virtual device (virtual time) and print its replies')
    .argument(
      '<hex...>',
      'request frames, each quoted: a BLE value (00/01 first), a USB report (3F first) or a logical frame',
    )
    .requiredOption('-m, --model <name>', 'model id (see iqsim models)')
    .option(
      '-t, --transport <transport>',
      'ble (ATT over the in-memory link) or usb (64-byte 3F reports)',
      'ble',
    )
    .option('--seed <n>', 'identity seed, 0..4294967295', '1')
    .option(CAPTURE_FLAGS, CAPTURE_HELP)
    .option('--json', 'print {"ok", "model", "transport", "exchanges": [{"request", "replies"}]}')
    .option(
      '--snapshot <file>',
      'start from this device snapshot (as `run --state` saves) instead of a fresh device',
    )
    .option(
      '--overrides <file>',
      'register overrides: reply bytes that win over computed values (docs/simulator.md)',
    )
    .addHelpText(
      'after',
      `
Each request and reply is printed as decode --json prints a frame. Exit codes: 0 every request got
a reply, 1 some request got none (the device stays silent on a bad CRC, an unknown register or an
unserved node), 2 bad usage, bad hex or a frame over 62 bytes.

Examples:
  iqsim exchange --model iluma-i "00 C0 02 23 C3" "00 C9 00 25 FB"
  iqsim exchange --model iluma-i-one --transport usb --json "3F 04 C0 00 24 FC"
  iqsim exchange --model iluma-i-one --overrides pinned.json "00 C0 00 24 FC"`,
    )
    .action(async (hex: string[], flags: Flags) => {
      const transport = choiceOption('--transport', flags.transport, ['ble', 'usb'] as const);
      const seed = numericOption(OPTIONS.seed, flags.seed);
      const model = getProfile(flags.model).id;
      const requests = parseRequests(hex);
      const device = await deviceFiles(flags, model);
      const capture = openCaptureFlag(flags.capture);
      const results = await runExchange(requests, {
        model,
        transport,
        seed,
        device,
        ...(capture ? { capture } : {}),
      });
      await capture?.finish();
      const exchanges = results.map((e, i) => toExchange(requests[i] as Uint8Array, e.replies.map(hexBytes)));
      const ok = printExchanges(io, exchanges, flags.json === true, { model, transport });
      if (!ok) setExit(EXIT_FAILED);
    });
}

/**
 * `--snapshot` and `--overrides` as device options; loaded only when given (they need the file
 * readers of the transports layer). Bad files are SIM_SNAPSHOT / SIM_OVERRIDES: exit 2.
 */
async function deviceFiles(flags: Flags, model: string): Promise<ExchangeOptions['device']> {
  const device: NonNullable<ExchangeOptions['device']> = {};
  if (flags.snapshot !== undefined) {
    const { loadSnapshot } = await import('../transports/index.js');
    const snapshot = loadSnapshot(flags.snapshot);
    if (snapshot.model !== model)
      throw new SimulatorError(
        'SIM_SNAPSHOT',
        `${flags.snapshot} holds model ${snapshot.model}, not ${model}`,
      );
    device.snapshot = snapshot;
  }
  if (flags.overrides !== undefined) {
    const { loadOverridesFile } = await import('../transports/index.js');
    device.overrides = loadOverridesFile(flags.overrides);
  }
  return device;
}
