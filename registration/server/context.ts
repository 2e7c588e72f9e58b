/**
 * The service context over an open store: the ports the server gives the rules core (its clock, the
 * outbox, HMAC under the store's key, scrypt at the mode's cost) and the options. Used by the HTTP
 * server and by admin commands that open a store file directly.
 */
import type { Context } from '../index.js';
import { nodePorts, Outbox, SCRYPT_COST, ServiceClock } from './ports.js';
import type { LibsqlStore } from './store.js';

export interface StoreContextOptions {
  /** Default: the host clock. */
  clock?: ServiceClock;
  outbox?: Outbox;
  /** Test mode's cheaper password hashing (docs/security.md "Passwords"). */
  testMode?: boolean;
  /** Base of links in messages (the server sets it once it listens). */
  publicUrl?: string;
  /** Default 20. */
  maxDevicesPerAccount?: number;
}

export function storeContext(store: LibsqlStore, options: StoreContextOptions = {}): Context {
  return {
    store,
    ports: nodePorts({
      clock: options.clock ?? new ServiceClock(false),
      outbox: options.outbox ?? new Outbox(),
      keyedHash: (text) => store.keyedHash(text),
      scrypt: options.testMode ? SCRYPT_COST.test : SCRYPT_COST.production,
    }),
    options: { publicUrl: options.publicUrl ?? '', maxDevicesPerAccount: options.maxDevicesPerAccount ?? 20 },
  };
}
