/**
 * Counts for the long runs of `npm run test:deep` (README "Testing"). A deep test names its count and
 * gives a default; `IQSIM_DEEP_<NAME>` (e.g. `IQSIM_DEEP_FIRMWARE=100000`) sets that one count and
 * `IQSIM_DEEP_RUNS` sets every count that has no variable of its own. `npm run test:deep --
 * firmware=100000` sets the variable for you (scripts/test-deep.mjs).
 */

/** The variable that sets one count: `firmware-links` → `IQSIM_DEEP_FIRMWARE_LINKS`. */
export function deepVariable(name: string): string {
  return `IQSIM_DEEP_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** The count for `name`: its variable, else IQSIM_DEEP_RUNS, else `fallback`; a bad value throws. */
export function deepCount(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const variable = deepVariable(name);
  const text = env[variable] ?? env.IQSIM_DEEP_RUNS;
  if (text === undefined || text === '') return fallback;
  const count = Number(text);
  if (!Number.isSafeInteger(count) || count < 1)
    throw new Error(`${env[variable] === undefined ? 'IQSIM_DEEP_RUNS' : variable}=${text}: not a count`);
  return count;
}
