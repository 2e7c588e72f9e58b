/**
 * Issue #3 invariants over 10,000 seeded random sequences per model (`IQSIM_DEEP_FIRMWARE` sets the
 * count); the models of index parity 1, the other half in firmware-properties-a.test.ts.
 */
import { deepCount } from '../helpers/deep.js';
import { describeInvariants } from '../helpers/firmware-invariants.js';

describeInvariants(deepCount('firmware', 10_000), 1);
