/**
 * ATT PDU codec (Bluetooth Core spec v5.4 Vol 3 Part F §3.3, §3.4): the bytes a GATT client and the
 * virtual device exchange on the LE-U fixed channel 0x0004. Both directions live here so the simulator's
 * server and a test or CLI client share one codec. Decoding never throws: a malformed PDU is an error
 * result (docs/architecture.md house rule 7); encoders throw only on programmer misuse. Split over three
 * files to keep each short: att-pdu.ts (opcodes, error codes, the PDU union, UUIDs), att-encode.ts,
 * att-decode.ts.
 */
export * from './att-decode.js';
export * from './att-encode.js';
export * from './att-pdu.js';
