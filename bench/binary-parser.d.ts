/** binary-parser 2.x ships types its package.json `exports` does not expose under NodeNext; this is the part the baseline uses. */
declare module 'binary-parser' {
  export class Parser {
    uint8(name: string): Parser;
    buffer(name: string, options: { length: number | (() => number) }): Parser;
    parse(buffer: Uint8Array): unknown;
  }
}
