/**
 * The server's implementations of the core's ports (registration/ports.ts): node:crypto randomness,
 * sha256 and scrypt, the service clock and the outbox.
 */
import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import type { Message, Ports } from '../index.js';

/** scrypt cost (N=2^14, r=8, p=1: the Node default, ~30–60 ms on a laptop core). */
const SCRYPT = { N: 16_384, r: 8, p: 1, keyLen: 32 } as const;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT.keyLen, { N, r, p, maxmem: 64 * 1024 * 1024 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [tag, n, r, p, salt, key] = stored.split('$');
  if (tag !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The service clock. Without test mode it is the host clock; in test mode it starts at `startMs`
 * and moves only when set or advanced, so tests reach the 24 h, 12-month and 3-year edges exactly.
 */
export class ServiceClock {
  private fixedMs: number | undefined;

  constructor(
    readonly controllable: boolean,
    startMs: number = Date.now(),
  ) {
    this.fixedMs = controllable ? startMs : undefined;
  }

  nowMs(): number {
    return this.fixedMs ?? Date.now();
  }

  set(ms: number): void {
    if (this.fixedMs === undefined) throw new Error('the clock is controllable only in test mode');
    this.fixedMs = ms;
  }

  advance(ms: number): void {
    this.set(this.nowMs() + ms);
  }
}

/** Sent messages, newest last; bounded so a long-running service does not grow without end. */
export class Outbox {
  readonly messages: (Message & { id: number })[] = [];
  private next = 1;

  constructor(private readonly limit = 10_000) {}

  push(message: Message): void {
    this.messages.push({ ...message, id: this.next++ });
    if (this.messages.length > this.limit) this.messages.splice(0, this.messages.length - this.limit);
  }

  clear(): void {
    this.messages.length = 0;
  }
}

export function nodePorts(clock: ServiceClock, outbox: Outbox): Ports {
  return {
    nowMs: () => clock.nowMs(),
    randomDigits: (n) => Array.from({ length: n }, () => String(randomInt(10))).join(''),
    randomToken: () => randomBytes(32).toString('base64url'),
    randomId: () => randomBytes(9).toString('base64url'),
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    hashPassword,
    verifyPassword,
    send: (message) => outbox.push(message),
  };
}
