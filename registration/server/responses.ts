/**
 * Response schemas (issue 15 item 10): what each route answers, per status, in /openapi.json and for
 * serialisation. Bodies whose fields are known are closed objects: fast-json-stringify writes only
 * the declared fields, and in test mode `contract.ts` refuses an answer with an undeclared one, so a
 * field a handler adds without declaring it fails the tests instead of vanishing.
 */
import { type TSchema, Type } from 'typebox';
import { PROBLEM_TYPE } from './problem.js';
import * as S from './schemas.js';

const closed = { additionalProperties: false } as const;
const Str = Type.String();
const Instant = Type.String({ format: 'date-time' });
const Day = Type.String({ format: 'date' });
/** Immutable: the rules hand out `readonly string[]` lists. */
const Strings = Type.Immutable(Type.Array(Str));
const Nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);

/** RFC 9457 problem details with our stable `code` (`problem.ts`). */
export const Problem = Type.Object(
  { type: Str, title: Str, status: Type.Integer({ minimum: 400, maximum: 599 }), code: Str, detail: Str },
  { ...closed, description: 'application/problem+json (RFC 9457) with a stable code' },
);

const WHY: Readonly<Record<number, string>> = {
  400: 'bad input: schema, format or rule; a wrong, expired or used-up code (REGISTRY_BAD_REQUEST, REGISTRY_WEAK_PASSWORD, REGISTRY_CODE_INVALID, …)',
  401: 'no or expired session, or a failed login (REGISTRY_UNAUTHENTICATED, REGISTRY_LOGIN_FAILED)',
  403: 'refused for this account or origin (REGISTRY_NOT_VERIFIED, REGISTRY_REGISTER_FIRST, REGISTRY_CROSS_SITE, …)',
  404: 'not found, or not yours (REGISTRY_NOT_FOUND)',
  409: 'conflicts with the stored state (REGISTRY_DEVICE_UNAVAILABLE, REGISTRY_DEVICE_LIMIT, REGISTRY_CLAIM_USED, …)',
  413: 'the body is over 256 KiB',
  415: 'the body is not JSON (REGISTRY_UNSUPPORTED_MEDIA_TYPE)',
  421: 'the Host header does not name this service (REGISTRY_MISDIRECTED)',
  422: 'a rule refuses it (REGISTRY_UNDERAGE, REGISTRY_WARRANTY_EXPIRED, …)',
  429: 'too many requests per address, or attempts or messages per account (REGISTRY_RATE_LIMITED, with Retry-After)',
  500: 'a bug (REGISTRY_INTERNAL)',
};

/** One problem+json response per status. */
export function problems(...statuses: number[]): Record<number, object> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: WHY[status] ?? 'problem', content: { [PROBLEM_TYPE]: { schema: Problem } } },
    ]),
  );
}

export const NoContent = Type.Null({ description: 'No Content' });

export const Accepted = <const T extends string[]>(...statuses: T) =>
  Type.Object({ status: Type.Enum(statuses) }, closed);

export const Session = Type.Object({ token: Str, accountId: Str, expiresAt: Instant }, closed);

export const Registration = Type.Object(
  {
    deviceId: Str,
    newlyRegistered: Type.Boolean(),
    source: Type.Enum(['manual', 'sign-up', 'pairing', 'shop']),
    offer: Type.Object({ granted: Type.Boolean(), reason: Type.Optional(Str) }, closed),
  },
  closed,
);

export const Verified = Type.Object(
  {
    verified: Type.Literal(true),
    email: Str,
    accountId: Str,
    device: Type.Optional(Type.Union([Registration, Type.Object({ error: Str }, closed)])),
  },
  closed,
);

export const AddressOut = Type.Object({ id: Str, ...S.Address.properties }, closed);
export const Addresses = Type.Array(AddressOut);

export const MarketingOut = Type.Object({ optIn: Type.Boolean(), topics: Strings }, closed);

export const Profile = Type.Object(
  {
    accountId: Str,
    email: Str,
    emailVerified: Type.Boolean(),
    pendingEmail: Type.Optional(Str),
    dateOfBirth: Day,
    country: Str,
    firstName: Type.Optional(Str),
    lastName: Type.Optional(Str),
    mobile: Type.Optional(Str),
    mobileVerified: Type.Boolean(),
    hasPassword: Type.Boolean(),
    marketing: MarketingOut,
    addresses: Addresses,
  },
  closed,
);

export const Deleted = Type.Object({ releasedDevices: Strings }, closed);
export const MobileVerified = Type.Object({ mobileVerified: Type.Literal(true) }, closed);

export const Program = Type.Object(
  {
    status: Type.Enum(['active', 'ended', 'not-activated']),
    country: Type.Optional(Str),
    endsBefore: Type.Optional(Day),
    benefits: Strings,
  },
  closed,
);

