#!/usr/bin/env node
/** The `iqsim` binary: runs the CLI on the process arguments and streams. */
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
