import type { Throttle } from './throttle.js';

/**
 * The registry's records and the store interface the rules core runs over. The server implements
 * `Store` with libSQL (registration/server/store.ts); the core never touches a database.
 * Instants are epoch ms (`…AtMs`), calendar dates ISO `YYYY-MM-DD` (`…Date`).
 */

export interface Address {
  id: string;
  label?: string;
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2 or XN (D-R6). */
  country: string;
}

export interface Account {
  id: string;
  /** Lower-cased, trimmed. */
  email: string;
  emailVerified: boolean;
  /** an address waiting for its verification before it replaces `email`. */
  pendingEmail?: string;
  /** scrypt hash from the server's password port; absent for an account that never set one. */
  passwordHash?: string;
  dateOfBirth: string;
  /** Country of residence (R-22 (1)); where devices are registered (R-22 (2)). */
  country: string;
  firstName?: string;
  lastName?: string;
  /** E.164; usable for login only when `mobileVerified`. */
  mobile?: string;
  mobileVerified: boolean;
  addresses: Address[];
  /** opt-in, off by default. */
  marketingOptIn: boolean;
  createdAtMs: number;
  /** */
  careCoarseCount: number;
  /** a device ID given at sign-up, registered when the email is verified (D-R1). */
  pendingDeviceId?: string;
  careBanned: boolean;
}

export type SecretPurpose = 'verify-email' | 'login-otp' | 'reset-password' | 'verify-mobile';

/** A one-time secret (D-R1, D-R2): stored hashed, one live per account and purpose. */
export interface Secret {
  accountId: string;
  purpose: SecretPurpose;
  hash: string;
  /** For verify-email: the address it verifies (the pending one on an email change). */
  target: string;
  expiresAtMs: number;
  attemptsLeft: number;
}

export interface Session {
  tokenHash: string;
  accountId: string;
  expiresAtMs: number;
}

/** One replacement or claim on a unit, kept on the device (not personal data). */
export interface DeviceEvent {
  kind: 'warranty-replacement' | 'accidental-replacement' | 'rapid-replacement' | 'money-back';
  atMs: number;
  caseId: string;
}

export interface Device {
  /** D-R4 */
  deviceId: string;
  model?: string;
  /** D-R5: at most one account at a time; undefined = unregistered. */
  accountId?: string;
  registeredAtMs?: number;
  /** R-22 (2): the owner's country at registration. */
  registrationCountry?: string;
  /** first-ever registration of this unit in the database (kept after release). */
  firstRegisteredAtMs?: number;
  /** warranty start; never changed by a replacement. */
  purchaseDate?: string;
  /** the warranty is valid in the country of purchase. */
  purchaseCountry?: string;
  /** activated by one account for this unit, in one country. */
  program?: { accountId: string; country: string; activatedAtMs: number };
  /** the unit's one accidental-damage claim, when used. */
  accidentalClaimAtMs?: number;
  events: DeviceEvent[];
}

/** a customer known by a hash of the email, kept after account deletion. */
export interface Customer {
  emailHash: string;
  firstRegistrationAtMs: number;
  offerGrantedAtMs?: number;
  offerDeviceId?: string;
}

export interface Order {
  id: string;
  accountId: string;
  deviceId: string;
  purchaseDate: string;
  country: string;
  status: 'paid' | 'shipped';
  shippedAtMs?: number;
  /** Our retention (docs/security.md "Retention"): 3 years after the order, as R-30 for correspondence. */
  purgeAtMs?: number;
}

export type CaseKind =
  | 'warranty'
  | 'accidental'
  | 'money-back'
  | 'rapid-replacement'
  | 'international-assistance';

/** A granted claim or service case; personal parts are erased with the account (D-R3). */
export interface Case {
  id: string;
  kind: CaseKind;
  accountId: string;
  deviceId: string;
  createdAtMs: number;
  details: Record<string, unknown>;
}

export interface Inquiry {
  id: string;
  accountId: string;
  receivedAtMs: number;
  /** R-26, D-R8 */
  dueAtMs?: number;
  /** received + 3 years; purged from then on. */
  purgeAtMs: number;
  status: 'queued' | 'referred-to-phone' | 'refused-illegible' | 'refused-coarse';
  text: string;
  /** only what the messenger shows everyone. */
  profile: { name?: string; phone?: string };
  diagnostics?: unknown;
}

/** What one retention sweep removed (docs/security.md "Retention"). */
export interface PurgeCounts {
  inquiries: number;
  sessions: number;
  secrets: number;
  orders: number;
  throttles: number;
}

/** One store transaction's view. Every method runs inside the enclosing `transaction`. */
export interface StoreTx {
  account(id: string): Promise<Account | undefined>;
  accountByEmail(email: string): Promise<Account | undefined>;
  /** Only verified mobiles are indexed. */
  accountByMobile(mobile: string): Promise<Account | undefined>;
  putAccount(account: Account): Promise<void>;
  /** D-R3: the account, its sessions, secrets, orders, cases and inquiries. */
  deleteAccount(id: string): Promise<void>;
  accounts(limit: number): Promise<Account[]>;

  session(tokenHash: string): Promise<Session | undefined>;
  /** The account of a session unexpired at `nowMs` (one lookup on every authenticated request). */
  sessionAccount(tokenHash: string, nowMs: number): Promise<Account | undefined>;
  putSession(session: Session): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Every session of the account but the one whose token hash is `keepTokenHash`, if given. */
  deleteSessionsOf(accountId: string, keepTokenHash?: string): Promise<void>;

  secret(accountId: string, purpose: SecretPurpose): Promise<Secret | undefined>;
  putSecret(secret: Secret): Promise<void>;
  deleteSecret(accountId: string, purpose: SecretPurpose): Promise<void>;

  device(deviceId: string): Promise<Device | undefined>;
  putDevice(device: Device): Promise<void>;
  devicesOf(accountId: string): Promise<Device[]>;
  /** How many devices the account holds, counting no further than `upTo`. */
  deviceCount(accountId: string, upTo: number): Promise<number>;
  devices(limit: number): Promise<Device[]>;

  customer(emailHash: string): Promise<Customer | undefined>;
  putCustomer(customer: Customer): Promise<void>;

  order(id: string): Promise<Order | undefined>;
  putOrder(order: Order): Promise<void>;

  putCase(c: Case): Promise<void>;
  casesOf(deviceId: string): Promise<Case[]>;

  putInquiry(inquiry: Inquiry): Promise<void>;
  /** the account's inquiries whose `purgeAtMs` is after `nowMs` (reads never delete). */
  inquiriesOf(accountId: string, nowMs: number): Promise<Inquiry[]>;

  throttle(key: string): Promise<Throttle | undefined>;
  putThrottle(throttle: Throttle): Promise<void>;
  deleteThrottle(key: string): Promise<void>;

  /**
   * Retention: removes inquiries past `purgeAtMs`, expired sessions and secrets, orders past
   * their retention and stale throttles.
   */
  purge(nowMs: number): Promise<PurgeCounts>;
}

export interface Store {
  /**
   * Runs `body` atomically and in isolation: all of its writes or none, and no other transaction
   * between its reads and writes (two registrations of one device: exactly one wins).
   */
  transaction<T>(body: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Runs `body` for reads only (no write lock taken): sessions, profiles, lists. */
  read<T>(body: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
