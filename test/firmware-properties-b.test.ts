/** Issue #3 invariants over 10,000 seeded random sequences per model (half of the models; see the helper). */
import { describeInvariants } from './helpers/firmware-invariants.js';

describeInvariants(1);
