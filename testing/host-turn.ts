/**
 * The host's own turn for `VirtualClock` (`VirtualClockOptions.hostTurn`; `createRig` uses it): a `setImmediate` callback
 * runs only once the promise job queue is empty, so awaiting it lets every pending `await` chain move
 * on before virtual time does. Captured when this module loads, so a test that installs fake timers
 * afterwards (vitest's `useFakeTimers` fakes `setImmediate`) still gets the real one.
 */
import type { HostTurn } from '../simulator/index.js';

const realSetImmediate = setImmediate;

export const hostTurn: HostTurn = () => new Promise<void>((resolve) => realSetImmediate(resolve));
