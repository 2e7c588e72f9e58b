/**
 * The `iqsim` command line (commander 14), runnable in-process: `runCli(argv, io)` returns the exit
 * code instead of exiting, so tests drive the same code as the binary.
 */
import { Command, CommanderError } from 'commander';
import { FirmwareError } from '../firmware-model/index.js';
import { ProtocolError } from '../protocol/index.js';
import { SimulatorError } from '../simulator/index.js';
import { registerDecode } from './decode.js';
import { registerEncode } from './encode.js';
import { registerExchange } from './exchange.js';
import { type CliIo, CliUsageError, EXIT_OK, EXIT_USAGE } from './io.js';
import { registerLabel } from './label.js';
import { registerModels } from './models.js';
import { registerProbe } from './probe.js';
import { registerRun } from './run.js';
import { registerScenario } from './scenario.js';
import { registerSend } from './send.js';

export const VERSION = '0.1.0';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('iqsim')
    .description('Simulator and protocol toolkit for IQOS holders and chargers')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  iqsim decode "00 C0 02 23 C3"
  iqsim encode set-brightness high
  iqsim models --json`,
    );
  const setExit = (code: number) => {
    exitCode = code;
  };
  registerDecode(program, io, setExit);
  registerEncode(program, io, setExit);
  registerModels(program, io);
  registerExchange(program, io, setExit);
  registerScenario(program, io, setExit);
  registerRun(program, io, setExit);
  registerProbe(program, io, setExit);
  registerSend(program, io, setExit);
  registerLabel(program, io);
  for (const sub of program.commands)
    sub.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (
      e instanceof CliUsageError ||
      e instanceof ProtocolError ||
      e instanceof FirmwareError ||
      e instanceof SimulatorError
    ) {
      io.err(`error ${e.code}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
