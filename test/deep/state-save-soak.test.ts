/**
 * Issue 10 item 8: 1,000 SIGKILLs during state saves (`npm run test:deep -- state-save-soak=N`):
 * 0 corrupt, 0 unrestorable, 0 temp files left after the next start, and never more than the last
 * kill's own temp file in between (each start sweeps the ones before).
 */
import { expect, it } from 'vitest';
import { deepCount } from '../helpers/deep.js';
import { saveSoak } from '../helpers/save-soak.js';

it('SIGKILL during state saves never leaves a bad file or stale temp files', async () => {
  const kills = deepCount('state-save-soak', 1000);
  const result = await saveSoak(kills, 1_000_003, 4);
  console.log(JSON.stringify({ soak: 'state-save', ...result }));
  expect(result).toEqual({
    kills,
    corrupt: 0,
    unrestorable: 0,
    mostTempFiles: expect.any(Number),
    tempFilesAtEnd: 0,
  });
  expect(result.mostTempFiles).toBeLessThanOrEqual(1);
});
