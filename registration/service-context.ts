/** What every service operation runs with: the store, the injected ports and the options. */
import type { Store } from './model.js';
import type { Ports, RegistryOptions } from './ports.js';

export interface Context {
  readonly store: Store;
  readonly ports: Ports;
  readonly options: RegistryOptions;
}
