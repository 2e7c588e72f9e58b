/** The state-save soak, small and seeded (`npm run test:deep` runs 1,000 kills: test/deep/state-save-soak.test.ts). */
import { expect, it } from 'vitest';
import { saveSoak } from './helpers/save-soak.js';

it('6 SIGKILLs during state saves: no corrupt or unrestorable file, temp files swept at the next start', async () => {
  expect(await saveSoak(6, 2026)).toEqual({
    kills: 6,
    corrupt: 0,
    unrestorable: 0,
    mostTempFiles: expect.any(Number),
    tempFilesAtEnd: 0,
  });
});
