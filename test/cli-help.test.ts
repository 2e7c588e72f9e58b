/**
 * Issue 9 item 4: `--help` texts match the real program. For the top level and each command: every
 * `--option` the help text names exists on that command, and every example runs with exit 0 (those
 * that need a pty, a Bluetooth adapter, a home directory or a file the user makes are only checked for
 * their options).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/built-cli.js';
import { cli } from './helpers/cli.js';

const COMMANDS = ['decode', 'encode', 'models', 'exchange', 'scenario', 'fleet', 'run', 'probe', 'send'];

/** Shell words of one example line: plain, "double" or 'single' quoted. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? (m[3] as string));
}

/** The `iqsim …` example lines of a help text (a pipe or redirect makes it a shell example). */
function examples(help: string): string[] {
  return help
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('iqsim ') && !/[|<>]/.test(line.replace(/"[^"]*"|'[^']*'/g, '')));
}

/** Long options that a `--help` text lists as options (lines that start with `-x, --name` or `--name`). */
function declaredOptions(help: string): Set<string> {
  return new Set([...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1] as string));
}

/** Examples that cannot run here: real hardware, a pty made by `iqsim run --serial`, user files. */
function runnable(argv: readonly string[]): boolean {
  if (argv[0] === 'run') return false; // real time until q or a signal
  if (argv.some((a) => /^(serial|ble):/.test(a) || a.startsWith('~'))) return false;
  return !argv.some((a) => /\.jsonl?$/.test(a) && !existsSync(join(ROOT, a)));
}

describe('--help matches the program', () => {
  for (const name of ['', ...COMMANDS]) {
    const argv = name ? [name, '--help'] : ['--help'];
    it(`iqsim ${argv.join(' ')}: named options exist, examples run`, async () => {
      const help = await cli(...argv);
      expect(help.code).toBe(0);
      const options = declaredOptions(help.out);
      const found = examples(help.out);
      if (name) expect(found.length > 0 || name === 'models').toBe(true);
      for (const example of found) {
        const exampleArgv = words(example).slice(1);
        const command = exampleArgv[0] as string;
        const commandOptions = name ? options : declaredOptions((await cli(command, '--help')).out);
        for (const word of exampleArgv.filter((w) => w.startsWith('--')))
          expect(commandOptions, `${example}: ${word}`).toContain(word.split('=')[0]);
        if (!runnable(exampleArgv)) continue;
        const result = await cli(...exampleArgv);
        expect({ example, code: result.code, err: result.err }).toEqual({ example, code: 0, err: '' });
      }
      // Every option a command's text names (descriptions, notes) is one it has, unless the text
      // names it as another command's (`run --state`).
      if (!name) return;
      for (const m of help.out.matchAll(/(?:(\w+)`? )?`?(?<![\w-])(--[a-z][\w-]*)/g))
        if (!COMMANDS.includes(m[1] as string)) expect(options, m[2]).toContain(m[2]);
    });
  }
});
