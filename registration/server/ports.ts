/**
 * The server's implementations of the core's ports (registration/ports.ts): node:crypto randomness,
 * sha256, HMAC under the store's key and scrypt, the list of leaked passwords, the service clock and
 * the outbox.
 */
import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { Message, Ports } from '../index.js';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * scrypt costs (docs/security.md "Passwords"): OWASP's current recommendation (N=2^17, r=8, p=1,
 * 128 MiB, ~0.3 s on one core here) outside test mode; in test mode N=2^10 (1 MiB, ~2 ms), so
 * suites that sign up thousands of users run in seconds. Test mode also hands every one-time code to
 * anyone who asks (`/_test/outbox`): it is never for real accounts.
 */
export const SCRYPT_COST = {
  production: { N: 2 ** 17, r: 8, p: 1 },
  test: { N: 2 ** 10, r: 8, p: 1 },
} as const satisfies Record<string, ScryptCost>;

const KEY_BYTES = 32;
/** Largest stored cost a hash may ask for (a forged `$N$` must not make verification eat the memory). */
const MAX_N = 2 ** 20;

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const maxmem = 256 * cost.N * cost.r + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, { ...cost, maxmem }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

export async function hashPassword(
  password: string,
  cost: ScryptCost = SCRYPT_COST.production,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** The cost a stored hash was made with, or undefined when it is not one of ours. */
function storedCost(stored: string): (ScryptCost & { salt: string; key: string }) | undefined {
  const [tag, n, r, p, salt, key] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const sane =
    Number.isInteger(Math.log2(cost.N)) && cost.N <= MAX_N && cost.r >= 1 && cost.r <= 32 && cost.p === 1;
  return tag === 'scrypt' && salt && key && sane ? { ...cost, salt, key } : undefined;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = storedCost(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(parsed.salt, 'base64url'), parsed);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether `stored` was hashed with less work than `cost` (it is rehashed at the next login). */
export function weakerThan(stored: string, cost: ScryptCost): boolean {
  const parsed = storedCost(stored);
  return !parsed || parsed.N * parsed.r < cost.N * cost.r;
}

let leaked: ReadonlySet<string> | undefined;

/**
 * ASVS 2.1.7: the passwords most often found in breaches (zxcvbn-ts's common list, 49,233 entries),
 * lower-cased; loaded on first use.
 */
export function isLeakedPassword(lowerCasePassword: string): boolean {
  leaked ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return leaked.has(lowerCasePassword);
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

export interface NodePortsOptions {
  clock: ServiceClock;
  outbox: Outbox;
  /** HMAC under the store's key (LibsqlStore.keyedHash). */
  keyedHash: (text: string) => string;
  /** Default: SCRYPT_COST.production. */
  scrypt?: ScryptCost;
}

export function nodePorts(options: NodePortsOptions): Ports {
  const cost = options.scrypt ?? SCRYPT_COST.production;
  return {
    nowMs: () => options.clock.nowMs(),
    randomDigits: (n) => Array.from({ length: n }, () => String(randomInt(10))).join(''),
    randomToken: () => randomBytes(32).toString('base64url'),
    randomId: () => randomBytes(9).toString('base64url'),
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    keyedHash: options.keyedHash,
    commonPassword: isLeakedPassword,
    hashPassword: (password) => hashPassword(password, cost),
    verifyPassword,
    needsRehash: (stored) => weakerThan(stored, cost),
    send: (message) => options.outbox.push(message),
  };
}
