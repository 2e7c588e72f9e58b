/**
 * TypeBox schemas: one source for the request types and the JSON Schemas that validate them and
 * document them in /openapi.json. Every object refuses unknown fields and every string has a length
 * limit; formats for dates, emails, countries, mobiles and device IDs.
 */
import { type Static, Type } from 'typebox';
import { DEVICE_ID_PATTERN } from '../index.js';

const closed = { additionalProperties: false } as const;

/** A device ID as typed (D-R4): case, spaces and dashes are forgiven and normalised by the rules. */
export const DeviceIdInput = Type.String({
  minLength: 14,
  maxLength: 24,
  pattern: '^[Tt][0-9A-Za-z \\-]{13,23}$',
  description: `device ID (D-R4), normalised to ${DEVICE_ID_PATTERN}`,
});
export const DeviceIdParam = Type.Object({ deviceId: DeviceIdInput }, closed);
export const IdParam = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' }) },
  closed,
);
/** ISO 3166-1 alpha-2, or XN (D-R6). */
export const Country = Type.String({ minLength: 2, maxLength: 2, pattern: '^[A-Z]{2}$' });
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: 128 });
export const IsoDate = Type.String({
  format: 'date',
  minLength: 10,
  maxLength: 10,
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
});
/** E.164 */
export const Mobile = Type.String({ minLength: 8, maxLength: 16, pattern: '^\\+[1-9][0-9]{6,14}$' });
export const Code = Type.String({ minLength: 4, maxLength: 12, pattern: '^[0-9]+$' });
const Name = Type.String({ minLength: 1, maxLength: 80 });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const SignUp = Type.Object(
  {
    email: Email,
    password: Password,
    dateOfBirth: IsoDate,
    country: Country,
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
    mobile: Type.Optional(Mobile),
    marketingOptIn: Type.Optional(Type.Boolean()),
    deviceId: Type.Optional(DeviceIdInput),
  },
  closed,
);
export const Verify = Type.Object(
  {
    email: Type.Optional(Email),
    code: Type.Optional(Code),
    token: Type.Optional(Type.String({ minLength: 3, maxLength: 80, pattern: '^[A-Za-z0-9_-]+\\.[0-9]+$' })),
  },
  closed,
);
export const EmailOnly = Type.Object({ email: Email }, closed);
export const Login = Type.Object({ email: Email, password: Password }, closed);
export const MobileOnly = Type.Object({ mobile: Mobile }, closed);
export const OtpLogin = Type.Object({ mobile: Mobile, code: Code }, closed);
export const Reset = Type.Object({ email: Email, code: Code, newPassword: Password }, closed);
export const CodeOnly = Type.Object({ code: Code }, closed);
export const Details = Type.Object({ firstName: Type.Optional(Name), lastName: Type.Optional(Name) }, closed);
export const NewEmail = Type.Object({ newEmail: Email }, closed);
export const NewPassword = Type.Object(
  { currentPassword: Type.Optional(Password), newPassword: Password },
  closed,
);
export const Address = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    name: Name,
    line1: Text(120),
    line2: Type.Optional(Text(120)),
    city: Text(80),
    postalCode: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    country: Country,
  },
  closed,
);
export const Marketing = Type.Object({ optIn: Type.Boolean() }, closed);
export const Confirm = Type.Object({ confirm: Type.Boolean() }, closed);
export const RegisterDevice = Type.Object(
  { deviceId: DeviceIdInput, purchaseDate: Type.Optional(IsoDate), purchaseCountry: Type.Optional(Country) },
  closed,
);
export const PairDevice = Type.Object(
  {
    deviceId: DeviceIdInput,
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9-]+$' })),
  },
  closed,
);
export const QrLookup = Type.Object({ qr: Type.String({ minLength: 1, maxLength: 64 }) }, closed);
export const Order = Type.Object(
  { deviceId: DeviceIdInput, purchaseDate: Type.Optional(IsoDate), country: Type.Optional(Country) },
  closed,
);
export const WarrantyClaim = Type.Object(
  {
    kind: Type.Union([Type.Literal('defect'), Type.Literal('malfunction'), Type.Literal('cosmetic')]),
    affectsFunction: Type.Optional(Type.Boolean()),
    description: Text(2000),
  },
  closed,
);
export const AccidentalClaim = Type.Object(
  { replacement: Type.Union([Type.Literal('partial'), Type.Literal('complete')]), description: Text(2000) },
  closed,
);
export const ProgramActivation = Type.Object({ country: Country }, closed);
export const RapidReplacement = Type.Object({ addressId: IdParam.properties.id }, closed);
export const TemporaryAddress = Type.Object(
  {
    name: Name,
    line1: Text(120),
    city: Text(80),
    postalCode: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    country: Country,
  },
  closed,
);
export const Assistance = Type.Object(
  {
    deviceId: DeviceIdInput,
    currentCountry: Country,
    temporaryAddress: TemporaryAddress,
    problem: Text(2000),
  },
  closed,
);
/** The report `iqsim diagnose --json` prints; sections are open (a real device may add fields). */
export const Diagnostics = Type.Object(
  {
    transport: Type.Optional(Type.String({ maxLength: 200 })),
    identity: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()),
    firmware: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()),
    battery: Type.Unknown(),
    counters: Type.Unknown(),
    errorLog: Type.Array(Type.Unknown(), { maxItems: 200 }),
    generatedAt: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: true, maxProperties: 16 },
);
export const Inquiry = Type.Object({ text: Text(4000), diagnostics: Type.Optional(Diagnostics) }, closed);

export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  code: Type.String(),
  detail: Type.String(),
});

/** Test controls. */
/** The body of a control with no input: `{}` (test controls take JSON only, docs/registration.md). */
export const Empty = Type.Object({}, closed);
export const ClockSet = Type.Object({ now: Type.String({ format: 'date-time', maxLength: 40 }) }, closed);
export const ClockAdvance = Type.Object(
  { ms: Type.Integer({ minimum: 0, maximum: 20 * 365 * 86_400_000 }) },
  closed,
);
export const Fault = Type.Object(
  {
    route: Type.String({ minLength: 1, maxLength: 120, description: 'e.g. "POST /devices" or "*"' }),
    kind: Type.Union([Type.Literal('latency'), Type.Literal('status'), Type.Literal('drop')]),
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    status: Type.Optional(Type.Integer({ minimum: 500, maximum: 599 })),
    /** `after` = the handler runs and commits first (the response is lost), `before` = it never runs. */
    phase: Type.Optional(Type.Union([Type.Literal('before'), Type.Literal('after')])),
    afterCalls: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    times: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  closed,
);
export const ShipOrder = Type.Object({ orderId: IdParam.properties.id }, closed);
export const AdminPurchase = Type.Object(
  {
    email: Email,
    deviceId: DeviceIdInput,
    purchaseDate: Type.Optional(IsoDate),
    country: Type.Optional(Country),
    ship: Type.Optional(Type.Boolean()),
  },
  closed,
);

export type SignUpBody = Static<typeof SignUp>;
export type FaultBody = Static<typeof Fault>;
