/**
 * The registration layer's one error class (docs/architecture.md house rule 7): a stable `code`
 * (`REGISTRY_*`) and the HTTP status the server maps it to. Message text is not API. Rule functions return these as values
 * (`Decision`); the service throws them; the server turns them into problem+json.
 */
export const REGISTRY_ERRORS = {
  /** A body, parameter or query that fails its JSON Schema (the server's validation). */
  REGISTRY_BAD_REQUEST: 400,
  REGISTRY_BAD_DEVICE_ID: 400,
  REGISTRY_BAD_QR: 400,
  REGISTRY_BAD_DATE: 400,
  REGISTRY_BAD_COUNTRY: 400,
  REGISTRY_WEAK_PASSWORD: 400,
  /** */
  REGISTRY_UNDERAGE: 422,
  REGISTRY_CONFIRM_REQUIRED: 400,
  REGISTRY_UNAUTHENTICATED: 401,
  /** the one answer for a wrong email, password, mobile or OTP (no account is revealed). */
  REGISTRY_LOGIN_FAILED: 401,
  /** D-R1 */
  REGISTRY_NOT_VERIFIED: 403,
  /** Wrong, expired, used-up or unknown: one answer (docs/security.md "One-time codes"). */
  REGISTRY_CODE_INVALID: 400,
  /** Per-IP or per-account throttling; `retryAfterMs` says when (docs/security.md "Throttling"). */
  REGISTRY_RATE_LIMITED: 429,
  REGISTRY_EMAIL_TAKEN: 409,
  REGISTRY_MOBILE_TAKEN: 409,
  REGISTRY_MOBILE_NOT_VERIFIED: 409,
  REGISTRY_WRONG_PASSWORD: 403,
  REGISTRY_NOT_FOUND: 404,
  /** D-R5: registered to another account (which one is never said). */
  REGISTRY_DEVICE_UNAVAILABLE: 409,
  REGISTRY_DEVICE_NOT_REGISTERED: 409,
  /** The account holds its cap of registered devices (docs/security.md "Device registrations"). */
  REGISTRY_DEVICE_LIMIT: 409,
  REGISTRY_NOT_PURCHASED: 409,
  REGISTRY_WARRANTY_EXPIRED: 422,
  REGISTRY_COSMETIC_NOT_COVERED: 422,
  REGISTRY_MONEY_BACK_EXPIRED: 422,
  REGISTRY_PROGRAM_NOT_ACTIVE: 422,
  REGISTRY_PROGRAM_EXPIRED: 422,
  REGISTRY_PROGRAM_ACTIVE: 409,
  REGISTRY_COVERAGE_EXPIRED: 422,
  REGISTRY_CLAIM_USED: 409,
  /** unregistered users or devices are told to register first. */
  REGISTRY_REGISTER_FIRST: 403,
  /** */
  REGISTRY_IA_AT_HOME: 422,
  /** R-22 (3) */
  REGISTRY_IA_NOT_COVERED: 422,
  /** R-22 (1), (2) */
  REGISTRY_IA_NOT_RESIDENT: 422,
  /** */
  REGISTRY_CARE_ILLEGIBLE: 422,
  REGISTRY_CARE_COARSE: 422,
  REGISTRY_CARE_BANNED: 403,
  REGISTRY_ORDER_STATE: 409,
  /** The Host header names another server (DNS rebinding; docs/security.md "The app server and the test routes"). */
  REGISTRY_MISDIRECTED: 421,
  /** A test control called from another origin or site. */
  REGISTRY_CROSS_SITE: 403,
  /** A body that is not application/json. */
  REGISTRY_UNSUPPORTED_MEDIA_TYPE: 415,
  REGISTRY_FAULT_INJECTED: 503,
  /** The store file cannot be opened, created or migrated (never an HTTP answer: the server does not start). */
  REGISTRY_STORE_OPEN: 500,
  REGISTRY_INTERNAL: 500,
} as const;

export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    /** REGISTRY_RATE_LIMITED: how long until a retry can succeed (the server's `Retry-After`). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  get status(): number {
    return REGISTRY_ERRORS[this.code];
  }
}

/** A rule's answer: allowed (with a value) or refused with a code and a reason. */
export type Decision<T = true> = { ok: true; value: T } | { ok: false; error: RegistryError };

export function allow<T>(value: T): Decision<T> {
  return { ok: true, value };
}

export function refuse<T = never>(code: RegistryErrorCode, message: string): Decision<T> {
  return { ok: false, error: new RegistryError(code, message) };
}

/** The value of a decision, or its error thrown (the service's way to stop at a refused rule). */
export function must<T>(decision: Decision<T>): T {
  if (!decision.ok) throw decision.error;
  return decision.value;
}
