/**
 * What the rules core needs from the outside, injected by the server (sans-IO): the clock,
 * randomness, hashing and the message sender. Tests inject fixed ones.
 */

export interface Message {
  channel: 'email' | 'sms';
  to: string;
  /** verify-email, login-otp, reset-password, verify-mobile, signup-existing, password-changed, email-changed. */
  template: string;
  /** The one-time code, when the message carries one (test mode reads it from the outbox). */
  code?: string;
  /** D-R1: the same secret as an activation link. */
  link?: string;
  text: string;
  atMs: number;
}

export interface Ports {
  nowMs(): number;
  /** `n` uniformly random decimal digits. */
  randomDigits(n: number): string;
  /** A URL-safe random token with ≥ 256 bits (session bearer tokens). */
  randomToken(): string;
  /** A short random identifier for records. */
  randomId(): string;
  /** Hex sha256 of UTF-8 text (session tokens and one-time codes are stored hashed). */
  sha256(text: string): string;
  /**
   * Hex HMAC-SHA256 of UTF-8 text under the store's own secret key: customer history and throttle
   * keys, which must not be recomputable from an email address alone (docs/security.md "Erasure").
   */
  keyedHash(text: string): string;
  /** Whether a (lower-cased) password is on the server's list of commonly leaked ones (ASVS 2.1.7). */
  commonPassword(lowerCasePassword: string): boolean;
  /** Whether a stored hash was made with weaker parameters than the server uses now (rehash at login). */
  needsRehash(hash: string): boolean;
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, hash: string): Promise<boolean>;
  send(message: Message): void;
}

export interface RegistryOptions {
  /** Base of links in messages, e.g. `http://127.0.0.1:8080` (set once the server listens). */
  publicUrl: string;
  /** Devices one account may hold at once (docs/security.md "Device registrations"; default 20). */
  maxDevicesPerAccount: number;
}
