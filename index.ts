/** iqsim: the public entry. Each layer has its own entry too (`iqsim/protocol`). */
export * from './protocol/index.js';