export const DeviceView = Type.Object(
  {
    deviceId: Str,
    qr: Str,
    model: Type.Optional(Str),
    registeredAt: Instant,
    registrationCountry: Str,
    purchaseDate: Day,
    purchaseCountry: Str,
    warrantyUntil: Type.Optional(Day),
    inWarranty: Type.Boolean(),
    benefits: Strings,
    program: Program,
    accidentalCoverageUntil: Day,
    accidentalClaimsLeft: Type.Integer({ minimum: 0 }),
    replacements: Type.Integer({ minimum: 0 }),
  },
  closed,
);
export const DeviceViews = Type.Array(DeviceView);

export const QrDecoded = Type.Object({ deviceId: Str }, closed);

const caseOf = (kind: string, details: Record<string, TSchema>) =>
  Type.Object(
    { caseId: Str, kind: Type.Literal(kind), deviceId: Str, createdAt: Instant, ...details },
    closed,
  );
export const WarrantyCase = caseOf('warranty', {
  outcome: Type.Literal('replacement'),
  damage: Type.Enum(['defect', 'malfunction', 'cosmetic']),
  description: Str,
});
export const MoneyBackCase = caseOf('money-back', { outcome: Type.Literal('refund') });
export const NotConfirmed = Accepted('not-confirmed');
export const AccidentalCase = caseOf('accidental', {
  outcome: Type.Literal('replacement'),
  replacement: Type.Enum(['partial', 'complete']),
  description: Str,
  warrantyUntil: Type.Optional(Day),
});
export const RapidReplacementCase = caseOf('rapid-replacement', {
  promisedDeliveryDate: Day,
  address: AddressOut,
});
export const AssistanceCase = caseOf('international-assistance', {
  helpline: Str,
  fallbackHelpline: Str,
  shipEarliest: Day,
  shipLatest: Day,
  keepReplacedComponent: Type.Boolean(),
  currentCountry: Str,
  temporaryAddress: S.TemporaryAddress,
  problem: Str,
});

export const Order = Type.Object(
  { orderId: Str, deviceId: Str, purchaseDate: Day, country: Str, status: Type.Literal('paid') },
  closed,
);
export const Shipped = Type.Object(
  { orderId: Str, status: Type.Literal('shipped'), registration: Registration },
  closed,
);

export const InquiryOut = Type.Object(
  {
    inquiryId: Str,
    status: Type.Enum(['queued', 'referred-to-phone', 'refused-illegible', 'refused-coarse']),
    receivedAt: Instant,
    dueAt: Type.Optional(Instant),
    phone: Type.Optional(Str),
    purgeAt: Instant,
    text: Str,
    profile: Type.Object({ name: Type.Optional(Str), phone: Type.Optional(Str) }, closed),
    hasDiagnostics: Type.Boolean(),
    /** As stored: checked against `Diagnostics` when it came in. */
    diagnostics: Type.Optional(Type.Unsafe<unknown>(S.Diagnostics)),
  },
  closed,
);
export const Inquiries = Type.Array(InquiryOut);

/** Test controls. */
export const Messages = Type.Array(
  Type.Object(
    {
      id: Type.Integer(),
      channel: Type.Enum(['email', 'sms']),
      to: Str,
      template: Str,
      code: Type.Optional(Str),
      link: Type.Optional(Str),
      text: Str,
      atMs: Type.Integer(),
    },
    closed,
  ),
);
export const Clock = Type.Object({ now: Instant, nowMs: Type.Integer() }, closed);
export const Faults = Type.Immutable(
  Type.Array(Type.Object({ ...S.Fault.properties, calls: Type.Integer(), fired: Type.Integer() }, closed)),
);
export const Digest = Type.Object({ digest: Str }, closed);
export const AccountRows = Type.Array(
  Type.Object(
    {
      accountId: Str,
      email: Str,
      emailVerified: Type.Boolean(),
      country: Str,
      mobile: Nullable(Str),
      mobileVerified: Type.Boolean(),
      devices: Strings,
    },
    closed,
  ),
);
export const DeviceRows = Type.Array(
  Type.Object(
    {
      deviceId: Str,
      registered: Type.Boolean(),
      accountId: Nullable(Str),
      registeredAt: Nullable(Instant),
      purchaseDate: Nullable(Day),
      accidentalClaimUsed: Type.Boolean(),
    },
    closed,
  ),
);
const count = Type.Integer({ minimum: 0 });
/** What one retention sweep removed (docs/security.md "Retention"). */
export const Purged = Type.Object(
  {
    purged: Type.Object(
      { inquiries: count, sessions: count, secrets: count, orders: count, throttles: count },
      closed,
    ),
  },
  closed,
);
