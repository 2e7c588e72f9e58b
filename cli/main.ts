#!/usr/bin/env node
/** The `iqsim` binary: runs the CLI on the process arguments and streams. */
import { runCli } from './program.js';

// A reader that goes away (`iqsim run --json | head -1`) ends the program quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  errIsTTY: process.stderr.isTTY === true,
  ...(process.stderr.columns ? { errColumns: process.stderr.columns } : {}),
});
process.exitCode = code;
