/**
 * `npm run test:deep -- [name=count …] [vitest arguments …]`: runs vitest with vitest.deep.config.ts.
 * Each `name=count` becomes `IQSIM_DEEP_<NAME>=count` (read by test/helpers/deep.ts), e.g.
 * `firmware=100000 fuzz=10000000`; `runs=N` sets every count that has no argument of its own.
 * Anything else goes to vitest (a file filter, `--reporter=verbose`).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
const vitestArgs = [];
for (const arg of process.argv.slice(2)) {
  const count = /^([a-z][a-z0-9-]*)=(\d+)$/i.exec(arg);
  if (count) env[`IQSIM_DEEP_${count[1].toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`] = count[2];
  else vitestArgs.push(arg);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.deep.config.ts', ...vitestArgs], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
