/** registration/server: the registration stack's only I/O: HTTP (Fastify), the libSQL store, the ports. */
export { listAccounts, listDevices, purchase } from './admin.js';
export {
  API_VERSION,
  type RegistryApp,
  type RegistryServer,
  type RegistryServerOptions,
  startRegistryServer,
} from './app.js';
export { type StoreContextOptions, storeContext } from './context.js';
export { type ActiveFault, FaultTable, SeededGenerator } from './faults.js';
export { MAX_JSON_DEPTH } from './json-limits.js';
export { MIGRATIONS } from './migrations.js';
export {
  hashPassword,
  isLeakedPassword,
  nodePorts,
  Outbox,
  SCRYPT_COST,
  ServiceClock,
  verifyPassword,
} from './ports.js';
export { PROBLEM_TYPE } from './problem.js';
export { LibsqlStore, type StoreOptions } from './store.js';
