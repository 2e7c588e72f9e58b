/**
 * Issue #3 invariants, short run: 300 seeded random sequences per model, with the same
 * fast-check seeds as the 10,000-sequence runs of `npm run test:deep` (test/deep/firmware-properties-*).
 */
import { describeInvariants } from './helpers/firmware-invariants.js';

describeInvariants(300);
