/**
 * What the rules core needs from the outside, injected by the server (sans-IO): the clock,
 * randomness, hashing and the message sender. Tests inject fixed ones.
 */

export interface Message {
  channel: 'email' | 'sms';
  to: string;
  /** verify-email, login-otp, reset-password, verify-mobile, signup-existing. */
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
  /** Hex sha256 of UTF-8 text (session tokens, codes and email hashes are stored hashed). */
  sha256(text: string): string;
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, hash: string): Promise<boolean>;
  send(message: Message): void;
}

export interface RegistryOptions {
  /** Base of links in messages, e.g. `http://127.0.0.1:8080`. */
  publicUrl: string;
}
