/**
 * iqsim: the public entry — the protocol codecs, the firmware model and the simulator core. Each
 * layer has its own entry too (`iqsim/protocol`, `iqsim/firmware`, `iqsim/simulator`), and test
 * helpers have `iqsim/testing`.
 */

export * from './firmware-model/index.js';
export * from './protocol/index.js';
export * from './simulator/index.js';
