/**
 * The `iqsim` command line (commander 14), runnable in-process: `runCli(argv, io)` returns the exit
 * code instead of exiting, so tests drive the same code as the binary.
 *
 * Start-up is lazy (issue 9 item 1): `COMMANDS` names each command and how to load the module that
 * defines and implements it, and only the command being run is imported (`await import()`), so
 * `iqsim decode` loads commander and `protocol/` and nothing else: not the simulator or rxjs, the
 * transports (serialport, noble, playwright-core) or the registry (fastify, libsql). The help, the
 * version and an unknown command load every command, so the command list and the "did you mean"
 * suggestions stay whole. `test/cli-lazy.test.ts` checks what each light command loads.
 */
import { Command, CommanderError } from 'commander';
import { ProtocolError } from '../protocol/index.js';
import { type CliContext, type CliIo, CliUsageError, EXIT_OK, EXIT_USAGE } from './io.js';

export const VERSION = '0.1.0';

type Register = (program: Command, ctx: CliContext) => void;

/**
 * Every command, in help order. To add one: a module `cli/<name>.ts` exporting a register function,
 * and one line here whose `load` imports it. Keep heavy imports out of this file and of `io.ts`.
 */
const COMMANDS: readonly { name: string; load: () => Promise<Register> }[] = [
  { name: 'decode', load: async () => (await import('./decode.js')).registerDecode },
  { name: 'encode', load: async () => (await import('./encode.js')).registerEncode },
  { name: 'models', load: async () => (await import('./models.js')).registerModels },
  { name: 'exchange', load: async () => (await import('./exchange.js')).registerExchange },
  { name: 'scenario', load: async () => (await import('./scenario.js')).registerScenario },
  { name: 'fleet', load: async () => (await import('./fleet.js')).registerFleet },
  { name: 'run', load: async () => (await import('./run.js')).registerRun },
  { name: 'plot', load: async () => (await import('./plot.js')).registerPlot },
  { name: 'probe', load: async () => (await import('./probe.js')).registerProbe },
  { name: 'send', load: async () => (await import('./send.js')).registerSend },
  { name: 'diagnose', load: async () => (await import('./diagnose.js')).registerDiagnose },
  { name: 'diff', load: async () => (await import('./diff.js')).registerDiff },
  { name: 'replay', load: async () => (await import('./replay.js')).registerReplay },
  { name: 'conformance', load: async () => (await import('./conformance.js')).registerConformance },
  // fastify and libsql load only when an `iqsim registry …` command runs.
  { name: 'registry', load: async () => (await import('./registry.js')).registerRegistry },
  // fastify loads only when `iqsim ui` runs.
  { name: 'ui', load: async () => (await import('./ui.js')).registerUi },
  {
    name: 'label',
    load: async () => {
      const { registerLabel } = await import('./label.js');
      return (program, ctx) => registerLabel(program, ctx.io);
    },
  },
  {
    name: 'app',
    load: async () => {
      const { registerApp } = await import('./app.js');
      return (program, ctx) => registerApp(program, ctx.io);
    },
  },
];

/** Commander's own usage errors as stable codes (docs/cli.md). */
const COMMANDER_CODES: Readonly<Record<string, string>> = {
  'commander.unknownOption': 'CLI_UNKNOWN_OPTION',
  'commander.unknownCommand': 'CLI_UNKNOWN_COMMAND',
  'commander.missingArgument': 'CLI_MISSING_ARGUMENT',
  'commander.excessArguments': 'CLI_EXCESS_ARGUMENTS',
  'commander.missingMandatoryOptionValue': 'CLI_MISSING_OPTION',
  'commander.optionMissingArgument': 'CLI_MISSING_OPTION_VALUE',
  'commander.invalidArgument': 'CLI_BAD_OPTION',
  'commander.conflictingOption': 'CLI_CONFLICTING_OPTIONS',
};

/** The command named in `argv`: the first word that is not an option (there are no global option values). */
function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((word) => !word.startsWith('-'));
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const ctx: CliContext = {
    io,
    setExit: (code) => {
      exitCode = code;
    },
  };
  const output = {
    writeOut: (s: string) => io.out(s),
    writeErr: (s: string) => io.err(s),
    // Usage errors are printed by the catch below, as `error CODE: message`.
    outputError: () => undefined,
  };
  const program = new Command('iqsim')
    .description('Simulator and protocol toolkit for IQOS holders and chargers')
    .version(VERSION)
    .exitOverride()
    .configureOutput(output)
    .addHelpText(
      'after',
      `
Examples:
  iqsim decode "00 C0 02 23 C3"
  iqsim encode set-brightness high
  iqsim models --json`,
    );
  const word = commandWord(argv);
  const chosen = COMMANDS.find((c) => c.name === word);
  for (const command of chosen ? [chosen] : COMMANDS) (await command.load())(program, ctx);
  for (const sub of program.commands) sub.exitOverride().configureOutput(output);
  const json = argv.includes('--json');
  const usage = (code: string, message: string): number => {
    io.err(`error ${code}: ${message}\n`);
    if (json) io.out(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
    return EXIT_USAGE;
  };
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT_OK;
      // `iqsim` alone: commander has printed the help on stderr; that is the whole message.
      if (e.code === 'commander.help') return EXIT_USAGE;
      const hint = chosen ? `iqsim ${chosen.name} --help` : 'iqsim --help';
      const message = e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
      return usage(COMMANDER_CODES[e.code] ?? 'CLI_USAGE', `${message} (run ${hint} for usage)`);
    }
    if (e instanceof CliUsageError || e instanceof ProtocolError) return usage(e.code, e.message);
    // Loaded only now: a FirmwareError or SimulatorError exists only if its layer is loaded already.
    const { FirmwareError } = await import('../firmware-model/index.js');
    const { SimulatorError } = await import('../simulator/index.js');
    if (e instanceof FirmwareError || e instanceof SimulatorError) return usage(e.code, e.message);
    // A transport error no command turned into its own exit (an optional package missing, no browser).
    const { TransportError } = await import('../transports/index.js');
    if (e instanceof TransportError) return usage(e.code, e.message);
    throw e;
  }
}
